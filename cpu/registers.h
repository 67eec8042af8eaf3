// The amd64 general registers by name, independent of Unicorn's enum, so the Linux layer and the
// runtime model can talk about registers without including unicorn.h.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace gostart::cpu {

enum class Reg : uint8_t {
    rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp,
    r8, r9, r10, r11, r12, r13, r14, r15,
    rip, rflags, fs_base, gs_base,
    count
};

inline constexpr std::array<std::string_view, static_cast<size_t>(Reg::count)> kRegNames = {
    "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp",
    "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
    "rip", "rflags", "fs_base", "gs_base",
};

inline constexpr std::string_view reg_name(Reg r) { return kRegNames[static_cast<size_t>(r)]; }

// A full snapshot of the general registers: what a thread switch, a signal frame or `regs` needs.
struct RegisterFile {
    std::array<uint64_t, static_cast<size_t>(Reg::count)> v{};
    uint64_t& operator[](Reg r) { return v[static_cast<size_t>(r)]; }
    uint64_t operator[](Reg r) const { return v[static_cast<size_t>(r)]; }
};

}  // namespace gostart::cpu
