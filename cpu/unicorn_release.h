// What differs between the Unicorn releases we build with — bookworm's 2.0.1 and 2.1.1 from the cache
// tools/get-unicorn fills (docs/architecture.md, "Unicorn quirks") — decided at compile time from
// unicorn.h's version, so one source builds and passes the tests with either.
#pragma once

#include <unicorn/unicorn.h>

#include <cstdint>

namespace gostart::cpu {

// Unicorn 2.1 or later, where:
//  - each x86 CPU model executes the instructions of its own CPUID features (2.0 forced one fixed list
//    onto every model, in which pdep and pext take their operands the wrong way round): cpu/cpuid.h;
//  - memory fault hooks get the address masked to 52 bits (fault_address below).
inline constexpr bool kUnicorn21 = UC_VERSION_MAJOR > 2 || (UC_VERSION_MAJOR == 2 && UC_VERSION_MINOR >= 1);

// The guest address of a memory fault from the address its hook was given. 2.1 gives the 52-bit
// physical address (without paging the same number, masked), so the top of the address space — the
// vsyscall page 0xffffffffff600000 old Go releases call — arrives as 0xfffffff600000: put back the bits
// a canonical address has there.
constexpr uint64_t fault_address(uint64_t reported) {
    constexpr uint64_t kPhysMask = (uint64_t(1) << 52) - 1;
    if (!kUnicorn21 || reported > kPhysMask) return reported;
    bool upper_half = (reported >> 47) == 0x1f;  // bits 47..51 set: an upper-half address
    return upper_half ? reported | ~kPhysMask : reported;
}

}  // namespace gostart::cpu
