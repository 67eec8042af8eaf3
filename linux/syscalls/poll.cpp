// The objects Go's network poller needs — eventfd, pipes, epoll — implemented inside the emulator,
// so that they behave the same on every host and can wake emulated threads.
#include "linux/syscalls/handlers.h"

#include "linux/guest_io.h"
#include "linux/process.h"

#include <cerrno>
#include <fcntl.h>
#include <sys/epoll.h>

namespace gostart::linux {

namespace {

constexpr uint32_t kIn = EPOLLIN, kOut = EPOLLOUT, kHup = EPOLLHUP, kErr = EPOLLERR;

uint32_t readiness(const OpenFile& f) {
    switch (f.kind) {
        case OpenFile::Kind::eventfd: return (f.counter ? kIn : 0u) | kOut;
        case OpenFile::Kind::pipe_read:
            return (f.pipe->bytes.empty() ? 0u : kIn) | (f.pipe->write_closed ? (kIn | kHup) : 0u);
        case OpenFile::Kind::pipe_write: return kOut | (f.pipe->read_closed ? kErr : 0u);
        default: return kIn | kOut;
    }
}

#pragma pack(push, 1)
struct GuestEpollEvent {
    uint32_t events;
    uint64_t data;
};
#pragma pack(pop)

}  // namespace

int Process::collect_epoll_events(Thread&, int epfd, guest::Addr out, uint64_t max) {
    FdEntry* ep = fds_.get(epfd);
    if (!ep || ep->file->kind != OpenFile::Kind::epoll) return -EBADF;
    int n = 0;
    for (auto& [fd, interest] : ep->file->interest) {
        if (static_cast<uint64_t>(n) >= max) break;
        FdEntry* e = fds_.get(fd);
        if (!e) continue;
        uint32_t ready = readiness(*e->file) & (interest.events | EPOLLHUP | EPOLLERR);
        if (!ready) continue;
        if (interest.events & EPOLLET) {
            uint64_t gen = e->file->pipe ? e->file->pipe->generation : e->file->generation;
            if (interest.seen_generation == gen) continue;
            interest.seen_generation = gen;
        }
        GuestEpollEvent ev{ready, interest.data};
        if (!write_guest(cpu_, out.cast<GuestEpollEvent>() + static_cast<uint64_t>(n), ev)) return -EFAULT;
        ++n;
    }
    return n;
}

namespace sys {

namespace {

int64_t make_pipe(SyscallCall& c, guest::Ptr<int32_t[2]> out, uint32_t flags) {
    auto buf = std::make_shared<PipeBuffer>();
    auto r = std::make_shared<OpenFile>();
    auto w = std::make_shared<OpenFile>();
    r->kind = OpenFile::Kind::pipe_read;
    w->kind = OpenFile::Kind::pipe_write;
    r->pipe = w->pipe = buf;
    r->status_flags = O_RDONLY | (flags & O_NONBLOCK);
    w->status_flags = O_WRONLY | (flags & O_NONBLOCK);
    r->path = w->path = "pipe";
    bool cloexec = flags & O_CLOEXEC;
    int fds[2] = {c.proc.open_fd(r, cloexec), -1};
    if (fds[0] < 0) return fds[0];
    fds[1] = c.proc.open_fd(w, cloexec);
    if (fds[1] < 0) {
        c.proc.fds().close(fds[0]);
        return fds[1];
    }
    if (!c.proc.cpu().try_write_user(out, fds, sizeof fds)) {
        c.proc.fds().close(fds[0]);
        c.proc.fds().close(fds[1]);
        return -EFAULT;
    }
    return 0;
}

}  // namespace

int64_t pipe2(SyscallCall& c) { return make_pipe(c, c.ptr<int32_t[2]>(0), static_cast<uint32_t>(c.a[1])); }
int64_t pipe(SyscallCall& c) { return make_pipe(c, c.ptr<int32_t[2]>(0), 0); }

int64_t eventfd2(SyscallCall& c) {
    auto f = std::make_shared<OpenFile>();
    f->kind = OpenFile::Kind::eventfd;
    f->counter = static_cast<uint32_t>(c.a[0]);
    f->status_flags = O_RDWR | (static_cast<uint32_t>(c.a[1]) & O_NONBLOCK);
    f->path = "anon_inode:[eventfd]";
    return c.proc.open_fd(f, c.a[1] & O_CLOEXEC);
}

int64_t epoll_create1(SyscallCall& c) {
    auto f = std::make_shared<OpenFile>();
    f->kind = OpenFile::Kind::epoll;
    f->path = "anon_inode:[eventpoll]";
    return c.proc.open_fd(f, c.a[0] & O_CLOEXEC);
}

int64_t epoll_create(SyscallCall& c) {
    if (c.sarg(0) <= 0) return -EINVAL;
    c.a[0] = 0;
    return epoll_create1(c);
}

int64_t epoll_ctl(SyscallCall& c) {
    FdEntry* ep = c.proc.fds().get(c.iarg(0));
    FdEntry* target = c.proc.fds().get(c.iarg(2));
    if (!ep || !target) return -EBADF;
    if (ep->file->kind != OpenFile::Kind::epoll) return -EINVAL;
    // Regular files cannot be polled on Linux; Go then falls back to blocking reads.
    if (target->file->kind == OpenFile::Kind::host || target->file->kind == OpenFile::Kind::virtual_file) return -EPERM;
    auto& interest = ep->file->interest;
    int fd = c.iarg(2);
    switch (c.iarg(1)) {
        case EPOLL_CTL_ADD:
        case EPOLL_CTL_MOD: {
            if (c.iarg(1) == EPOLL_CTL_ADD && interest.count(fd)) return -EEXIST;
            if (c.iarg(1) == EPOLL_CTL_MOD && !interest.count(fd)) return -ENOENT;
            auto ev = read_guest(c.proc.cpu(), c.ptr<GuestEpollEvent>(3));
            if (!ev) return -EFAULT;
            interest[fd] = EpollInterest{ev->events, ev->data};
            return 0;
        }
        case EPOLL_CTL_DEL: return interest.erase(fd) ? 0 : -ENOENT;
        default: return -EINVAL;
    }
}

int64_t epoll_pwait(SyscallCall& c) {
    int epfd = c.iarg(0);
    guest::Addr out = c.ptr(1);
    int max = c.iarg(2), timeout_ms = c.iarg(3);
    if (max <= 0) return -EINVAL;
    int n = c.proc.collect_epoll_events(c.thread, epfd, out, static_cast<uint64_t>(max));
    if (n != 0 || timeout_ms == 0) return n;
    Wait w{Wait::Kind::epoll};
    w.epoll_fd = epfd;
    w.epoll_events = out;
    w.epoll_max = static_cast<uint64_t>(max);
    if (timeout_ms > 0) w.deadline_ns = c.proc.now_ns() + uint64_t(timeout_ms) * 1000000ull;
    c.proc.block(c.thread, w);
    return kBlocked;
}

}  // namespace sys
}  // namespace gostart::linux
