// Process checkpoints: a copy of the process's state (ProcessState, declared once in process.h) and
// of its descriptors, and back. warned_syscalls_ and the other warnings stay out on purpose (a warning
// printed once should not print again after going back).
#include "linux/process.h"

namespace gostart::linux {

ProcessSnapshot Process::snapshot() const {
    return ProcessSnapshot{s_, fds_.copy(true)};
}

void Process::restore(const ProcessSnapshot& snap) {
    s_ = snap.state;
    fds_ = snap.fds.copy(false);
    pause_requested_ = false;
}

}  // namespace gostart::linux
