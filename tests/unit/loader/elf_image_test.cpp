// ElfImage::open on good and hostile files: every bad input is a LoadError with a precise reason.
#include "loader/elf_image.h"
#include "loader/load_error.h"
#include "tests/unit/temp_dir.h"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <cstring>
#include <elf.h>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <unistd.h>
#include <vector>

using gostart::loader::ElfImage;
using gostart::loader::LoadError;
namespace fs = std::filesystem;

namespace {

// The static Go hello that testdata/ builds (meson passes its path); /bin/true when run by hand.
std::string real_elf() {
    const char* p = std::getenv("GOSTART_TEST_HELLO");
    return p && *p ? p : "/bin/true";
}

std::vector<uint8_t> slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A scratch directory for the hostile files, removed at the end of each test.
struct Scratch {
    gostart::test::TempDir tmp{"gostart-loader-test"};
    fs::path dir = tmp.path;
    std::string write(const std::string& name, const std::vector<uint8_t>& bytes) {
        fs::path p = dir / name;
        std::ofstream(p, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()),
                                                  static_cast<std::streamsize>(bytes.size()));
        return p.string();
    }
};

// Opens `path` expecting a LoadError; returns it (kind, message) for checks.
LoadError open_fails(const std::string& path) {
    try {
        ElfImage::open(path);
    } catch (const LoadError& e) {
        return e;
    }
    FAIL("ElfImage::open(" << path << ") succeeded");
    throw std::logic_error("unreachable");
}

template <class T>
void patch(std::vector<uint8_t>& b, size_t off, T v) {
    REQUIRE(off + sizeof v <= b.size());
    std::memcpy(&b[off], &v, sizeof v);
}

}  // namespace

TEST_CASE("A real static executable opens with its entry inside an executable segment", "[loader][elf]") {
    ElfImage img = ElfImage::open(real_elf());
    CHECK(img.path() == real_elf());
    CHECK(img.phnum() > 0);
    CHECK(img.phent_size() == sizeof(Elf64_Phdr));
    CHECK(img.phdr_vaddr() != 0);
    bool entry_in_text = false;
    for (const auto& s : img.view().segments)
        if (s.type == PT_LOAD && (s.flags & PF_X) && img.entry() >= s.vaddr && img.entry() < s.vaddr + s.memsz)
            entry_in_text = true;
    CHECK(entry_in_text);
    CHECK(img.view().file.size() == fs::file_size(real_elf()));
    // A moved image keeps a view of its own bytes.
    ElfImage moved(std::move(img));
    CHECK(moved.view().file.size() == fs::file_size(real_elf()));
    CHECK(moved.view().file[0] == 0x7f);
}

TEST_CASE("A missing file is 'not found', exit status 127", "[loader][elf]") {
    LoadError e = open_fails("/nonexistent/gostart/prog");
    CHECK(e.kind() == LoadError::Kind::not_found);
    CHECK(e.exit_status() == 127);
    CHECK(e.path() == "/nonexistent/gostart/prog");
    CHECK_THAT(e.what(), Catch::Contains("no such file"));
}

TEST_CASE("Files that are not ELF executables cannot run, exit status 126, with the reason", "[loader][elf]") {
    Scratch s;
    SECTION("a directory") {
        LoadError e = open_fails(s.dir.string());
        CHECK(e.kind() == LoadError::Kind::cannot_run);
        CHECK(e.exit_status() == 126);
        CHECK_THAT(e.what(), Catch::Contains("is a directory"));
    }
    SECTION("an empty file") {
        LoadError e = open_fails(s.write("empty", {}));
        CHECK(e.exit_status() == 126);
        CHECK_THAT(e.what(), Catch::Contains("empty file"));
    }
    SECTION("a script") {
        std::string text = "#!/bin/sh\necho hi\n";
        LoadError e = open_fails(s.write("script.sh", std::vector<uint8_t>(text.begin(), text.end())));
        CHECK(e.exit_status() == 126);
        CHECK_THAT(e.what(), Catch::Contains("script"));
    }
    SECTION("random bytes") {
        std::vector<uint8_t> junk(4096);
        uint32_t x = 12345;
        for (auto& b : junk) b = static_cast<uint8_t>((x = x * 1103515245 + 12345) >> 16);
        LoadError e = open_fails(s.write("junk", junk));
        CHECK(e.exit_status() == 126);
        CHECK_THAT(e.what(), Catch::Contains("not an ELF file"));
    }
    SECTION("a device") {
        LoadError e = open_fails("/dev/null");
        CHECK(e.exit_status() == 126);
        CHECK_THAT(e.what(), Catch::Contains("not a regular file"));
    }
}

