#include "linux/cpu_traps.h"

#include <csignal>

namespace gostart::linux {
namespace {

// x86 exception vectors (Intel SDM vol. 3, table 6-1).
enum : uint32_t { kDE = 0, kDB = 1, kBP = 3, kOF = 4, kBR = 5, kUD = 6, kNP = 11, kSS = 12, kGP = 13, kMF = 16, kAC = 17, kXM = 19 };

}  // namespace

TrapSignal trap_signal(uint32_t vector, bool software, uint64_t rip, uint64_t insn) {
    TrapSignal t;
    t.pc = rip;
    t.trapno = static_cast<int>(vector);
    if (software) {
        // Only three gates of Linux's IDT may be used from user mode (DPL 3): int3, into's overflow
        // trap, and the i386 syscall. Any other `int n` is a #GP at the instruction, error code n*8+2
        // (an IDT entry), as the CPU reports a gate of too high a privilege.
        if (vector == kBP) return {SIGTRAP, kSiKernel, 0, rip, kBP, 0, "int3"};
        if (vector == kOF) return {SIGSEGV, kSiKernel, 0, rip, kOF, 0, "overflow"};
        return {SIGSEGV, kSiKernel, 0, insn, kGP, vector * 8 + 2, "general protection fault", true};
    }
    switch (vector) {
        case kDE: return {SIGFPE, FPE_INTDIV, rip, rip, kDE, 0, "divide error"};
        case kDB: return {SIGTRAP, TRAP_TRACE, rip, rip, kDB, 0, "debug trap"};  // a single step (TF)
        case kBR: return {SIGSEGV, kSiKernel, 0, rip, kBR, 0, "bounds"};
        case kUD: return {SIGILL, ILL_ILLOPN, rip, rip, kUD, 0, "illegal instruction", true};
        case kNP: return {SIGBUS, kSiKernel, 0, rip, kNP, 0, "segment not present"};
        case kSS: return {SIGBUS, kSiKernel, 0, rip, kSS, 0, "stack segment"};
        case kGP: return {SIGSEGV, kSiKernel, 0, rip, kGP, 0, "general protection fault", true};
        case kMF: return {SIGFPE, FPE_FLTINV, rip, rip, kMF, 0, "x87 floating-point exception"};
        case kAC: return {SIGBUS, BUS_ADRALN, 0, rip, kAC, 0, "alignment check"};
        case kXM: return {SIGFPE, FPE_FLTINV, rip, rip, kXM, 0, "SIMD floating-point exception"};
        default: return {SIGSEGV, kSiKernel, 0, rip, static_cast<int>(vector), 0, "CPU exception", true};
    }
}

}  // namespace gostart::linux
