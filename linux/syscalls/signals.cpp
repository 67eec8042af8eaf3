// Signal syscalls: actions, masks and alternate stacks are kept here; delivery is in linux/signals.cpp.
#include "linux/syscalls/handlers.h"

#include "linux/guest_io.h"
#include "linux/process.h"

#include <cerrno>
#include <csignal>

namespace gostart::linux::sys {

namespace {

struct KernelSigaction {
    uint64_t handler, flags, restorer, mask;
};

constexpr uint64_t kUnblockable = (uint64_t(1) << (SIGKILL - 1)) | (uint64_t(1) << (SIGSTOP - 1));

}  // namespace

int64_t rt_sigaction(SyscallCall& c) {
    int sig = c.iarg(0);
    if (sig < 1 || sig > 64 || c.a[3] != 8) return -EINVAL;
    SigAction& a = c.proc.sigactions()[static_cast<size_t>(sig)];
    if (c.a[2]) {
        KernelSigaction old{a.handler, a.flags, a.restorer, a.mask};
        if (!write_guest(c.proc.cpu(), c.ptr<KernelSigaction>(2), old)) return -EFAULT;
    }
    if (c.a[1]) {
        if (sig == SIGKILL || sig == SIGSTOP) return -EINVAL;
        auto n = read_guest(c.proc.cpu(), c.ptr<KernelSigaction>(1));
        if (!n) return -EFAULT;
        a = SigAction{n->handler, n->flags, n->restorer, n->mask & ~kUnblockable};
    }
    return 0;
}

int64_t rt_sigprocmask(SyscallCall& c) {
    if (c.a[3] != 8) return -EINVAL;
    uint64_t& mask = c.thread.sigmask;
    uint64_t old = mask;
    if (c.a[1]) {
        auto set = read_guest(c.proc.cpu(), c.ptr<uint64_t>(1));
        if (!set) return -EFAULT;
        switch (c.iarg(0)) {
            case SIG_BLOCK: mask |= *set; break;
            case SIG_UNBLOCK: mask &= ~*set; break;
            case SIG_SETMASK: mask = *set; break;
            default: return -EINVAL;
        }
        mask &= ~kUnblockable;
    }
    if (c.a[2] && !write_guest(c.proc.cpu(), c.ptr<uint64_t>(2), old)) return -EFAULT;
    return 0;
}

int64_t sigaltstack(SyscallCall& c) {
    SigAltStack& s = c.thread.altstack;
    uint64_t sp = c.proc.cpu().reg(cpu::Reg::rsp);
    bool on = s.flags != SS_DISABLE && sp > s.sp && sp <= s.sp + s.size;
    struct Stk { uint64_t sp; int32_t flags; int32_t pad; uint64_t size; };  // the kernel's stack_t
    if (c.a[1]) {
        Stk old{s.sp, on ? SS_ONSTACK : s.flags, 0, s.size};
        if (!write_guest(c.proc.cpu(), c.ptr<Stk>(1), old)) return -EFAULT;
    }
    if (c.a[0]) {
        auto n = read_guest(c.proc.cpu(), c.ptr<Stk>(0));
        if (!n) return -EFAULT;
        if (on) return -EPERM;
        if (n->flags == SS_DISABLE) {
            s = SigAltStack{};
        } else {
            if (n->flags != 0) return -EINVAL;
            if (n->size < 2048 /*MINSIGSTKSZ*/) return -ENOMEM;
            s = SigAltStack{n->sp, n->size, 0};
        }
    }
    return 0;
}

int64_t rt_sigreturn(SyscallCall& c) {
    c.proc.sigreturn(c.thread);
    return kNoReturn;
}

}  // namespace gostart::linux::sys
