// RangeTracer: instruction by instruction inside chosen functions only (rt0_go by default, --func).
// Unicorn instruments just [entry, end) of each function, so the rest of the run goes at full speed.
// Calls out of a traced function are stepped over: the call is remembered with its thread's
// instruction count, and when that thread comes back to the return address the trace says who was
// called and how many instructions it took. Calls still open at the end (mstart) are reported too.
#pragma once

#include "cpu/engine.h"
#include "trace/code_cache.h"
#include "trace/events.h"
#include "trace/thread_clock.h"

#include <functional>
#include <unordered_map>
#include <vector>

namespace gostart::trace {

class RangeTracer {
public:
    RangeTracer(cpu::Engine& engine, CodeCache& cache, EventWriter& out, std::function<int()> tid,
                std::vector<FunctionRange> ranges, bool regs);
    // Call from Process::on_thread_switch.
    void switched(int from, int to) { clock_.switched(from, to, engine_.instructions()); }
    // After the run: the calls that never returned.
    void finish();

private:
    struct PendingCall {
        uint64_t ret = 0;
        int callee = -1;       // function id; -1 until an indirect call's target is seen
        uint64_t at = 0;       // the thread's instruction count at the call
    };
    struct ThreadState {
        std::vector<PendingCall> calls;
        cpu::RegisterFile regs;
        bool have_regs = false;
    };
    void on_insn(uint64_t pc);
    uint64_t count(uint64_t pc);

    cpu::Engine& engine_;
    CodeCache& cache_;
    EventWriter& out_;
    std::function<int()> tid_;
    std::vector<FunctionRange> ranges_;
    bool regs_;
    ThreadClock clock_;
    std::unordered_map<int, ThreadState> threads_;
    int last_tid_ = -1;
    uint64_t last_engine_ = ~uint64_t{0}, last_count_ = 0;
    // An indirect call waiting for its target's first block: (thread, index in its calls).
    int want_tid_ = -1;
    size_t want_index_ = 0;
};

}  // namespace gostart::trace
