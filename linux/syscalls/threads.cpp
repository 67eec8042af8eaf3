// Threads, futexes and process identity. clone creates an emulated thread (never a host one); the
// scheduler in Process decides when it runs.
#include "linux/syscalls/handlers.h"

#include "linux/guest_io.h"
#include "linux/process.h"

#include <cerrno>
#include <csignal>
#include <ctime>
#include <linux/futex.h>
#include <sched.h>

namespace gostart::linux::sys {

using cpu::Reg;

int64_t clone(SyscallCall& c) {
    uint64_t flags = c.a[0], newsp = c.a[1], tls = c.a[4];
    auto parent_tid = c.ptr<int32_t>(2), child_tid = c.ptr<int32_t>(3);
    // Only threads of this process: a new process (fork, vfork, posix_spawn) would run host code.
    if (!(flags & CLONE_VM) || !(flags & CLONE_THREAD) || !(flags & CLONE_SIGHAND)) return -EACCES;
    cpu::RegisterFile rf = c.proc.cpu().regs();  // rip is already past the syscall
    rf[Reg::rax] = 0;
    rf[Reg::rcx] = rf[Reg::rip];
    rf[Reg::r11] = rf[Reg::rflags];
    if (newsp) rf[Reg::rsp] = newsp;
    if (flags & CLONE_SETTLS) rf[Reg::fs_base] = tls;
    Thread& child = c.proc.create_thread(rf);
    child.sigmask = c.thread.sigmask;
    if (flags & CLONE_PARENT_SETTID) write_guest(c.proc.cpu(), parent_tid, child.tid);
    if (flags & CLONE_CHILD_SETTID) write_guest(c.proc.cpu(), child_tid, child.tid);
    if (flags & CLONE_CHILD_CLEARTID) child.clear_child_tid = child_tid;
    return child.tid;
}

int64_t futex(SyscallCall& c) {
    auto uaddr = c.ptr<uint32_t>(0);
    int op = c.iarg(1) & FUTEX_CMD_MASK;
    uint32_t val = static_cast<uint32_t>(c.a[2]);
    // EINVAL for a word that is not 4-aligned or an empty bitset, as Linux (after a wait's timeout).
    bool bitset_op = op == FUTEX_WAIT_BITSET || op == FUTEX_WAKE_BITSET;
    bool bad_word = uaddr.addr() % 4 || (bitset_op && static_cast<uint32_t>(c.a[5]) == 0);
    switch (op) {
        case FUTEX_WAIT:
        case FUTEX_WAIT_BITSET: {
            // Linux's order: the timeout, then the bitset and the word's alignment, then the word itself.
            // A bad word is EINVAL, never a wait that nothing can end.
            Wait w{Wait::Kind::futex};
            w.futex_addr = uaddr;
            if (c.a[3]) {
                auto ts = read_guest(c.proc.cpu(), c.ptr<timespec>(3));
                if (!ts) return -EFAULT;
                if (ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_nsec >= 1000000000) return -EINVAL;
                uint64_t t = uint64_t(ts->tv_sec) * 1000000000ull + uint64_t(ts->tv_nsec);
                // FUTEX_WAIT's timeout is relative; FUTEX_WAIT_BITSET's is absolute (monotonic here).
                w.deadline_ns = op == FUTEX_WAIT ? c.proc.now_ns() + t : t;
            }
            if (bad_word) return -EINVAL;
            auto cur = read_guest(c.proc.cpu(), uaddr);
            if (!cur) return -EFAULT;
            if (*cur != val) return -EAGAIN;
            c.proc.block(c.thread, w);
            return kBlocked;
        }
        case FUTEX_WAKE:
        case FUTEX_WAKE_BITSET:
            if (bad_word) return -EINVAL;
            return c.proc.futex_wake(uaddr, static_cast<int>(val));
        default:
            return -ENOSYS;
    }
}

int64_t gettid(SyscallCall& c) { return c.thread.tid; }
int64_t getpid(SyscallCall& c) { return c.proc.pid(); }
int64_t getppid(SyscallCall&) { return 1; }

namespace {

int64_t signal_thread(SyscallCall& c, int tid, int sig) {
    if (sig < 0 || sig > 64) return -EINVAL;
    auto it = c.proc.threads().find(tid);
    if (it == c.proc.threads().end() || it->second->exited()) return -ESRCH;
    if (sig != 0) c.proc.send_signal(*it->second, sig);
    return 0;
}

}  // namespace

int64_t tgkill(SyscallCall& c) {
    if (c.iarg(0) != c.proc.pid()) return -ESRCH;
    return signal_thread(c, c.iarg(1), c.iarg(2));
}

int64_t tkill(SyscallCall& c) { return signal_thread(c, c.iarg(0), c.iarg(1)); }

int64_t kill(SyscallCall& c) {
    int pid = c.iarg(0);
    // Only this process: the guest never signals host processes.
    if (pid != c.proc.pid() && pid != 0) return -EPERM;
    return signal_thread(c, c.proc.pid(), c.iarg(1));
}

int64_t sched_yield(SyscallCall& c) {
    c.proc.yield();
    return 0;
}

int64_t sched_getaffinity(SyscallCall& c) {
    if (c.a[1] < 8) return -EINVAL;
    int cpus = c.proc.options().cpus;
    uint64_t mask = cpus >= 64 ? ~uint64_t(0) : (uint64_t(1) << cpus) - 1;
    if (!write_guest(c.proc.cpu(), c.ptr<uint64_t>(2), mask)) return -EFAULT;
    return 8;  // bytes of the kernel's cpumask written
}

int64_t exit(SyscallCall& c) {
    Thread& t = c.thread;
    if (t.clear_child_tid) {
        write_guest(c.proc.cpu(), t.clear_child_tid, 0);
        c.proc.futex_wake(t.clear_child_tid.cast<uint32_t>(), 1);
    }
    c.proc.exit_thread(t, c.iarg(0));
    return kNoReturn;
}

int64_t exit_group(SyscallCall& c) {
    c.proc.exit_group(c.iarg(0));
    return kNoReturn;
}

int64_t set_tid_address(SyscallCall& c) {
    c.thread.clear_child_tid = c.ptr<int32_t>(0);
    return c.thread.tid;
}

int64_t set_robust_list(SyscallCall& c) {
    // struct robust_list_head is three words; Linux refuses any other size.
    if (c.a[1] != 24) return -EINVAL;
    c.thread.robust_list = c.a[0];
    return 0;
}

int64_t get_robust_list(SyscallCall& c) {
    int tid = c.iarg(0);
    auto it = c.proc.threads().find(tid == 0 ? c.thread.tid : tid);
    if (it == c.proc.threads().end()) return -ESRCH;
    if (!write_guest(c.proc.cpu(), c.ptr<uint64_t>(1), it->second->robust_list)) return -EFAULT;
    return write_guest(c.proc.cpu(), c.ptr<uint64_t>(2), 24) ? 0 : -EFAULT;
}

int64_t not_provided(SyscallCall&) { return -ENOSYS; }

int64_t refuse_process(SyscallCall&) { return -EACCES; }
int64_t wait4(SyscallCall&) { return -ECHILD; }

}  // namespace gostart::linux::sys
