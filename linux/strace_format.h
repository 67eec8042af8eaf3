// The strace line of a syscall, from the argument kinds of its table row, as strace prints it.
#pragma once

#include "linux/syscall_table.h"

#include <array>
#include <optional>
#include <string>

namespace gostart::linux {

class Process;

// "openat(AT_FDCWD, \"/sys/...\", O_RDONLY)" without the result. Made after the call, which changes
// none of its inputs: `result` (nullopt while the call blocks) says how much of an output buffer to
// show, as strace shows `read(3, "2097152\n", 20)`.
std::string strace_call(Process& p, int nr, const SyscallDef* def, const std::array<uint64_t, 6>& a,
                        std::optional<int64_t> result);
// " = 3", " = -1 ENOENT (No such file or directory)", " = 0x7f..." for mmap.
std::string strace_result(const SyscallDef* def, int64_t r);
// For docs/syscalls.md: what the line shows of each argument, "read(fd, bytes read, size)".
std::string strace_signature(const SyscallDef& def);
// `s` quoted as strace quotes a buffer: C escapes, other bytes in octal, at most `max` bytes then "...".
std::string strace_quote(std::string_view s, size_t max);

}  // namespace gostart::linux
