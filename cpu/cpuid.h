// The emulated CPU's identity: what the CPUID instruction answers. The engine answers from this table
// instead of letting Unicorn do it, so that the guest sees a CPU we chose and can name, whatever
// Unicorn's model would say.
//
// The values are Unicorn 2.0.1's own answers for its default x86-64 model ("QEMU Virtual CPU version
// 2.5+", AuthenticAMD), which every Go run so far has seen, with one correction: Unicorn leaves the FPU,
// TSC and MMX bits of leaf 1 EDX clear although its code generator executes those instructions, and
// glibc (2.33+) refuses to start on a CPU below the x86-64 baseline ("CPU ISA level is lower than
// required"). SSE3 and POPCNT stay unadvertised, so the CPU is x86-64-v1 (GOAMD64=v1), and there is no
// AVX or OSXSAVE: glibc picks its SSE2/SSSE3/SSE4.2 string functions, which Unicorn runs.
#pragma once

#include <cstdint>

namespace gostart::cpu {

struct CpuidResult {
    uint32_t eax = 0, ebx = 0, ecx = 0, edx = 0;
};

// The answer for EAX = leaf, ECX = subleaf (ignored by leaves without subleaves). Unknown leaves: zeros.
CpuidResult cpuid(uint32_t leaf, uint32_t subleaf);

}  // namespace gostart::cpu
