// Reader of the `.go.buildinfo` blob the Go linker writes into every binary (Go 1.13+): the toolchain
// version ("go1.19.8") and the module info text (`go version -m`), decoded into its settings.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "loader/binary_view.h"

namespace gostart::loader::go {

struct BuildInfo {
    std::string version;   // "go1.19.8" (runtime.buildVersion as the linker saw it)
    std::string modinfo;   // module info text with its 16-byte sentinels stripped; may be empty
    bool inline_strings = false;  // true for the 1.18+ varint format, false for the pointer format
    uint64_t vaddr = 0;           // where the blob starts
    std::string path;             // "path\t..." line: the main package path
    std::string main_module;      // "mod\t..." line: path and version, tab-separated as written
    // "build\tKEY=VALUE" lines, unquoted: "-compiler", "-ldflags", "CGO_ENABLED", "GOARCH", "GOOS",
    // "GOAMD64", "vcs.revision", ... Later duplicates overwrite earlier ones, as in Go.
    std::map<std::string, std::string> settings;
};

// Finds and decodes the blob. Returns nullopt when the binary has none (no section, no magic found);
// throws GoFormatError when a blob is found but is malformed.
std::optional<BuildInfo> read_buildinfo(const BinaryView& view);

// Decodes a blob that starts at `vaddr` (exposed for tests that hand-build blobs).
BuildInfo decode_buildinfo(const BinaryView& view, uint64_t vaddr);

// Fills path/main_module/settings from modinfo text. Malformed lines are skipped, not fatal: the text
// is informational and `go version -m` itself tolerates unknown lines.
void parse_modinfo(BuildInfo& info);

}  // namespace gostart::loader::go
