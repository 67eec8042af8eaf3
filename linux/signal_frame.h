// The Linux x86-64 signal frame (arch/x86/include/uapi/asm/sigcontext.h, kernel ucontext), as the
// guest's handler and rt_sigreturn see it. Go's sigctxt reads and rewrites these registers to
// inject sigpanic and asyncPreempt calls, so the layout must be exactly the kernel's.
#pragma once

#include "cpu/registers.h"

#include <cstddef>
#include <cstdint>

namespace gostart::linux {

struct KernelSigcontext {
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
    uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
    uint16_t cs, gs, fs, ss;
    uint64_t err, trapno, oldmask, cr2;
    uint64_t fpstate;
    uint64_t reserved1[8];
};
static_assert(sizeof(KernelSigcontext) == 256);

struct KernelStack {
    uint64_t ss_sp;
    int32_t ss_flags;
    int32_t pad;
    uint64_t ss_size;
};

struct KernelUcontext {
    uint64_t uc_flags;
    uint64_t uc_link;
    KernelStack uc_stack;
    KernelSigcontext uc_mcontext;
    uint64_t uc_sigmask;
};
static_assert(offsetof(KernelUcontext, uc_mcontext) == 40);
static_assert(sizeof(KernelUcontext) == 304);

struct KernelSiginfo {
    int32_t si_signo, si_errno, si_code, pad;
    union {
        uint64_t addr;                      // SIGSEGV, SIGBUS, SIGILL, SIGFPE
        struct { int32_t pid; uint32_t uid; } kill;  // SI_USER, SI_TKILL
        uint8_t raw[112];
    } u;
};
static_assert(sizeof(KernelSiginfo) == 128);

struct RtSigframe {
    uint64_t pretcode;  // the sa_restorer the handler returns into
    KernelUcontext uc;
    KernelSiginfo info;
};

void to_sigcontext(const cpu::RegisterFile& rf, KernelSigcontext& sc);
void from_sigcontext(const KernelSigcontext& sc, cpu::RegisterFile& rf);

}  // namespace gostart::linux
