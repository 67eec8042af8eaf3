// The syscall handlers, grouped by topic in the files of this folder (FEX-Emu's Syscalls/*.cpp).
// Each takes the call and returns a value, a negative errno, kNoReturn or kBlocked.
#pragma once

#include "linux/guest_memory.h"
#include "linux/syscall_table.h"

namespace gostart::linux::sys {

// memory.cpp
int64_t mmap(SyscallCall&);
int64_t munmap(SyscallCall&);
int64_t mprotect(SyscallCall&);
int64_t madvise(SyscallCall&);
int64_t mremap(SyscallCall&);
int64_t brk(SyscallCall&);
int64_t msync(SyscallCall&);
int64_t mincore(SyscallCall&);
int64_t mlock(SyscallCall&);
int64_t mlock2(SyscallCall&);
int64_t munlock(SyscallCall&);
int64_t mlockall(SyscallCall&);
int64_t munlockall(SyscallCall&);

// files.cpp
int64_t read(SyscallCall&);
int64_t write(SyscallCall&);
int64_t pread64(SyscallCall&);
int64_t pwrite64(SyscallCall&);
int64_t readv(SyscallCall&);
int64_t writev(SyscallCall&);
int64_t open(SyscallCall&);
int64_t openat(SyscallCall&);
int64_t close(SyscallCall&);
int64_t lseek(SyscallCall&);
int64_t fstat(SyscallCall&);
int64_t stat(SyscallCall&);
int64_t lstat(SyscallCall&);
int64_t newfstatat(SyscallCall&);
int64_t fcntl(SyscallCall&);
int64_t ioctl(SyscallCall&);
int64_t dup(SyscallCall&);
int64_t dup3(SyscallCall&);
int64_t dup2(SyscallCall&);
int64_t getdents64(SyscallCall&);
int64_t readlink(SyscallCall&);
int64_t readlinkat(SyscallCall&);
int64_t access(SyscallCall&);
int64_t faccessat(SyscallCall&);
int64_t getcwd(SyscallCall&);
int64_t chdir(SyscallCall&);
int64_t refuse_path_change(SyscallCall&);   // unlink, rename, mkdir, chmod ... on paths
int64_t refuse_fd_change(SyscallCall&);     // ftruncate, fchmod ... on descriptors
int64_t fsync(SyscallCall&);
int64_t fdatasync(SyscallCall&);
int64_t flock(SyscallCall&);
int64_t unlinkat(SyscallCall&);
int64_t mkdirat(SyscallCall&);
int64_t mkdir(SyscallCall&);
int64_t creat(SyscallCall&);
int64_t umask(SyscallCall&);
int64_t renameat(SyscallCall&);
int64_t renameat2(SyscallCall&);
int64_t rename(SyscallCall&);

// poll.cpp
int64_t pipe2(SyscallCall&);
int64_t pipe(SyscallCall&);
int64_t eventfd2(SyscallCall&);
int64_t epoll_create1(SyscallCall&);
int64_t epoll_create(SyscallCall&);
int64_t epoll_ctl(SyscallCall&);
int64_t epoll_pwait(SyscallCall&);

// threads.cpp
int64_t clone(SyscallCall&);
int64_t futex(SyscallCall&);
int64_t gettid(SyscallCall&);
int64_t getpid(SyscallCall&);
int64_t getppid(SyscallCall&);
int64_t tgkill(SyscallCall&);
int64_t tkill(SyscallCall&);
int64_t kill(SyscallCall&);
int64_t sched_yield(SyscallCall&);
int64_t sched_getaffinity(SyscallCall&);
int64_t exit(SyscallCall&);
int64_t exit_group(SyscallCall&);
int64_t set_tid_address(SyscallCall&);
int64_t set_robust_list(SyscallCall&);
int64_t get_robust_list(SyscallCall&);
int64_t not_provided(SyscallCall&);     // a deliberate -ENOSYS that the C library copes with (rseq, clone3)
int64_t refuse_process(SyscallCall&);   // execve, fork, vfork: no real process is created
int64_t wait4(SyscallCall&);

// signals.cpp
int64_t rt_sigaction(SyscallCall&);
int64_t rt_sigprocmask(SyscallCall&);
int64_t sigaltstack(SyscallCall&);
int64_t rt_sigreturn(SyscallCall&);

// time.cpp
int64_t clock_gettime(SyscallCall&);
int64_t clock_getres(SyscallCall&);
int64_t gettimeofday(SyscallCall&);
int64_t time(SyscallCall&);
int64_t nanosleep(SyscallCall&);
int64_t clock_nanosleep(SyscallCall&);

// system.cpp
int64_t arch_prctl(SyscallCall&);
int64_t prctl(SyscallCall&);
int64_t uname(SyscallCall&);
int64_t getrandom(SyscallCall&);
int64_t getrlimit(SyscallCall&);
int64_t setrlimit(SyscallCall&);
int64_t prlimit64(SyscallCall&);
int64_t getuid(SyscallCall&);
int64_t getgid(SyscallCall&);
int64_t refuse_socket(SyscallCall&);
// ptrace, mount, reboot, settimeofday, pidfd_send_signal ...: what would reach the host system or
// another process, refused with EPERM as for an unprivileged process (listed so that strace names them).
int64_t refuse_host_control(SyscallCall&);
int64_t sysinfo(SyscallCall&);
// The process's RLIMIT_MEMLOCK, RLIMIT_AS and RLIMIT_DATA, for the memory syscalls.
MemoryLimits memory_limits(Process& p);

}  // namespace gostart::linux::sys
