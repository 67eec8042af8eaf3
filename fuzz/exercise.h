// What the targets do with a view once they have one: the calls the commands make on a program's Go
// tables (session/program.cpp, info, the fault reporter), each of which may only answer or throw
// GoFormatError. Shared by the view targets and the ELF target, which reaches them through LIEF.
#pragma once

#include "loader/binary_view.h"

#include <string>

namespace gostart::fuzz {

// Pclntab::parse, then lookups and line / SP / inline queries over a bounded sample of functions.
// Returns "N functions, era E" or "rejected: REASON".
std::string exercise_pclntab(const loader::BinaryView& view);

// read_buildinfo, find_build_version and identify. Returns "VERSION from SOURCE" or "rejected: REASON".
std::string exercise_identity(const loader::BinaryView& view);

}  // namespace gostart::fuzz
