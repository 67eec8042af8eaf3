// The syscall table: one row per syscall — number, name, how its arguments print in the strace line,
// its handler — drives dispatch, `--strace` and docs/syscalls.md alike (blink's SYSCALL table, rr's
// syscalls.py). A row without a handler is a syscall we know by name but do not implement: it returns
// -ENOSYS and is logged, never a silent success.
#pragma once

#include "guest/ptr.h"

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

namespace gostart::linux {

class Process;
struct Thread;

// How an argument prints in the strace line (linux/strace_format.cpp; the constants' names in
// linux/strace_constants.cpp), as strace prints it.
enum class Arg : uint8_t {
    none, dec, hex, ptr, fd, dirfd, size, sig,
    str,         // a path: the NUL-terminated string, whole
    buf_in,      // bytes the call reads, as many as the next argument says (write): at most -s of them
    buf_out,     // bytes the call wrote, as many as it returns (read): at most -s; the pointer on failure
    str_out,     // a string the call wrote (getcwd); the pointer on failure
    open_flags, open_mode /* only with O_CREAT or O_TMPFILE in the argument before */, mode /* octal */,
    prot, map_flags, futex_op, clock, clock_flags, sigmask_how, arch_prctl_code, whence,
    fcntl_cmd, fcntl_arg /* as F_SETFL's or F_SETFD's value; none for the F_GET commands */,
    rlimit_resource, madvise_advice, clone_flags, access_mode, at_flags, grnd_flags, epoll_op, epoll_flags,
    eventfd_flags, fd_flags, prctl_option, socket_family, socket_type, ioctl_request, flock_op,
    mremap_flags, msync_flags, mlockall_flags, mlock2_flags,
};

struct SyscallCall {
    Process& proc;
    Thread& thread;
    std::array<uint64_t, 6> a{};
    int64_t sarg(int i) const { return static_cast<int64_t>(a[i]); }
    int iarg(int i) const { return static_cast<int>(static_cast<int32_t>(a[i])); }
    // Argument i as the guest address it is, typed by what the call's ABI says lives there.
    template <class T = void>
    guest::Ptr<T> ptr(int i) const { return guest::Ptr<T>(a[i]); }
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
    // How strace shows a success: a number, or an address in hex (mmap, mremap, brk).
    enum class Result : uint8_t { number, address } result = Result::number;
};

std::span<const SyscallDef> syscall_table();
const SyscallDef* find_syscall(int nr);
std::string_view syscall_name(int nr);  // also for syscalls outside the table ("syscall_123" if unknown)
// The x86-64 number of a syscall by name (the table's rows, then the system header's): -1 if none.
int syscall_number(std::string_view name);

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
