// Hex text as the GDB Remote Serial Protocol writes numbers and bytes: numbers big-endian without a
// prefix ("45e500"), bytes as two digits each in memory order ("4889e5").
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace gostart::gdbstub {

std::string to_hex(std::span<const uint8_t> bytes);
std::string to_hex(std::string_view text);
// Pairs of hex digits to bytes; nullopt on an odd length or a non-hex character.
std::optional<std::vector<uint8_t>> bytes_from_hex(std::string_view hex);
// A whole non-empty hex number of at most 16 digits; nullopt otherwise.
std::optional<uint64_t> parse_hex(std::string_view hex);
// A hex number in two digits per byte, little-endian: how registers travel.
std::string le_hex(uint64_t value, size_t bytes);

}  // namespace gostart::gdbstub
