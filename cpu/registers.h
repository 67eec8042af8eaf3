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

// The rest of the x86 state that a debugger shows and the Linux layer never needs: segment selectors,
// the x87 unit and SSE. Read and written as raw little-endian bytes (Engine::read_extra), in a buffer
// wide enough for the largest (xmm: 16 bytes; st: 10 bytes, the 80-bit value; the others 2 or 4).
enum class ExtraReg : uint8_t {
    cs, ss, ds, es, fs, gs,
    st0, st1, st2, st3, st4, st5, st6, st7,
    fctrl, fstat, ftag, fiseg, fioff, foseg, fooff, fop,
    xmm0, xmm1, xmm2, xmm3, xmm4, xmm5, xmm6, xmm7,
    xmm8, xmm9, xmm10, xmm11, xmm12, xmm13, xmm14, xmm15,
    mxcsr,
    count
};
using RawReg = std::array<uint8_t, 16>;

// A full snapshot of the general registers: what a thread switch, a signal frame or `regs` needs.
struct RegisterFile {
    std::array<uint64_t, static_cast<size_t>(Reg::count)> v{};
    uint64_t& operator[](Reg r) { return v[static_cast<size_t>(r)]; }
    uint64_t operator[](Reg r) const { return v[static_cast<size_t>(r)]; }
};

}  // namespace gostart::cpu
