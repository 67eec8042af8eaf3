// Every input the fuzzers found that crashed, hung, leaked or tripped a sanitizer, rebuilt from a seed
// by the same patch (docs/fuzzing.md says how to add one). Each must now be refused with a reason.
#include <catch2/catch.hpp>

#include "fuzz/seeds.h"
#include "fuzz/targets.h"
#include "tests/unit/gostructs/support.h"
#include "loader/elf_image.h"

#include <elf.h>

#include <chrono>
#include <cstring>
#include <fstream>

using namespace gostart;

namespace {

std::vector<uint8_t> slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    REQUIRE(in);
    in.seekg(0, std::ios::end);
    std::vector<uint8_t> b(static_cast<size_t>(in.tellg()));
    in.seekg(0);
    in.read(reinterpret_cast<char*>(b.data()), static_cast<std::streamsize>(b.size()));
    return b;
}

template <class T>
T get(const std::vector<uint8_t>& b, uint64_t off) {
    T v;
    REQUIRE(off + sizeof v <= b.size());
    std::memcpy(&v, b.data() + off, sizeof v);
    return v;
}

template <class T>
void set(std::vector<uint8_t>& b, uint64_t off, const T& v) {
    REQUIRE(off + sizeof v <= b.size());
    std::memcpy(b.data() + off, &v, sizeof v);
}

// The offset in the file of section header i.
uint64_t shdr_at(const std::vector<uint8_t>& elf, unsigned i) {
    auto eh = get<Elf64_Ehdr>(elf, 0);
    REQUIRE(i < eh.e_shnum);
    return eh.e_shoff + uint64_t(i) * sizeof(Elf64_Shdr);
}

// Runs a target and also times it: a fixed crasher must not merely pass but pass quickly.
std::string run_timed(std::string_view target, const std::vector<uint8_t>& input, double max_seconds) {
    const auto* t = fuzz::find_fuzz_target(target);
    REQUIRE(t);
    auto start = std::chrono::steady_clock::now();
    std::string out = t->run(input);
    double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    INFO(target << " took " << took << " s: " << out);
    CHECK(took < max_seconds);
    return out;
}

}  // namespace

// elf_image, found after ~270 runs: a byte inserted before the section headers of the tiny seed moved every
// sh_offset near 1 GiB. LIEF 0.9 zero-fills a buffer up to each section's end before reading it (a
// gigabyte and seconds of memset per file, a libFuzzer timeout), and reads a wrapped offset + size
// unchecked. ElfImage now refuses any section or segment whose bytes are not in the file, before LIEF.
TEST_CASE("regression: a section header pointing a gigabyte past the end of the file", "[fuzz][regression][elf]") {
    auto elf = slurp(test::env_path("GO_HELLO"));
    uint64_t at = shdr_at(elf, 1);  // .text
    auto sh = get<Elf64_Shdr>(elf, at);
    SECTION("far past the end") {
        sh.sh_offset = 0x30000000;
        set(elf, at, sh);
        CHECK(run_timed("elf_image", elf, 0.5) == "rejected: corrupt ELF: section 1 runs past the end of the file");
    }
    SECTION("offset + size wraps around") {
        sh.sh_offset = ~uint64_t(0) - 0xff;
        sh.sh_size = 0x200;
        set(elf, at, sh);
        CHECK(run_timed("elf_image", elf, 0.5) == "rejected: corrupt ELF: section 1 runs past the end of the file");
    }
    SECTION(".bss may run past the end of the file, not past the end of the loaded image") {
        // A stripped go1.19 binary ends before its .noptrbss starts: that is normal.
        elf = slurp(test::env_path("GO_HELLO_STRIPPED"));
        unsigned last_nobits = 0;
        for (unsigned i = 1; i < get<Elf64_Ehdr>(elf, 0).e_shnum; ++i)
            if (get<Elf64_Shdr>(elf, shdr_at(elf, i)).sh_type == SHT_NOBITS) last_nobits = i;
        REQUIRE(last_nobits);
        at = shdr_at(elf, last_nobits);
        sh = get<Elf64_Shdr>(elf, at);
        REQUIRE(sh.sh_offset >= elf.size());
        CHECK(run_timed("elf_image", elf, 5).starts_with("ok: "));
        sh.sh_offset = 0x30000000;
        set(elf, at, sh);
        CHECK(run_timed("elf_image", elf, 0.5) ==
              "rejected: corrupt ELF: section " + std::to_string(last_nobits) + " runs past the end of the file");
    }
    SECTION("a non-loadable segment's bytes past the end") {
        auto eh = get<Elf64_Ehdr>(elf, 0);
        unsigned i = 0;
        for (; i < eh.e_phnum; ++i)
            if (get<Elf64_Phdr>(elf, eh.e_phoff + i * sizeof(Elf64_Phdr)).p_type != PT_LOAD) break;
        REQUIRE(i < eh.e_phnum);
        uint64_t pat = eh.e_phoff + i * sizeof(Elf64_Phdr);
        auto ph = get<Elf64_Phdr>(elf, pat);
        ph.p_offset = 0x30000000;
        ph.p_filesz = 0x1000;
        set(elf, pat, ph);
        CHECK(run_timed("elf_image", elf, 0.5) ==
              "rejected: truncated ELF: segment " + std::to_string(i) + " runs past the end of the file");
    }
}
