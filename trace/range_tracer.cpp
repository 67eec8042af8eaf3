#include "trace/range_tracer.h"

#include "trace/regs_diff.h"

#include <algorithm>

namespace gostart::trace {

RangeTracer::RangeTracer(cpu::Engine& engine, CodeCache& cache, EventWriter& out, std::function<int()> tid,
                         std::vector<FunctionRange> ranges, bool regs)
    : engine_(engine), cache_(cache), out_(out), tid_(std::move(tid)), ranges_(std::move(ranges)), regs_(regs) {
    bool indirect = false;
    for (const auto& r : ranges_) {
        engine_.add_code_hook(r.entry, r.end - 1, [this](uint64_t pc) { on_insn(pc); });
        for (uint64_t pc = r.entry; pc < r.end;) {
            const InsnInfo& i = cache_.insn(pc);
            indirect |= i.flow == Flow::call && i.target == 0;
            pc += i.size;
        }
    }
    // Only a function with an indirect call needs to see blocks: the first block after the call is
    // the callee. Without one (rt0_go) the block observer stays off and costs nothing.
    if (indirect)
        engine_.set_block_observer([this](uint64_t addr, uint32_t) {
            if (want_tid_ < 0 || tid_() != want_tid_) return;
            auto& calls = threads_[want_tid_].calls;
            if (want_index_ < calls.size()) calls[want_index_].callee = cache_.code().function_id(addr);
            want_tid_ = -1;
        });
}

// The process's instruction count before pc: the engine counts whole blocks, so the first hook in a
// block asks where pc is in it, and later hooks of the same block just add one.
uint64_t RangeTracer::count(uint64_t pc) {
    uint64_t now = engine_.instructions();
    if (now != last_engine_) {
        last_engine_ = now;
        last_count_ = engine_.instructions_before(pc);
    } else {
        ++last_count_;
    }
    return last_count_;
}

void RangeTracer::on_insn(uint64_t pc) {
    int tid = tid_();
    uint64_t n = count(pc);
    ThreadState& ts = threads_[tid];
    if (last_tid_ != -1 && tid != last_tid_) out_.thread_switch(last_tid_, tid, n);
    last_tid_ = tid;
    uint64_t mine = clock_.at(tid, tid, n);

    // Back from a call: the innermost pending call returning here (deeper ones were unwound by a panic).
    for (size_t k = ts.calls.size(); k-- > 0;) {
        if (ts.calls[k].ret != pc) continue;
        PendingCall c = ts.calls[k];
        ts.calls.resize(k);
        out_.stepped(tid, n, cache_.code().function_name(c.callee), mine - c.at - 1, 0);
        break;
    }
    if (regs_) {
        cpu::RegisterFile now = engine_.regs();
        if (ts.have_regs) {
            std::string changes = regs_changed(ts.regs, now);
            if (!changes.empty()) out_.regs(tid, n, changes, 0);
        }
        ts.regs = now;
        ts.have_regs = true;
    }
    const InsnInfo& i = cache_.insn(pc);
    for (const auto& r : ranges_) {
        if (r.entry != pc) continue;
        auto line = cache_.code().line(pc);
        out_.header(r.name, line ? line->file : "");
    }
    out_.insn(tid, n, i, false, 0);
    if (i.flow == Flow::call) {
        ts.calls.push_back({pc + i.size, i.target ? cache_.code().function_id(i.target) : -1, mine});
        if (!i.target) want_tid_ = tid, want_index_ = ts.calls.size() - 1;
    }
}

void RangeTracer::finish() {
    uint64_t now = engine_.instructions();
    int current = tid_();
    std::vector<int> tids;
    for (const auto& [tid, ts] : threads_) tids.push_back(tid);
    std::sort(tids.begin(), tids.end());
    for (int tid : tids) {
        const ThreadState& ts = threads_[tid];
        for (size_t k = ts.calls.size(); k-- > 0;) {
            const PendingCall& c = ts.calls[k];
            out_.unreturned(tid, cache_.code().function_name(c.callee), clock_.at(tid, current, now) - c.at - 1,
                            0);
        }
    }
}

}  // namespace gostart::trace
