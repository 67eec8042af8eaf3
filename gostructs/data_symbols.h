// The runtime's data symbols (runtime.g0, m0, sched, allp, allm, ...) for binaries without a .symtab,
// recovered from the instructions that use them: the pclntab still names every function, and each of
// these variables is written or read by a known function in a recognisable way (rt0_go's `LEAQ
// runtime·g0(SB)`, schedinit's `sched.maxmcount = 10000`, args' `argc = c`). Capstone decodes the
// function; RIP-relative operands give the addresses. Each rule is tested against the .symtab of an
// unstripped build (tests/unit/gostructs).
#pragma once

#include "gostructs/struct_layouts.h"
#include "loader/binary_view.h"
#include "loader/symbol_table.h"

#include <cstdint>
#include <string>
#include <vector>

namespace gostart::gostructs {

struct DataSymbol {
    std::string name;  // "runtime.m0"
    uint64_t addr = 0;
    std::string how;   // which instruction revealed it, for `info` and for debugging a rule
};

// Finds what it can; a rule whose function or instruction is missing yields nothing (never a guess).
// `functions` supplies function entries and sizes (from the pclntab); `layouts` the offsets that turn
// `m0+m_tls` and `sched+maxmcount` operands into the variables' starts. `go_minor` picks names that
// changed (ncpu became numCPUStartup in 1.25).
std::vector<DataSymbol> recover_data_symbols(const loader::BinaryView& view, const loader::SymbolTable& functions,
                                             const StructLayouts& layouts, int go_minor);

}  // namespace gostart::gostructs
