// `info --gdb-script FILE`: a gdb script that gives gdb the function names of a stripped Go binary.
// gdb cannot make symbols from commands alone, so next to FILE goes FILE.sym, a symbol-only ELF file
// (gdbstub/symbol_file.h) with the pclntab's functions and the data symbols recovered from code;
// FILE makes it the program's symbol file with `symbol-file` (not add-symbol-file: gdb looks a pc's
// function up only among the symbols of the objfile whose section holds the pc, and the program's own
// sections would hide those of an added file). A binary with its own symbol table needs nothing: FILE
// says so.
#pragma once

#include "session/program.h"

#include <string>

namespace gostart::app {

// Writes FILE (and FILE.sym when the binary is stripped); returns the number of symbols written.
// Throws std::runtime_error naming a file that cannot be written.
size_t write_gdb_script(const session::Program& p, const std::string& script_path);

}  // namespace gostart::app
