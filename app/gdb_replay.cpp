// SessionTarget going backwards (step --gdb): execution is deterministic, so an earlier state is
// reached by replaying a fresh Session from the start to an instruction count, as the stepper does.
// A first replay up to now finds the count to go to; a second one stops there.
#include "app/gdb_target.h"
#include "app/insn_counter.h"

#include <map>

namespace gostart::app {

using gdbstub::StopEvent;
using Kind = gdbstub::StopEvent::Kind;

void SessionTarget::replay_to(uint64_t n) {
    session_.reset();  // one engine at a time: two would double the memory
    session_ = relaunch_();
    if (n == 0) return;
    cpu::Engine& e = session_->engine();
    linux::Process& p = session_->process();
    InsnCounter count(e);
    bool stopped = false;
    int h = e.add_code_hook(text_.first, text_.second, [&](uint64_t pc) {
        if (!stopped && count.at(pc) >= n) {
            stopped = true;
            p.pause();
        }
    });
    linux::ExitInfo x = session_->run();
    e.remove_hook(h);
    if (x.kind != linux::ExitInfo::Kind::paused) exit_ = x;  // cannot happen: the run reached n before
}

StopEvent SessionTarget::backward(const gdbstub::ResumeRequest& r) {
    const uint64_t now = position();
    // A first replay up to now finds where to go: the stepped thread's previous instruction, or the
    // last breakpoint hit or watched write before now.
    session_.reset();
    session_ = relaunch_();
    cpu::Engine& e = session_->engine();
    linux::Process& p = session_->process();
    InsnCounter count(e);
    std::optional<uint64_t> target;
    StopEvent found;
    bool done = false;
    std::vector<int> hooks;
    hooks.push_back(e.add_code_hook(text_.first, text_.second, [&](uint64_t pc) {
        if (done) return;
        uint64_t n = count.at(pc);
        if (n >= now) {
            done = true;
            p.pause();
            return;
        }
        int tid = p.current_tid();
        if (r.step) {
            if (tid == r.tid) target = n, found = StopEvent{Kind::step, tid};
            return;
        }
        if (breaks_.count(pc)) {
            target = n;
            found = StopEvent{Kind::breakpoint, tid};
        }
    }));
    // Watched writes stop the replay right after the writer (cpu/engine.h): note each and go on.
    std::map<int, uint64_t> watch_start;
    if (!r.step)
        for (const auto& [range, k] : watches_) watch_start[e.add_write_watch(range.first, range.second)] = range.first;
    linux::ExitInfo x = session_->run();
    while (x.kind == linux::ExitInfo::Kind::paused && !done && e.last_stop().kind == cpu::StopReason::Kind::watch) {
        auto w = watch_start.find(e.last_stop().watch_id);
        if (w != watch_start.end() && e.instructions() < now) {
            target = e.instructions();
            found = StopEvent{Kind::watch, p.current_tid(), std::max(e.last_watch_hit().address, w->second)};
        }
        x = session_->run();
    }
    for (int h : hooks) e.remove_hook(h);
    for (const auto& [id, start] : watch_start) e.remove_write_watch(id);
    if (x.kind != linux::ExitInfo::Kind::paused) exit_ = x;  // cannot happen: the first run got past now
    if (!target) {
        // Nothing earlier: a step stays where it is (the thread has no earlier instruction); a
        // continue goes back to the start. Both say the history ends there.
        if (!r.step) replay_to(0);
        return StopEvent{Kind::history_end, session_->process().current_tid()};
    }
    replay_to(*target);
    found.tid = session_->process().current_tid();
    return found;
}

}  // namespace gostart::app
