#include "fuzz/targets.h"

#include <array>

namespace gostart::fuzz {
namespace {

constexpr std::array<FuzzTarget, 4> kTargets = {{
    {"elf_image", run_elf_image, "an ELF file (seeds: the testdata binaries whole)"},
    {"buildinfo", run_buildinfo, "a BinaryView in view_codec format (seeds: .go.buildinfo and the strings it points to)"},
    {"pclntab", run_pclntab, "a BinaryView in view_codec format (seeds: .gopclntab of real and hand-made tables)"},
    {"dwarf_layouts", run_dwarf_layouts, "an ELF file (seeds: the runtime structs' DWARF, uncompressed)"},
}};

}  // namespace

std::span<const FuzzTarget> fuzz_targets() { return kTargets; }

const FuzzTarget* find_fuzz_target(std::string_view name) {
    for (const auto& t : kTargets)
        if (t.name == name) return &t;
    return nullptr;
}

}  // namespace gostart::fuzz
