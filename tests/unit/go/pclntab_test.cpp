// The pclntab reader against real go1.19 binaries built by meson (tests/unit/go/meson.build).
#include <catch2/catch.hpp>
#include <cctype>
#include <chrono>
#include <set>

#include "loader/go/pclntab.h"
#include "tests/unit/go/test_support.h"

using namespace gostart;
using loader::go::Pclntab;

TEST_CASE("pclntab of the hello binary: era, names, order", "[pclntab]") {
    Pclntab t = Pclntab::parse(test::hello().view);
    CHECK(t.magic() == 0xfffffff0u);
    CHECK(t.era() == "1.18-1.19");
    CHECK(t.ptr_size() == 8);
    CHECK(t.text_start() == test::hello().view.section(".text")->addr);
    const auto& fs = t.functions();
    REQUIRE(fs.size() > 1000);
    for (size_t i = 1; i < fs.size(); ++i) REQUIRE(fs[i - 1].entry <= fs[i].entry);
    // main.scale is absent: it is inlined everywhere and its body dropped.
    CHECK_FALSE(t.find_by_name("main.scale"));
    for (const char* name : {"runtime.rt0_go", "main.main", "runtime.main", "runtime.schedinit", "runtime.mstart"}) {
        INFO(name);
        CHECK(t.find_by_name(name));
    }
    const auto* mm = t.find_by_name("main.main");
    REQUIRE(mm);
    CHECK(t.find_function(mm->entry) == mm);
    CHECK(t.find_function(mm->end - 1) == mm);
    CHECK(t.find_function(mm->end) != mm);
    CHECK(t.find_function(0) == nullptr);
    CHECK(t.find_function(fs.back().end) == nullptr);
}

namespace {

// The linker writes compiler-generated type names into the pclntab with array lengths elided:
// .symtab's "type..eq.[5]internal/cpu.option" is "type..eq.[...]internal/cpu.option" there.
std::string elide_array_lengths(const std::string& s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        size_t j = i + 1;
        while (s[i] == '[' && j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) ++j;
        if (s[i] == '[' && j > i + 1 && j < s.size() && s[j] == ']') {
            out += "[...]";
            i = j;
        } else {
            out += s[i];
        }
    }
    return out;
}

}  // namespace

TEST_CASE("every .symtab text symbol has the same entry in the pclntab", "[pclntab]") {
    const auto& view = test::hello().view;
    Pclntab t = Pclntab::parse(view);
    size_t checked = 0;
    for (const auto& sym : view.symbols) {
        if (!sym.is_function) continue;
        // Linker-made markers are symbols without a pclntab entry of their own.
        if (sym.name == "runtime.text" || sym.name == "runtime.etext") continue;
        // Look the symbol up by address: ABI wrappers ("runtime.osinit.abi0" in .symtab) share their
        // target's plain name in the pclntab, so a name lookup would find the other function.
        const auto* f = t.find_function(sym.value);
        INFO(sym.name);
        REQUIRE(f);
        CHECK(f->entry == sym.value);
        std::string name = sym.name;
        if (name.ends_with(".abi0")) name.resize(name.size() - 5);  // 1.17+: .symtab only
        CHECK((f->name == name || f->name == elide_array_lengths(name)));
        ++checked;
    }
    CHECK(checked > 1000);
}

TEST_CASE("stripped and unstripped builds agree", "[pclntab]") {
    Pclntab a = Pclntab::parse(test::hello().view);
    Pclntab b = Pclntab::parse(test::hello_stripped().view);
    REQUIRE(a.functions().size() == b.functions().size());
    for (size_t i = 0; i < a.functions().size(); ++i) {
        REQUIRE(a.functions()[i].name == b.functions()[i].name);
        REQUIRE(a.functions()[i].entry == b.functions()[i].entry);
        REQUIRE(a.functions()[i].end == b.functions()[i].end);
    }
}

TEST_CASE("pclntab is found by the header scan when sections are gone", "[pclntab]") {
    loader::BinaryView v = test::hello_stripped().view;
    Pclntab a = Pclntab::parse(v);
    v.sections.clear();
    Pclntab b = Pclntab::parse(v);
    CHECK(b.vaddr() == a.vaddr());
    CHECK(b.text_start() == a.text_start());
    CHECK(b.functions().size() == a.functions().size());
    CHECK(b.gofunc() == a.gofunc());
}

