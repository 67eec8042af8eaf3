// Which Go toolchain built a binary, from the best evidence available:
// .go.buildinfo, else runtime.buildVersion, else the pclntab layout (an era, not a release).
#pragma once

#include <compare>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "loader/binary_view.h"

namespace gostart::loader::go {

struct GoVersionNumber {
    int major = 0, minor = 0, patch = 0;  // "go1.19.8" -> 1, 19, 8; "go1.21rc2" -> 1, 21, 0
    auto operator<=>(const GoVersionNumber&) const = default;
};

// Parses "go1.19.8", "go1.19", "go1.21rc2", "go1.18-1.19" (an era: the lower bound), and the
// "devel go1.23-abc ..." form (the embedded go1.N). nullopt when no "go1.N" can be read.
std::optional<GoVersionNumber> parse_go_version(std::string_view text);

// <0, 0, >0 as a is older than, equal to, newer than b; unparsable versions sort first.
int compare_go_versions(std::string_view a, std::string_view b);

struct GoIdentity {
    std::string version;  // "go1.19.8", or an era guess like "go1.18-1.19"
    std::string source;   // "buildinfo" | "buildversion" | "pclntab"
    std::map<std::string, std::string> settings;  // buildinfo "build" settings (empty otherwise)
    // "v1".."v4" from the GOAMD64 setting; "v1" when the version predates GOAMD64 (< 1.18), where
    // every binary is baseline amd64; "unknown" otherwise.
    std::string goamd64;
    std::optional<GoVersionNumber> number;  // parsed version (lower bound for an era)
    // Why a .go.buildinfo that is there could not be read ("" when it was read or is absent): the
    // version then comes from a weaker source, and callers decide whether a damaged file is acceptable.
    std::string buildinfo_error;
};

// Throws GoFormatError only when no evidence at all is found (not a Go binary, or all three corrupt).
GoIdentity identify(const BinaryView& view);

}  // namespace gostart::loader::go
