#include "linux/fd_table.h"

#include <unistd.h>

namespace gostart::linux {

OpenFile::~OpenFile() {
    if (kind == Kind::host && owns_host_fd && host_fd >= 0) ::close(host_fd);
    if (pipe) {
        ++pipe->generation;
        if (kind == Kind::pipe_write) pipe->write_closed = true;
        if (kind == Kind::pipe_read) pipe->read_closed = true;
    }
}

int FdTable::add(std::shared_ptr<OpenFile> f, bool cloexec, int min_fd) {
    int fd = min_fd;
    for (auto it = fds_.lower_bound(fd); it != fds_.end() && it->first == fd; ++it) ++fd;  // lowest free, as Linux
    fds_[fd] = FdEntry{std::move(f), cloexec};
    return fd;
}

void FdTable::put(int fd, std::shared_ptr<OpenFile> f, bool cloexec) { fds_[fd] = FdEntry{std::move(f), cloexec}; }

FdEntry* FdTable::get(int fd) {
    auto it = fds_.find(fd);
    return it == fds_.end() ? nullptr : &it->second;
}

bool FdTable::close(int fd) { return fds_.erase(fd) != 0; }

}  // namespace gostart::linux
