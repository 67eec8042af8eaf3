#include "linux/fd_table.h"

#include <fcntl.h>
#include <stdexcept>
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

FdTable FdTable::copy(bool for_checkpoint) const {
    FdTable out;
    std::map<const OpenFile*, std::shared_ptr<OpenFile>> files;
    std::map<const PipeBuffer*, std::shared_ptr<PipeBuffer>> pipes;
    for (const auto& [fd, entry] : fds_) {
        const OpenFile& o = *entry.file;
        std::shared_ptr<OpenFile>& f = files[&o];
        if (!f) {
            f = std::make_shared<OpenFile>();
            f->kind = o.kind;
            f->host_fd = o.host_fd;
            f->owns_host_fd = o.owns_host_fd;
            f->status_flags = o.status_flags;
            f->path = o.path;
            f->counter = o.counter;
            f->interest = o.interest;
            f->content = o.content;
            f->offset = o.offset;
            f->generation = o.generation;
            if (o.pipe) {
                std::shared_ptr<PipeBuffer>& p = pipes[o.pipe.get()];
                if (!p) p = std::make_shared<PipeBuffer>(*o.pipe);
                f->pipe = p;
            }
            if (o.kind == OpenFile::Kind::host && o.owns_host_fd) {
                f->host_fd = ::fcntl(o.host_fd, F_DUPFD_CLOEXEC, 3);
                if (f->host_fd < 0) {
                    f->owns_host_fd = false;
                    throw std::runtime_error("no host file descriptor left for a checkpoint's copy of " + o.path);
                }
                if (for_checkpoint) {
                    f->saved_offset = ::lseek(o.host_fd, 0, SEEK_CUR);
                } else if (o.saved_offset >= 0) {
                    ::lseek(f->host_fd, o.saved_offset, SEEK_SET);
                }
            }
        }
        out.fds_[fd] = FdEntry{f, entry.cloexec};
    }
    return out;
}

}  // namespace gostart::linux
