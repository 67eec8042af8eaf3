// MilestonePoints: where in the code each milestone's state is to be checked. For the calls rt0_go
// makes (settls or _cgo_init ... mstart) that is the instruction after the CALL — "state after the call returns,
// as rt0_go sees it" — found by decoding rt0_go with Capstone, so it follows each Go version's code.
// runtime.main and main.main are checked on entry; mstart, which never returns, at runtime.main's
// entry. runtime.main calls main.main indirectly, so whether main returned is found at run time from
// the return address on main.main's entry (see StartupChecker).
#pragma once

#include "loader/symbol_table.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace gostart::cpu { class Engine; }

namespace gostart::session {

struct MilestonePoints {
    std::map<std::string, uint64_t> after_call;  // "runtime.settls" -> address after `call settls` in rt0_go
    // rt0_go's `CALL AX` to _cgo_init (the C function x_cgo_init): reached only when the binary is
    // linked with runtime/cgo. after_call["_cgo_init"] is the instruction after it.
    std::optional<uint64_t> cgo_init_call;
    std::optional<uint64_t> runtime_main, main_main;  // entries
    std::optional<uint64_t> fatalpanic;          // runtime.fatalpanic's entry
};

MilestonePoints find_milestone_points(const cpu::Engine& engine, const loader::SymbolTable& symbols);

}  // namespace gostart::session
