// Memory syscalls: the guest's address space is GuestMemory's, which checks the arguments as Linux
// does; these decode them, find the file behind a file mapping and copy its bytes in.
#include "linux/syscalls/handlers.h"

#include "cpu/prot.h"
#include "linux/process.h"

#include <algorithm>
#include <cerrno>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

namespace gostart::linux::sys {

namespace {

// What mmap needs to know of a descriptor: nullopt for /dev/zero, whose mapping is anonymous memory.
std::optional<MappedFile> mapped_file(const OpenFile& f) {
    MappedFile m;
    m.path = f.path;
    uint32_t mode = f.status_flags & O_ACCMODE;
    m.readable = mode == O_RDONLY || mode == O_RDWR;
    m.writable = mode == O_WRONLY || mode == O_RDWR;
    m.mappable = false;  // pipes, eventfds, epoll, virtual files: no mmap operation
    // ...and they live on the kernel's pseudo-filesystems, which are noexec (SB_I_NOEXEC).
    m.noexec = true;
    switch (f.kind) {  // the modes Linux opens them with
        case OpenFile::Kind::eventfd:
        case OpenFile::Kind::epoll: m.readable = m.writable = true; return m;
        case OpenFile::Kind::pipe_read: m.readable = true, m.writable = false; return m;
        case OpenFile::Kind::pipe_write: m.readable = false, m.writable = true; return m;
        case OpenFile::Kind::virtual_file: m.readable = true, m.writable = false; return m;
        case OpenFile::Kind::host: break;
    }
    struct stat st {};
    if (::fstat(f.host_fd, &st) != 0) return m;
    if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 5)) return std::nullopt;  // /dev/zero
    m.mappable = S_ISREG(st.st_mode);
    struct statvfs vfs {};
    m.noexec = ::fstatvfs(f.host_fd, &vfs) == 0 && (vfs.f_flag & ST_NOEXEC);
    // ext4's and xfs's mmap refuse MAP_SYNC unless the file is on DAX (persistent memory); the
    // guest never sees DAX.
    struct statfs fs {};
    m.refuses_sync = ::fstatfs(f.host_fd, &fs) == 0 && (fs.f_type == 0xEF53 || fs.f_type == 0x58465342);
    return m;
}

}  // namespace

int64_t mmap(SyscallCall& c) {
    uint64_t addr = c.a[0], len = c.a[1], prot = c.a[2], flags = c.a[3], off = c.a[5];
    if (off & (cpu::kPageSize - 1)) return -EINVAL;  // x86's sys_mmap, before anything else
    std::optional<MappedFile> file;
    OpenFile* of = nullptr;
    if (!(flags & MAP_ANONYMOUS)) {
        FdEntry* e = c.proc.fds().get(c.iarg(4));
        if (!e) return -EBADF;
        if (flags & MAP_HUGETLB) return -EINVAL;  // only a hugetlbfs file may be mapped so
        file = mapped_file(*e->file);
        if (file) of = e->file.get();
        else flags |= MAP_ANONYMOUS;
    } else if (flags & MAP_HUGETLB) {
        // Anonymous huge pages: a size the emulated CPU has (2 MiB: it has no 1 GiB pages), else
        // EINVAL; the length rounds up to it; a fixed address and the offset must be aligned to it
        // (hugetlbfs); and then the pool is empty, as it is by default: ENOMEM.
        uint64_t size_log = (flags >> MAP_HUGE_SHIFT) & MAP_HUGE_MASK;
        if (size_log != 0 && size_log != 21) return -EINVAL;
        constexpr uint64_t kHuge = 2 << 20;
        len = (len + kHuge - 1) & ~(kHuge - 1);
        if (len == 0) return -EINVAL;
        if (len > GuestMemory::kUserTop) return -ENOMEM;
        if ((flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) && (addr & (kHuge - 1))) return -EINVAL;
        if (off & (kHuge - 1)) return -EINVAL;
        return -ENOMEM;
    }
    int64_t r = c.proc.memory().mmap(addr, len, prot, flags, off, file ? &*file : nullptr, memory_limits(c.proc));
    if (r < 0 || !of) return r;
    // The file's bytes, in pieces: the length is the guest's (up to --max-memory), the file may be
    // much shorter. try_write is the debugger's view: it writes whatever the protection.
    std::vector<uint8_t> buf(std::min<uint64_t>(cpu::page_up(len), 1 << 20));
    for (uint64_t done = 0; done < len;) {
        ssize_t n = ::pread(of->host_fd, buf.data(), std::min<uint64_t>(buf.size(), len - done),
                            static_cast<off_t>(off + done));
        if (n <= 0) break;
        c.proc.cpu().try_write(guest::Addr(static_cast<uint64_t>(r) + done), buf.data(), static_cast<size_t>(n));
        done += static_cast<uint64_t>(n);
    }
    return r;
}

int64_t munmap(SyscallCall& c) { return c.proc.memory().munmap(c.a[0], c.a[1]); }

int64_t mprotect(SyscallCall& c) { return c.proc.memory().mprotect(c.a[0], c.a[1], c.a[2]); }

int64_t madvise(SyscallCall& c) { return c.proc.memory().madvise(c.a[0], c.a[1], c.iarg(2)); }

int64_t mremap(SyscallCall& c) {
    return c.proc.memory().mremap(c.a[0], c.a[1], c.a[2], c.a[3], c.a[4], memory_limits(c.proc));
}

int64_t brk(SyscallCall& c) { return c.proc.memory().brk(c.a[0], memory_limits(c.proc)); }

int64_t msync(SyscallCall& c) { return c.proc.memory().msync(c.a[0], c.a[1], c.a[2]); }

int64_t mincore(SyscallCall& c) { return c.proc.memory().mincore(c.a[0], c.a[1], c.a[2]); }

int64_t mlock(SyscallCall& c) { return c.proc.memory().mlock(c.a[0], c.a[1], 0, memory_limits(c.proc)); }

int64_t mlock2(SyscallCall& c) {
    return c.proc.memory().mlock(c.a[0], c.a[1], static_cast<uint32_t>(c.a[2]), memory_limits(c.proc));
}

int64_t munlock(SyscallCall& c) { return c.proc.memory().munlock(c.a[0], c.a[1]); }

int64_t mlockall(SyscallCall& c) { return c.proc.memory().mlockall(c.a[0], memory_limits(c.proc)); }

int64_t munlockall(SyscallCall& c) { return c.proc.memory().munlockall(); }

}  // namespace gostart::linux::sys
