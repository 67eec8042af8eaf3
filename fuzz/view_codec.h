// The input format of the fuzz targets that read a BinaryView (buildinfo, pclntab): a BinaryView written
// out as bytes, so that a fuzzer mutates the Go tables and the headers that locate them together,
// without LIEF in the way (the ELF target covers LIEF). Headers come first and the file bytes last, so
// a byte inserted into or cut from the file bytes shifts offsets a little but keeps the headers readable:
//
//   "GSV1"
//   records, each a one-byte tag:
//     'P' type:u32 flags:u32 offset:u64 vaddr:u64 filesz:u64 memsz:u64         a program header
//     'S' name:str type:u32 flags:u64 addr:u64 offset:u64 size:u64             a section header
//     'Y' name:str value:u64 size:u64 is_function:u8                            a .symtab symbol
//     'E' entry:u64                                                              the entry point
//     'F'                                                                        the rest is the file
//   str = length:u8 then that many bytes; integers little-endian.
//
// Offsets are into the file bytes, as in an ELF file. Decoding accepts any values (judging them is the
// readers' job); only a wrong magic, an unknown tag or a record cut short rejects the input.
#pragma once

#include "loader/binary_view.h"

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace gostart::fuzz {

// The view refers to `input` (its file bytes are a subspan): `input` must outlive it. nullopt when the
// input does not start with "GSV1" or has no 'F' record.
std::optional<loader::BinaryView> decode_view(std::span<const uint8_t> input);

// The inverse, for seeds: `view.file` becomes the file bytes. Names longer than 255 bytes are cut.
std::vector<uint8_t> encode_view(const loader::BinaryView& view);

}  // namespace gostart::fuzz
