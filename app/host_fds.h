// The emulator's own host descriptors. The guest's open files are host descriptors too, so a guest that
// opens all it may could leave the emulator none for what it writes after the run (check's --junit and
// --html files, layout's --svg): those commands hold a reserve from before the run and give it back just
// before they write. And the emulator's soft RLIMIT_NOFILE goes up to its hard limit at start, so that
// the guest meets its own limit (1024, as it is told) before the host's.
#pragma once

#include <vector>

namespace gostart::app {

void raise_host_fd_limit();

class HostFdReserve {
public:
    explicit HostFdReserve(int count = 8);
    ~HostFdReserve() { release(); }
    HostFdReserve(const HostFdReserve&) = delete;
    HostFdReserve& operator=(const HostFdReserve&) = delete;
    void release();

private:
    std::vector<int> fds_;
};

}  // namespace gostart::app
