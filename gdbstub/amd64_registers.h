// The amd64 registers as gdb numbers them, and the target description (gdb's XML format, manual
// appendix "Target Descriptions") that tells gdb so. gdb's amd64 support requires the whole
// org.gnu.gdb.i386.core feature (general, segment and x87 registers, in this order); SSE, the Linux
// feature (orig_rax) and the segment bases (fs_base, gs_base, where Go keeps its g) follow. `g`
// packets carry every register in this order, each little-endian in bits/8 bytes.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace gostart::gdbstub {

enum class Amd64Reg : uint8_t {
    rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp,
    r8, r9, r10, r11, r12, r13, r14, r15,
    rip, eflags,
    cs, ss, ds, es, fs, gs,
    st0, st1, st2, st3, st4, st5, st6, st7,
    fctrl, fstat, ftag, fiseg, fioff, foseg, fooff, fop,
    xmm0, xmm1, xmm2, xmm3, xmm4, xmm5, xmm6, xmm7,
    xmm8, xmm9, xmm10, xmm11, xmm12, xmm13, xmm14, xmm15,
    mxcsr,
    orig_rax,
    fs_base, gs_base,
    count
};

struct RegisterDesc {
    std::string_view name;
    unsigned bits;
    std::string_view type;   // a gdb predefined type or one the description defines
    std::string_view group;  // "" for the default
    std::string_view feature;
};

inline constexpr size_t kAmd64RegCount = static_cast<size_t>(Amd64Reg::count);
const std::array<RegisterDesc, kAmd64RegCount>& amd64_registers();
inline size_t reg_bytes(int regno) { return amd64_registers()[static_cast<size_t>(regno)].bits / 8; }

// The whole description in one document (no xi:include), architecture i386:x86-64, OS ABI GNU/Linux.
const std::string& amd64_target_xml();

}  // namespace gostart::gdbstub
