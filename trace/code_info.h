// CodeInfo: what the tracers know about the program's code — function names and ranges (symbol table,
// completed from the pclntab for stripped binaries) and file:line (pclntab) — without the app layer.
#pragma once

#include "loader/go/pclntab.h"
#include "loader/symbol_table.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gostart::trace {

struct FunctionRange {
    std::string name;
    uint64_t entry = 0, end = 0;  // [entry, end)
};

class CodeInfo {
public:
    CodeInfo(const loader::SymbolTable& symbols, const loader::go::Pclntab* pclntab)
        : symbols_(symbols), pclntab_(pclntab) {}

    // An id for the function containing pc (an index into the symbol table), -1 when none.
    int function_id(uint64_t pc) const;
    // Its display name ("runtime.rt0_go", without .abi0), "?" for -1.
    std::string_view function_name(int id) const;
    uint64_t function_entry(int id) const;
    // "asm_amd64.s" and 89, the file's base name as Delve shows it; nullopt when the pclntab has none.
    struct Line {
        std::string file;
        int line = 0;
        std::string path;  // the file as the compiler named it (its full path on the build machine)
    };
    std::optional<Line> line(uint64_t pc) const;
    // The line of the physical function pc is in: for code inlined into it, the line of the call that
    // was inlined (`next` steps over an inlined call as over any call).
    std::optional<Line> outer_line(uint64_t pc) const;
    // A function by name (pclntab first: it has exact ends), nullopt when unknown.
    std::optional<FunctionRange> find(std::string_view name) const;
    // The bytes a function has pushed below its entry SP at pc (the return address is at SP + this),
    // from the pclntab; nullopt when pc is in no function or the table has nothing to say.
    std::optional<int32_t> frame_size(uint64_t pc) const;

    const loader::SymbolTable& symbols() const { return symbols_; }

private:
    const loader::SymbolTable& symbols_;
    const loader::go::Pclntab* pclntab_;
};

}  // namespace gostart::trace