TEST_CASE("line_for_pc: main.main's entry is the `func main` line of hello.go", "[pclntab]") {
    Pclntab t = Pclntab::parse(test::hello_stripped().view);
    const auto* mm = t.find_by_name("main.main");
    REQUIRE(mm);
    auto line = t.line_for_pc(mm->entry);
    REQUIRE(line);
    CHECK(line->file.ends_with("tests/unit/go/fixtures/hello.go"));
    CHECK(line->line == test::source_line_of("func main()"));
    // Every pc of main.main has a line; the physical frame is always in hello.go (the innermost
    // one may be fmt.Println's print.go or scale, both inlined).
    for (uint64_t pc = mm->entry; pc < mm->end; ++pc) {
        REQUIRE(t.line_for_pc(pc));
        auto frames = t.frames_at(pc);
        REQUIRE(!frames.empty());
        CHECK(frames.back().file == line->file);
    }
    CHECK_FALSE(t.line_for_pc(0));
}

TEST_CASE("frame_size_at follows the prologue", "[pclntab]") {
    Pclntab t = Pclntab::parse(test::hello_stripped().view);
    const auto* mm = t.find_by_name("main.main");
    REQUIRE(mm);
    CHECK(t.frame_size_at(mm->entry) == 0);  // nothing pushed at the first instruction
    int32_t max = 0;
    for (uint64_t pc = mm->entry; pc < mm->end; ++pc) {
        auto d = t.frame_size_at(pc);
        REQUIRE(d);
        CHECK(*d % 8 == 0);
        max = std::max(max, *d);
    }
    CHECK(max > 0);  // main.main calls fmt.Println, so it has a frame
    const auto* rt0 = t.find_by_name("runtime.rt0_go");
    REQUIRE(rt0);
    CHECK(t.frame_size_at(rt0->entry) == 0);
}

TEST_CASE("inlined frames: main.scale inside main.main", "[pclntab][inline]") {
    const auto& unstripped = test::hello().view;
    Pclntab t = Pclntab::parse(test::hello_stripped().view);
    Pclntab u = Pclntab::parse(unstripped);
    // gofunc found through moduledata in the stripped build equals the symbol in the other one.
    uint64_t sym = 0;
    for (const auto& s : unstripped.symbols)
        if (s.name == "go.func.*") sym = s.value;
    REQUIRE(sym != 0);
    CHECK(u.gofunc() == sym);
    CHECK(t.gofunc() == sym);

    const auto* mm = t.find_by_name("main.main");
    REQUIRE(mm);
    int scale_body = test::source_line_of("return a*b + 3");
    int call_site = test::source_line_of("sink = scale(");
    bool seen = false;
    for (uint64_t pc = mm->entry; pc < mm->end; ++pc) {
        auto frames = t.frames_at(pc);
        REQUIRE(!frames.empty());
        CHECK(frames.back().function == "main.main");
        CHECK_FALSE(frames.back().inlined);
        if (frames.size() == 2 && frames[0].function == "main.scale") {
            seen = true;
            CHECK(frames[0].inlined);
            CHECK(frames[0].line == scale_body);
            CHECK(frames[1].line == call_site);
        }
    }
    CHECK(seen);
    CHECK(t.frames_at(0).empty());
}

TEST_CASE("parsing is fast", "[pclntab][perf]") {
    const auto& v = test::hello().view;
    auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < 10; ++i) (void)Pclntab::parse(v);
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0).count();
    WARN("Pclntab::parse of hello (" << Pclntab::parse(v).functions().size() << " functions): " << us / 10 << " us");
    CHECK(us / 10 < 200000);  // generous: sanitizer builds are slow; release is well under 1 ms
}

TEST_CASE("a relocated pclntab answers for guest addresses: entry + bias, same lines and frames", "[pclntab]") {
    Pclntab t = Pclntab::parse(test::hello().view);
    const auto* f = t.find_by_name("runtime.rt0_go");
    REQUIRE(f != nullptr);
    const uint64_t entry = f->entry, pc = f->entry + 0x20;
    auto line = t.line_for_pc(pc);
    auto frame = t.frame_size_at(pc);
    REQUIRE(line);
    constexpr uint64_t kBias = 0x555555154000;  // a Go PIE linked at 0x400000, loaded at 0x555555554000
    t.relocate(kBias);
    CHECK(t.load_bias() == kBias);
    CHECK(t.find_by_name("runtime.rt0_go")->entry == entry + kBias);
    CHECK(t.find_function(pc) == nullptr);  // the link address is no longer code
    REQUIRE(t.find_function(pc + kBias) != nullptr);
    CHECK(t.find_function(pc + kBias)->name == "runtime.rt0_go");
    auto moved = t.line_for_pc(pc + kBias);
    REQUIRE(moved);
    CHECK(moved->file == line->file);
    CHECK(moved->line == line->line);
    CHECK(t.frame_size_at(pc + kBias) == frame);
    // Relocating again is relative to the link addresses, not cumulative.
    t.relocate(0);
    CHECK(t.find_by_name("runtime.rt0_go")->entry == entry);
}
