// exec: what Linux's execve does for a static ELF — map its PT_LOAD segments, build the initial stack
// at a fixed top, set the break — so that the guest starts at the entry point exactly as on Linux.
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

inline constexpr uint64_t kStackTop = 0x7ffffffff000;        // the top of the user half, as without ASLR
inline constexpr uint64_t kStackReserve = 8ull << 20;        // RLIMIT_STACK
inline constexpr uint64_t kStackCommitted = 1ull << 20;      // mapped up front; Go's g0 needs 64 KiB
// The transparent huge page size the guest reads from /sys (linux/syscalls/files.cpp serves it).
inline constexpr uint64_t kHugePageSize = 2 << 20;

// Maps the program and its stack into `proc` and points the main thread at the entry.
// Returns the initial stack as built (its addresses are inputs of the runtime model).
loader::InitialStack exec_program(Process& proc, const loader::ElfImage& image, const ExecInputs& in);

}  // namespace gostart::linux
