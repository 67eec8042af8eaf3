// Every input the fuzzers found that crashed, hung, leaked or tripped a sanitizer, rebuilt from a seed
// by the same patch (docs/fuzzing.md says how to add one). Each must now be refused with a reason.
#include <catch2/catch.hpp>

#include "fuzz/seeds.h"
#include "fuzz/targets.h"
#include "tests/unit/gostructs/support.h"
#include "fuzz/mem_file.h"
#include "loader/elf_image.h"

#include <dwarf.h>
#include <elf.h>
#include <elfutils/libdw.h>
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <map>
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

// Runs a target and also times it: a fixed crasher must not merely pass but pass in reasonable time. The
// bound is loose (a loaded CI machine, ASan): the outcome string is the sharp check.
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
// unchecked. The raw header checks (loader/elf_sanity.cpp) now refuse any section or segment whose bytes
// are not in the file, before LIEF.
TEST_CASE("regression: a section header pointing a gigabyte past the end of the file", "[fuzz][regression][elf]") {
    auto elf = slurp(test::env_path("GO_HELLO"));
    uint64_t at = shdr_at(elf, 1);  // .text
    auto sh = get<Elf64_Shdr>(elf, at);
    SECTION("far past the end") {
        sh.sh_offset = 0x30000000;
        set(elf, at, sh);
        CHECK(run_timed("elf_image", elf, 10) == "rejected: truncated ELF: section 1 runs past the end of the file");
    }
    SECTION("offset + size wraps around") {
        sh.sh_offset = ~uint64_t(0) - 0xff;
        sh.sh_size = 0x200;
        set(elf, at, sh);
        CHECK(run_timed("elf_image", elf, 10) == "rejected: truncated ELF: section 1 runs past the end of the file");
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
        CHECK(run_timed("elf_image", elf, 10).starts_with("ok: "));
        sh.sh_offset = 0x30000000;
        set(elf, at, sh);
        CHECK(run_timed("elf_image", elf, 10) ==
              "rejected: corrupt ELF: section " + std::to_string(last_nobits) +
                  " (no file bytes) lies past the end of the image");
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
        CHECK(run_timed("elf_image", elf, 10) ==
              "rejected: truncated ELF: segment " + std::to_string(i) + " runs past the end of the file");
    }
}

namespace {

// The file offsets of the DW_AT_type references of every member of the named top-level structs in an
// ELF's uncompressed .debug_info, and each struct's own DIE offset: enough to rewire a struct's members
// to any type, as a hostile file would.
struct DwarfStructs {
    std::map<std::string, uint32_t> die;                       // "runtime.g" -> its DIE offset
    std::map<std::string, std::vector<uint64_t>> member_refs;  // "runtime.g" -> file offsets of its members' type refs
};

uint64_t debug_info_offset(const std::vector<uint8_t>& elf) {
    auto eh = get<Elf64_Ehdr>(elf, 0);
    auto names = get<Elf64_Shdr>(elf, shdr_at(elf, eh.e_shstrndx));
    for (unsigned i = 1; i < eh.e_shnum; ++i) {
        auto sh = get<Elf64_Shdr>(elf, shdr_at(elf, i));
        if (std::string(reinterpret_cast<const char*>(elf.data() + names.sh_offset + sh.sh_name)) == ".debug_info")
            return sh.sh_offset;
    }
    FAIL("no .debug_info");
    return 0;
}

DwarfStructs find_structs(const std::vector<uint8_t>& elf) {
    DwarfStructs out;
    const uint64_t info_at = debug_info_offset(elf);
    fuzz::MemFile file(elf);
    int fd = ::open(file.path().c_str(), O_RDONLY | O_CLOEXEC);
    REQUIRE(fd >= 0);
    Dwarf* dbg = dwarf_begin(fd, DWARF_C_READ);
    REQUIRE(dbg);
    Dwarf_Off off = 0, next = 0;
    size_t hsize = 0;
    while (dwarf_nextcu(dbg, off, &next, &hsize, nullptr, nullptr, nullptr) == 0) {
        Dwarf_Die cu, top, member;
        if (dwarf_offdie(dbg, off + hsize, &cu) && dwarf_child(&cu, &top) == 0) {
            do {
                const char* name = dwarf_diename(&top);
                if (!name || dwarf_tag(&top) != DW_TAG_structure_type) continue;
                auto base = reinterpret_cast<uint64_t>(top.addr) - dwarf_dieoffset(&top);
                out.die[name] = static_cast<uint32_t>(dwarf_dieoffset(&top));
                if (dwarf_child(&top, &member) != 0) continue;
                do {
                    Dwarf_Attribute a;
                    if (dwarf_tag(&member) == DW_TAG_member && dwarf_attr(&member, DW_AT_type, &a) && a.form == DW_FORM_ref_addr)
                        out.member_refs[name].push_back(info_at + (reinterpret_cast<uint64_t>(a.valp) - base));
                } while (dwarf_siblingof(&member, &member) == 0);
            } while (dwarf_siblingof(&top, &top) == 0);
        }
        off = next;
    }
    dwarf_end(dbg);
    ::close(fd);
    return out;
}

}  // namespace

// dwarf_layouts, found after ~80,000 runs (a libFuzzer timeout): member types rewired so that the walk
// over runtime.g's members, their members and so on (4 levels deep) met the same wide structs again and
// again: members^depth paths, billions for runtime.g. Now a struct already on the path is not entered
// again (no Go struct contains itself) and the read stops recording at 16,384 fields.
TEST_CASE("regression: DWARF structs whose members are all of their own or another wide type", "[fuzz][regression][dwarf]") {
    auto elf = fuzz::minimal_dwarf_elf(test::env_path("GO_HELLO"));
    REQUIRE(!elf.empty());
    auto s = find_structs(elf);
    REQUIRE(s.member_refs["runtime.g"].size() > 40);
    SECTION("every member of runtime.g is a runtime.g") {
        for (uint64_t at : s.member_refs["runtime.g"]) set(elf, at, s.die.at("runtime.g"));
        CHECK(run_timed("dwarf_layouts", elf, 10).starts_with("ok: "));
    }
    SECTION("g's members are all m, m's all p, p's all schedt: no cycle, only width") {
        const std::pair<const char*, const char*> chain[] = {
            {"runtime.g", "runtime.m"}, {"runtime.m", "runtime.p"}, {"runtime.p", "runtime.schedt"}, {"runtime.schedt", "runtime.g"}};
        for (auto [from, to] : chain)
            for (uint64_t at : s.member_refs[from]) set(elf, at, s.die.at(to));
        std::string out = run_timed("dwarf_layouts", elf, 10);
        CHECK(out.starts_with("ok: 16384 fields"));
    }
}
