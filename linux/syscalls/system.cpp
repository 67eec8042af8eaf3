// Process-wide facts the guest asks for — TLS base, identity, limits, randomness — answered with
// fixed values (or the user's --seed/--cpus), never the host's, so that runs repeat.
#include "linux/syscalls/handlers.h"

#include "linux/exec.h"
#include "linux/guest_io.h"
#include "linux/process.h"
#include "linux/rlimits.h"

#include <asm/prctl.h>
#include <cerrno>
#include <cstring>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>

namespace gostart::linux::sys {

using cpu::Reg;

int64_t arch_prctl(SyscallCall& c) {
    switch (c.iarg(0)) {
        case ARCH_SET_FS: c.proc.cpu().set_reg(Reg::fs_base, c.a[1]); return 0;
        case ARCH_SET_GS: c.proc.cpu().set_reg(Reg::gs_base, c.a[1]); return 0;
        case ARCH_GET_FS: return write_guest(c.proc.cpu(), c.ptr<uint64_t>(1), c.proc.cpu().reg(Reg::fs_base)) ? 0 : -EFAULT;
        case ARCH_GET_GS: return write_guest(c.proc.cpu(), c.ptr<uint64_t>(1), c.proc.cpu().reg(Reg::gs_base)) ? 0 : -EFAULT;
        default: return -EINVAL;
    }
}

int64_t uname(SyscallCall& c) {
    utsname u{};
    std::strcpy(u.sysname, "Linux");
    std::strcpy(u.nodename, "gostart");
    std::strcpy(u.release, "6.1.0-gostart");
    std::strcpy(u.version, "#1 SMP gostart-emu");
    std::strcpy(u.machine, "x86_64");
    std::strcpy(u.domainname, "(none)");
    return write_guest(c.proc.cpu(), c.ptr<utsname>(0), u) ? 0 : -EFAULT;
}

int64_t getrandom(SyscallCall& c) {
    uint64_t n = std::min<uint64_t>(c.a[1], 1 << 20);
    std::vector<uint8_t> buf(n);
    c.proc.random().fill(buf.data(), buf.size());
    return c.proc.cpu().try_write_user(c.ptr(0), buf.data(), buf.size()) ? static_cast<int64_t>(n) : -EFAULT;
}

namespace {

// Limits are the process's own: setting them changes what the guest reads back and what it may do
// (RLIMIT_NOFILE: how many descriptors it may open), nothing on the host. The checks are Linux's
// do_prlimit: a soft limit above the hard one is EINVAL; raising a hard limit (an unprivileged
// process) or RLIMIT_NOFILE past fs.nr_open is EPERM.
int64_t do_prlimit(SyscallCall& c, unsigned resource, guest::Ptr<rlimit> new_addr, guest::Ptr<rlimit> old_addr) {
    if (resource >= RLIM_NLIMITS) return -EINVAL;
    rlimit& l = c.proc.rlimits()[resource];
    rlimit old = l;
    if (new_addr) {
        auto n = read_guest(c.proc.cpu(), new_addr);
        if (!n) return -EFAULT;
        if (n->rlim_cur > n->rlim_max) return -EINVAL;
        if (resource == RLIMIT_NOFILE && n->rlim_max > kNrOpen) return -EPERM;
        if (n->rlim_max > old.rlim_max) return -EPERM;
        l = *n;
    }
    if (old_addr && !write_guest(c.proc.cpu(), old_addr, old)) return -EFAULT;
    return 0;
}

}  // namespace

MemoryLimits memory_limits(Process& p) {
    const auto& l = p.rlimits();
    return MemoryLimits{l[RLIMIT_MEMLOCK].rlim_cur, l[RLIMIT_AS].rlim_cur, l[RLIMIT_DATA].rlim_cur};
}

int64_t getrlimit(SyscallCall& c) { return do_prlimit(c, static_cast<unsigned>(c.a[0]), {}, c.ptr<rlimit>(1)); }
int64_t setrlimit(SyscallCall& c) { return do_prlimit(c, static_cast<unsigned>(c.a[0]), c.ptr<rlimit>(1), {}); }
int64_t prlimit64(SyscallCall& c) {
    if (c.iarg(0) != 0 && c.iarg(0) != c.proc.pid()) return -EPERM;
    return do_prlimit(c, static_cast<unsigned>(c.a[1]), c.ptr<rlimit>(2), c.ptr<rlimit>(3));
}

int64_t prctl(SyscallCall& c) {
    switch (c.iarg(0)) {
        case PR_CAPBSET_READ:
            // The bounding set of an ordinary process is full: every capability Linux 6.1 knows
            // (0..CAP_CHECKPOINT_RESTORE = 40) is in it; libcap probes this to count them.
            return c.a[1] <= 40 ? 1 : -EINVAL;
        case PR_SET_NAME: {
            char name[16] = {};
            for (size_t i = 0; i + 1 < sizeof name; ++i) {
                if (!c.proc.cpu().try_read_user(c.ptr<char>(1) + i, &name[i], 1)) return -EFAULT;
                if (!name[i]) break;
            }
            c.thread.name = name;
            return 0;
        }
        case PR_GET_NAME: {
            char name[16] = {};
            std::string n = c.thread.name.empty() ? c.proc.options().exe_path.substr(c.proc.options().exe_path.rfind('/') + 1)
                                                  : c.thread.name;
            std::memcpy(name, n.data(), std::min<size_t>(n.size(), 15));
            return c.proc.cpu().try_write_user(c.ptr(1), name, sizeof name) ? 0 : -EFAULT;
        }
        case PR_SET_PDEATHSIG: return c.a[1] <= 64 ? 0 : -EINVAL;  // the parent (not emulated) never dies
        case PR_GET_PDEATHSIG: return write_guest(c.proc.cpu(), c.ptr<int32_t>(1), 0) ? 0 : -EFAULT;
        case PR_GET_DUMPABLE: return 1;
        case PR_SET_DUMPABLE: return c.a[1] <= 1 ? 0 : -EINVAL;
        // Any other option is -EINVAL, as on a kernel built without it. Go 1.27 names its heap and stack
        // mappings with PR_SET_VMA_ANON_NAME (set_vma_name_linux.go) and stops trying after the first
        // -EINVAL, as on kernels without CONFIG_ANON_VMA_NAME; the names would only show in /proc/self/maps.
        default: return -EINVAL;
    }
}

int64_t getuid(SyscallCall&) { return 1000; }
int64_t getgid(SyscallCall&) { return 1000; }

int64_t refuse_socket(SyscallCall&) { return -EACCES; }
int64_t refuse_host_control(SyscallCall&) { return -EPERM; }

int64_t sysinfo(SyscallCall& c) {
    struct sysinfo si {};
    si.uptime = static_cast<long>(c.proc.now_ns() / 1000000000ull);
    si.totalram = 8ull << 30;
    si.freeram = 6ull << 30;
    si.mem_unit = 1;
    si.procs = 1;
    return write_guest(c.proc.cpu(), c.ptr<struct sysinfo>(0), si) ? 0 : -EFAULT;
}

}  // namespace gostart::linux::sys
