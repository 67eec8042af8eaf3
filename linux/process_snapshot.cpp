// Process checkpoints: copies of the Linux layer's state, and back. The list of members is the one
// in process.h's ProcessSnapshot; warned_syscalls_ stays out on purpose (a warning printed once
// should not print again after going back).
#include "linux/process.h"

namespace gostart::linux {

ProcessSnapshot Process::snapshot() const {
    ProcessSnapshot s{memory_, fds_.copy(true), clock_, random_};
    s.sigactions = sigactions_;
    s.rlimits = rlimits_;
    for (const auto& [tid, t] : threads_) s.threads.emplace(tid, *t);
    s.cwd = opts_.cwd;
    s.umask = umask_;
    s.current_tid = current_tid_;
    s.next_tid = next_tid_;
    s.exited = exited_;
    s.yield_requested = yield_requested_;
    s.resume_slice = resume_slice_;
    s.slice_used = slice_used_;
    s.exit = exit_;
    return s;
}

void Process::restore(const ProcessSnapshot& s) {
    memory_ = s.memory;
    fds_ = s.fds.copy(false);
    clock_ = s.clock;
    random_ = s.random;
    sigactions_ = s.sigactions;
    rlimits_ = s.rlimits;
    threads_.clear();
    for (const auto& [tid, t] : s.threads) threads_.emplace(tid, std::make_unique<Thread>(t));
    opts_.cwd = s.cwd;
    umask_ = s.umask;
    current_tid_ = s.current_tid;
    next_tid_ = s.next_tid;
    exited_ = s.exited;
    pause_requested_ = false;
    yield_requested_ = s.yield_requested;
    resume_slice_ = s.resume_slice;
    slice_used_ = s.slice_used;
    exit_ = s.exit;
}

}  // namespace gostart::linux
