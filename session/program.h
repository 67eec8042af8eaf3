// Program: a program file as the commands need it — the ELF image, what Go built it, its symbols
// (from .symtab, completed from the pclntab so that stripped binaries have function names too) —
// and the checks that decide whether we can run it (CLI.md: 126 with a one-line reason).
#pragma once

#include "gostructs/data_symbols.h"
#include "gostructs/struct_layouts.h"
#include "loader/elf_image.h"
#include "loader/go/go_version.h"
#include "loader/go/pclntab.h"
#include "loader/symbol_table.h"

#include <memory>
#include <ostream>
#include <optional>
#include <string>
#include <vector>

namespace gostart::session {

struct Program {
    std::unique_ptr<loader::ElfImage> image;
    // A position-independent program runs at this bias (loader/load_bias.h); `symbols` and the
    // pclntab's functions are guest addresses (link address + bias). 0 for ET_EXEC.
    uint64_t load_bias = 0;
    // The dynamic linker PT_INTERP names, read from the host's root (only when the program is to run).
    std::unique_ptr<loader::ElfImage> interpreter;
    uint64_t interpreter_bias = 0;
    // Linked with runtime/cgo: rt0_go calls _cgo_init instead of settls, and Ms are pthreads.
    bool cgo = false;
    std::optional<loader::go::GoIdentity> go;          // nullopt: not a Go binary
    std::optional<loader::go::Pclntab> pclntab;
    loader::SymbolTable symbols;
    bool has_symtab = false;
    bool has_dwarf = false;
    // Struct layouts (DWARF or the release's table); nullopt with the reason in layout_error when neither.
    std::optional<gostructs::StructLayouts> layouts;
    std::string layout_error;
    // Why the binary's own DWARF could not be read ("" when it was, or there is none).
    std::string dwarf_error;
    // Data symbols recovered from code for binaries without .symtab (also entered into `symbols`).
    std::vector<gostructs::DataSymbol> recovered;

    const std::string& path() const { return image->path(); }
    // The layouts, or LayoutError with the reason (commands that cannot work without them).
    const gostructs::StructLayouts& require_layouts() const;
    uint64_t entry() const { return image->entry() + load_bias; }  // the program's own entry, as a guest address
    std::string describe(uint64_t pc) const { return symbols.describe(pc); }
    // "asm_amd64.s:89" for a pc, or "" when the pclntab has no line for it.
    std::string source_line(uint64_t pc) const;
    // The function symbols that are no pclntab function: the symbol table's markers (runtime.etext,
    // where Go code ends) and C code of a cgo program, by name.
    std::vector<std::string> functions_outside_pclntab() const;
    // What `symbols.size()` counts, in words: "1417 function symbols (1416 pclntab functions +
    // runtime.etext)", or "1416 functions (from the pclntab: no symbol table)" when stripped.
    std::string describe_function_count() const;
};

// What a command needs beyond the image, symbols and Go identity. Reading DWARF layouts is a tenth of
// a quiet run's time, so `run -q` (which checks nothing) skips it.
enum class Knowledge {
    full,      // also struct layouts and, for stripped binaries, the data symbols recovered from code
    run_only,  // enough to run the program: no layouts, no recovered data symbols
};

// Opens and identifies a program; throws loader::LoadError (127/126) naming the file and the reason.
// `require_runnable`: also refuse what the emulator cannot run (dynamic linking, GOAMD64 > v1, not Go).
std::unique_ptr<Program> open_program(const std::string& path, bool require_runnable,
                                      Knowledge knowledge = Knowledge::full);

// What is wrong with a program that still works (damaged DWARF), one "gostart-emu: FILE: ..." line each.
void warn_about_program(const Program& p, std::ostream& out);

}  // namespace gostart::session
