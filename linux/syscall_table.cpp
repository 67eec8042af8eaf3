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
    {0, "read", {A::fd, A::buf_out, A::size}, sys::read, "reads a host file read-only, stdin, or an emulated pipe/eventfd", "read"},
    {1, "write", {A::fd, A::buf_in, A::size}, sys::write, "stdout/stderr to the host's; other host files only when opened under --allow-write", "write"},
    {2, "open", {A::str, A::open_flags, A::open_mode}, sys::open, "as openat(AT_FDCWD, ...)", "open"},
    {3, "close", {A::fd}, sys::close, "closes the guest descriptor", "close"},
    {4, "stat", {A::str, A::ptr}, sys::stat, "host stat, read-only"},
    {5, "fstat", {A::fd, A::ptr}, sys::fstat, "host fstat; emulated objects get a synthetic stat"},
    {6, "lstat", {A::str, A::ptr}, sys::lstat, "host lstat, read-only"},
    {8, "lseek", {A::fd, A::dec, A::whence}, sys::lseek, "host lseek; stdin, stdout and stderr are streams (ESPIPE)"},
    {9, "mmap", {A::ptr, A::size, A::prot, A::map_flags, A::fd, A::hex}, sys::mmap, "GuestMemory, checked as Linux checks it: hints honoured when free, PROT_NONE kept as a reservation; file mappings are private copies (shared ones never writable)", {}, SyscallDef::Result::address},
    {10, "mprotect", {A::ptr, A::size, A::prot}, sys::mprotect, "GuestMemory: partial ranges split mappings; a reservation is committed when it becomes accessible; stops at a hole (ENOMEM), as Linux"},
    {11, "munmap", {A::ptr, A::size}, sys::munmap, "GuestMemory: partial unmaps split mappings; a range past the user half is EINVAL"},
    {12, "brk", {A::ptr}, sys::brk, "a [heap] mapping above the program, counted against --max-memory; a refused break changes nothing", {}, SyscallDef::Result::address},
    {13, "rt_sigaction", {A::sig, A::ptr, A::ptr, A::size}, sys::rt_sigaction, "records the action; SIGKILL/SIGSTOP refused"},
    {14, "rt_sigprocmask", {A::sigmask_how, A::ptr, A::ptr, A::size}, sys::rt_sigprocmask, "per-thread mask", "rt_sigprocmask"},
    {15, "rt_sigreturn", {}, sys::rt_sigreturn, "restores the interrupted state, with the registers the handler left in the frame"},
    {16, "ioctl", {A::fd, A::ioctl_request, A::hex}, sys::ioctl, "-ENOTTY: the guest sees no terminal", "ioctl"},
    {17, "pread64", {A::fd, A::buf_out, A::size, A::dec}, sys::pread64, "host pread; ESPIPE on stdio"},
    {18, "pwrite64", {A::fd, A::buf_in, A::size, A::dec}, sys::pwrite64, "host pwrite, only on files opened under --allow-write; ESPIPE on stdio"},
    {19, "readv", {A::fd, A::ptr, A::dec}, sys::readv, "as read, per vector"},
    {20, "writev", {A::fd, A::ptr, A::dec}, sys::writev, "as write, per vector"},
    {21, "access", {A::str, A::access_mode}, sys::access, "host access; W_OK refused outside --allow-write", "access"},
    {22, "pipe", {A::ptr}, sys::pipe, "an emulated pipe", "pipe"},
    {24, "sched_yield", {}, sys::sched_yield, "ends the thread's time slice", "sched_yield"},
    {25, "mremap", {A::ptr, A::size, A::size, A::mremap_flags, A::ptr}, sys::mremap, "GuestMemory: shrinks, grows in place or moves (the bytes move with it); MREMAP_FIXED, MREMAP_DONTUNMAP", {}, SyscallDef::Result::address},
    {26, "msync", {A::ptr, A::size, A::msync_flags}, sys::msync, "nothing to write back (file mappings are copies); ranges and flags checked as Linux"},
    {27, "mincore", {A::ptr, A::size, A::ptr}, sys::mincore, "committed pages are resident"},
    {28, "madvise", {A::ptr, A::size, A::madvise_advice}, sys::madvise, "MADV_DONTNEED/MADV_FREE give private anonymous pages back (they read as zeros); every advice checked as Linux"},
    {32, "dup", {A::fd}, sys::dup, "guest descriptor table", "dup"},
    {33, "dup2", {A::fd, A::fd}, sys::dup2, "guest descriptor table", "dup2"},
    {35, "nanosleep", {A::ptr, A::ptr}, sys::nanosleep, "blocks the thread until a deadline on the process clock"},
    {39, "getpid", {}, sys::getpid, "a fixed pid (1000)", "getpid"},
    {41, "socket", {A::socket_family, A::socket_type, A::dec}, sys::refuse_socket, "refused (EACCES): the guest opens no sockets", "socket"},
    {42, "connect", {A::fd, A::ptr, A::dec}, sys::refuse_socket, "refused (EACCES)", "connect"},
    {49, "bind", {A::fd, A::ptr, A::dec}, sys::refuse_socket, "refused (EACCES)", "bind"},
    {53, "socketpair", {A::socket_family, A::socket_type, A::dec, A::ptr}, sys::refuse_socket, "refused (EACCES)", "socketpair"},
    {56, "clone", {A::clone_flags, A::ptr, A::ptr, A::ptr, A::hex}, sys::clone, "threads only (CLONE_VM|CLONE_THREAD): an emulated thread; new processes refused (EACCES)"},
    {57, "fork", {}, sys::refuse_process, "refused (EACCES): no host process is created", "fork"},
    {58, "vfork", {}, sys::refuse_process, "refused (EACCES)", "vfork"},
    {59, "execve", {A::str, A::ptr, A::ptr}, sys::refuse_process, "refused (EACCES): nothing is executed on the host", "execve"},
    {60, "exit", {A::dec}, sys::exit, "ends the thread; the last one ends the process", "exit"},
    {61, "wait4", {A::dec, A::ptr, A::hex, A::ptr}, sys::wait4, "-ECHILD: there are never children", "wait4"},
    {62, "kill", {A::dec, A::sig}, sys::kill, "this process only; host processes: EPERM", "kill"},
    {63, "uname", {A::ptr}, sys::uname, "a fixed Linux 6.1 x86_64", "uname"},
    {72, "fcntl", {A::fd, A::fcntl_cmd, A::fcntl_arg}, sys::fcntl, "guest-side flags: O_NONBLOCK is never set on the host's stdio", "fcntl"},
    {73, "flock", {A::fd, A::flock_op}, sys::flock, "only on files under --allow-write (the host sees the lock), never waiting for another host process's lock (EWOULDBLOCK); elsewhere refused (EACCES)", "flock"},
    {74, "fsync", {A::fd}, sys::fsync, "host fsync on files opened for writing under --allow-write; a read-only file: 0, nothing to flush; pipes, eventfds: EINVAL", "fsync"},
    {75, "fdatasync", {A::fd}, sys::fdatasync, "as fsync", "fdatasync"},
    {76, "truncate", {A::str, A::dec}, sys::refuse_path_change, "refused (EACCES)", "truncate"},
    {77, "ftruncate", {A::fd, A::dec}, sys::refuse_fd_change, "only on files opened under --allow-write", "ftruncate"},
    {79, "getcwd", {A::str_out, A::size}, sys::getcwd, "the guest's working directory (the host's at start)", "getcwd"},
    {80, "chdir", {A::str}, sys::chdir, "the guest's working directory only", "chdir"},
    {82, "rename", {A::str, A::str}, sys::rename, "as renameat(AT_FDCWD, ...): only under --allow-write, both ends", "rename"},
    {83, "mkdir", {A::str, A::mode}, sys::mkdir, "as mkdirat(AT_FDCWD, ...)", "mkdir"},
    {84, "rmdir", {A::str}, sys::refuse_path_change, "refused (EACCES)", "rmdir"},
    {85, "creat", {A::str, A::mode}, sys::creat, "as open(O_CREAT|O_WRONLY|O_TRUNC): only under --allow-write", "creat"},
    {86, "link", {A::str, A::str}, sys::refuse_path_change, "refused (EACCES)", "link"},
    {87, "unlink", {A::str}, sys::refuse_path_change, "refused (EACCES); unlinkat works under --allow-write", "unlink"},
    {88, "symlink", {A::str, A::str}, sys::refuse_path_change, "refused (EACCES)", "symlink"},
    {89, "readlink", {A::str, A::buf_out, A::size}, sys::readlink, "host readlink; /proc/self/exe is the program", "readlink"},
    {90, "chmod", {A::str, A::mode}, sys::refuse_path_change, "refused (EACCES)", "chmod"},
    {91, "fchmod", {A::fd, A::mode}, sys::refuse_path_change, "refused (EACCES)", "fchmod"},
    {92, "chown", {A::str, A::dec, A::dec}, sys::refuse_path_change, "refused (EACCES)", "chown32"},
    {93, "fchown", {A::fd, A::dec, A::dec}, sys::refuse_path_change, "refused (EACCES)", "fchown32"},
    {94, "lchown", {A::str, A::dec, A::dec}, sys::refuse_path_change, "refused (EACCES)", "lchown32"},
    {95, "umask", {A::hex}, sys::umask, "the guest's own file mode creation mask (022 at start), applied to every file and directory it creates; the host's is untouched", "umask"},
    {96, "gettimeofday", {A::ptr, A::ptr}, sys::gettimeofday, "the process clock"},
    {97, "getrlimit", {A::rlimit_resource, A::ptr}, sys::getrlimit, "the process's own limits"},
    {99, "sysinfo", {A::ptr}, sys::sysinfo, "fixed figures"},
    {101, "ptrace", {A::dec, A::dec, A::hex, A::hex}, sys::refuse_host_control, "refused (EPERM): no process is traced", "ptrace"},
    {102, "getuid", {}, sys::getuid, "1000", "getuid32"},
    {104, "getgid", {}, sys::getgid, "1000", "getgid32"},
    {107, "geteuid", {}, sys::getuid, "1000", "geteuid32"},
    {108, "getegid", {}, sys::getgid, "1000", "getegid32"},
    {110, "getppid", {}, sys::getppid, "1", "getppid"},
    {129, "rt_sigqueueinfo", {A::dec, A::sig, A::ptr}, sys::refuse_host_control, "refused (EPERM): no host process is signalled", "rt_sigqueueinfo"},
    {131, "sigaltstack", {A::ptr, A::ptr}, sys::sigaltstack, "per-thread alternate signal stack"},
    {132, "utime", {A::str, A::ptr}, sys::refuse_path_change, "refused (EACCES)", "utime"},
    {133, "mknod", {A::str, A::mode, A::hex}, sys::refuse_path_change, "refused (EACCES), under --allow-write too: no FIFOs or device nodes are made", "mknod"},
    {149, "mlock", {A::ptr, A::size}, sys::mlock, "marks the range locked, bounded by RLIMIT_MEMLOCK; nothing to pin"},
    {150, "munlock", {A::ptr, A::size}, sys::munlock, "unlocks the range"},
    {151, "mlockall", {A::mlockall_flags}, sys::mlockall, "MCL_CURRENT (bounded by RLIMIT_MEMLOCK), MCL_FUTURE: later mappings are locked too"},
    {152, "munlockall", {}, sys::munlockall, "unlocks everything"},
    {157, "prctl", {A::prctl_option, A::hex, A::hex, A::hex, A::hex}, sys::prctl, "thread name, PR_CAPBSET_READ (a full bounding set), dumpable, parent-death signal; other options (PR_SET_VMA too) -EINVAL, as a kernel without them", "prctl"},
    {158, "arch_prctl", {A::arch_prctl_code, A::hex}, sys::arch_prctl, "ARCH_SET_FS/GS set the thread's FS/GS base"},
    {160, "setrlimit", {A::rlimit_resource, A::ptr}, sys::setrlimit, "the process's own limits; the host's are untouched"},
    {161, "chroot", {A::str}, sys::refuse_host_control, "refused (EPERM)", "chroot"},
    {164, "settimeofday", {A::ptr, A::ptr}, sys::refuse_host_control, "refused (EPERM): the host clock is never set", "settimeofday"},
    {165, "mount", {A::str, A::str, A::str, A::hex, A::ptr}, sys::refuse_host_control, "refused (EPERM)", "mount"},
    {166, "umount2", {A::str, A::hex}, sys::refuse_host_control, "refused (EPERM)", "umount2"},
    {169, "reboot", {A::hex, A::hex, A::hex, A::ptr}, sys::refuse_host_control, "refused (EPERM)", "reboot"},
    {170, "sethostname", {A::ptr, A::size}, sys::refuse_host_control, "refused (EPERM)", "sethostname"},
    {175, "init_module", {A::ptr, A::size, A::str}, sys::refuse_host_control, "refused (EPERM)", "init_module"},
    {186, "gettid", {}, sys::gettid, "emulated thread ids from 1000", "gettid"},
    {188, "setxattr", {A::str, A::str, A::ptr, A::size, A::hex}, sys::refuse_path_change, "refused (EACCES)", "setxattr"},
    {189, "lsetxattr", {A::str, A::str, A::ptr, A::size, A::hex}, sys::refuse_path_change, "refused (EACCES)", "lsetxattr"},
    {190, "fsetxattr", {A::fd, A::str, A::ptr, A::size, A::hex}, sys::refuse_path_change, "refused (EACCES)", "fsetxattr"},
    {197, "removexattr", {A::str, A::str}, sys::refuse_path_change, "refused (EACCES)", "removexattr"},
    {200, "tkill", {A::dec, A::sig}, sys::tkill, "queues the signal on the emulated thread", "tkill"},
    {201, "time", {A::ptr}, sys::time, "the process clock"},
    {202, "futex", {A::ptr, A::futex_op, A::dec, A::ptr, A::ptr, A::dec}, sys::futex, "WAIT/WAKE (and _BITSET): blocks and wakes emulated threads"},
    {204, "sched_getaffinity", {A::dec, A::size, A::ptr}, sys::sched_getaffinity, "--cpus CPUs"},
    {213, "epoll_create", {A::dec}, sys::epoll_create, "an emulated epoll", "epoll_create"},
    {217, "getdents64", {A::fd, A::ptr, A::size}, sys::getdents64, "host getdents64, read-only", "getdents64"},
    {218, "set_tid_address", {A::ptr}, sys::set_tid_address, "cleared and woken at thread exit", "set_tid_address"},
    {227, "clock_settime", {A::clock, A::ptr}, sys::refuse_host_control, "refused (EPERM): the host clock is never set", "clock_settime64"},
    {228, "clock_gettime", {A::clock, A::ptr}, sys::clock_gettime, "the process clock: virtual by default", "clock_gettime64"},
    {229, "clock_getres", {A::clock, A::ptr}, sys::clock_getres, "1 ns", "clock_getres_time64"},
    {230, "clock_nanosleep", {A::clock, A::clock_flags, A::ptr, A::ptr}, sys::clock_nanosleep, "blocks the thread until a deadline", "clock_nanosleep_time64"},
    {231, "exit_group", {A::dec}, sys::exit_group, "ends the process with the status", "exit_group"},
    {232, "epoll_wait", {A::fd, A::ptr, A::dec, A::dec}, sys::epoll_pwait, "as epoll_pwait", "epoll_wait"},
    {233, "epoll_ctl", {A::fd, A::epoll_op, A::fd, A::ptr}, sys::epoll_ctl, "emulated objects only; regular files: EPERM, as Linux", "epoll_ctl"},
    {234, "tgkill", {A::dec, A::dec, A::sig}, sys::tgkill, "queues the signal on the emulated thread", "tgkill"},
    {235, "utimes", {A::str, A::ptr}, sys::refuse_path_change, "refused (EACCES)", "utimes"},
    {246, "kexec_load", {A::hex, A::dec, A::ptr, A::hex}, sys::refuse_host_control, "refused (EPERM)", "kexec_load"},
    {257, "openat", {A::dirfd, A::str, A::open_flags, A::open_mode}, sys::openat, "read-only pass-through; creating or writing refused (EACCES) outside --allow-write (a read-only O_CREAT of a file that exists opens it); a created file's mode loses set-user-ID, set-group-ID and sticky bits and the guest's umask", "openat"},
    {258, "mkdirat", {A::dirfd, A::str, A::mode}, sys::mkdirat, "only under --allow-write; the mode loses set-user-ID, set-group-ID and sticky bits and the guest's umask", "mkdirat"},
    {259, "mknodat", {A::dirfd, A::str, A::mode, A::hex}, sys::refuse_path_change, "refused (EACCES), under --allow-write too", "mknodat"},
    {260, "fchownat", {A::dirfd, A::str, A::dec, A::dec, A::at_flags}, sys::refuse_path_change, "refused (EACCES)", "fchownat"},
    {261, "futimesat", {A::dirfd, A::str, A::ptr}, sys::refuse_path_change, "refused (EACCES)", "futimesat"},
    {262, "newfstatat", {A::dirfd, A::str, A::ptr, A::at_flags}, sys::newfstatat, "host fstatat, read-only"},
    {263, "unlinkat", {A::dirfd, A::str, A::at_flags}, sys::unlinkat, "only under --allow-write", "unlinkat"},
    {264, "renameat", {A::dirfd, A::str, A::dirfd, A::str}, sys::renameat, "only under --allow-write, both ends (a file renamed to itself, which changes nothing: 0 anywhere, as Linux)", "renameat"},
    {265, "linkat", {A::dirfd, A::str, A::dirfd, A::str, A::at_flags}, sys::refuse_path_change, "refused (EACCES)", "linkat"},
    {266, "symlinkat", {A::str, A::dirfd, A::str}, sys::refuse_path_change, "refused (EACCES)", "symlinkat"},
    {267, "readlinkat", {A::dirfd, A::str, A::buf_out, A::size}, sys::readlinkat, "host readlink; /proc/self/exe is the program", "readlinkat"},
    {268, "fchmodat", {A::dirfd, A::str, A::mode}, sys::refuse_path_change, "refused (EACCES)", "fchmodat"},
    {269, "faccessat", {A::dirfd, A::str, A::access_mode}, sys::faccessat, "host access; W_OK refused outside --allow-write", "faccessat"},
    {273, "set_robust_list", {A::ptr, A::size}, sys::set_robust_list, "recorded per thread (glibc's pthreads); the list is not walked when a thread dies"},
    {274, "get_robust_list", {A::dec, A::ptr, A::ptr}, sys::get_robust_list, "the list set_robust_list recorded (this process's threads only)"},
    {280, "utimensat", {A::dirfd, A::str, A::ptr, A::at_flags}, sys::refuse_path_change, "refused (EACCES)", "utimensat_time64"},
    {281, "epoll_pwait", {A::fd, A::ptr, A::dec, A::dec, A::ptr, A::size}, sys::epoll_pwait, "blocks the thread until an emulated object is ready or the timeout", "epoll_pwait"},
    {284, "eventfd", {A::dec}, nullptr, ""},
    {290, "eventfd2", {A::dec, A::eventfd_flags}, sys::eventfd2, "an emulated eventfd (Go's poller wake-up)", "eventfd2"},
    {291, "epoll_create1", {A::epoll_flags}, sys::epoll_create1, "an emulated epoll", "epoll_create1"},
    {292, "dup3", {A::fd, A::fd, A::fd_flags}, sys::dup3, "guest descriptor table", "dup3"},
    {293, "pipe2", {A::ptr, A::fd_flags}, sys::pipe2, "an emulated pipe", "pipe2"},
    {297, "rt_tgsigqueueinfo", {A::dec, A::dec, A::sig, A::ptr}, sys::refuse_host_control, "refused (EPERM): no host process is signalled", "rt_tgsigqueueinfo"},
    {302, "prlimit64", {A::dec, A::rlimit_resource, A::ptr, A::ptr}, sys::prlimit64, "this process's own limits", "prlimit64"},
    {310, "process_vm_readv", {A::dec, A::ptr, A::dec, A::ptr, A::dec, A::hex}, sys::refuse_host_control, "refused (EPERM)", "process_vm_readv"},
    {311, "process_vm_writev", {A::dec, A::ptr, A::dec, A::ptr, A::dec, A::hex}, sys::refuse_host_control, "refused (EPERM)", "process_vm_writev"},
    {313, "finit_module", {A::fd, A::str, A::hex}, sys::refuse_host_control, "refused (EPERM)", "finit_module"},
    {316, "renameat2", {A::dirfd, A::str, A::dirfd, A::str, A::hex}, sys::renameat2, "as renameat; RENAME_NOREPLACE and RENAME_EXCHANGE done atomically by the host, RENAME_WHITEOUT refused (EPERM)", "renameat2"},
    {318, "getrandom", {A::buf_out, A::size, A::grnd_flags}, sys::getrandom, "bytes from --seed", "getrandom"},
    {322, "execveat", {A::dirfd, A::str, A::ptr, A::ptr, A::hex}, sys::refuse_process, "refused (EACCES)", "execveat"},
    {325, "mlock2", {A::ptr, A::size, A::mlock2_flags}, sys::mlock2, "as mlock; MLOCK_ONFAULT"},
    {334, "rseq", {A::ptr, A::size, A::hex, A::hex}, sys::not_provided, "-ENOSYS on purpose: glibc then runs without restartable sequences, as on kernels before 4.18"},
    {424, "pidfd_send_signal", {A::fd, A::sig, A::ptr, A::hex}, sys::refuse_host_control, "refused (EPERM): no host process is signalled", "pidfd_send_signal"},
    {434, "pidfd_open", {A::dec, A::hex}, sys::refuse_host_control, "refused (EPERM): no host process is named", "pidfd_open"},
    {435, "clone3", {A::ptr, A::size}, sys::not_provided, "-ENOSYS on purpose: glibc's pthread_create falls back to clone, as on kernels before 5.3"},
};

