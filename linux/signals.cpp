// Signal delivery and return: the parts of Process that build and unwind signal frames.
#include "cpu/prot.h"
#include "linux/process.h"
#include "linux/signal_frame.h"
#include "linux/syscall_table.h"

#include <fmt/format.h>

#include <algorithm>
#include <csignal>
#include <cstring>

namespace gostart::linux {

using cpu::Reg;

namespace {

constexpr uint64_t kSaSiginfo = 4, kSaOnstack = 0x08000000, kSaRestorer = 0x04000000, kSaNodefer = 0x40000000,
                   kSaResethand = 0x80000000;
constexpr int kSsOnstack = 1, kSsDisable = 2;

uint64_t bit(int sig) { return uint64_t(1) << (sig - 1); }

bool default_ignored(int sig) { return sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH || sig == SIGCONT; }

}  // namespace

void to_sigcontext(const cpu::RegisterFile& rf, KernelSigcontext& sc) {
    sc.r8 = rf[Reg::r8]; sc.r9 = rf[Reg::r9]; sc.r10 = rf[Reg::r10]; sc.r11 = rf[Reg::r11];
    sc.r12 = rf[Reg::r12]; sc.r13 = rf[Reg::r13]; sc.r14 = rf[Reg::r14]; sc.r15 = rf[Reg::r15];
    sc.rdi = rf[Reg::rdi]; sc.rsi = rf[Reg::rsi]; sc.rbp = rf[Reg::rbp]; sc.rbx = rf[Reg::rbx];
    sc.rdx = rf[Reg::rdx]; sc.rax = rf[Reg::rax]; sc.rcx = rf[Reg::rcx]; sc.rsp = rf[Reg::rsp];
    sc.rip = rf[Reg::rip]; sc.eflags = rf[Reg::rflags];
    sc.cs = 0x33; sc.ss = 0x2b;
}

void from_sigcontext(const KernelSigcontext& sc, cpu::RegisterFile& rf) {
    rf[Reg::r8] = sc.r8; rf[Reg::r9] = sc.r9; rf[Reg::r10] = sc.r10; rf[Reg::r11] = sc.r11;
    rf[Reg::r12] = sc.r12; rf[Reg::r13] = sc.r13; rf[Reg::r14] = sc.r14; rf[Reg::r15] = sc.r15;
    rf[Reg::rdi] = sc.rdi; rf[Reg::rsi] = sc.rsi; rf[Reg::rbp] = sc.rbp; rf[Reg::rbx] = sc.rbx;
    rf[Reg::rdx] = sc.rdx; rf[Reg::rax] = sc.rax; rf[Reg::rcx] = sc.rcx; rf[Reg::rsp] = sc.rsp;
    rf[Reg::rip] = sc.rip;
    // User code may change only the arithmetic flags (as the kernel's FIX_EFLAGS allows).
    rf[Reg::rflags] = (rf[Reg::rflags] & ~uint64_t(0x40dd5)) | (sc.eflags & 0x40dd5);
}

void Process::send_signal(Thread& t, int sig) {
    if (sig <= 0 || sig > 64) return;
    t.pending_signals |= bit(sig);
    // A thread blocked in a syscall is interrupted (EINTR) when the signal is deliverable.
    if (!(t.sigmask & bit(sig)) && (t.wait.kind == Wait::Kind::futex || t.wait.kind == Wait::Kind::sleep ||
                                    t.wait.kind == Wait::Kind::epoll)) {
        const SigAction& a = s_.sigactions[sig];
        if (a.handler > 1) wake(t, -EINTR);
    }
}

bool Process::deliver_pending_signals(Thread& t) {
    uint64_t deliverable = t.pending_signals & ~t.sigmask;
    if (!deliverable) return false;
    int sig = __builtin_ctzll(deliverable) + 1;
    t.pending_signals &= ~bit(sig);
    deliver_signal(t, sig, -6 /*SI_TKILL*/, 0);
    return true;
}

// Why the guest cannot touch `addr`: "(nothing mapped: 0x400000-0x4a0000 was unmapped by munmap(0x400000,
// 0xa0000) in thread 1000 at main.main+0x2f (main.go:12))" — when the guest took it away itself, the
// call that did it, since that is where the bug is, not where the process died.
std::string Process::access_cause(uint64_t addr) const {
    const Vma* v = s_.memory.find(addr);
    std::string what = !v ? "nothing mapped" : "not permitted there";
    const MemoryChange* c = s_.memory.change_at(addr);
    if (!c || (v && c->unmapped)) return "(" + what + ")";
    const SyscallDef* def = find_syscall(c->by.nr);
    std::string name(syscall_name(c->by.nr));
    size_t nargs = 6;
    if (def) nargs = static_cast<size_t>(std::count_if(def->args.begin(), def->args.end(), [](Arg a) { return a != Arg::none; }));
    std::string args;
    for (size_t i = 0; i < nargs; ++i) args += fmt::format("{}{:#x}", i ? ", " : "", c->by.args[i]);
    return fmt::format("({}: {:#x}-{:#x} was {} by {}({}) in thread {} at {})", what, c->start, c->end,
                       c->unmapped ? "unmapped" : "left with less access", name.empty() ? "syscall" : name, args,
                       c->by.tid, describe(c->by.pc));
}

// "signal 11 (Segmentation fault) accessing 0x10 (nothing mapped) in thread 1000 at 0x4356a0
// runtime.schedinit+0x0 (proc.go:653)": what a shell would only say as "Segmentation fault". A fault
// Linux reports without an address (SI_KERNEL: a privileged instruction's #GP) says what it was instead,
// and names the instruction: "signal 11 (Segmentation fault): general protection fault in thread ...: hlt".
std::string Process::fatal_signal_message(Thread& t, int sig, int code, uint64_t addr, const TrapSignal* trap) const {
    bool synchronous = code > 0;
    uint64_t pc = cpu_.reg(Reg::rip);
    std::string what = fmt::format("signal {} ({})", sig, strsignal(sig));
    if (trap && code == kSiKernel) what += fmt::format(": {}", trap->what);
    else if (synchronous && (sig == SIGSEGV || sig == SIGBUS))
        what += fmt::format(" accessing {:#x} {}", addr, access_cause(addr));
    if (!synchronous) what += " sent to the guest";
    std::string where = describe(pc);  // a bare address (a jump to 0) is not said twice
    std::string msg = fmt::format("{} in thread {} at {:#x}{}", what, t.tid, pc, where == fmt_addr(pc) ? "" : " " + where);
    if (trap && trap->names_insn) msg += ": " + (opts_.describe_insn ? opts_.describe_insn(pc) : std::string("?"));
    return msg;
}

void Process::deliver_trap(Thread& t, const TrapSignal& trap) {
    cpu_.set_reg(Reg::rip, trap.pc);
    deliver_signal(t, trap.sig, trap.code, trap.addr, &trap);
}

void Process::deliver_signal(Thread& t, int sig, int code, uint64_t addr, const TrapSignal* trap) {
    SigAction& a = s_.sigactions[sig];
    bool synchronous = code > 0;  // a fault, not a queued signal
    bool blocked = t.sigmask & bit(sig);
    if (a.handler == 1 /*SIG_IGN*/ && !synchronous) return;
    if (a.handler == 0 /*SIG_DFL*/ || (synchronous && (blocked || a.handler == 1))) {
        if (a.handler == 0 && default_ignored(sig) && !synchronous) return;
        kill(sig, frame_failure_.empty() ? fatal_signal_message(t, sig, code, addr, trap)
                                         : fmt::format("signal {} ({}): {}", sig, strsignal(sig), frame_failure_));
        return;
    }
    // The guest handles an illegal or privileged instruction itself (Go prints its own crash): still
    // say, once per place, which instruction it was, since that is what the user will want to know.
    uint64_t pc = cpu_.reg(Reg::rip);
    if (trap && trap->names_insn && opts_.diag && warned_illegal_pcs_.insert(pc).second)
        *opts_.diag << fmt::format("gostart-emu: {}: {} in thread {} at {:#x} {}: {}\n", opts_.exe_path, trap->what,
                                   t.tid, pc, describe(pc), opts_.describe_insn ? opts_.describe_insn(pc) : "?");

    cpu::RegisterFile rf = cpu_.regs();
    if (strace())
        *strace() << fmt::format("[{}] --- SIG{} {{si_signo={}, si_code={}, si_addr={:#x}}} at {} ---\n", t.tid,
                                     sigabbrev_np(sig) ? sigabbrev_np(sig) : "?", sig, code, addr,
                                     describe(rf[Reg::rip]));
    uint64_t sp = rf[Reg::rsp];
    bool on_alt = t.altstack.flags != kSsDisable && sp > t.altstack.sp && sp <= t.altstack.sp + t.altstack.size;
    if ((a.flags & kSaOnstack) && t.altstack.flags != kSsDisable && !on_alt)
        sp = t.altstack.sp + t.altstack.size;
    else
        sp -= 128;  // the red zone below the interrupted code's stack pointer

    RtSigframe f{};
    uint64_t frame = ((sp - sizeof(RtSigframe)) & ~uint64_t(15)) - 8;  // so that (rsp + 8) % 16 == 0 in the handler
    f.pretcode = (a.flags & kSaRestorer) ? a.restorer : 0;
    f.uc.uc_stack.ss_sp = t.altstack.sp;
    f.uc.uc_stack.ss_size = t.altstack.size;
    f.uc.uc_stack.ss_flags = t.altstack.flags == kSsDisable ? kSsDisable : (on_alt ? kSsOnstack : 0);
    to_sigcontext(rf, f.uc.uc_mcontext);
    // A page fault's trap number and address, or the exception's with its error code.
    f.uc.uc_mcontext.trapno = trap ? static_cast<uint64_t>(trap->trapno) : sig == SIGSEGV ? 14 : 0;
    f.uc.uc_mcontext.err = trap ? trap->error_code : 0;
    f.uc.uc_mcontext.cr2 = !trap && sig == SIGSEGV ? addr : 0;
    f.uc.uc_mcontext.oldmask = t.sigmask;
    f.uc.uc_sigmask = t.sigmask;
    f.info.si_signo = sig;
    f.info.si_code = code;
    if (synchronous) f.info.u.addr = addr;
    else f.info.u.kill = {kPid, 1000};

    uint64_t uc_addr = frame + offsetof(RtSigframe, uc);
    // The frame is written as the kernel writes it (copy_to_user): a stack that is gone or read-only
    // makes it fail, and then, as Linux's force_sigsegv does, the signal becomes a SIGSEGV — which a
    // handler on an alternate stack may still catch — and a SIGSEGV whose frame fails is fatal.
    if (!cpu_.try_write_user(guest::Addr(frame), &f, sizeof f)) {
        uint64_t bad = frame;
        for (uint64_t p = cpu::page_down(frame); p < frame + sizeof f; p += cpu::kPageSize) {
            const Vma* v = s_.memory.find(p);
            if (!v || !(v->prot & cpu::kProtWrite)) {
                bad = std::max(p, frame);
                break;
            }
        }
        std::string why = fmt::format("the frame of signal {} ({}) cannot be written at {:#x} in thread {} {}", sig,
                                      strsignal(sig), bad, t.tid, access_cause(bad));
        if (sig != SIGSEGV) {
            frame_failure_ = why;
            deliver_signal(t, SIGSEGV, 0x80 /*SI_KERNEL*/, 0);
            frame_failure_.clear();
            return;
        }
        kill(SIGSEGV, fmt::format("signal 11 (Segmentation fault): {}", frame_failure_.empty() ? why : frame_failure_ +
                                  ", nor that of the SIGSEGV that follows"));
        return;
    }
    t.frames.push_back(SignalFrameRecord{uc_addr, cpu_.save()});

    if (!(a.flags & kSaNodefer)) t.sigmask |= bit(sig);
    t.sigmask |= a.mask;
    if (a.flags & kSaResethand) a.handler = 0;
    rf[Reg::rsp] = frame;
    rf[Reg::rip] = a.handler;
    rf[Reg::rdi] = static_cast<uint64_t>(sig);
    rf[Reg::rsi] = frame + offsetof(RtSigframe, info);
    rf[Reg::rdx] = uc_addr;
    rf[Reg::rax] = 0;
    rf[Reg::rflags] &= ~uint64_t(0x400 | 0x100);  // DF and TF clear on entry, as the kernel does
    cpu_.set_regs(rf);
    (void)kSaSiginfo;
}

void Process::sigreturn(Thread& t) {
    // The handler returned into sa_restorer, which popped pretcode: rsp points at the ucontext.
    uint64_t uc_addr = cpu_.reg(Reg::rsp);
    KernelUcontext uc{};
    if (!cpu_.try_read_user(guest::Ptr<KernelUcontext>(uc_addr), &uc, sizeof uc)) {
        kill(SIGSEGV, fmt::format("signal 11 (Segmentation fault): rt_sigreturn in thread {} with a frame at {:#x} that "
                                  "cannot be read {}", t.tid, uc_addr, access_cause(uc_addr)));
        return;
    }
    // Restore the full state saved at delivery (SSE and x87 included), then the registers as the
    // handler left them in the frame: Go rewrites rip and rsp there to inject calls.
    while (!t.frames.empty() && t.frames.back().uc_addr != uc_addr) t.frames.pop_back();
    if (!t.frames.empty()) {
        cpu_.restore(t.frames.back().saved);
        t.frames.pop_back();
    }
    cpu::RegisterFile rf = cpu_.regs();
    from_sigcontext(uc.uc_mcontext, rf);
    cpu_.set_regs(rf);
    t.sigmask = uc.uc_sigmask & ~(bit(SIGKILL) | bit(SIGSTOP));
}

}  // namespace gostart::linux
