// Seed inputs for the fuzz targets, cut from real binaries (the testdata programs, the real-world corpus)
// or made by hand: a fuzzer that starts from inputs reaching deep into a reader finds more, sooner, than
// one starting from nothing. Nothing here is committed as a binary: `fuzz-seeds` (fuzz/make_seeds.cpp)
// writes the corpus from build/testdata, and the unit tests build the same seeds in memory.
//
//   elf_image      the file, whole; and a tiny Go-like ELF (hand-made pclntab, buildinfo, symbols)
//   buildinfo      .go.buildinfo and the strings it or runtime.buildVersion point to, as small views
//   pclntab        .gopclntab, moduledata and the go:func.* data as views; hand-made tables of every era
//   dwarf_layouts  an ELF holding only the runtime structs' DWARF, uncompressed (gzip'd bytes would
//                  make every mutation a decompression error)
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gostart::fuzz {

struct Seed {
    std::string name;  // unique within a target: "hello-stripped.nosections"
    std::vector<uint8_t> bytes;
};

// The seeds of `target` cut from the program at `path`, named after `label`; empty when the file lacks
// what the target reads or a seed would exceed 2 MiB (too slow to fuzz). Throws loader::LoadError when
// the file cannot be opened as an ELF program.
std::vector<Seed> seeds_from_binary(std::string_view target, const std::string& path, const std::string& label);

// Seeds that need no binary.
std::vector<Seed> synthetic_seeds(std::string_view target);

// The DWARF seed alone: an ELF with .debug_abbrev and a .debug_info holding one compile unit with the
// runtime's g, m, p, schedt, gobuf and stack and every type they reach. Empty when `path` has no such DWARF.
std::vector<uint8_t> minimal_dwarf_elf(const std::string& path);

}  // namespace gostart::fuzz
