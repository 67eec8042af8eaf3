// File syscalls. Reads pass through to the host read-only; anything that would create, write or
// delete a host file is refused with EACCES unless PathPolicy allows the path (--allow-write).
#include "linux/syscalls/handlers.h"

#include "linux/exec.h"
#include "linux/guest_io.h"
#include "linux/process.h"

#include <cerrno>
#include <climits>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>
#include <vector>

namespace gostart::linux::sys {
namespace {

constexpr uint32_t kWriteIntent = O_WRONLY | O_RDWR | O_CREAT | O_TRUNC | O_APPEND;

// Files the emulator answers itself, so that what start-up reads does not depend on the host.
const char* virtual_file(const std::string& path) {
    static const std::string huge_page_size = std::to_string(kHugePageSize) + "\n";
    if (path == "/sys/kernel/mm/transparent_hugepage/hpage_pmd_size") return huge_page_size.c_str();
    return nullptr;
}

int64_t host_errno() { return -errno; }

// A host path for a guest (dirfd, path) pair: relative paths are taken against the guest's cwd or
// the directory the guest descriptor names.
std::optional<std::string> resolve(SyscallCall& c, int dirfd, const std::string& path) {
    if (!path.empty() && path[0] == '/') return path;
    std::string base;
    if (dirfd == AT_FDCWD) {
        base = c.proc.cwd();
    } else {
        FdEntry* e = c.proc.fds().get(dirfd);
        if (!e || e->file->kind != OpenFile::Kind::host) return std::nullopt;
        base = e->file->path;
    }
    return path.empty() ? base : base + "/" + path;
}

GuestPath path_arg(SyscallCall& c, int i) { return read_guest_path(c.proc.cpu(), c.ptr<const char>(i)); }

// The mode of a file or directory the guest creates: its umask applied, and never set-user-ID,
// set-group-ID or sticky. chmod is refused everywhere, so creating with those bits must be too: a guest
// run as root would otherwise leave a set-user-ID root program in DIR. (The host's own umask applies on
// top, as for any file the user's processes create.)
mode_t creation_mode(SyscallCall& c, uint64_t mode) { return static_cast<mode_t>(mode & 0777 & ~c.proc.umask()); }

bool creates(uint32_t flags) { return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE; }

int64_t do_open(SyscallCall& c, int dirfd, guest::Ptr<const char> path_addr, uint32_t flags, uint32_t mode) {
    auto p = read_guest_path(c.proc.cpu(), path_addr);
    if (!p) return p.error;
    auto full = resolve(c, dirfd, *p);
    if (!full) return -EBADF;
    bool cloexec = flags & O_CLOEXEC;
    auto f = std::make_shared<OpenFile>();
    f->path = *full;
    f->status_flags = flags & (O_ACCMODE | O_APPEND | O_NONBLOCK);
    if (const char* content = virtual_file(*full)) {
        if (flags & kWriteIntent) return -EACCES;
        f->kind = OpenFile::Kind::virtual_file;
        f->content = content;
        return c.proc.open_fd(f, cloexec);
    }
    // /dev/null takes writes and keeps nothing: os/exec opens it for a child's unused stdout.
    bool sink = *full == "/dev/null" && !(flags & (O_CREAT | O_TRUNC));
    int host_flags = static_cast<int>((flags & ~(O_NONBLOCK | O_ASYNC)) | O_CLOEXEC);
    // Outside --allow-write, a read-only O_CREAT without O_EXCL is opened without O_CREAT: when the
    // file is there Linux creates nothing and opens it, and only a file that would be created is refused.
    bool open_only = false;
    if ((flags & kWriteIntent) && !sink && !c.proc.paths().may_write(*full, c.proc.cwd())) {
        open_only = (flags & O_CREAT) && !(flags & (O_EXCL | O_DIRECTORY | (kWriteIntent & ~O_CREAT)));
        if (!open_only) return -EACCES;
        host_flags &= ~O_CREAT;
    }
    int hfd = ::open(full->c_str(), host_flags, creates(flags) ? creation_mode(c, mode) : 0);
    if (hfd < 0) return open_only && errno == ENOENT ? -EACCES : host_errno();
    if (struct stat st {}; open_only && ::fstat(hfd, &st) == 0 && S_ISDIR(st.st_mode)) {
        ::close(hfd);
        return -EISDIR;  // as Linux answers O_CREAT on a directory
    }
    f->kind = OpenFile::Kind::host;
    f->host_fd = hfd;
    f->owns_host_fd = true;
    return c.proc.open_fd(f, cloexec);  // -EMFILE closes the host descriptor again (~OpenFile)
}

// The host's stdin, stdout and stderr (and the guest's duplicates of them) are streams to the guest,
// whatever the user redirected them to: it reads and writes them where they are, and cannot seek,
// pread or pwrite them (ESPIPE, as for a pipe), nor truncate them. A guest with `> FILE` as its stdout
// can so only append to what it wrote, as a program writing a pipe would: not rewrite the user's file
// from its start, nor grow it sparse to any size.
bool borrowed_stdio(const OpenFile& f) { return f.kind == OpenFile::Kind::host && !f.owns_host_fd; }

OpenFile* file_of(SyscallCall& c, int fd) {
    FdEntry* e = c.proc.fds().get(fd);
    return e ? e->file.get() : nullptr;
}

// What a read takes reaches the guest only when its buffer accepts it; a read that faults on the buffer
// consumes nothing, as Linux's: EFAULT, with the file offset, the pipe's bytes and the eventfd's counter
// as they were. (A host pipe or terminal cannot be given its bytes back: those are lost.)
int64_t read_into_guest(SyscallCall& c, OpenFile& f, guest::Addr buf, uint64_t len, std::optional<int64_t> pos) {
    std::vector<uint8_t> tmp(std::min<uint64_t>(len, 1 << 20));
    auto to_guest = [&](ssize_t n) { return n <= 0 || c.proc.cpu().try_write_user(buf, tmp.data(), static_cast<size_t>(n)); };
    ssize_t n = 0;
    switch (f.kind) {
        case OpenFile::Kind::host:
            if ((f.status_flags & O_ACCMODE) == O_WRONLY && f.host_fd > 2) return -EBADF;
            n = pos ? ::pread(f.host_fd, tmp.data(), tmp.size(), *pos) : ::read(f.host_fd, tmp.data(), tmp.size());
            if (n < 0) return host_errno();
            if (!to_guest(n)) {
                if (!pos) ::lseek(f.host_fd, -static_cast<off_t>(n), SEEK_CUR);
                return -EFAULT;
            }
            return n;
        case OpenFile::Kind::virtual_file: {
            uint64_t off = pos ? static_cast<uint64_t>(*pos) : f.offset;
            if (off < f.content.size()) {
                n = static_cast<ssize_t>(std::min<uint64_t>(tmp.size(), f.content.size() - off));
                std::memcpy(tmp.data(), f.content.data() + off, static_cast<size_t>(n));
            }
            if (!to_guest(n)) return -EFAULT;
            if (!pos) f.offset = off + static_cast<uint64_t>(n);
            return n;
        }
        case OpenFile::Kind::eventfd:
            if (len < 8) return -EINVAL;
            if (f.counter == 0) return -EAGAIN;
            std::memcpy(tmp.data(), &f.counter, 8);
            if (!to_guest(8)) return -EFAULT;
            f.counter = 0;
            return 8;
        case OpenFile::Kind::pipe_read: {
            auto& bytes = f.pipe->bytes;
            if (bytes.empty()) return f.pipe->write_closed ? 0 : -EAGAIN;
            n = static_cast<ssize_t>(std::min(tmp.size(), bytes.size()));
            std::copy_n(bytes.begin(), n, tmp.begin());
            if (!to_guest(n)) return -EFAULT;
            bytes.erase(bytes.begin(), bytes.begin() + n);
            return n;
        }
        default:
            return -EINVAL;
    }
}

int64_t write_from_guest(SyscallCall& c, OpenFile& f, guest::Addr buf, uint64_t len, std::optional<int64_t> pos) {
    std::vector<uint8_t> tmp(std::min<uint64_t>(len, 1 << 20));
    if (!tmp.empty() && !c.proc.cpu().try_read_user(buf, tmp.data(), tmp.size())) return -EFAULT;
    switch (f.kind) {
        case OpenFile::Kind::host: {
            if ((f.status_flags & O_ACCMODE) == O_RDONLY && f.host_fd > 2) return -EBADF;
            // A debugger replaying what it has already shown: the terminal got these bytes once.
            if (c.proc.quiet() && !f.owns_host_fd) return static_cast<int64_t>(tmp.size());
            size_t done = 0;
            while (done < tmp.size()) {
                ssize_t n = pos ? ::pwrite(f.host_fd, tmp.data() + done, tmp.size() - done, *pos + done)
                                : ::write(f.host_fd, tmp.data() + done, tmp.size() - done);
                if (n < 0) {
                    if (errno == EINTR) continue;
                    return done ? static_cast<int64_t>(done) : host_errno();
                }
                done += static_cast<size_t>(n);
            }
            return static_cast<int64_t>(done);
        }
        case OpenFile::Kind::eventfd: {
            if (len < 8) return -EINVAL;
            uint64_t v;
            std::memcpy(&v, tmp.data(), 8);
            f.counter += v;
            ++f.generation;
            c.proc.wake_epoll_waiters();
            return 8;
        }
        case OpenFile::Kind::pipe_write:
            if (f.pipe->read_closed) return -EPIPE;
            f.pipe->bytes.insert(f.pipe->bytes.end(), tmp.begin(), tmp.end());
            ++f.pipe->generation;
            c.proc.wake_epoll_waiters();
            return static_cast<int64_t>(tmp.size());
        default:
            return -EBADF;
    }
}

int64_t fill_stat(SyscallCall& c, OpenFile& f, guest::Ptr<struct stat> out) {
    struct stat st {};
    if (f.kind == OpenFile::Kind::host) {
        if (::fstat(f.host_fd, &st) != 0) return host_errno();
    } else {
        st.st_mode = f.kind == OpenFile::Kind::virtual_file ? (S_IFREG | 0444) : (S_IFIFO | 0600);
        st.st_size = static_cast<off_t>(f.content.size());
        st.st_blksize = 4096;
        st.st_nlink = 1;
    }
    return write_guest(c.proc.cpu(), out, st) ? 0 : -EFAULT;
}

int64_t stat_path(SyscallCall& c, int dirfd, guest::Ptr<const char> path_addr, guest::Ptr<struct stat> out, int flags) {
    auto p = read_guest_path(c.proc.cpu(), path_addr);
    if (!p) return p.error;
    if (p->empty() && (flags & AT_EMPTY_PATH)) {
        OpenFile* f = file_of(c, dirfd);
        return f ? fill_stat(c, *f, out) : -EBADF;
    }
    auto full = resolve(c, dirfd, *p);
    if (!full) return -EBADF;
    struct stat st {};
    if (const char* content = virtual_file(*full)) {
        st.st_mode = S_IFREG | 0444;
        st.st_size = static_cast<off_t>(std::strlen(content));
    } else if (::fstatat(AT_FDCWD, full->c_str(), &st, flags & AT_SYMLINK_NOFOLLOW) != 0) {
        return host_errno();
    }
    return write_guest(c.proc.cpu(), out, st) ? 0 : -EFAULT;
}

template <bool kWrite>
int64_t vector_io(SyscallCall& c) {
    OpenFile* f = file_of(c, c.iarg(0));
    if (!f) return -EBADF;
    if (c.a[2] > 1024 /*UIO_MAXIOV*/) return -EINVAL;  // as Linux: and no long loop for the guest to ask for
    int64_t total = 0;
    for (uint64_t i = 0; i < c.a[2]; ++i) {
        auto iov = read_guest(c.proc.cpu(), c.ptr<iovec>(1) + i);
        if (!iov) return -EFAULT;
        guest::Addr base(reinterpret_cast<uint64_t>(iov->iov_base));
        int64_t n = kWrite ? write_from_guest(c, *f, base, iov->iov_len, std::nullopt)
                           : read_into_guest(c, *f, base, iov->iov_len, std::nullopt);
        if (n < 0) return total ? total : n;
        total += n;
        if (static_cast<uint64_t>(n) < iov->iov_len) break;
    }
    return total;
}

int64_t readlink_common(SyscallCall& c, int dirfd, guest::Ptr<const char> path_addr, guest::Addr buf, uint64_t size) {
    auto p = read_guest_path(c.proc.cpu(), path_addr);
    if (!p) return p.error;
    std::string target;
    if (*p == "/proc/self/exe" || *p == "/proc/" + std::to_string(c.proc.pid()) + "/exe") {
        target = c.proc.options().exe_path;
    } else {
        auto full = resolve(c, dirfd, *p);
        if (!full) return -EBADF;
        char tmp[PATH_MAX];
        ssize_t n = ::readlink(full->c_str(), tmp, sizeof tmp);
        if (n < 0) return host_errno();
        target.assign(tmp, static_cast<size_t>(n));
    }
    size_t n = std::min<size_t>(target.size(), size);
    return c.proc.cpu().try_write_user(buf, target.data(), n) ? static_cast<int64_t>(n) : -EFAULT;
}

int64_t access_common(SyscallCall& c, int dirfd, guest::Ptr<const char> path_addr, int mode) {
    auto p = read_guest_path(c.proc.cpu(), path_addr);
    if (!p) return p.error;
    auto full = resolve(c, dirfd, *p);
    if (!full) return -EBADF;
    if (virtual_file(*full)) return (mode & W_OK) ? -EACCES : 0;
    if ((mode & W_OK) && !c.proc.paths().may_write(*full, c.proc.cwd())) return -EACCES;
    return ::access(full->c_str(), mode) == 0 ? 0 : host_errno();
}

}  // namespace

int64_t read(SyscallCall& c) {
    OpenFile* f = file_of(c, c.iarg(0));
    return f ? read_into_guest(c, *f, c.ptr(1), c.a[2], std::nullopt) : -EBADF;
}
int64_t write(SyscallCall& c) {
    OpenFile* f = file_of(c, c.iarg(0));
    return f ? write_from_guest(c, *f, c.ptr(1), c.a[2], std::nullopt) : -EBADF;
}
int64_t pread64(SyscallCall& c) {
    OpenFile* f = file_of(c, c.iarg(0));
    if (!f) return -EBADF;
    return borrowed_stdio(*f) ? -ESPIPE : read_into_guest(c, *f, c.ptr(1), c.a[2], c.sarg(3));
}
int64_t pwrite64(SyscallCall& c) {
    OpenFile* f = file_of(c, c.iarg(0));
    if (!f) return -EBADF;
    return borrowed_stdio(*f) ? -ESPIPE : write_from_guest(c, *f, c.ptr(1), c.a[2], c.sarg(3));
}
int64_t readv(SyscallCall& c) { return vector_io<false>(c); }
int64_t writev(SyscallCall& c) { return vector_io<true>(c); }

int64_t open(SyscallCall& c) { return do_open(c, AT_FDCWD, c.ptr<const char>(0), static_cast<uint32_t>(c.a[1]), static_cast<uint32_t>(c.a[2])); }
int64_t openat(SyscallCall& c) { return do_open(c, c.iarg(0), c.ptr<const char>(1), static_cast<uint32_t>(c.a[2]), static_cast<uint32_t>(c.a[3])); }

int64_t close(SyscallCall& c) { return c.proc.fds().close(c.iarg(0)) ? 0 : -EBADF; }

int64_t lseek(SyscallCall& c) {
    OpenFile* f = file_of(c, c.iarg(0));
    if (!f) return -EBADF;
    if (f->kind == OpenFile::Kind::virtual_file) {
        int64_t base = c.iarg(2) == SEEK_SET ? 0 : c.iarg(2) == SEEK_CUR ? static_cast<int64_t>(f->offset)
                                                                         : static_cast<int64_t>(f->content.size());
        int64_t pos = base + c.sarg(1);
        if (pos < 0) return -EINVAL;
        f->offset = static_cast<uint64_t>(pos);
        return pos;
    }
    if (f->kind != OpenFile::Kind::host || borrowed_stdio(*f)) return -ESPIPE;
    off_t r = ::lseek(f->host_fd, c.sarg(1), c.iarg(2));
    return r < 0 ? host_errno() : r;
}

int64_t fstat(SyscallCall& c) {
    OpenFile* f = file_of(c, c.iarg(0));
    return f ? fill_stat(c, *f, c.ptr<struct stat>(1)) : -EBADF;
}
int64_t stat(SyscallCall& c) { return stat_path(c, AT_FDCWD, c.ptr<const char>(0), c.ptr<struct stat>(1), 0); }
int64_t lstat(SyscallCall& c) { return stat_path(c, AT_FDCWD, c.ptr<const char>(0), c.ptr<struct stat>(1), AT_SYMLINK_NOFOLLOW); }
int64_t newfstatat(SyscallCall& c) { return stat_path(c, c.iarg(0), c.ptr<const char>(1), c.ptr<struct stat>(2), c.iarg(3)); }

int64_t fcntl(SyscallCall& c) {
    FdEntry* e = c.proc.fds().get(c.iarg(0));
    if (!e) return -EBADF;
    switch (c.iarg(1)) {
        case F_DUPFD:
        case F_DUPFD_CLOEXEC: {
            // The minimum is an unsigned int to Linux: a negative one is past the limit, EINVAL.
            uint32_t from = static_cast<uint32_t>(c.a[2]);
            if (from >= c.proc.fd_limit()) return -EINVAL;
            return c.proc.open_fd(e->file, c.iarg(1) == F_DUPFD_CLOEXEC, static_cast<int>(from));
        }
        case F_GETFD: return e->cloexec ? FD_CLOEXEC : 0;
        case F_SETFD: e->cloexec = c.a[2] & FD_CLOEXEC; return 0;
        case F_GETFL: return e->file->status_flags;
        case F_SETFL:
            // Recorded for the guest only: the host's stdio must stay as it is.
            e->file->status_flags = (e->file->status_flags & O_ACCMODE) | (static_cast<uint32_t>(c.a[2]) & (O_APPEND | O_NONBLOCK));
            return 0;
        default: return -EINVAL;
    }
}

int64_t ioctl(SyscallCall& c) { return file_of(c, c.iarg(0)) ? -ENOTTY : -EBADF; }

int64_t dup(SyscallCall& c) {
    FdEntry* e = c.proc.fds().get(c.iarg(0));
    return e ? c.proc.open_fd(e->file, false) : -EBADF;
}

namespace {
// dup2 and dup3 as Linux's ksys_dup3 checks them, in its order: flags, the same descriptor twice, a
// target at or past RLIMIT_NOFILE (descriptors are unsigned there: a negative one too), then the source.
int64_t dup_to(SyscallCall& c, uint32_t flags, bool dup3) {
    uint32_t oldfd = static_cast<uint32_t>(c.a[0]), newfd = static_cast<uint32_t>(c.a[1]);
    if (flags & ~uint32_t(O_CLOEXEC)) return -EINVAL;
    if (oldfd == newfd) return dup3 ? -EINVAL : c.proc.fds().get(c.iarg(0)) ? c.iarg(1) : -EBADF;
    if (newfd >= c.proc.fd_limit()) return -EBADF;
    FdEntry* e = c.proc.fds().get(c.iarg(0));
    if (!e) return -EBADF;
    c.proc.fds().put(static_cast<int>(newfd), e->file, flags & O_CLOEXEC);
    return newfd;
}
}  // namespace

int64_t dup3(SyscallCall& c) { return dup_to(c, static_cast<uint32_t>(c.a[2]), true); }
int64_t dup2(SyscallCall& c) { return dup_to(c, 0, false); }

int64_t getdents64(SyscallCall& c) {
    OpenFile* f = file_of(c, c.iarg(0));
    if (!f || f->kind != OpenFile::Kind::host) return -EBADF;
    std::vector<uint8_t> tmp(std::min<uint64_t>(c.a[2], 1 << 16));
    long n = ::syscall(SYS_getdents64, f->host_fd, tmp.data(), tmp.size());
    if (n < 0) return host_errno();
    return c.proc.cpu().try_write_user(c.ptr(1), tmp.data(), static_cast<size_t>(n)) ? n : -EFAULT;
}

int64_t readlink(SyscallCall& c) { return readlink_common(c, AT_FDCWD, c.ptr<const char>(0), c.ptr(1), c.a[2]); }
int64_t readlinkat(SyscallCall& c) { return readlink_common(c, c.iarg(0), c.ptr<const char>(1), c.ptr(2), c.a[3]); }
int64_t access(SyscallCall& c) { return access_common(c, AT_FDCWD, c.ptr<const char>(0), c.iarg(1)); }
int64_t faccessat(SyscallCall& c) { return access_common(c, c.iarg(0), c.ptr<const char>(1), c.iarg(2)); }

int64_t getcwd(SyscallCall& c) {
    const std::string& cwd = c.proc.cwd();
    if (c.a[1] < cwd.size() + 1) return -ERANGE;
    return c.proc.cpu().try_write_user(c.ptr(0), cwd.c_str(), cwd.size() + 1) ? static_cast<int64_t>(cwd.size() + 1) : -EFAULT;
}

int64_t chdir(SyscallCall& c) {
    auto p = path_arg(c, 0);
    if (!p) return p.error;
    auto full = resolve(c, AT_FDCWD, *p);
    if (!full) return -ENOENT;
    char buf[PATH_MAX];
    if (!::realpath(full->c_str(), buf)) return host_errno();  // ENOENT, ENOTDIR, ENAMETOOLONG, ELOOP, EACCES as Linux
    struct stat st {};
    if (::stat(buf, &st) != 0) return host_errno();
    if (!S_ISDIR(st.st_mode)) return -ENOTDIR;
    c.proc.set_cwd(buf);
    return 0;
}

int64_t refuse_path_change(SyscallCall&) { return -EACCES; }
int64_t refuse_fd_change(SyscallCall& c) {
    FdEntry* e = c.proc.fds().get(c.iarg(0));
    if (!e) return -EBADF;
    if (e->file->kind == OpenFile::Kind::host && (e->file->status_flags & O_ACCMODE) != O_RDONLY && e->file->host_fd > 2)
        return ::ftruncate(e->file->host_fd, c.sarg(1)) == 0 ? 0 : host_errno();  // opened writable under --allow-write
    return -EACCES;
}

// fsync and fdatasync change no file's contents. A file opened for writing (which only --allow-write
// allows) is synced on the host; a read-only one succeeds and does nothing, as Linux lets it succeed
// and the guest wrote nothing there to flush; the host's stdio takes the call as it is (EINVAL for a
// terminal or a pipe, as natively); the emulator's pipes, eventfds and epolls cannot be synced (EINVAL).
static int64_t sync_fd(SyscallCall& c, bool data_only) {
    FdEntry* e = c.proc.fds().get(c.iarg(0));
    if (!e) return -EBADF;
    const OpenFile& f = *e->file;
    if (f.kind == OpenFile::Kind::virtual_file) return 0;
    if (f.kind != OpenFile::Kind::host) return -EINVAL;
    if (f.owns_host_fd && (f.status_flags & O_ACCMODE) == O_RDONLY) return 0;
    return (data_only ? ::fdatasync(f.host_fd) : ::fsync(f.host_fd)) == 0 ? 0 : host_errno();
}
int64_t fsync(SyscallCall& c) { return sync_fd(c, false); }
int64_t fdatasync(SyscallCall& c) { return sync_fd(c, true); }

// A flock is seen by every process on the host, so it is a change to the host: only on files under
// --allow-write, EACCES elsewhere (stdio included), as the other changes are refused. The host is
// asked without blocking: a lock another host process holds is EWOULDBLOCK even without LOCK_NB,
// since waiting for it would stop every guest thread. The guest's own objects lock trivially. Linux's
// own checks come first, in its order: LOCK_MAND is ignored (since 5.15), an operation other than
// LOCK_SH, LOCK_EX or LOCK_UN (with or without LOCK_NB) is EINVAL, and only then the descriptor.
int64_t flock(SyscallCall& c) {
    const uint32_t op = static_cast<uint32_t>(c.a[1]);
    if (op & LOCK_MAND) return 0;
    const uint32_t kind = op & ~uint32_t{LOCK_NB};
    if (kind != LOCK_SH && kind != LOCK_EX && kind != LOCK_UN) return -EINVAL;
    FdEntry* e = c.proc.fds().get(c.iarg(0));
    if (!e) return -EBADF;
    const OpenFile& f = *e->file;
    if (f.kind != OpenFile::Kind::host) return 0;
    if (!f.owns_host_fd || !c.proc.paths().may_write(f.path, c.proc.cwd())) return -EACCES;
    return ::flock(f.host_fd, static_cast<int>(op | LOCK_NB)) == 0 ? 0 : host_errno();
}

int64_t unlinkat(SyscallCall& c) {
    auto p = path_arg(c, 1);
    if (!p) return p.error;
    auto full = resolve(c, c.iarg(0), *p);
    if (!full) return -EBADF;
    if (!c.proc.paths().may_write(*full, c.proc.cwd())) return -EACCES;
    return ::unlinkat(AT_FDCWD, full->c_str(), c.iarg(2)) == 0 ? 0 : host_errno();
}

namespace {
int64_t do_mkdir(SyscallCall& c, int dirfd, guest::Ptr<const char> path_addr, uint64_t mode) {
    auto p = read_guest_path(c.proc.cpu(), path_addr);
    if (!p) return p.error;
    auto full = resolve(c, dirfd, *p);
    if (!full) return -EBADF;
    if (!c.proc.paths().may_write(*full, c.proc.cwd())) return -EACCES;
    return ::mkdir(full->c_str(), creation_mode(c, mode)) == 0 ? 0 : host_errno();
}
}  // namespace

int64_t mkdirat(SyscallCall& c) { return do_mkdir(c, c.iarg(0), c.ptr<const char>(1), c.a[2]); }
int64_t mkdir(SyscallCall& c) { return do_mkdir(c, AT_FDCWD, c.ptr<const char>(0), c.a[1]); }
int64_t creat(SyscallCall& c) { return do_open(c, AT_FDCWD, c.ptr<const char>(0), O_CREAT | O_WRONLY | O_TRUNC, static_cast<uint32_t>(c.a[1])); }
int64_t umask(SyscallCall& c) {
    uint32_t old = c.proc.umask();
    c.proc.set_umask(static_cast<uint32_t>(c.a[0]));
    return old;
}

namespace {
// Whether a path's last component names a directory entry (Linux's LAST_NORM): not "/", ".", or "..",
// which rename refuses (EBUSY) before anything else.
bool names_an_entry(const std::string& path) {
    auto end = path.find_last_not_of('/');
    if (end == std::string::npos) return false;
    auto slash = path.rfind('/', end);
    size_t begin = slash == std::string::npos ? 0 : slash + 1;
    std::string last = path.substr(begin, end + 1 - begin);
    return last != "." && last != "..";
}

// rename(2)'s family: both ends below an --allow-write directory. renameat2's flags are the host's to
// honour — RENAME_NOREPLACE and RENAME_EXCHANGE are atomic there, and a filesystem that cannot do them
// answers EINVAL itself — after Linux's own checks of the flags; RENAME_WHITEOUT makes a device node
// (a whiteout), which an unprivileged process may not: EPERM, as Linux says without CAP_MKNOD.
int64_t do_rename(SyscallCall& c, int olddir, guest::Ptr<const char> oldpath, int newdir, guest::Ptr<const char> newpath, uint32_t flags) {
    constexpr uint32_t kNoReplace = 1, kExchange = 2, kWhiteout = 4;
    if (flags & ~(kNoReplace | kExchange | kWhiteout)) return -EINVAL;
    if ((flags & (kNoReplace | kWhiteout)) && (flags & kExchange)) return -EINVAL;
    auto from = read_guest_path(c.proc.cpu(), oldpath), to = read_guest_path(c.proc.cpu(), newpath);
    if (!from) return from.error;
    if (!to) return to.error;
    auto f = resolve(c, olddir, *from), t = resolve(c, newdir, *to);
    if (!f || !t) return -EBADF;
    const auto& cwd = c.proc.cwd();
    if (!c.proc.paths().may_write(*f, cwd) || !c.proc.paths().may_write(*t, cwd)) {
        // Renaming a file to itself (the same inode at both ends) changes nothing: Linux answers 0
        // before it checks any permission, and so does the sandbox. Anything else would change the host.
        struct stat a {}, b {};
        bool same = flags == 0 && names_an_entry(*from) && names_an_entry(*to) && ::lstat(f->c_str(), &a) == 0 &&
                    ::lstat(t->c_str(), &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
        return same ? 0 : -EACCES;
    }
    if (flags & kWhiteout) return -EPERM;
    return ::syscall(SYS_renameat2, AT_FDCWD, f->c_str(), AT_FDCWD, t->c_str(), flags) == 0 ? 0 : host_errno();
}
}  // namespace

int64_t renameat(SyscallCall& c) { return do_rename(c, c.iarg(0), c.ptr<const char>(1), c.iarg(2), c.ptr<const char>(3), 0); }
int64_t renameat2(SyscallCall& c) { return do_rename(c, c.iarg(0), c.ptr<const char>(1), c.iarg(2), c.ptr<const char>(3), static_cast<uint32_t>(c.a[4])); }
int64_t rename(SyscallCall& c) { return do_rename(c, AT_FDCWD, c.ptr<const char>(0), AT_FDCWD, c.ptr<const char>(1), 0); }

}  // namespace gostart::linux::sys
