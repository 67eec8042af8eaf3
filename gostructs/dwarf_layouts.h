// Struct layouts read by field name from a binary's own DWARF (libdw), as Delve reads them. libdw
// inflates both kinds of compressed debug sections (`.zdebug_*` of Go <= 1.11 and 1.13's esbuild, and
// SHF_COMPRESSED `.debug_*` from Go 1.12 on) when it opens the file, so nothing here decompresses.
//
// Flattening: every member of runtime.g, m, p, schedt, gobuf and stack becomes a dotted path; a member of
// struct type is recorded itself (its offset and whole size) and then its members below it
// (`g.sched`, `g.sched.sp`). Hence an `atomic.Uint32` wrapper (`g.atomicstatus` in Go 1.20+) resolves to
// the wrapper, whose offset and size are those of its one value, and `schedt.lock` to the mutex.
// Strings, slices and interfaces, which Go's DWARF also describes as structures, are not entered: in Go
// they have no fields (`g.writebuf` is a path, `g.writebuf.len` is not).
// Embedded structs (`m.mOS`) are recorded under their type's name, and their fields promoted as Go
// promotes them: `m.mOS.profileTimer` is also found as `m.profileTimer` (an alias, not a second field)
// unless `m` has a field of that name itself. The fields are then exactly Go's own paths, those
// tools/layoutgen computes from the sources for the tables.
#pragma once

#include "gostructs/struct_layouts.h"

#include <optional>
#include <string>

namespace gostart::gostructs {

// nullopt when the file has no DWARF or its DWARF has no runtime.g; otherwise every runtime structure
// found, flattened. Throws nothing on odd DWARF: members it cannot place are skipped. When libdw cannot
// read the DWARF at all (damaged sections), `error` (if given) receives its reason.
std::optional<StructLayouts> read_dwarf_layouts(const std::string& path, std::string* error = nullptr);

}  // namespace gostart::gostructs
