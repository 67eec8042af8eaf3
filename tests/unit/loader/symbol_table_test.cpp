// SymbolTable: lookups by name (X, then X.abi0) and by address (function_at, describe).
#include "loader/elf_image.h"
#include "loader/symbol_table.h"

#include <catch2/catch.hpp>

#include <cstdlib>

using gostart::loader::plain_name;
using gostart::loader::Symbol;
using gostart::loader::SymbolTable;

namespace {

SymbolTable sample() {
    SymbolTable t;
    t.add({"runtime.rt0_go.abi0", 0x1000, 0x20, true});
    t.add({"main.main", 0x2000, 0x100, true});
    t.add({"runtime.nosize", 0x3000, 0, true});
    t.add({"runtime.both", 0x4000, 0x10, true});
    t.add({"runtime.both.abi0", 0x4100, 0x10, true});
    t.add({"runtime.buildVersion", 0x900000, 16, false});
    t.add({"main.main", 0x7777, 0x10, true});  // a second function of the same name (an ABI wrapper)
    t.finish();
    return t;
}

}  // namespace

TEST_CASE("find looks up X, then X.abi0", "[loader][symbols]") {
    SymbolTable t = sample();
    CHECK(t.find("runtime.rt0_go") == 0x1000u);
    CHECK(t.find("runtime.rt0_go.abi0") == 0x1000u);
    CHECK(t.find("main.main") == 0x2000u);            // a name keeps its first address
    CHECK(t.find("runtime.both") == 0x4000u);         // X is preferred over X.abi0
    CHECK(t.find("runtime.buildVersion") == 0x900000u);  // data symbols are found by name
    CHECK_FALSE(t.find("runtime.missing").has_value());
    CHECK_FALSE(t.find("runtime.rt0").has_value());   // no prefix matches
}

TEST_CASE("function_at and describe name the function and the offset into it", "[loader][symbols]") {
    SymbolTable t = sample();
    CHECK(t.size() == 6);  // functions only, both main.main included
    CHECK(t.describe(0x7778) == "main.main+0x1");  // the second main.main is found by address
    REQUIRE(t.function_at(0x1010) != nullptr);
    CHECK(t.function_at(0x1010)->name == "runtime.rt0_go.abi0");
    CHECK(t.describe(0x1000) == "runtime.rt0_go");
    CHECK(t.describe(0x1010) == "runtime.rt0_go+0x10");
    CHECK(t.describe(0x101f) == "runtime.rt0_go+0x1f");
    CHECK(t.function_at(0x1020) == nullptr);   // past its size
    CHECK(t.describe(0x1020) == "0x1020");
    CHECK(t.describe(0x20ff) == "main.main+0xff");
    CHECK(t.describe(0x3456) == "runtime.nosize+0x456");  // no size: the nearest below
    CHECK(t.describe(0x10) == "0x10");                    // below everything
    CHECK(t.describe(0x4104) == "runtime.both+0x4");      // .abi0 is not shown
}

TEST_CASE("plain_name drops only a trailing .abi0", "[loader][symbols]") {
    CHECK(plain_name("runtime.rt0_go.abi0") == "runtime.rt0_go");
    CHECK(plain_name("runtime.abi0x") == "runtime.abi0x");
    CHECK(plain_name(".abi0") == ".abi0");
    CHECK(plain_name("main.main") == "main.main");
}

TEST_CASE("The symbols of the real hello find the runtime's entry and main.main", "[loader][symbols]") {
    const char* p = std::getenv("GOSTART_TEST_HELLO");
    if (!p || !*p) {
        WARN("GOSTART_TEST_HELLO is not set: run through meson test");
        return;
    }
    auto img = gostart::loader::ElfImage::open(p);
    SymbolTable t;
    for (const auto& s : img.view().symbols) t.add({s.name, s.value, s.size, s.is_function});
    t.finish();
    auto rt0 = t.find("runtime.rt0_go");
    auto main = t.find("main.main");
    REQUIRE(rt0.has_value());
    REQUIRE(main.has_value());
    CHECK(t.describe(*rt0) == "runtime.rt0_go");
    CHECK(t.describe(*main + 3) == "main.main+0x3");
    CHECK(t.find("_rt0_amd64_linux") == img.entry());
}

TEST_CASE("Outside the program's range no function is named (a shared library is not the last function)") {
    SymbolTable t;
    t.add(Symbol{"main.main", 0x401000, 0x20, true});
    t.add(Symbol{"_fini", 0x402000, 0, true});  // gcc's _fini: no size
    t.finish();
    REQUIRE(t.function_at(0x7f0000001000) != nullptr);  // without a range: the nearest below
    t.set_range(0x400000, 0x403000);
    CHECK(t.function_at(0x402004)->name == "_fini");
    CHECK(t.function_at(0x7f0000001000) == nullptr);
    CHECK(t.describe(0x7f0000001000) == "0x7f0000001000");
    CHECK(t.function_at(0x3ff000) == nullptr);
}
