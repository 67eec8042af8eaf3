// The strace line of a syscall, from the argument kinds of its table row.
#pragma once

#include "linux/syscall_table.h"

#include <array>
#include <string>

namespace gostart::linux {

class Process;

// "openat(AT_FDCWD, \"/sys/...\", O_RDONLY) = " without the result.
std::string strace_call(Process& p, int nr, const SyscallDef* def, const std::array<uint64_t, 6>& a);
// " = 3", " = -1 ENOENT (No such file or directory)", " = 0x7f..." for mmap.
std::string strace_result(int nr, const SyscallDef* def, int64_t r);

}  // namespace gostart::linux
