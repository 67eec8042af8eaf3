// The fuzz targets: each takes any bytes and must return — without a crash, a hang, a leak or a
// sanitizer report — whatever they hold. libFuzzer drives them in the fuzz build (fuzz/libfuzzer_main.cpp);
// the unit tests and `fuzz-replay` call the same functions in every build, so a crasher stays fixed
// without clang. Each returns what it made of the input ("ok: ..." or "rejected: REASON") for the tests.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace gostart::fuzz {

struct FuzzTarget {
    std::string_view name;  // "elf_image", "buildinfo", "pclntab", "dwarf_layouts"
    std::string (*run)(std::span<const uint8_t> input);
    std::string_view input;  // what the bytes are, for --help and docs
};

std::span<const FuzzTarget> fuzz_targets();
const FuzzTarget* find_fuzz_target(std::string_view name);  // null when unknown

// The targets, one per reader (fuzz/*_target.cpp).
std::string run_elf_image(std::span<const uint8_t> input);      // a whole file -> ElfImage::open, then the Go readers
std::string run_buildinfo(std::span<const uint8_t> input);      // a view (view_codec.h) -> buildinfo, buildVersion, identify
std::string run_pclntab(std::span<const uint8_t> input);        // a view -> Pclntab::parse and its queries
std::string run_dwarf_layouts(std::span<const uint8_t> input);  // a whole file -> read_dwarf_layouts

}  // namespace gostart::fuzz
