#include "linux/fd_table.h"

#include <algorithm>
#include <cerrno>
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

int FdTable::lowest_free(uint64_t from, uint64_t limit) const {
    from = std::max<uint64_t>(from, full_below_ * 64);
    for (uint64_t w = from / 64; w * 64 < limit; ++w) {
        uint64_t bits = w < used_.size() ? used_[w] : 0;
        if (w == from / 64) bits |= (uint64_t(1) << (from % 64)) - 1;  // below `from`: as if used
        if (~bits == 0) continue;
        uint64_t fd = w * 64 + static_cast<uint64_t>(__builtin_ctzll(~bits));
        return fd < limit ? static_cast<int>(fd) : -1;
    }
    return -1;
}

void FdTable::mark(int fd) {
    size_t w = static_cast<size_t>(fd) / 64;
    if (w >= used_.size()) used_.resize(w + 1, 0);
    used_[w] |= uint64_t(1) << (fd % 64);
    while (full_below_ < used_.size() && ~used_[full_below_] == 0) ++full_below_;
}

void FdTable::unmark(int fd) {
    size_t w = static_cast<size_t>(fd) / 64;
    used_[w] &= ~(uint64_t(1) << (fd % 64));
    full_below_ = std::min(full_below_, w);
}

int FdTable::add(std::shared_ptr<OpenFile> f, bool cloexec, uint64_t limit, int min_fd) {
    int fd = min_fd < 0 ? -1 : lowest_free(static_cast<uint64_t>(min_fd), limit);
    if (fd < 0) return -EMFILE;
    put(fd, std::move(f), cloexec);
    return fd;
}

void FdTable::put(int fd, std::shared_ptr<OpenFile> f, bool cloexec) {
    fds_[fd] = FdEntry{std::move(f), cloexec};
    mark(fd);
}

FdEntry* FdTable::get(int fd) {
    auto it = fds_.find(fd);
    return it == fds_.end() ? nullptr : &it->second;
}

bool FdTable::close(int fd) {
    if (fds_.erase(fd) == 0) return false;
    unmark(fd);
    return true;
}

FdTable FdTable::copy(bool for_checkpoint) const {
    FdTable out;
    std::map<const OpenFile*, std::shared_ptr<OpenFile>> files;
    std::map<const PipeBuffer*, std::shared_ptr<PipeBuffer>> pipes;
    for (const auto& [fd, entry] : fds_) {
        const OpenFile& o = *entry.file;
        std::shared_ptr<OpenFile>& f = files[&o];
        if (!f) {
            f = std::shared_ptr<OpenFile>(new OpenFile(o));
            f->owns_host_fd = false;  // until it has a descriptor of its own (below)
            f->saved_offset = -1;
            if (o.pipe) {
                std::shared_ptr<PipeBuffer>& p = pipes[o.pipe.get()];
                if (!p) p = std::make_shared<PipeBuffer>(*o.pipe);
                f->pipe = p;
            }
            if (o.kind == OpenFile::Kind::host && o.owns_host_fd) {
                f->host_fd = ::fcntl(o.host_fd, F_DUPFD_CLOEXEC, 3);
                f->owns_host_fd = f->host_fd >= 0;
                if (f->host_fd < 0) {
                    throw std::runtime_error("no host file descriptor left for a checkpoint's copy of " + o.path);
                }
                if (for_checkpoint) {
                    f->saved_offset = ::lseek(o.host_fd, 0, SEEK_CUR);
                } else if (o.saved_offset >= 0) {
                    ::lseek(f->host_fd, o.saved_offset, SEEK_SET);
                }
            }
        }
        out.put(fd, f, entry.cloexec);
    }
    return out;
}

}  // namespace gostart::linux
