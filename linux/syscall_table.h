// The syscall table: one row per syscall — number, name, how its arguments print in the strace line,
// its handler — drives dispatch, `--strace` and docs/syscalls.md alike (blink's SYSCALL table, rr's
// syscalls.py). A row without a handler is a syscall we know by name but do not implement: it returns
// -ENOSYS and is logged, never a silent success.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

namespace gostart::linux {

class Process;
struct Thread;

// How an argument prints in the strace line.
enum class Arg : uint8_t {
    none, dec, hex, ptr, fd, dirfd, str, buf_in /* string of length = next arg */, size, sig,
    open_flags, prot, map_flags, futex_op, clock, sigmask_how, arch_prctl_code, whence, fcntl_cmd,
};

struct SyscallCall {
    Process& proc;
    Thread& thread;
    std::array<uint64_t, 6> a{};
    int64_t sarg(int i) const { return static_cast<int64_t>(a[i]); }
    int iarg(int i) const { return static_cast<int>(static_cast<int32_t>(a[i])); }
};

// What a handler returns besides a value or a negative errno.
inline constexpr int64_t kNoReturn = INT64_MIN;      // rax is not written (rt_sigreturn, exit)
inline constexpr int64_t kBlocked = INT64_MIN + 1;   // the thread now waits; its result comes later

using Handler = int64_t (*)(SyscallCall&);

struct SyscallDef {
    int nr;
    std::string_view name;
    std::array<Arg, 6> args;
    Handler handler;       // nullptr: not implemented (-ENOSYS)
    std::string_view doc;  // one line for docs/syscalls.md: what we do
    // The i386 syscall that is this same call through `int 0x80` (Linux runs the 32-bit ABI there in a
    // 64-bit process too): its name in asm/unistd_32.h, given only when every argument means the same in
    // both ABIs (ints, descriptors, flags, pointers to bytes or to structs laid out alike). Empty: the
    // i386 call (if any) answers -ENOSYS.
    std::string_view i386 = {};
};

std::span<const SyscallDef> syscall_table();
const SyscallDef* find_syscall(int nr);
std::string_view syscall_name(int nr);  // also for syscalls outside the table ("syscall_123" if unknown)

// int 0x80: the row an i386 syscall number runs (nullptr: -ENOSYS), and any i386 syscall's name.
const SyscallDef* find_syscall_i386(int nr);
std::string_view syscall_name_i386(int nr);
// Every i386 name of the system's asm/unistd_32.h, by number (for the check that each row's names one).
struct SyscallName {
    int nr;
    const char* name;
};
std::span<const SyscallName> i386_syscall_names();

}  // namespace gostart::linux
