// The engine counts a new block with Unicorn's own count (the translation block's icount,
// cpu/engine_block_count.cpp), where it used to decode it with Capstone. Every per-run count must stay
// what it was, so the two are held to each other on the code of real programs: the section .text of
// each testdata binary is walked block after block as TCG translates it.
#include "cpu/engine.h"
#include "tests/unit/cpu/engine_fixture.h"

#include <catch2/catch.hpp>
#include <elf.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <string_view>
#include <vector>

using namespace gostart::cpu;
using gostart::test::Asm;
using gostart::test::EngineFixture;

namespace {

struct Text {
    uint64_t addr = 0;
    std::vector<uint8_t> bytes;
};

// The .text section of an x86-64 ELF file (empty when there is none): code only, where an executable
// segment would start with the ELF header, whose bytes neither decoder reads as the other does.
Text text_section(const char* path) {
    std::ifstream in(path, std::ios::binary);
    std::vector<uint8_t> file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    Text t;
    if (file.size() < sizeof(Elf64_Ehdr)) return t;
    const auto* eh = reinterpret_cast<const Elf64_Ehdr*>(file.data());
    auto section = [&](int i) { return reinterpret_cast<const Elf64_Shdr*>(file.data() + eh->e_shoff + i * eh->e_shentsize); };
    if (eh->e_shoff == 0 || eh->e_shoff + eh->e_shnum * sizeof(Elf64_Shdr) > file.size()) return t;
    const char* names = reinterpret_cast<const char*>(file.data() + section(eh->e_shstrndx)->sh_offset);
    for (int i = 0; i < eh->e_shnum; ++i) {
        const Elf64_Shdr* sh = section(i);
        if (std::string_view(names + sh->sh_name) != ".text" || sh->sh_offset + sh->sh_size > file.size()) continue;
        t.addr = sh->sh_addr;
        t.bytes.assign(file.begin() + sh->sh_offset, file.begin() + sh->sh_offset + sh->sh_size);
    }
    return t;
}

}  // namespace

TEST_CASE("A new block's count is Unicorn's, and it is Capstone's on every block of real programs", "[cpu][count]") {
    for (const char* var : {"GO_HELLO", "GO_CGOHELLO"}) {
        const char* path = std::getenv(var);
        if (!path) {
            WARN(var << " is not set: run through meson test");
            continue;
        }
        INFO(path);
        Text text = text_section(path);
        REQUIRE(!text.bytes.empty());
        uint64_t page = text.addr & ~uint64_t(0xfff);
        uint64_t len = (text.addr + text.bytes.size() - page + 0xfff) & ~uint64_t(0xfff);
        size_t blocks = 0, insns = 0, mismatches = 0, undecodable = 0;
        uint64_t at = text.addr, end = text.addr + text.bytes.size();
        while (at < end) {
            // A fresh engine every few thousand blocks: outside a run, Unicorn cannot flush a full
            // translation cache (32 MiB), so the walk stays well inside one.
            auto engine = std::make_unique<Engine>();
            engine->map(gostart::guest::Addr(page), len, kProtRead | kProtExec);
            engine->write(gostart::guest::Addr(text.addr), text.bytes.data(), text.bytes.size());
            for (int k = 0; k < 4000 && at < end; ++k) {
                auto tb = engine->translated_block(at);
                REQUIRE(tb);
                REQUIRE(tb->size != 0);
                uint32_t decoded = engine->decoded_insns(at, tb->size);
                // A walk through padding may meet bytes that are no instruction: QEMU translates the
                // first as one that raises #UD and counts it, Capstone stops before it. A run stopping
                // there counts what ran before it either way (finish_stop, instructions_before).
                if (decoded + 1 == tb->insns) ++undecodable;
                else if (decoded != tb->insns && mismatches++ < 10)
                    UNSCOPED_INFO("block at " << std::hex << at << std::dec << ": Unicorn " << tb->insns
                                  << ", Capstone " << decoded);
                ++blocks;
                insns += tb->insns;
                at += tb->size;
            }
        }
        CHECK(mismatches == 0);
        CHECK(blocks > 1000);
        CHECK(undecodable * 100 < blocks);
        INFO(blocks << " blocks, " << insns << " instructions");
    }
}

TEST_CASE("A block whose bytes look like in or out but hold none counts whole and runs through", "[cpu][count][user]") {
    EngineFixture f;
    Asm a(EngineFixture::kCode);
    a.raw({0xb8, 0xec, 0xe4, 0x6c, 0x00});  // mov eax, 0x6ce4ec: in/ins opcode bytes as an immediate
    a.raw({0x48, 0xb9, 0x0f, 0x07, 0x0f, 0x35, 0xef, 0xee, 0x6e, 0x6f});  // mov rcx, imm64: sysret, sysexit, out, outs
    a.syscall();
    f.load(a);
    StopReason r = f.engine.run(0);
    CHECK(r.kind == StopReason::Kind::syscall);
    CHECK(f.engine.instructions() == 3);
}
