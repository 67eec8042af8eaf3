// The checks an ELF file's headers must pass before any parser (LIEF, the Go readers, exec) looks at
// them. They are made on the raw bytes, so that a hostile or damaged file gets one precise reason
// (LoadError, status 126) instead of a library exception, a huge allocation or a crash further on.
#pragma once

#include "loader/binary_view.h"

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace gostart::loader {

// Below this address Linux maps nothing (vm.mmap_min_addr); above this the initial stack is reserved.
inline constexpr uint64_t kLowestSegmentAddress = 0x10000;
inline constexpr uint64_t kHighestSegmentEnd = 0x7ffffffff000 - (8ull << 20);

// Throws LoadError (cannot_run) naming `path` and the first problem found: not ELF, not 64-bit
// little-endian x86-64, not an executable, program or section headers outside the file, a loadable
// segment outside the file or the user address space, overlapping segments, an entry point outside
// every executable segment. Returns the program headers, decoded.
std::vector<Segment> check_elf_headers(const std::string& path, std::span<const uint8_t> bytes);

}  // namespace gostart::loader
