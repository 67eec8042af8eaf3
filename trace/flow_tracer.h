// FlowTracer: follows control flow block by block, for `--all`, `--depth N` and `--calls`.
//
// The engine reports every executed block; each block's instructions and how it ends are decoded
// once (CodeCache). Per thread a shadow stack of frames mirrors the guest's calls: a block that
// follows a `call` pushes a frame with the call's return address; a block that follows a `ret` pops
// to the frame whose return address it is. What matches nothing — a `ret` to an unknown address, a
// jump into another function's middle (gogo), a thread's first block, a signal handler after a
// `syscall` — is a stack switch, and the stack is rebuilt by unwinding the guest's own stack with
// the pclntab's frame sizes, as a Go traceback would.
//
// Instructions are printed a block at a time from the cache (a block runs whole unless it faults,
// which Go programs do only for nil checks); with --regs a code hook on every instruction prints
// them one by one, since registers must be read between instructions.
#pragma once

#include "cpu/engine.h"
#include "trace/call_tree.h"
#include "trace/code_cache.h"
#include "trace/events.h"

#include <functional>
#include <set>
#include <unordered_map>
#include <vector>

namespace gostart::trace {

struct FlowSettings {
    bool all = false;          // print every instruction of the run, thread id first
    bool print = true;         // print instructions at all (false: --calls alone)
    int depth = 0;             // with targets: follow callees this many levels
    std::set<int> targets;     // function ids traced (--func); empty with --all
    bool regs = false;
    CallTree* calls = nullptr;  // aggregate the call tree here
};

class FlowTracer {
public:
    FlowTracer(cpu::Engine& engine, CodeCache& cache, EventWriter& out, std::function<int()> tid, FlowSettings s);
    void finish();

private:
    struct Frame {
        uint64_t ret = 0;      // where this frame returns to in its caller (0: unknown)
        int function = -1;
        int traced = -1;       // depth below a traced function, -1: not traced
        uint64_t at = 0;       // the thread's instruction count on entry
        CallNode* node = nullptr;
    };
    struct ThreadFlow {
        std::vector<Frame> stack;
        Flow prev = Flow::next;
        uint64_t prev_end = 0;
        uint64_t insns = 0;
        bool started = false;
        cpu::RegisterFile regs;
        bool have_regs = false;
    };
    void on_block(uint64_t addr, uint32_t size);
    void on_insn(uint64_t pc);
    int traced_below(const Frame* parent, int fn) const;
    void push(ThreadFlow& t, int tid, uint64_t n, uint64_t ret, int fn, uint64_t from);
    bool pop_to(ThreadFlow& t, int tid, uint64_t n, uint64_t addr);
    void tail_call(ThreadFlow& t, int tid, uint64_t n, int fn);
    void resync(ThreadFlow& t, int tid, uint64_t addr);
    void maybe_switch(int tid, uint64_t n);

    cpu::Engine& engine_;
    CodeCache& cache_;
    EventWriter& out_;
    std::function<int()> tid_;
    FlowSettings s_;
    std::unordered_map<int, ThreadFlow> threads_;
    int cur_tid_ = -1;
    ThreadFlow* cur_ = nullptr;
    int last_printed_ = -1;
    // For --regs: the block being run, and where in it the next instruction is.
    bool block_printing_ = false;
    int block_indent_ = 0;
    uint64_t block_next_ = 0;
};

}  // namespace gostart::trace
