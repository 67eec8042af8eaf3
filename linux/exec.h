// exec: what Linux's execve does — map the program's PT_LOAD segments (at a load bias when it is
// position-independent), map its interpreter (ld.so) when it has one, build the initial stack at a
// fixed top, set the break — so that the guest starts exactly as on Linux with randomisation off:
// at the interpreter's entry for a dynamically linked program, else at the program's.
#pragma once

#include "loader/elf_image.h"
#include "loader/initial_stack.h"
#include "linux/process.h"

#include <string>
#include <vector>

namespace gostart::linux {

struct ExecInputs {
    std::vector<std::string> argv;
    std::vector<std::string> envp;
    std::string execfn;
};

// The images to map and where (loader/load_bias.h decides the biases).
struct ExecImages {
    const loader::ElfImage* program = nullptr;
    uint64_t program_bias = 0;                   // 0 for ET_EXEC
    const loader::ElfImage* interpreter = nullptr;  // PT_INTERP, already opened from the host's root
    uint64_t interpreter_bias = 0;
};

inline constexpr uint64_t kStackTop = 0x7ffffffff000;        // the top of the user half, as without ASLR
inline constexpr uint64_t kStackReserve = 8ull << 20;        // RLIMIT_STACK
inline constexpr uint64_t kStackCommitted = 1ull << 20;      // mapped up front; Go's g0 needs 64 KiB
// The transparent huge page size the guest reads from /sys (linux/syscalls/files.cpp serves it).
inline constexpr uint64_t kHugePageSize = 2 << 20;

// Maps the program (and its interpreter) and its stack into `proc` and points the main thread at
// the first instruction. Returns the initial stack as built (its addresses are inputs of the model).
loader::InitialStack exec_program(Process& proc, const ExecImages& images, const ExecInputs& in);

}  // namespace gostart::linux
