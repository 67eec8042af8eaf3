#include "trace/events.h"
#include "loader/printable.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace gostart::trace {
namespace {

using ojson = nlohmann::ordered_json;

std::string hex(uint64_t v) { return fmt::format("{:#x}", v); }

}  // namespace

void EventWriter::json(const std::string& s) {
    sink_.buffer() += s;
    sink_.buffer() += '\n';
    sink_.done();
}

void EventWriter::insn(int tid, uint64_t n, const InsnInfo& i, bool thread_prefix, int indent) {
    std::string& b = sink_.buffer();
    if (format_ == Format::jsonl) {
        fmt::format_to(std::back_inserter(b), "{{\"event\":\"insn\",\"thread\":{},\"insn\":{},", tid, n);
        b += i.json;
        b += '\n';
    } else {
        if (thread_prefix) {
            if (tid != prefix_tid_) prefix_tid_ = tid, prefix_cache_ = fmt::format("{:<5} ", tid);
            b += prefix_cache_;
        }
        if (indent > 0) b.append(static_cast<size_t>(indent) * 2, ' ');
        b += i.text;
    }
    sink_.done();
}

void EventWriter::regs(int tid, uint64_t n, std::string_view changes, int indent) {
    if (format_ == Format::jsonl)
        return json(ojson{{"event", "regs"}, {"thread", tid}, {"insn", n}, {"changed", changes}}.dump());
    sink_.put(fmt::format("{:{}}{:>24}{}\n", "", indent * 2, "", changes));
}

void EventWriter::call(int tid, uint64_t n, std::string_view callee, uint64_t from, int depth) {
    if (format_ == Format::jsonl)
        return json(ojson{{"event", "call"}, {"thread", tid}, {"insn", n}, {"func", callee}, {"from", hex(from)},
                          {"depth", depth}}.dump());
    sink_.put(fmt::format("{:{}}→ {}\n", "", depth * 2, callee));
}

void EventWriter::ret(int tid, uint64_t n, std::string_view callee, uint64_t insns, int depth) {
    if (format_ == Format::jsonl)
        return json(ojson{{"event", "return"}, {"thread", tid}, {"insn", n}, {"func", callee}, {"insns", insns},
                          {"depth", depth}, {"stepped", false}}.dump());
    sink_.put(fmt::format("{:{}}← {}: {} instructions\n", "", depth * 2, callee, insns));
}

void EventWriter::stepped(int tid, uint64_t n, std::string_view callee, uint64_t insns, int indent) {
    if (format_ == Format::jsonl)
        return json(ojson{{"event", "return"}, {"thread", tid}, {"insn", n}, {"func", callee}, {"insns", insns},
                          {"depth", indent + 1}, {"stepped", true}}.dump());
    sink_.put(fmt::format("{:{}}    ↳ {}: {} instruction{}\n", "", indent * 2, callee, insns, insns == 1 ? "" : "s"));
}

void EventWriter::unreturned(int tid, std::string_view callee, uint64_t insns, int indent) {
    if (format_ == Format::jsonl)
        return json(ojson{{"event", "unreturned"}, {"thread", tid}, {"func", callee}, {"insns", insns}}.dump());
    sink_.put(fmt::format("{:{}}    ↳ {}: never returned ({} instructions on thread {} until the process ended)\n",
                          "", indent * 2, callee, insns, tid));
}

void EventWriter::header(std::string_view func, std::string_view file) {
    if (format_ == Format::jsonl) return;  // the instruction events carry func and file
    sink_.put(fmt::format("TEXT {}(SB) {}\n", loader::printable(func), loader::printable(file)));
}

void EventWriter::milestone(std::string_view name, uint64_t n, int tid) {
    if (format_ == Format::jsonl)
        return json(ojson{{"event", "milestone"}, {"thread", tid}, {"insn", n}, {"name", name}}.dump());
    sink_.put(fmt::format("=== {:<18} insn {:>9}  thread {}\n", name, n, tid));
}

void EventWriter::thread_switch(int from, int to, uint64_t n) {
    if (format_ == Format::jsonl)
        return json(ojson{{"event", "switch"}, {"thread", to}, {"from", from}, {"insn", n}}.dump());
    sink_.put(fmt::format("--- thread {} (insn {}) ---\n", to, n));
}

void EventWriter::syscall(std::string_view line, uint64_t n) {
    if (format_ == Format::text) {
        sink_.put(line);
        sink_.put("\n");
        return;
    }
    // "[1000] write(1, …) = 9": the thread in brackets, then strace's own text.
    int tid = 0;
    std::string_view text = line;
    if (line.size() > 2 && line[0] == '[') {
        auto close = line.find("] ");
        if (close != std::string_view::npos) {
            for (char c : line.substr(1, close - 1)) tid = tid * 10 + (c - '0');
            text = line.substr(close + 2);
        }
    }
    if (tid == 0) return json(ojson{{"event", "note"}, {"insn", n}, {"text", line}}.dump());
    std::string name(text.substr(0, text.find_first_of("( ")));
    json(ojson{{"event", "syscall"}, {"thread", tid}, {"insn", n}, {"name", name}, {"text", text}}.dump());
}

void EventWriter::exit(int status, uint64_t n, size_t threads, std::string_view message) {
    if (format_ == Format::jsonl)
        return json(ojson{{"event", "exit"}, {"insn", n}, {"status", status}, {"threads", threads},
                          {"message", message}}.dump());
    sink_.put(fmt::format("=== exit status {} after {} instructions, {} threads{}{}\n", status, n, threads,
                          message.empty() ? "" : ": ", message));
}

void EventWriter::note(std::string_view text) {
    if (format_ == Format::jsonl) return json(ojson{{"event", "note"}, {"text", text}}.dump());
    sink_.put(text);
    sink_.put("\n");
}

}  // namespace gostart::trace
