// Locations as `break`, `until` and `disassemble` take them: a function name (`runtime.rt0_go`, with or
// without `runtime.`), a milestone's short name (`settls`, `schedinit`, `main` = main.main), `file:line`
// (the lowest pc the pclntab gives that line) or `*0xADDR`. Works on stripped binaries: names come from
// the pclntab when there is no .symtab.
#pragma once

#include "trace/code_info.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gostart::stepper {

// The address of `loc`, or nullopt with a one-line reason in `err`.
std::optional<uint64_t> resolve_location(const trace::CodeInfo& code, std::string_view loc, std::string& err);
// A milestone's full name for a short one ("settls" -> "runtime.settls", "main" -> "main.main").
std::string milestone_name(std::string_view s);
// The milestones' short names (rt0_go, settls, ..., main), from runtime_model/milestone_table.h.
std::vector<std::string> milestone_words();
// Words Tab completes after a command: function names and milestone short names.
std::vector<std::string> location_words(const trace::CodeInfo& code);
// Parses 123, 0x7b; nullopt when not a number.
std::optional<uint64_t> parse_number(std::string_view s);

}  // namespace gostart::stepper
