// FdTable: the guest's file descriptors. A descriptor names an OpenFile: a host file opened read-only
// (or writable under --allow-write), the host's stdio, or an object the emulator implements itself
// (eventfd, pipe, epoll, a virtual file such as the huge-page size) so that nothing the guest does
// with them reaches the host.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace gostart::linux {

struct EpollInterest {
    uint32_t events = 0;
    uint64_t data = 0;
    uint64_t seen_generation = UINT64_MAX;  // EPOLLET: the object's generation last reported
};

struct PipeBuffer {
    std::deque<uint8_t> bytes;
    bool write_closed = false;
    bool read_closed = false;
    uint64_t generation = 0;  // bumped on every write and close, for EPOLLET
};

struct OpenFile {
    enum class Kind { host, eventfd, pipe_read, pipe_write, epoll, virtual_file };
    Kind kind = Kind::host;
    int host_fd = -1;            // Kind::host
    bool owns_host_fd = false;   // stdio is borrowed, never closed
    uint32_t status_flags = 0;   // O_ACCMODE, O_APPEND, O_NONBLOCK as the guest set them
    std::string path;
    uint64_t counter = 0;                    // eventfd
    std::shared_ptr<PipeBuffer> pipe;        // pipes
    std::map<int, EpollInterest> interest;   // epoll: guest fd -> interest
    std::string content;                     // virtual_file
    uint64_t offset = 0;                     // virtual_file
    uint64_t generation = 0;                 // bumped on every state change, for EPOLLET
    int64_t saved_offset = -1;               // in a checkpoint's copy: the host file's offset then

    OpenFile() = default;
    ~OpenFile();

private:
    // Only FdTable::copy copies an open file, member for member (so a new member is copied with no
    // more code), and then gives a host descriptor its own duplicate: each has one owner.
    friend class FdTable;
    OpenFile(const OpenFile&) = default;
};

struct FdEntry {
    std::shared_ptr<OpenFile> file;
    bool cloexec = false;
};

// Descriptors are allocated as Linux allocates them — the lowest free one at or above a minimum, below
// the process's RLIMIT_NOFILE — from a bitmap of the used ones with a hint where the first free one may
// be, as the kernel's fdtable does: opening n descriptors costs about n, not n² (a search from 0 over an
// ordered map was quadratic: 50,000 eventfds took 26 s).
class FdTable {
public:
    // The lowest free descriptor in [min_fd, limit) now names `f`; -EMFILE when there is none.
    int add(std::shared_ptr<OpenFile> f, bool cloexec, uint64_t limit, int min_fd = 0);
    // `fd` (0 <= fd, below the limit: the caller checks, as dup2 does) names `f`, replacing what it named.
    void put(int fd, std::shared_ptr<OpenFile> f, bool cloexec);
    FdEntry* get(int fd);
    bool close(int fd);
    const std::map<int, FdEntry>& all() const { return fds_; }

    // A deep copy for checkpoints: every open file copied once (descriptors that share one still
    // share its copy, as do a pipe's two ends their buffer). A host file gets its own duplicate
    // descriptor; because a duplicate shares the file offset, the offset is recorded when copying
    // for a checkpoint (`for_checkpoint`) and set again when copying back. Throws
    // std::runtime_error when the host has no descriptor left.
    FdTable copy(bool for_checkpoint) const;

private:
    int lowest_free(uint64_t from, uint64_t limit) const;
    void mark(int fd);
    void unmark(int fd);

    std::map<int, FdEntry> fds_;
    std::vector<uint64_t> used_;  // bit fd % 64 of word fd / 64: fd is open
    size_t full_below_ = 0;       // every word below this index is full (all 64 descriptors open)
};

}  // namespace gostart::linux