TEST_CASE("Truncated copies of a real ELF are refused as truncated", "[loader][elf]") {
    Scratch s;
    std::vector<uint8_t> elf = slurp(real_elf());
    REQUIRE(elf.size() > 100000);
    SECTION("cut inside the ELF header") {
        std::vector<uint8_t> cut(elf.begin(), elf.begin() + 40);
        LoadError e = open_fails(s.write("cut-header", cut));
        CHECK(e.exit_status() == 126);
        CHECK_THAT(e.what(), Catch::Contains("truncated ELF header"));
    }
    SECTION("cut inside the program headers") {
        Elf64_Ehdr eh;
        std::memcpy(&eh, elf.data(), sizeof eh);
        std::vector<uint8_t> cut(elf.begin(), elf.begin() + static_cast<long>(eh.e_phoff + eh.e_phentsize));
        LoadError e = open_fails(s.write("cut-phdrs", cut));
        CHECK_THAT(e.what(), Catch::Contains("program headers run past the end"));
    }
    SECTION("cut in the middle") {
        std::vector<uint8_t> cut(elf.begin(), elf.begin() + static_cast<long>(elf.size() / 2));
        LoadError e = open_fails(s.write("cut-middle", cut));
        CHECK(e.exit_status() == 126);
        CHECK_THAT(e.what(), Catch::Contains("truncated ELF: loadable segment ") && Catch::Contains("runs past the end of the file"));
    }
}

TEST_CASE("Copies patched to another architecture or class name what is wrong", "[loader][elf]") {
    Scratch s;
    std::vector<uint8_t> elf = slurp(real_elf());
    SECTION("AArch64") {
        patch<uint16_t>(elf, offsetof(Elf64_Ehdr, e_machine), EM_AARCH64);
        LoadError e = open_fails(s.write("arm64", elf));
        CHECK(e.exit_status() == 126);
        CHECK_THAT(e.what(), Catch::Contains("wrong architecture: arm64"));
    }
    SECTION("386") {
        patch<uint16_t>(elf, offsetof(Elf64_Ehdr, e_machine), EM_386);
        LoadError e = open_fails(s.write("i386", elf));
        CHECK_THAT(e.what(), Catch::Contains("wrong architecture: 386"));
    }
    SECTION("an unknown machine") {
        patch<uint16_t>(elf, offsetof(Elf64_Ehdr, e_machine), 0x1234);
        LoadError e = open_fails(s.write("unknown", elf));
        CHECK_THAT(e.what(), Catch::Contains("ELF machine 4660"));
    }
    SECTION("ELFCLASS32") {
        elf[EI_CLASS] = ELFCLASS32;
        LoadError e = open_fails(s.write("class32", elf));
        CHECK_THAT(e.what(), Catch::Contains("32-bit ELF"));
    }
    SECTION("big-endian") {
        elf[EI_DATA] = ELFDATA2MSB;
        LoadError e = open_fails(s.write("msb", elf));
        CHECK_THAT(e.what(), Catch::Contains("big-endian"));
    }
    SECTION("a relocatable object") {
        patch<uint16_t>(elf, offsetof(Elf64_Ehdr, e_type), ET_REL);
        LoadError e = open_fails(s.write("rel", elf));
        CHECK_THAT(e.what(), Catch::Contains("not an executable (ELF type 1, an object file)"));
    }
}

TEST_CASE("An entry point outside every executable segment is refused", "[loader][elf]") {
    Scratch s;
    std::vector<uint8_t> elf = slurp(real_elf());
    patch<uint64_t>(elf, offsetof(Elf64_Ehdr, e_entry), 0x10);
    LoadError e = open_fails(s.write("bad-entry", elf));
    CHECK(e.exit_status() == 126);
    CHECK_THAT(e.what(), Catch::Contains("entry point 0x10 is outside every executable segment"));
}

TEST_CASE("A segment whose file part runs past the end of the file is refused", "[loader][elf]") {
    Scratch s;
    std::vector<uint8_t> elf = slurp(real_elf());
    Elf64_Ehdr eh;
    std::memcpy(&eh, elf.data(), sizeof eh);
    bool patched = false;
    for (unsigned i = 0; i < eh.e_phnum && !patched; ++i) {
        size_t off = eh.e_phoff + i * sizeof(Elf64_Phdr);
        Elf64_Phdr ph;
        std::memcpy(&ph, &elf[off], sizeof ph);
        if (ph.p_type != PT_LOAD) continue;
        ph.p_filesz = elf.size() * 2;
        ph.p_memsz = elf.size() * 2;
        std::memcpy(&elf[off], &ph, sizeof ph);
        patched = true;
    }
    REQUIRE(patched);
    LoadError e = open_fails(s.write("long-segment", elf));
    CHECK(e.exit_status() == 126);
    CHECK_THAT(e.what(), Catch::Contains("truncated ELF: loadable segment ") && Catch::Contains("runs past the end of the file"));
}
