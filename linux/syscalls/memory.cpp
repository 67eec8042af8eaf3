// Memory syscalls: the guest's address space is GuestMemory's; these only decode arguments.
#include "linux/syscalls/handlers.h"

#include "cpu/prot.h"
#include "linux/process.h"

#include <algorithm>
#include <cerrno>
#include <sys/mman.h>
#include <unistd.h>

namespace gostart::linux::sys {

int64_t mmap(SyscallCall& c) {
    uint64_t addr = c.a[0], len = c.a[1];
    uint32_t prot = static_cast<uint32_t>(c.a[2]) & 7;
    uint64_t flags = c.a[3];
    int fd = c.iarg(4);
    uint64_t off = c.a[5];
    if (!(flags & (MAP_PRIVATE | MAP_SHARED))) return -EINVAL;
    bool fixed = flags & MAP_FIXED, noreplace = flags & MAP_FIXED_NOREPLACE;
    std::string name;
    OpenFile* file = nullptr;
    if (!(flags & MAP_ANONYMOUS)) {
        FdEntry* e = c.proc.fds().get(fd);
        if (!e) return -EBADF;
        if (e->file->kind != OpenFile::Kind::host) return -ENODEV;
        if ((flags & MAP_SHARED) && (prot & PROT_WRITE)) return -EACCES;  // would write the host file
        file = e->file.get();
        name = file->path;
    }
    // Load a file mapping with its bytes, as a private copy: the host file never changes.
    uint32_t map_prot = file ? (prot | cpu::kProtWrite) : prot;
    int64_t r = c.proc.memory().mmap(addr, len, file ? map_prot : prot, fixed, noreplace, name);
    if (r < 0 || !file) return r;
    // In pieces: the length is the guest's (up to --max-memory), the file may be much shorter.
    std::vector<uint8_t> buf(std::min<uint64_t>(cpu::page_up(len), 1 << 20));
    for (uint64_t done = 0; done < len;) {
        ssize_t n = ::pread(file->host_fd, buf.data(), std::min<uint64_t>(buf.size(), len - done),
                            static_cast<off_t>(off + done));
        if (n <= 0) break;
        c.proc.cpu().try_write(static_cast<uint64_t>(r) + done, buf.data(), static_cast<size_t>(n));
        done += static_cast<uint64_t>(n);
    }
    if (map_prot != prot) c.proc.memory().mprotect(static_cast<uint64_t>(r), len, prot);
    return r;
}

int64_t munmap(SyscallCall& c) { return c.proc.memory().munmap(c.a[0], c.a[1]); }

int64_t mprotect(SyscallCall& c) { return c.proc.memory().mprotect(c.a[0], c.a[1], static_cast<uint32_t>(c.a[2]) & 7); }

int64_t madvise(SyscallCall& c) {
    int advice = c.iarg(2);
    if (advice == MADV_DONTNEED) return c.proc.memory().madvise_dontneed(c.a[0], c.a[1]);
    // MADV_FREE may or may not zero; keeping the content is a valid outcome. Hints change nothing.
    return 0;
}

int64_t brk(SyscallCall& c) { return c.proc.memory().brk(c.a[0]); }

int64_t mincore(SyscallCall& c) {
    uint64_t addr = c.a[0], len = cpu::page_up(c.a[1]);
    if (addr & (cpu::kPageSize - 1)) return -EINVAL;
    for (uint64_t a = addr; a < addr + len; a += cpu::kPageSize) {
        const Vma* v = c.proc.memory().find(a);
        if (!v) return -ENOMEM;
        uint8_t resident = v->in_engine ? 1 : 0;
        if (!c.proc.cpu().try_write_user(c.a[2] + (a - addr) / cpu::kPageSize, &resident, 1)) return -EFAULT;
    }
    return 0;
}

int64_t success(SyscallCall&) { return 0; }

}  // namespace gostart::linux::sys