std::span<const SyscallDef> syscall_table() { return kTable; }

const SyscallDef* find_syscall(int nr) {
    auto it = std::lower_bound(std::begin(kTable), std::end(kTable), nr,
                               [](const SyscallDef& d, int n) { return d.nr < n; });
    return it != std::end(kTable) && it->nr == nr ? &*it : nullptr;
}

namespace {
constexpr SyscallName kAllNames[] = {
#include "linux/syscall_names.inc"
};
constexpr SyscallName kAllNames32[] = {
#include "linux/syscall_names_32.inc"
};

std::string_view name_in(std::span<const SyscallName> names, int nr) {
    auto it = std::lower_bound(names.begin(), names.end(), nr, [](const SyscallName& r, int n) { return r.nr < n; });
    return it != names.end() && it->nr == nr ? it->name : std::string_view{};
}
}  // namespace

std::string_view syscall_name(int nr) {
    if (const SyscallDef* d = find_syscall(nr)) return d->name;
    return name_in(kAllNames, nr);
}

int syscall_number(std::string_view name) {
    for (const SyscallDef& d : kTable)
        if (d.name == name) return d.nr;
    for (const SyscallName& n : kAllNames)
        if (n.name == name) return n.nr;
    return -1;
}

std::string_view syscall_name_i386(int nr) { return name_in(kAllNames32, nr); }
std::span<const SyscallName> i386_syscall_names() { return kAllNames32; }

