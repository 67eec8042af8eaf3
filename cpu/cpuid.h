// The emulated CPU's identity: what the CPUID instruction answers. The engine answers from this table
// instead of letting Unicorn do it, so that the guest sees a CPU we chose and can name, whatever
// Unicorn's model would say.
//
// The identity is the one every Go run has seen here: Unicorn 2.0.1's answers for its default model
// ("QEMU Virtual CPU version 2.5+", AuthenticAMD, family 6 model 6). The features are exactly those the
// engine executes with both Unicorn releases we build with (cpu/unicorn_release.h), no more:
// 2.0.1 executes one fixed list on every model; 2.1 executes what its CPU model has, and the engine
// picks EPYC there (cpu/engine.cpp), an AMD model whose features hold all of 2.0.1's list. So:
//  - leaf 1 EDX: FPU, TSC, CX8, CMOV, CLFLUSH, MMX, FXSR, SSE, SSE2 — the x86-64 baseline glibc (2.33+)
//    requires ("CPU ISA level is lower than required"); Unicorn 2.0.1 reports no FPU, TSC or MMX but
//    executes them;
//  - leaf 1 ECX: SSSE3, CX16, SSE4.1, SSE4.2, AES (Go's aeshash). No SSE3 or POPCNT (2.0.1 has no
//    POPCNT: the CPU is x86-64-v1, GOAMD64=v1), no AVX or OSXSAVE, so glibc picks its SSE2/SSSE3/SSE4.2
//    string functions;
//  - leaf 7 EBX: BMI1, ADX, and BMI2 with 2.1 only (2.0.1's pdep and pext swap their operands);
//  - leaf 0x80000001: LAHF in 64-bit mode, LZCNT, RDTSCP, long mode.
// Left out of what 2.0.1 reported: 3DNow! (EPYC has none), and the supervisor-only SMAP, SKINIT and
// CR8 legacy, which no user program can execute. tests/unit/cpu/cpuid_test.cpp runs an instruction of
// every feature reported.
#pragma once

#include <cstdint>

namespace gostart::cpu {

struct CpuidResult {
    uint32_t eax = 0, ebx = 0, ecx = 0, edx = 0;
};

// The answer for EAX = leaf, ECX = subleaf (ignored by leaves without subleaves). Unknown leaves: zeros.
CpuidResult cpuid(uint32_t leaf, uint32_t subleaf);

}  // namespace gostart::cpu
