// Page protections in Linux's PROT_* encoding, shared by the engine and the memory map.
#pragma once

#include <cstdint>

namespace gostart::cpu {

enum Prot : uint32_t { kProtNone = 0, kProtRead = 1, kProtWrite = 2, kProtExec = 4 };

inline constexpr uint64_t kPageSize = 4096;
inline constexpr uint64_t page_down(uint64_t a) { return a & ~(kPageSize - 1); }
inline constexpr uint64_t page_up(uint64_t a) { return (a + kPageSize - 1) & ~(kPageSize - 1); }

}  // namespace gostart::cpu