const SyscallDef* find_syscall_i386(int nr) {
    // By name: the numbers are the system header's, the table says only which calls mean the same.
    static const std::vector<const SyscallDef*> by_nr = [] {
        std::vector<const SyscallDef*> v(kAllNames32[std::size(kAllNames32) - 1].nr + 1, nullptr);
        for (const SyscallDef& d : kTable) {
            if (d.i386.empty()) continue;
            for (const SyscallName& n : kAllNames32)
                if (d.i386 == n.name) v[static_cast<size_t>(n.nr)] = &d;
        }
        return v;
    }();
    return nr >= 0 && static_cast<size_t>(nr) < by_nr.size() ? by_nr[static_cast<size_t>(nr)] : nullptr;
}

void Process::dispatch_syscall(Thread& t) {
    int nr = static_cast<int>(cpu_.reg(Reg::rax));
    run_syscall(t, nr, find_syscall(nr), {}, {cpu_.reg(Reg::rdi), cpu_.reg(Reg::rsi), cpu_.reg(Reg::rdx),
                                                cpu_.reg(Reg::r10), cpu_.reg(Reg::r8), cpu_.reg(Reg::r9)});
}

// int 0x80 in a 64-bit process: the i386 ABI, as Linux runs it (the number in eax, arguments in ebx, ecx,
// edx, esi, edi, ebp, each 32 bits; the result in rax). A call whose arguments mean the same in both ABIs
// runs its row; any other is -ENOSYS, named once like an unimplemented syscall.
void Process::dispatch_syscall_i386(Thread& t) {
    auto low32 = [this](Reg r) { return cpu_.reg(r) & 0xffffffffu; };
    int nr = static_cast<int>(low32(Reg::rax));
    std::string_view name = syscall_name_i386(nr);
    run_syscall(t, nr, find_syscall_i386(nr), name.empty() ? fmt::format("syscall_{}", nr) : std::string(name),
                {low32(Reg::rbx), low32(Reg::rcx), low32(Reg::rdx), low32(Reg::rsi), low32(Reg::rdi), low32(Reg::rbp)});
}

