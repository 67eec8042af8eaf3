#include "app/gdb_script.h"

#include "gdbstub/symbol_file.h"

#include <fmt/format.h>

#include <climits>
#include <cstdlib>
#include <fstream>

namespace gostart::app {
namespace {

std::string absolute(const std::string& path) {
    char real[PATH_MAX];
    return ::realpath(path.c_str(), real) ? std::string(real) : path;
}

void write_file(const std::string& path, const std::string& bytes) {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f << bytes;
    f.close();
    if (!f) throw std::runtime_error(path + ": cannot write");
}

}  // namespace

size_t write_gdb_script(const session::Program& p, const std::string& script_path) {
    std::string head = fmt::format("# gdb commands from `gostart-emu info --gdb-script` for {}\n", absolute(p.path()));
    if (p.has_symtab || !p.pclntab) {
        write_file(script_path, head + (p.has_symtab ? "# It has its own symbol table: gdb reads it from the file, nothing to add.\n"
                                                     : "# It has no pclntab: there are no names to add.\n"));
        return 0;
    }
    std::vector<gdbstub::SymbolFileEntry> syms;
    for (const auto& f : p.pclntab->functions())
        syms.push_back({std::string(f.name), f.entry, f.end - f.entry, true});
    size_t functions = syms.size();
    for (const auto& d : p.recovered) syms.push_back({d.name, d.addr, 0, false});
    std::string sym_path = script_path + ".sym";
    write_file(sym_path, gdbstub::symbol_file_bytes(syms));
    std::string script = head + fmt::format(
        "# It is stripped: {} function names from its pclntab and {} data symbols recovered from its code\n"
        "# are in {}.sym, which this script makes gdb's symbol file for the program (it has none of its own).\n"
        "# Use: gdb PROGRAM -x {} -ex 'target remote HOST:PORT'\n"
        "symbol-file \"{}\"\n",
        functions, p.recovered.size(), script_path, script_path, absolute(sym_path));
    write_file(script_path, script);
    return syms.size();
}

}  // namespace gostart::app
