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
};

std::span<const SyscallDef> syscall_table();
const SyscallDef* find_syscall(int nr);
std::string_view syscall_name(int nr);  // also for syscalls outside the table ("syscall_123" if unknown)

}  // namespace gostart::linux
