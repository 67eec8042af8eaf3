#include "app/host_fds.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

namespace gostart::app {

void raise_host_fd_limit() {
    rlimit l{};
    if (::getrlimit(RLIMIT_NOFILE, &l) != 0 || l.rlim_cur >= l.rlim_max) return;
    l.rlim_cur = l.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &l);  // best effort: the reserve still keeps what the reports need
}

HostFdReserve::HostFdReserve(int count) {
    for (int i = 0; i < count; ++i) {
        int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (fd < 0) break;
        fds_.push_back(fd);
    }
}

void HostFdReserve::release() {
    for (int fd : fds_) ::close(fd);
    fds_.clear();
}

}  // namespace gostart::app
