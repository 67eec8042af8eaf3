// EventWriter: the trace's events in one of two shapes — text for people, JSONL for programs (one
// object per line, schema in docs/trace-format.md). Both tracers and the command write through it, so
// a line of text and its JSON object always come from the same call.
#pragma once

#include "trace/code_cache.h"
#include "trace/sink.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace gostart::trace {

enum class Format { text, jsonl };

class EventWriter {
public:
    EventWriter(Sink& sink, Format format) : sink_(sink), format_(format) {}
    Format format() const { return format_; }
    Sink& sink() { return sink_; }

    // One executed instruction. `thread_prefix`: the thread id first (--all); `indent`: depth below
    // the traced function (--depth).
    void insn(int tid, uint64_t n, const InsnInfo& i, bool thread_prefix, int indent);
    // Registers the last instruction changed: "rax=0x1 rsp=0x7fff…".
    void regs(int tid, uint64_t n, std::string_view changes, int indent);
    // A traced function entered (call) or left (ret); `insns`: instructions it took on its thread.
    void call(int tid, uint64_t n, std::string_view callee, uint64_t from, int depth);
    void ret(int tid, uint64_t n, std::string_view callee, uint64_t insns, int depth);
    // A call stepped over, when it returns: "    ↳ runtime.settls: 23 instructions".
    void stepped(int tid, uint64_t n, std::string_view callee, uint64_t insns, int indent);
    // A call that never returned before the process ended (mstart).
    void unreturned(int tid, std::string_view callee, uint64_t insns, int indent);
    // A function's first traced instruction at its entry: dlv's "TEXT runtime.rt0_go(SB) asm_amd64.s".
    void header(std::string_view func, std::string_view file);
    void milestone(std::string_view name, uint64_t n, int tid);
    void thread_switch(int from, int to, uint64_t n);
    // One strace line ("[1000] write(1, …) = 9"), with the instruction count when it was written.
    void syscall(std::string_view line, uint64_t n);
    void exit(int status, uint64_t n, size_t threads, std::string_view message);
    // Free text: a line in text mode, a "note" event in JSONL.
    void note(std::string_view text);

private:
    void json(const std::string& s);
    Sink& sink_;
    Format format_;
    std::string prefix_cache_;
    int prefix_tid_ = -1;
};

}  // namespace gostart::trace
