// Hand-assembled pclntabs for every era (tests/support/synthetic_pclntab.h), so each layout's code path
// runs without old toolchains.
#include <catch2/catch.hpp>

#include "loader/go/go_format_error.h"
#include "loader/go/go_version.h"
#include "loader/go/pclntab.h"
#include "tests/support/synthetic_pclntab.h"

using namespace gostart;
using loader::go::PclnEra;
using loader::go::Pclntab;
using test::Built;
using test::build;
using test::kText;

TEST_CASE("synthetic pclntabs of every era decode names, entries, lines and SP deltas", "[pclntab][synthetic]") {
    auto era = GENERATE(PclnEra::Go12, PclnEra::Go116, PclnEra::Go118, PclnEra::Go120);
    Built b = build(era);
    Pclntab t = Pclntab::parse(b.view);
    INFO("era " << t.era());
    CHECK(t.era_id() == era);
    REQUIRE(t.functions().size() == 3);
    CHECK(t.functions()[0].name == "runtime.rt0_go");
    CHECK(t.functions()[2].name == "main.main");
    CHECK(t.functions()[1].entry == kText + 0x40);
    CHECK(t.functions()[2].end == kText + 0x90);
    CHECK(t.find_function(kText + 0x5f)->name == "main.helper");
    CHECK(t.find_by_name("main.main")->entry == kText + 0x60);

    auto l = t.line_for_pc(kText + 0x12);
    REQUIRE(l);
    CHECK(l->file == "/src/runtime/asm_amd64.s");
    CHECK(l->line == 104);
    l = t.line_for_pc(kText + 0x60 + 0x18);
    REQUIRE(l);
    CHECK(l->file == "/src/runtime/asm_amd64.s");
    CHECK(l->line == 8);
    CHECK(t.line_for_pc(kText + 0x60 + 0x28)->line == 11);
    CHECK(t.frame_size_at(kText + 0x04) == 0);
    CHECK(t.frame_size_at(kText + 0x08) == 40);
    CHECK(t.frame_size_at(kText + 0x60 + 0x10) == 24);
    CHECK_FALSE(t.line_for_pc(kText + 0x90));

    auto frames = t.frames_at(kText + 0x60 + 0x14);
    if (era == PclnEra::Go12) {
        REQUIRE(frames.size() == 1);  // inline trees are not decoded for 1.2-1.15
    } else {
        REQUIRE(frames.size() == 2);
        CHECK(frames[0].function == "main.helper");
        CHECK(frames[0].inlined);
        CHECK(frames[0].line == 8);
        CHECK(frames[1].function == "main.main");
        CHECK(frames[1].line == 10);  // the line at parentPc (entry+0x08)
    }
    CHECK(t.frames_at(kText + 0x60 + 0x24).size() == 1);
}

TEST_CASE("synthetic tables: truncation anywhere is an error, not a crash", "[pclntab][synthetic][corrupt]") {
    auto era = GENERATE(PclnEra::Go12, PclnEra::Go116, PclnEra::Go118, PclnEra::Go120);
    Built b = build(era);
    const uint64_t size = b.view.sections[0].size;
    for (uint64_t cut = 0; cut < size; ++cut) {
        loader::BinaryView v = b.view;
        v.sections[0].size = cut;
        try {
            Pclntab t = Pclntab::parse(v);
            for (uint64_t pc = kText; pc < kText + 0x90; pc += 4) {
                try {
                    (void)t.line_for_pc(pc);
                    (void)t.frame_size_at(pc);
                    (void)t.frames_at(pc);
                } catch (const loader::GoFormatError&) {
                }
            }
        } catch (const loader::GoFormatError&) {
        }
    }
    SUCCEED();
}

TEST_CASE("identify falls back to the era of a synthetic pre-1.18 table", "[pclntab][synthetic][goversion]") {
    Built b = build(PclnEra::Go116);
    auto id = loader::go::identify(b.view);
    CHECK(id.source == "pclntab");
    CHECK(id.version == "go1.16-1.17");
    CHECK(id.goamd64 == "v1");  // GOAMD64 did not exist before 1.18: baseline amd64
}
