// What Linux sends a user process for each CPU exception, and for an `int n` it may not make: the
// signal, si_code and si_addr of arch/x86/kernel/traps.c, where the signal frame's rip points, and the
// trap number and error code of its sigcontext. `int 0x80` is not here: it is a syscall.
#pragma once

#include <cstdint>

namespace gostart::linux {

struct TrapSignal {
    int sig = 0;
    int code = 0;          // si_code: SI_KERNEL (0x80) for what Linux reports without an address
    uint64_t addr = 0;     // si_addr
    uint64_t pc = 0;       // rip in the signal frame: the faulting instruction, or after a trap's
    int trapno = 0;        // sigcontext.trapno, .err
    uint64_t error_code = 0;
    const char* what = "";  // Linux's name for it: "general protection fault", "divide error" ...
    bool names_insn = false;  // the report names the instruction (a privileged or unknown one)
};

inline constexpr int kSiKernel = 0x80;
inline constexpr uint32_t kIa32SyscallVector = 0x80;

// `vector` and `software` as the CPU reported them (cpu::StopReason); `rip` where it stopped (past the
// instruction for a software interrupt), `insn` where a software interrupt's instruction starts.
TrapSignal trap_signal(uint32_t vector, bool software, uint64_t rip, uint64_t insn);

}  // namespace gostart::linux