// One syscall: the strace line, the handler (or -ENOSYS), the result in rax. `i386`: the call came
// through int 0x80 under that name; `def` is then the row it runs (nullptr: none).
void Process::run_syscall(Thread& t, int nr, const SyscallDef* def, const std::string& i386,
                          const std::array<uint64_t, 6>& args) {
    SyscallCall call{*this, t, args};
    bool compat = !i386.empty();
    int row = def ? def->nr : -1;  // the call's x86-64 number, whichever ABI it came through
    if (on_syscall) on_syscall(t.tid, compat ? row : nr);
    if (opts_.before_stdio_output && (row == 1 || row == 18 || row == 20) && !quiet_) {  // write pwrite64 writev
        const FdEntry* e = fds_.get(static_cast<int>(call.a[0]));
        if (e && e->file->kind == OpenFile::Kind::host && !e->file->owns_host_fd) opts_.before_stdio_output();
    }
    int64_t r = def && def->handler ? def->handler(call) : -ENOSYS;
    if ((!def || !def->handler) && opts_.diag && (compat ? warned_i386_syscalls_ : warned_syscalls_).insert(nr).second) {
        std::string name = compat ? i386 : std::string(syscall_name(nr));
        *opts_.diag << fmt::format("gostart-emu: {}: unimplemented {}syscall {} ({}) in thread {} at {}: -ENOSYS\n",
                                   opts_.exe_path, compat ? "int 0x80 (i386) " : "", name.empty() ? "?" : name, nr, t.tid,
                                   describe(cpu_.reg(Reg::rip)));
    }
    if (r == kBlocked) t.resumed_nr = def->nr;  // the result is known when the thread wakes: "resumed"
    if (strace()) {
        // After the call, which changes none of its inputs, so that a read shows what it read. Through
        // int 0x80 the line names the i386 call.
        std::optional<int64_t> result = r == kBlocked ? std::nullopt : std::optional(r);
        std::string line;
        if (!compat) line = strace_call(*this, nr, def, call.a, result);
        else if (def) line = "int 0x80: " + i386 + strace_call(*this, def->nr, def, call.a, result).substr(def->name.size());
        else line = fmt::format("int 0x80: {}({:#x}, {:#x}, {:#x}, ...)", i386, args[0], args[1], args[2]);
        if (r == kBlocked) {
            *strace() << fmt::format("[{}] {} <unfinished ...>\n", t.tid, line);
        } else {
            *strace() << fmt::format("[{}] {}{}\n", t.tid, line, strace_result(def, r));
        }
    }
    if (r == kBlocked || r == kNoReturn) return;
    if (def) note_host_io(def->nr, call.a, r);
    cpu_.set_reg(Reg::rax, static_cast<uint64_t>(r));
}

// Input or output on a host descriptor is what a user sees of a program: it restarts the idle count.
void Process::note_host_io(int nr, const std::array<uint64_t, 6>& args, int64_t result) {
    bool io = nr == 0 || nr == 1 || nr == 17 || nr == 18 || nr == 19 || nr == 20;  // read write pread pwrite readv writev
    if (!io || result < 0) return;
    const FdEntry* e = fds_.get(static_cast<int>(args[0]));
    if (e && e->file->kind == OpenFile::Kind::host) s_.idle_ns = 0;
}

}  // namespace gostart::linux
