// Per-release layouts of the runtime structures, for binaries without DWARF (most binaries in the wild): one
// table for every release from go1.13 to go1.27. The tables are generated (do not edit them): tools/layoutgen
// type-checks one release tree's whole `runtime` package for linux/amd64 with go/types, with that tree's
// release tags and default GOEXPERIMENTs and cmd/compile's size rules (struct sizes rounded to their
// alignment, one byte of padding after a trailing zero-size field); tools/layoutgen/emit_tables.py reduces
// its output to the structures of model_fields() (every field of theirs) and writes version_tables_113_118.cpp and version_tables_119_127.cpp.
// Each table's comment (and tools/layoutgen/sources.txt) names the tree it came from; go1.13's alone is the
// DWARF of a go1.13.8 binary. Checks: the go1.19 table against the DWARF of binaries built here, the go1.14
// one against the DWARF of esbuild 0.6.0 (go1.14.2), and `check` on a real binary of every release
// (tools/corpus.txt). Patch releases share their minor release's table.
#pragma once

#include "gostructs/struct_layouts.h"

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace gostart::gostructs {

// The Go releases gostart-emu's model supports (go1.13 ... go1.27).
inline constexpr int kFirstGoMinor = 13;
inline constexpr int kLastGoMinor = 27;

struct TableRow {
    std::string_view path;  // "g.sched.sp"; a bare type name ("g") carries the structure's size
    uint32_t offset = 0;
    uint32_t size = 0;
};

struct VersionTable {
    int minor = 0;                  // go1.<minor>.x
    std::string_view release;       // the release whose sources the rows came from: "go1.19.8"
    std::span<const TableRow> rows;
};

// Defined in version_tables_113_118.cpp and version_tables_119_127.cpp, one file per era.
std::span<const VersionTable> tables_go113_go118();
std::span<const VersionTable> tables_go119_go127();

// The table of go1.<minor>, or null when there is none.
const VersionTable* version_table(int minor);
// The table as StructLayouts (source "table"); nullopt when there is none.
std::optional<StructLayouts> table_layouts(int minor);

}  // namespace gostart::gostructs
