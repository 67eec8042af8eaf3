// The names strace gives to the numbers in syscall arguments — RLIMIT_NOFILE, MADV_DONTNEED,
// MAP_PRIVATE|MAP_DENYWRITE, CLONE_VM|…, R_OK — chosen by the argument's kind in the syscall table.
// The names and values are the host's own headers' (x86-64 Linux, the guest's ABI).
#pragma once

#include "linux/syscall_table.h"

#include <cstdint>
#include <optional>
#include <string>

namespace gostart::linux {

// The text of a constant-valued argument (a flag set, an enumeration); nullopt when `kind` is not one.
// An unknown value prints as a number, unknown bits as hex after the known names.
std::optional<std::string> strace_constant(Arg kind, uint64_t v);

// A number as strace prints a hex value: 0x1f, and 0 for zero (C's %#x).
std::string strace_hex(uint64_t v);

}  // namespace gostart::linux
