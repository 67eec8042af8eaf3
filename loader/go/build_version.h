// Fallback for the Go version when `.go.buildinfo` is absent (some release pipelines drop it):
// the `runtime.buildVersion` string the runtime itself prints in crash reports.
#pragma once

#include <optional>
#include <string>

#include "loader/binary_view.h"

namespace gostart::loader::go {

struct BuildVersion {
    std::string version;  // "go1.19.8", "go1.21rc2", "devel go1.23-abc123 ..."
    // How it was found, most to least trustworthy:
    //   "symbol"        .symtab's runtime.buildVersion (a Go string header) was read;
    //   "string-header" a (ptr,len) header in writable data whose bytes form a version string;
    //   "rodata-scan"   a bare version-looking run of bytes in read-only data (may be wrong).
    std::string method;
};

// True for "go1.N", "go1.N.M", "go1.NrcK"/"go1.NbetaK" and "devel ..." (printable text).
bool looks_like_go_version(std::string_view s);

// Throws nothing on corrupt input: every path is a best-effort search, nullopt when nothing fits.
std::optional<BuildVersion> find_build_version(const BinaryView& view);

}  // namespace gostart::loader::go
