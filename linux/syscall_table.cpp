#include "linux/syscall_table.h"

#include "linux/process.h"
#include "linux/strace_format.h"
#include "linux/syscalls/handlers.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <vector>

namespace gostart::linux {

using cpu::Reg;
using A = Arg;
constexpr Arg N = Arg::none;

// The table. Order: by number. Every syscall the Go runtime uses from 1.13 on has a row, plus what
// the testdata programs and the sandbox need; anything else is -ENOSYS with its name logged.
static const SyscallDef kTable[] = {
    {0, "read", {A::fd, A::ptr, A::size}, sys::read, "reads a host file read-only, stdin, or an emulated pipe/eventfd"},
    {1, "write", {A::fd, A::buf_in, A::size}, sys::write, "stdout/stderr to the host's; other host files only when opened under --allow-write"},
    {2, "open", {A::str, A::open_flags, A::hex}, sys::open, "as openat(AT_FDCWD, ...)"},
    {3, "close", {A::fd}, sys::close, "closes the guest descriptor"},
    {4, "stat", {A::str, A::ptr}, sys::stat, "host stat, read-only"},
    {5, "fstat", {A::fd, A::ptr}, sys::fstat, "host fstat; emulated objects get a synthetic stat"},
    {6, "lstat", {A::str, A::ptr}, sys::lstat, "host lstat, read-only"},
    {8, "lseek", {A::fd, A::dec, A::whence}, sys::lseek, "host lseek"},
    {9, "mmap", {A::hex, A::size, A::prot, A::map_flags, A::fd, A::hex}, sys::mmap, "GuestMemory, checked as Linux checks it: hints honoured when free, PROT_NONE kept as a reservation; file mappings are private copies (shared ones never writable)"},
    {10, "mprotect", {A::hex, A::size, A::prot}, sys::mprotect, "GuestMemory: partial ranges split mappings; a reservation is committed when it becomes accessible; stops at a hole (ENOMEM), as Linux"},
    {11, "munmap", {A::hex, A::size}, sys::munmap, "GuestMemory: partial unmaps split mappings; a range past the user half is EINVAL"},
    {12, "brk", {A::hex}, sys::brk, "a [heap] mapping above the program, counted against --max-memory; a refused break changes nothing"},
    {13, "rt_sigaction", {A::sig, A::ptr, A::ptr, A::size}, sys::rt_sigaction, "records the action; SIGKILL/SIGSTOP refused"},
    {14, "rt_sigprocmask", {A::sigmask_how, A::ptr, A::ptr, A::size}, sys::rt_sigprocmask, "per-thread mask"},
    {15, "rt_sigreturn", {}, sys::rt_sigreturn, "restores the interrupted state, with the registers the handler left in the frame"},
    {16, "ioctl", {A::fd, A::hex, A::hex}, sys::ioctl, "-ENOTTY: the guest sees no terminal"},
    {17, "pread64", {A::fd, A::ptr, A::size, A::dec}, sys::pread64, "host pread"},
    {18, "pwrite64", {A::fd, A::buf_in, A::size, A::dec}, sys::pwrite64, "host pwrite, only on files opened under --allow-write"},
    {19, "readv", {A::fd, A::ptr, A::dec}, sys::readv, "as read, per vector"},
    {20, "writev", {A::fd, A::ptr, A::dec}, sys::writev, "as write, per vector"},
    {21, "access", {A::str, A::hex}, sys::access, "host access; W_OK refused outside --allow-write"},
    {22, "pipe", {A::ptr}, sys::pipe, "an emulated pipe"},
    {24, "sched_yield", {}, sys::sched_yield, "ends the thread's time slice"},
    {25, "mremap", {A::hex, A::size, A::size, A::hex, A::hex}, sys::mremap, "GuestMemory: shrinks, grows in place or moves (the bytes move with it); MREMAP_FIXED, MREMAP_DONTUNMAP"},
    {26, "msync", {A::hex, A::size, A::hex}, sys::msync, "nothing to write back (file mappings are copies); ranges and flags checked as Linux"},
    {27, "mincore", {A::hex, A::size, A::ptr}, sys::mincore, "committed pages are resident"},
    {28, "madvise", {A::hex, A::size, A::dec}, sys::madvise, "MADV_DONTNEED/MADV_FREE give private anonymous pages back (they read as zeros); every advice checked as Linux"},
    {32, "dup", {A::fd}, sys::dup, "guest descriptor table"},
    {33, "dup2", {A::fd, A::fd}, sys::dup2, "guest descriptor table"},
    {35, "nanosleep", {A::ptr, A::ptr}, sys::nanosleep, "blocks the thread until a deadline on the process clock"},
    {39, "getpid", {}, sys::getpid, "a fixed pid (1000)"},
    {41, "socket", {A::dec, A::dec, A::dec}, sys::refuse_socket, "refused (EACCES): the guest opens no sockets"},
    {42, "connect", {A::fd, A::ptr, A::dec}, sys::refuse_socket, "refused (EACCES)"},
    {49, "bind", {A::fd, A::ptr, A::dec}, sys::refuse_socket, "refused (EACCES)"},
    {53, "socketpair", {A::dec, A::dec, A::dec, A::ptr}, sys::refuse_socket, "refused (EACCES)"},
    {56, "clone", {A::hex, A::ptr, A::ptr, A::ptr, A::hex}, sys::clone, "threads only (CLONE_VM|CLONE_THREAD): an emulated thread; new processes refused (EACCES)"},
    {57, "fork", {}, sys::refuse_process, "refused (EACCES): no host process is created"},
    {58, "vfork", {}, sys::refuse_process, "refused (EACCES)"},
    {59, "execve", {A::str, A::ptr, A::ptr}, sys::refuse_process, "refused (EACCES): nothing is executed on the host"},
    {60, "exit", {A::dec}, sys::exit, "ends the thread; the last one ends the process"},
    {61, "wait4", {A::dec, A::ptr, A::hex, A::ptr}, sys::wait4, "-ECHILD: there are never children"},
    {62, "kill", {A::dec, A::sig}, sys::kill, "this process only; host processes: EPERM"},
    {63, "uname", {A::ptr}, sys::uname, "a fixed Linux 6.1 x86_64"},
    {72, "fcntl", {A::fd, A::fcntl_cmd, A::hex}, sys::fcntl, "guest-side flags: O_NONBLOCK is never set on the host's stdio"},
    {76, "truncate", {A::str, A::dec}, sys::refuse_path_change, "refused (EACCES)"},
    {77, "ftruncate", {A::fd, A::dec}, sys::refuse_fd_change, "only on files opened under --allow-write"},
    {79, "getcwd", {A::ptr, A::size}, sys::getcwd, "the guest's working directory (the host's at start)"},
    {80, "chdir", {A::str}, sys::chdir, "the guest's working directory only"},
    {82, "rename", {A::str, A::str}, sys::refuse_path_change, "refused (EACCES); renameat works under --allow-write"},
    {83, "mkdir", {A::str, A::hex}, sys::refuse_path_change, "refused (EACCES); mkdirat works under --allow-write"},
    {84, "rmdir", {A::str}, sys::refuse_path_change, "refused (EACCES)"},
    {85, "creat", {A::str, A::hex}, sys::refuse_path_change, "refused (EACCES)"},
    {86, "link", {A::str, A::str}, sys::refuse_path_change, "refused (EACCES)"},
    {87, "unlink", {A::str}, sys::refuse_path_change, "refused (EACCES); unlinkat works under --allow-write"},
    {88, "symlink", {A::str, A::str}, sys::refuse_path_change, "refused (EACCES)"},
    {89, "readlink", {A::str, A::ptr, A::size}, sys::readlink, "host readlink; /proc/self/exe is the program"},
    {90, "chmod", {A::str, A::hex}, sys::refuse_path_change, "refused (EACCES)"},
    {91, "fchmod", {A::fd, A::hex}, sys::refuse_path_change, "refused (EACCES)"},
    {92, "chown", {A::str, A::dec, A::dec}, sys::refuse_path_change, "refused (EACCES)"},
    {93, "fchown", {A::fd, A::dec, A::dec}, sys::refuse_path_change, "refused (EACCES)"},
    {94, "lchown", {A::str, A::dec, A::dec}, sys::refuse_path_change, "refused (EACCES)"},
    {96, "gettimeofday", {A::ptr, A::ptr}, sys::gettimeofday, "the process clock"},
    {97, "getrlimit", {A::dec, A::ptr}, sys::getrlimit, "the process's own limits"},
    {99, "sysinfo", {A::ptr}, sys::sysinfo, "fixed figures"},
    {101, "ptrace", {A::dec, A::dec, A::hex, A::hex}, sys::refuse_host_control, "refused (EPERM): no process is traced"},
    {102, "getuid", {}, sys::getuid, "1000"},
    {104, "getgid", {}, sys::getgid, "1000"},
    {107, "geteuid", {}, sys::getuid, "1000"},
    {108, "getegid", {}, sys::getgid, "1000"},
    {110, "getppid", {}, sys::getppid, "1"},
    {129, "rt_sigqueueinfo", {A::dec, A::sig, A::ptr}, sys::refuse_host_control, "refused (EPERM): no host process is signalled"},
    {131, "sigaltstack", {A::ptr, A::ptr}, sys::sigaltstack, "per-thread alternate signal stack"},
    {132, "utime", {A::str, A::ptr}, sys::refuse_path_change, "refused (EACCES)"},
    {133, "mknod", {A::str, A::hex, A::hex}, sys::refuse_path_change, "refused (EACCES)"},
    {149, "mlock", {A::hex, A::size}, sys::mlock, "marks the range locked, bounded by RLIMIT_MEMLOCK; nothing to pin"},
    {150, "munlock", {A::hex, A::size}, sys::munlock, "unlocks the range"},
    {151, "mlockall", {A::hex}, sys::mlockall, "MCL_CURRENT (bounded by RLIMIT_MEMLOCK), MCL_FUTURE: later mappings are locked too"},
    {152, "munlockall", {}, sys::munlockall, "unlocks everything"},
    {157, "prctl", {A::dec, A::hex, A::hex, A::hex, A::hex}, sys::prctl, "thread name, PR_CAPBSET_READ (a full bounding set), dumpable, parent-death signal; other options (PR_SET_VMA too) -EINVAL, as a kernel without them"},
    {158, "arch_prctl", {A::arch_prctl_code, A::hex}, sys::arch_prctl, "ARCH_SET_FS/GS set the thread's FS/GS base"},
    {160, "setrlimit", {A::dec, A::ptr}, sys::setrlimit, "the process's own limits; the host's are untouched"},
    {161, "chroot", {A::str}, sys::refuse_host_control, "refused (EPERM)"},
    {164, "settimeofday", {A::ptr, A::ptr}, sys::refuse_host_control, "refused (EPERM): the host clock is never set"},
    {165, "mount", {A::str, A::str, A::str, A::hex, A::ptr}, sys::refuse_host_control, "refused (EPERM)"},
    {166, "umount2", {A::str, A::hex}, sys::refuse_host_control, "refused (EPERM)"},
    {169, "reboot", {A::hex, A::hex, A::hex, A::ptr}, sys::refuse_host_control, "refused (EPERM)"},
    {170, "sethostname", {A::ptr, A::size}, sys::refuse_host_control, "refused (EPERM)"},
    {175, "init_module", {A::ptr, A::size, A::str}, sys::refuse_host_control, "refused (EPERM)"},
    {186, "gettid", {}, sys::gettid, "emulated thread ids from 1000"},
    {188, "setxattr", {A::str, A::str, A::ptr, A::size, A::hex}, sys::refuse_path_change, "refused (EACCES)"},
    {189, "lsetxattr", {A::str, A::str, A::ptr, A::size, A::hex}, sys::refuse_path_change, "refused (EACCES)"},
    {190, "fsetxattr", {A::fd, A::str, A::ptr, A::size, A::hex}, sys::refuse_path_change, "refused (EACCES)"},
    {197, "removexattr", {A::str, A::str}, sys::refuse_path_change, "refused (EACCES)"},
    {200, "tkill", {A::dec, A::sig}, sys::tkill, "queues the signal on the emulated thread"},
    {201, "time", {A::ptr}, sys::time, "the process clock"},
    {202, "futex", {A::ptr, A::futex_op, A::dec, A::ptr, A::ptr, A::dec}, sys::futex, "WAIT/WAKE (and _BITSET): blocks and wakes emulated threads"},
    {204, "sched_getaffinity", {A::dec, A::size, A::ptr}, sys::sched_getaffinity, "--cpus CPUs"},
    {213, "epoll_create", {A::dec}, sys::epoll_create, "an emulated epoll"},
    {217, "getdents64", {A::fd, A::ptr, A::size}, sys::getdents64, "host getdents64, read-only"},
    {218, "set_tid_address", {A::ptr}, sys::set_tid_address, "cleared and woken at thread exit"},
    {227, "clock_settime", {A::clock, A::ptr}, sys::refuse_host_control, "refused (EPERM): the host clock is never set"},
    {228, "clock_gettime", {A::clock, A::ptr}, sys::clock_gettime, "the process clock: virtual by default"},
    {229, "clock_getres", {A::clock, A::ptr}, sys::clock_getres, "1 ns"},
    {230, "clock_nanosleep", {A::clock, A::hex, A::ptr, A::ptr}, sys::clock_nanosleep, "blocks the thread until a deadline"},
    {231, "exit_group", {A::dec}, sys::exit_group, "ends the process with the status"},
    {232, "epoll_wait", {A::fd, A::ptr, A::dec, A::dec}, sys::epoll_pwait, "as epoll_pwait"},
    {233, "epoll_ctl", {A::fd, A::dec, A::fd, A::ptr}, sys::epoll_ctl, "emulated objects only; regular files: EPERM, as Linux"},
    {234, "tgkill", {A::dec, A::dec, A::sig}, sys::tgkill, "queues the signal on the emulated thread"},
    {235, "utimes", {A::str, A::ptr}, sys::refuse_path_change, "refused (EACCES)"},
    {246, "kexec_load", {A::hex, A::dec, A::ptr, A::hex}, sys::refuse_host_control, "refused (EPERM)"},
    {257, "openat", {A::dirfd, A::str, A::open_flags, A::hex}, sys::openat, "read-only pass-through; creating or writing refused (EACCES) outside --allow-write"},
    {258, "mkdirat", {A::dirfd, A::str, A::hex}, sys::mkdirat, "only under --allow-write"},
    {259, "mknodat", {A::dirfd, A::str, A::hex, A::hex}, sys::refuse_path_change, "refused (EACCES)"},
    {260, "fchownat", {A::dirfd, A::str, A::dec, A::dec, A::hex}, sys::refuse_path_change, "refused (EACCES)"},
    {261, "futimesat", {A::dirfd, A::str, A::ptr}, sys::refuse_path_change, "refused (EACCES)"},
    {262, "newfstatat", {A::dirfd, A::str, A::ptr, A::hex}, sys::newfstatat, "host fstatat, read-only"},
    {263, "unlinkat", {A::dirfd, A::str, A::hex}, sys::unlinkat, "only under --allow-write"},
    {264, "renameat", {A::dirfd, A::str, A::dirfd, A::str}, sys::renameat, "only under --allow-write, both ends"},
    {265, "linkat", {A::dirfd, A::str, A::dirfd, A::str, A::hex}, sys::refuse_path_change, "refused (EACCES)"},
    {266, "symlinkat", {A::str, A::dirfd, A::str}, sys::refuse_path_change, "refused (EACCES)"},
    {267, "readlinkat", {A::dirfd, A::str, A::ptr, A::size}, sys::readlinkat, "host readlink; /proc/self/exe is the program"},
    {268, "fchmodat", {A::dirfd, A::str, A::hex}, sys::refuse_path_change, "refused (EACCES)"},
    {269, "faccessat", {A::dirfd, A::str, A::hex}, sys::faccessat, "host access; W_OK refused outside --allow-write"},
    {273, "set_robust_list", {A::ptr, A::size}, sys::set_robust_list, "recorded per thread (glibc's pthreads); the list is not walked when a thread dies"},
    {274, "get_robust_list", {A::dec, A::ptr, A::ptr}, sys::get_robust_list, "the list set_robust_list recorded (this process's threads only)"},
    {280, "utimensat", {A::dirfd, A::str, A::ptr, A::hex}, sys::refuse_path_change, "refused (EACCES)"},
    {281, "epoll_pwait", {A::fd, A::ptr, A::dec, A::dec, A::ptr, A::size}, sys::epoll_pwait, "blocks the thread until an emulated object is ready or the timeout"},
    {284, "eventfd", {A::dec}, nullptr, ""},
    {290, "eventfd2", {A::dec, A::hex}, sys::eventfd2, "an emulated eventfd (Go's poller wake-up)"},
    {291, "epoll_create1", {A::hex}, sys::epoll_create1, "an emulated epoll"},
    {292, "dup3", {A::fd, A::fd, A::hex}, sys::dup3, "guest descriptor table"},
    {293, "pipe2", {A::ptr, A::hex}, sys::pipe2, "an emulated pipe"},
    {297, "rt_tgsigqueueinfo", {A::dec, A::dec, A::sig, A::ptr}, sys::refuse_host_control, "refused (EPERM): no host process is signalled"},
    {302, "prlimit64", {A::dec, A::dec, A::ptr, A::ptr}, sys::prlimit64, "this process's own limits"},
    {310, "process_vm_readv", {A::dec, A::ptr, A::dec, A::ptr, A::dec, A::hex}, sys::refuse_host_control, "refused (EPERM)"},
    {311, "process_vm_writev", {A::dec, A::ptr, A::dec, A::ptr, A::dec, A::hex}, sys::refuse_host_control, "refused (EPERM)"},
    {313, "finit_module", {A::fd, A::str, A::hex}, sys::refuse_host_control, "refused (EPERM)"},
    {316, "renameat2", {A::dirfd, A::str, A::dirfd, A::str, A::hex}, sys::renameat, "as renameat"},
    {318, "getrandom", {A::ptr, A::size, A::hex}, sys::getrandom, "bytes from --seed"},
    {322, "execveat", {A::dirfd, A::str, A::ptr, A::ptr, A::hex}, sys::refuse_process, "refused (EACCES)"},
    {325, "mlock2", {A::hex, A::size, A::hex}, sys::mlock2, "as mlock; MLOCK_ONFAULT"},
    {334, "rseq", {A::ptr, A::size, A::hex, A::hex}, sys::not_provided, "-ENOSYS on purpose: glibc then runs without restartable sequences, as on kernels before 4.18"},
    {424, "pidfd_send_signal", {A::fd, A::sig, A::ptr, A::hex}, sys::refuse_host_control, "refused (EPERM): no host process is signalled"},
    {434, "pidfd_open", {A::dec, A::hex}, sys::refuse_host_control, "refused (EPERM): no host process is named"},
    {435, "clone3", {A::ptr, A::size}, sys::not_provided, "-ENOSYS on purpose: glibc's pthread_create falls back to clone, as on kernels before 5.3"},
};

std::span<const SyscallDef> syscall_table() { return kTable; }

const SyscallDef* find_syscall(int nr) {
    auto it = std::lower_bound(std::begin(kTable), std::end(kTable), nr,
                               [](const SyscallDef& d, int n) { return d.nr < n; });
    return it != std::end(kTable) && it->nr == nr ? &*it : nullptr;
}

namespace {
struct NameRow {
    int nr;
    const char* name;
};
constexpr NameRow kAllNames[] = {
#include "linux/syscall_names.inc"
};
}  // namespace

std::string_view syscall_name(int nr) {
    if (const SyscallDef* d = find_syscall(nr)) return d->name;
    auto it = std::lower_bound(std::begin(kAllNames), std::end(kAllNames), nr,
                               [](const NameRow& r, int n) { return r.nr < n; });
    if (it != std::end(kAllNames) && it->nr == nr) return it->name;
    return {};
}

void Process::dispatch_syscall(Thread& t) {
    int nr = static_cast<int>(cpu_.reg(Reg::rax));
    SyscallCall call{*this, t, {cpu_.reg(Reg::rdi), cpu_.reg(Reg::rsi), cpu_.reg(Reg::rdx), cpu_.reg(Reg::r10),
                                cpu_.reg(Reg::r8), cpu_.reg(Reg::r9)}};
    const SyscallDef* def = find_syscall(nr);
    std::string line;
    if (strace()) line = strace_call(*this, nr, def, call.a);  // before the call: inputs as given
    int64_t r = def && def->handler ? def->handler(call) : -ENOSYS;
    if ((!def || !def->handler) && opts_.diag && warned_syscalls_.insert(nr).second) {
        std::string_view name = syscall_name(nr);
        *opts_.diag << fmt::format("gostart-emu: {}: unimplemented syscall {} ({}) in thread {} at {}: -ENOSYS\n",
                                   opts_.exe_path, name.empty() ? "?" : name, nr, t.tid, describe(cpu_.reg(Reg::rip)));
    }
    if (r == kBlocked) t.resumed_nr = nr;  // the result is known when the thread wakes: "resumed"
    if (strace()) {
        if (r == kBlocked) {
            *strace() << fmt::format("[{}] {} <unfinished ...>\n", t.tid, line);
        } else {
            *strace() << fmt::format("[{}] {}{}\n", t.tid, line, strace_result(nr, def, r));
        }
    }
    if (r == kBlocked || r == kNoReturn) return;
    note_host_io(nr, call.a, r);
    cpu_.set_reg(Reg::rax, static_cast<uint64_t>(r));
}

// Input or output on a host descriptor is what a user sees of a program: it restarts the idle count.
void Process::note_host_io(int nr, const std::array<uint64_t, 6>& args, int64_t result) {
    bool io = nr == 0 || nr == 1 || nr == 17 || nr == 18 || nr == 19 || nr == 20;  // read write pread pwrite readv writev
    if (!io || result < 0) return;
    const FdEntry* e = fds_.get(static_cast<int>(args[0]));
    if (e && e->file->kind == OpenFile::Kind::host) idle_ns_ = 0;
}

}  // namespace gostart::linux
