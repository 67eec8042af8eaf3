#include "linux/strace_constants.h"

#include <fmt/format.h>

#include <fcntl.h>
#include <linux/futex.h>
#include <linux/prctl.h>
#include <sched.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <initializer_list>
#include <utility>

namespace gostart::linux {
namespace {

using Names = std::initializer_list<std::pair<uint64_t, const char*>>;
#define N(x) {static_cast<uint64_t>(x), #x}

std::string flags(uint64_t v, Names names, const char* zero) {
    std::string out;
    for (auto [bit, name] : names) {
        if (bit && (v & bit) == bit) {
            out += (out.empty() ? "" : "|") + std::string(name);
            v &= ~bit;
        }
    }
    if (v) out += (out.empty() ? "" : "|") + strace_hex(v);
    return out.empty() ? zero : out;
}

std::string one_of(uint64_t v, Names names, bool hex = false) {
    for (auto [value, name] : names)
        if (value == v) return name;
    return hex ? strace_hex(v) : fmt::format("{}", static_cast<int64_t>(v));
}

std::string open_flags(uint64_t v) {
    const char* acc = (v & O_ACCMODE) == O_WRONLY ? "O_WRONLY" : (v & O_ACCMODE) == O_RDWR ? "O_RDWR" : "O_RDONLY";
    std::string rest = flags(v & ~uint64_t(O_ACCMODE),
                             {N(O_CREAT), N(O_EXCL), N(O_NOCTTY), N(O_TRUNC), N(O_APPEND), N(O_NONBLOCK), N(O_DSYNC),
                              N(O_ASYNC), N(O_DIRECT), {0100000, "O_LARGEFILE"}, N(O_TMPFILE), N(O_DIRECTORY),
                              N(O_NOFOLLOW), N(O_NOATIME), N(O_CLOEXEC), N(O_PATH), {04000000, "O_SYNC"}},
                             "");
    return rest.empty() ? acc : std::string(acc) + "|" + rest;
}

// clone's low byte is the signal sent to the parent when the child ends, not a flag.
std::string clone_flags(uint64_t v) {
    std::string f = flags(v & ~uint64_t(CSIGNAL),
                          {N(CLONE_VM), N(CLONE_FS), N(CLONE_FILES), N(CLONE_SIGHAND), N(CLONE_PIDFD), N(CLONE_PTRACE),
                           N(CLONE_VFORK), N(CLONE_PARENT), N(CLONE_THREAD), N(CLONE_NEWNS), N(CLONE_SYSVSEM),
                           N(CLONE_SETTLS), N(CLONE_PARENT_SETTID), N(CLONE_CHILD_CLEARTID), N(CLONE_UNTRACED),
                           N(CLONE_CHILD_SETTID), N(CLONE_NEWCGROUP), N(CLONE_NEWUTS), N(CLONE_NEWIPC),
                           N(CLONE_NEWUSER), N(CLONE_NEWPID), N(CLONE_NEWNET), N(CLONE_IO)},
                          "");
    int sig = static_cast<int>(v & CSIGNAL);
    if (!sig) return f.empty() ? "0" : f;
    const char* abbrev = sig < 32 ? sigabbrev_np(sig) : nullptr;
    std::string s = abbrev ? fmt::format("SIG{}", abbrev) : fmt::format("{}", sig);
    return f.empty() ? s : f + "|" + s;
}

}  // namespace

std::string strace_hex(uint64_t v) { return v ? fmt::format("{:#x}", v) : "0"; }

std::optional<std::string> strace_constant(Arg kind, uint64_t v) {
    switch (kind) {
        case Arg::open_flags: return open_flags(v);
        case Arg::prot: return flags(v, {N(PROT_READ), N(PROT_WRITE), N(PROT_EXEC), {0x8, "PROT_SEM"}, N(PROT_GROWSDOWN),
                                         N(PROT_GROWSUP)}, "PROT_NONE");
        case Arg::map_flags: {
            std::string type = (v & MAP_TYPE) == MAP_SHARED ? "MAP_SHARED" : (v & MAP_TYPE) == MAP_PRIVATE ? "MAP_PRIVATE"
                             : (v & MAP_TYPE) == MAP_SHARED_VALIDATE ? "MAP_SHARED_VALIDATE" : strace_hex(v & MAP_TYPE);
            std::string rest = flags(v & ~uint64_t(MAP_TYPE),
                                     {N(MAP_FIXED), N(MAP_ANONYMOUS), N(MAP_32BIT), N(MAP_GROWSDOWN), N(MAP_DENYWRITE),
                                      N(MAP_EXECUTABLE), N(MAP_LOCKED), N(MAP_NORESERVE), N(MAP_POPULATE),
                                      N(MAP_NONBLOCK), N(MAP_STACK), N(MAP_HUGETLB), N(MAP_SYNC),
                                      N(MAP_FIXED_NOREPLACE)},
                                     "");
            return rest.empty() ? type : type + "|" + rest;
        }
        case Arg::futex_op: {
            static const char* kOps[] = {"FUTEX_WAIT", "FUTEX_WAKE", "FUTEX_FD", "FUTEX_REQUEUE", "FUTEX_CMP_REQUEUE",
                                         "FUTEX_WAKE_OP", "FUTEX_LOCK_PI", "FUTEX_UNLOCK_PI", "FUTEX_TRYLOCK_PI",
                                         "FUTEX_WAIT_BITSET", "FUTEX_WAKE_BITSET"};
            uint64_t cmd = v & FUTEX_CMD_MASK;
            std::string s = cmd < std::size(kOps) ? kOps[cmd] : fmt::format("{}", cmd);
            if (v & FUTEX_PRIVATE_FLAG) s += "_PRIVATE";
            if (v & FUTEX_CLOCK_REALTIME) s += "|FUTEX_CLOCK_REALTIME";
            return s;
        }
        case Arg::clock:
            return one_of(v, {N(CLOCK_REALTIME), N(CLOCK_MONOTONIC), N(CLOCK_PROCESS_CPUTIME_ID),
                              N(CLOCK_THREAD_CPUTIME_ID), N(CLOCK_MONOTONIC_RAW), N(CLOCK_REALTIME_COARSE),
                              N(CLOCK_MONOTONIC_COARSE), N(CLOCK_BOOTTIME)});
        case Arg::clock_flags: return flags(v, {N(TIMER_ABSTIME)}, "0");
        case Arg::sigmask_how: return one_of(v, {N(SIG_BLOCK), N(SIG_UNBLOCK), N(SIG_SETMASK)});
        case Arg::arch_prctl_code:
            return v == 0x1001 ? "ARCH_SET_GS" : v == 0x1002 ? "ARCH_SET_FS" : v == 0x1003 ? "ARCH_GET_FS"
                 : v == 0x1004 ? "ARCH_GET_GS" : strace_hex(v);
        case Arg::whence: return one_of(v, {N(SEEK_SET), N(SEEK_CUR), N(SEEK_END), N(SEEK_DATA), N(SEEK_HOLE)});
        case Arg::fcntl_cmd:
            return one_of(v, {N(F_DUPFD), N(F_GETFD), N(F_SETFD), N(F_GETFL), N(F_SETFL), N(F_GETLK), N(F_SETLK),
                              N(F_SETLKW), N(F_DUPFD_CLOEXEC), N(F_GETPIPE_SZ), N(F_SETPIPE_SZ)});
        case Arg::rlimit_resource:
            return one_of(v, {N(RLIMIT_CPU), N(RLIMIT_FSIZE), N(RLIMIT_DATA), N(RLIMIT_STACK), N(RLIMIT_CORE),
                              N(RLIMIT_RSS), N(RLIMIT_NPROC), N(RLIMIT_NOFILE), N(RLIMIT_MEMLOCK), N(RLIMIT_AS),
                              N(RLIMIT_LOCKS), N(RLIMIT_SIGPENDING), N(RLIMIT_MSGQUEUE), N(RLIMIT_NICE),
                              N(RLIMIT_RTPRIO), N(RLIMIT_RTTIME)});
        case Arg::madvise_advice:
            return one_of(v, {N(MADV_NORMAL), N(MADV_RANDOM), N(MADV_SEQUENTIAL), N(MADV_WILLNEED),
                              N(MADV_DONTNEED), N(MADV_FREE), N(MADV_REMOVE), N(MADV_DONTFORK), N(MADV_DOFORK),
                              N(MADV_MERGEABLE), N(MADV_UNMERGEABLE), N(MADV_HUGEPAGE), N(MADV_NOHUGEPAGE),
                              N(MADV_DONTDUMP), N(MADV_DODUMP), N(MADV_WIPEONFORK), N(MADV_KEEPONFORK),
                              N(MADV_COLD), N(MADV_PAGEOUT), N(MADV_POPULATE_READ), N(MADV_POPULATE_WRITE),
                              N(MADV_DONTNEED_LOCKED), {25, "MADV_COLLAPSE"}, N(MADV_HWPOISON)});
        case Arg::clone_flags: return clone_flags(v);
        case Arg::access_mode: return flags(v, {N(R_OK), N(W_OK), N(X_OK)}, "F_OK");
        case Arg::at_flags:
            return flags(v, {N(AT_SYMLINK_NOFOLLOW), N(AT_REMOVEDIR), N(AT_SYMLINK_FOLLOW), N(AT_NO_AUTOMOUNT),
                             N(AT_EMPTY_PATH), N(AT_STATX_FORCE_SYNC), N(AT_STATX_DONT_SYNC)}, "0");
        case Arg::mode: return fmt::format("{:#o}", v);
        case Arg::grnd_flags: return flags(v, {N(GRND_NONBLOCK), N(GRND_RANDOM), {4, "GRND_INSECURE"}}, "0");
        case Arg::epoll_op: return one_of(v, {N(EPOLL_CTL_ADD), N(EPOLL_CTL_DEL), N(EPOLL_CTL_MOD)});
        case Arg::epoll_flags: return flags(v, {N(EPOLL_CLOEXEC)}, "0");
        case Arg::eventfd_flags: return flags(v, {N(EFD_SEMAPHORE), N(EFD_CLOEXEC), N(EFD_NONBLOCK)}, "0");
        case Arg::fd_flags: return flags(v, {N(O_NONBLOCK), N(O_DIRECT), N(O_CLOEXEC)}, "0");
        case Arg::prctl_option:
            return one_of(v, {N(PR_SET_PDEATHSIG), N(PR_GET_PDEATHSIG), N(PR_GET_DUMPABLE), N(PR_SET_DUMPABLE),
                              N(PR_SET_NAME), N(PR_GET_NAME), N(PR_CAPBSET_READ), N(PR_CAPBSET_DROP),
                              N(PR_SET_NO_NEW_PRIVS), N(PR_GET_NO_NEW_PRIVS), N(PR_SET_THP_DISABLE),
                              N(PR_GET_THP_DISABLE), N(PR_SET_VMA)});
        case Arg::socket_family:
            return one_of(v, {N(AF_UNSPEC), N(AF_UNIX), N(AF_INET), N(AF_INET6), N(AF_NETLINK), N(AF_PACKET)});
        case Arg::socket_type: {
            std::string type = one_of(v & 0xf, {N(SOCK_STREAM), N(SOCK_DGRAM), N(SOCK_RAW), N(SOCK_RDM),
                                                N(SOCK_SEQPACKET), N(SOCK_PACKET)});
            std::string rest = flags(v & ~uint64_t(0xf), {N(SOCK_NONBLOCK), N(SOCK_CLOEXEC)}, "");
            return rest.empty() ? type : type + "|" + rest;
        }
        case Arg::ioctl_request:
            return one_of(v, {N(TCGETS), N(TCSETS), N(TCSETSW), N(TCSETSF), N(TIOCGWINSZ), N(TIOCSWINSZ),
                              N(TIOCGPGRP), N(TIOCSPGRP), N(FIONREAD), N(FIONBIO), N(FIOCLEX), N(FIONCLEX)}, true);
        case Arg::flock_op: return flags(v, {N(LOCK_SH), N(LOCK_EX), N(LOCK_NB), N(LOCK_UN)}, "0");
        case Arg::mremap_flags: return flags(v, {N(MREMAP_MAYMOVE), N(MREMAP_FIXED), N(MREMAP_DONTUNMAP)}, "0");
        case Arg::msync_flags: return flags(v, {N(MS_ASYNC), N(MS_INVALIDATE), N(MS_SYNC)}, "0");
        case Arg::mlockall_flags: return flags(v, {N(MCL_CURRENT), N(MCL_FUTURE), N(MCL_ONFAULT)}, "0");
        case Arg::mlock2_flags: return flags(v, {N(MLOCK_ONFAULT)}, "0");
        default: return std::nullopt;
    }
}

}  // namespace gostart::linux
