// CallTree: `trace --calls` — every call of the run aggregated by path, per thread: how often each
// path was called and how many instructions ran in it (self) and below it (inclusive). Written as an
// indented tree, or as folded stacks ("thread-1000;runtime.rt0_go;runtime.schedinit 1234", weighted by
// self instructions) for flame-graph tools. Children keep the order in which they were first called,
// so the output is deterministic.
#pragma once

#include "trace/sink.h"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace gostart::trace {

// Nodes are keyed by name, so an ABI wrapper and the function it jumps to are one node.
// Names are copies: the tree outlives the program's symbol table in the HTML report.
struct CallNode {
    std::string name;
    uint64_t calls = 0;
    uint64_t self = 0;  // instructions executed in this path's own function
    CallNode* parent = nullptr;
    std::vector<std::unique_ptr<CallNode>> children;

    CallNode* child(std::string_view name);
    uint64_t inclusive() const;
};

class CallTree {
public:
    CallNode* root(int tid);
    const std::map<int, std::unique_ptr<CallNode>>& roots() const { return roots_; }
    // The tree as text: one line per path, `max_depth` levels (0: all).
    void write_text(Sink& out, int max_depth) const;
    void write_folded(Sink& out) const;

private:
    std::map<int, std::unique_ptr<CallNode>> roots_;
};

}  // namespace gostart::trace
