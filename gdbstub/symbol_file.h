// A symbol file for gdb: an ELF64 x86-64 file that holds nothing but section headers and a symbol
// table, so that gdb's `symbol-file` gives it the function names a stripped Go binary lost (we take
// them from its pclntab). Code and data are not in it (NOBITS sections only span their addresses):
// gdb reads those from the program and the target. The same symbols give the same bytes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace gostart::gdbstub {

struct SymbolFileEntry {
    std::string name;
    uint64_t addr = 0;
    uint64_t size = 0;
    bool function = true;  // else a data object
};

std::string symbol_file_bytes(std::vector<SymbolFileEntry> symbols);

}  // namespace gostart::gdbstub
