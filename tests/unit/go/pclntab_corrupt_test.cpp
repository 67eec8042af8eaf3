// Corrupt pclntabs (patched copies of the stripped hello binary) must raise GoFormatError, never crash
// or read out of bounds. Run under -fsanitize=address,undefined to check the second half.
#include <catch2/catch.hpp>
#include <cstring>
#include <random>

#include "loader/go/go_format_error.h"
#include "loader/go/pclntab.h"
#include "tests/unit/go/test_support.h"

using namespace gostart;
using loader::GoFormatError;
using loader::go::Pclntab;

namespace {

struct Patched {
    test::ElfFixture f{test::hello_stripped().bytes};
    const loader::Section* sec = f.view.section(".gopclntab");
    uint8_t* tab() { return f.bytes.data() + sec->offset; }
    uint64_t word(unsigned i) { uint64_t v; std::memcpy(&v, tab() + 8 + 8 * i, 8); return v; }
    void set_word(unsigned i, uint64_t v) { std::memcpy(tab() + 8 + 8 * i, &v, 8); }
    uint32_t u32(uint64_t off) { uint32_t v; std::memcpy(&v, tab() + off, 4); return v; }
    void set_u32(uint64_t off, uint32_t v) { std::memcpy(tab() + off, &v, 4); }
    // Offset (in the table) of the _func record of function i.
    uint64_t func_record(uint64_t i) { return word(7) + u32(word(7) + 8 * i + 4); }
};

// Whatever parse makes of the bytes, queries must either answer or throw GoFormatError.
void exercise(const loader::BinaryView& v) {
    try {
        Pclntab t = Pclntab::parse(v);
        for (const auto& f : t.functions()) {
            try {
                (void)t.line_for_pc(f.entry + 1);
                (void)t.frame_size_at(f.entry);
                (void)t.frames_at(f.entry + 2);
            } catch (const GoFormatError&) {
            }
        }
    } catch (const GoFormatError&) {
    }
}

}  // namespace

TEST_CASE("corrupt header fields are rejected with a reason", "[pclntab][corrupt]") {
    Patched p;
    REQUIRE(p.sec);
    SECTION("wrong magic") {
        p.tab()[0] = 0x12;
        CHECK_THROWS_WITH(Pclntab::parse(p.f.view), Catch::Contains("unknown magic"));
    }
    SECTION("nonzero pad byte") {
        p.tab()[5] = 1;
        CHECK_THROWS_AS(Pclntab::parse(p.f.view), GoFormatError);
    }
    SECTION("function count larger than the table") {
        p.set_word(0, p.word(0) * 1000);
        CHECK_THROWS_WITH(Pclntab::parse(p.f.view), Catch::Contains("function table runs past the end"));
    }
    SECTION("function table offset out of range") {
        p.set_word(7, p.sec->size + 16);
        CHECK_THROWS_WITH(Pclntab::parse(p.f.view), Catch::Contains("past the end of .gopclntab"));
    }
    SECTION("funcname table offset out of range") {
        p.set_word(3, ~0ull);
        CHECK_THROWS_AS(Pclntab::parse(p.f.view), GoFormatError);
    }
    SECTION("a funcoff out of range") {
        p.set_u32(p.word(7) + 8 * 10 + 4, 0x7fffffff);
        CHECK_THROWS_WITH(Pclntab::parse(p.f.view), Catch::Contains("_func record is past the end"));
    }
    SECTION("a nameoff out of range") {
        p.set_u32(p.func_record(10) + 4, 0x7fffffff);
        CHECK_THROWS_WITH(Pclntab::parse(p.f.view), Catch::Contains("function name offset is out of range"));
    }
    SECTION("entries out of order") {
        p.set_u32(p.word(7) + 8 * 10, 0x7fffffff);
        CHECK_THROWS_WITH(Pclntab::parse(p.f.view), Catch::Contains("not sorted"));
    }
    SECTION("section runs past the end of the file") {
        p.f.bytes.resize(p.sec->offset + p.sec->size / 2);
        p.f.reindex();
        CHECK_THROWS_WITH(Pclntab::parse(p.f.view), Catch::Contains("past the end of the file"));
    }
}

TEST_CASE("corrupt pc-value tables are rejected at query time", "[pclntab][corrupt]") {
    Patched p;
    Pclntab good = Pclntab::parse(p.f.view);
    const auto* mm = good.find_by_name("main.main");
    REQUIRE(mm);
    uint64_t idx = static_cast<uint64_t>(mm - good.functions().data());
    uint64_t rec = p.func_record(idx);
    uint64_t pctab_off = p.word(6), pctab_end = p.word(7);
    SECTION("truncated varint at the end of pctab") {
        p.tab()[pctab_end - 1] = 0x80;  // a continuation byte with nothing after it inside pctab
        p.set_u32(rec + 4 + 5 * 4, static_cast<uint32_t>(pctab_end - 1 - pctab_off));  // pcln
        Pclntab t = Pclntab::parse(p.f.view);
        CHECK_THROWS_WITH(t.line_for_pc(mm->entry), Catch::Contains("truncated varint"));
    }
    SECTION("pc-value offset past pctab") {
        p.set_u32(rec + 4 + 3 * 4, 0x7ffffff0);  // pcsp
        Pclntab t = Pclntab::parse(p.f.view);
        CHECK_THROWS_AS(t.frame_size_at(mm->entry), GoFormatError);
    }
    SECTION("cuOffset past cutab") {
        p.set_u32(rec + 4 + 7 * 4, 0x7ffffff0);
        Pclntab t = Pclntab::parse(p.f.view);
        CHECK_THROWS_WITH(t.line_for_pc(mm->entry), Catch::Contains("cutab"));
    }
}

TEST_CASE("random byte flips never crash the reader", "[pclntab][corrupt][fuzz]") {
    const auto& base = test::hello_stripped();
    const auto* sec = base.view.section(".gopclntab");
    REQUIRE(sec);
    std::mt19937_64 rng(1234);
    for (int round = 0; round < 40; ++round) {
        test::ElfFixture f(base.bytes);
        // Flips concentrated on the header and function table, then anywhere in the table.
        for (int k = 0; k < 8; ++k) {
            uint64_t span = k < 4 ? std::min<uint64_t>(4096, sec->size) : sec->size;
            f.bytes[sec->offset + rng() % span] ^= static_cast<uint8_t>(1u << (rng() % 8));
        }
        exercise(f.view);
        f.view.sections.clear();  // and again through the segment scan
        exercise(f.view);
    }
    SUCCEED("no crash");
}
