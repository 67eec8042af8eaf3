// The symbol file for gdb, read back with LIEF (an ELF reader that is not ours).
#include "gdbstub/symbol_file.h"

#include <LIEF/ELF.hpp>
#include <catch2/catch.hpp>

#include <map>

using gostart::gdbstub::symbol_file_bytes;
using gostart::gdbstub::SymbolFileEntry;

TEST_CASE("the symbol file holds each function and data symbol with its address and size", "[gdbstub][symbols]") {
    std::vector<SymbolFileEntry> in = {
        {"main.main", 0x47f0a0, 0x60, true},
        {"runtime.rt0_go", 0x45ab00, 0x1f0, true},
        {"_rt0_amd64_linux", 0x45e500, 0x5, true},
        {"runtime.g0", 0x5290a0, 0, false},
    };
    std::string bytes = symbol_file_bytes(in);
    std::vector<uint8_t> data(bytes.begin(), bytes.end());
    std::unique_ptr<LIEF::ELF::Binary> bin = LIEF::ELF::Parser::parse(data, "symbols");
    REQUIRE(bin);
    CHECK(bin->header().machine_type() == LIEF::ELF::ARCH::EM_X86_64);
    std::map<std::string, const LIEF::ELF::Symbol*> by_name;
    for (const auto& s : bin->static_symbols())
        if (!s.name().empty()) by_name[s.name()] = &s;
    REQUIRE(by_name.size() == in.size());
    for (const auto& e : in) {
        INFO(e.name);
        REQUIRE(by_name.count(e.name));
        const auto& s = *by_name[e.name];
        CHECK(s.value() == e.addr);
        CHECK(s.size() == e.size);
        CHECK(s.is_function() == e.function);
        CHECK(s.binding() == LIEF::ELF::SYMBOL_BINDINGS::STB_GLOBAL);
    }
    // .text spans the functions: gdb places the names in it.
    const LIEF::ELF::Section& text = bin->get_section(".text");
    CHECK(text.virtual_address() == 0x45ab00);
    CHECK(text.virtual_address() + text.size() == 0x47f0a0 + 0x60);
    CHECK(text.type() == LIEF::ELF::ELF_SECTION_TYPES::SHT_NOBITS);
}

TEST_CASE("the same symbols in any order give the same bytes", "[gdbstub][symbols]") {
    std::vector<SymbolFileEntry> a = {{"b", 0x2000, 8, true}, {"a", 0x1000, 8, true}, {"d", 0x9000, 0, false}};
    std::vector<SymbolFileEntry> b = {a[2], a[0], a[1]};
    CHECK(symbol_file_bytes(a) == symbol_file_bytes(b));
    CHECK(symbol_file_bytes(a) != symbol_file_bytes({a[0], a[1]}));
}
