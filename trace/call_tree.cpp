#include "trace/call_tree.h"

#include <fmt/format.h>

#include <string>

namespace gostart::trace {

CallNode* CallNode::child(std::string_view fn) {
    for (auto& c : children)
        if (c->name == fn) return c.get();
    children.push_back(std::make_unique<CallNode>());
    children.back()->name = fn;
    children.back()->parent = this;
    return children.back().get();
}

uint64_t CallNode::inclusive() const {
    uint64_t n = self;
    for (const auto& c : children) n += c->inclusive();
    return n;
}

CallNode* CallTree::root(int tid) {
    auto& r = roots_[tid];
    if (!r) r = std::make_unique<CallNode>();
    return r.get();
}

namespace {

void text_node(Sink& out, const CallNode& n, int depth, int max_depth) {
    // Calls "-": entered without a call seen (the thread's first function, or found by unwinding).
    std::string calls = n.calls ? std::to_string(n.calls) : "-";
    out.put(fmt::format("{:>12} {:>8}  {:{}}{}\n", n.inclusive(), calls, "", depth * 2, n.name));
    if (max_depth && depth + 1 >= max_depth) return;
    for (const auto& c : n.children) text_node(out, *c, depth + 1, max_depth);
}

void folded_node(Sink& out, const CallNode& n, std::string& path) {
    size_t len = path.size();
    path += ';';
    path += n.name;
    if (n.self) out.put(fmt::format("{} {}\n", path, n.self));
    for (const auto& c : n.children) folded_node(out, *c, path);
    path.resize(len);
}

}  // namespace

void CallTree::write_text(Sink& out, int max_depth) const {
    for (const auto& [tid, root] : roots_) {
        out.put(fmt::format("thread {}: {} instructions\n", tid, root->inclusive()));
        out.put(fmt::format("{:>12} {:>8}  {}\n", "insns", "calls", "function"));
        for (const auto& c : root->children) text_node(out, *c, 0, max_depth);
    }
}

void CallTree::write_folded(Sink& out) const {
    for (const auto& [tid, root] : roots_) {
        std::string path = fmt::format("thread-{}", tid);
        for (const auto& c : root->children) folded_node(out, *c, path);
    }
}

}  // namespace gostart::trace
