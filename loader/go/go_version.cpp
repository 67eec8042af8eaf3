#include "loader/go/go_version.h"

#include <charconv>

#include "loader/go/build_version.h"
#include "loader/go/buildinfo.h"
#include "loader/go/go_format_error.h"
#include "loader/go/pclntab.h"

namespace gostart::loader::go {
namespace {

// Reads a decimal run at s[i...]; nullopt when none.
std::optional<int> number_at(std::string_view s, size_t& i) {
    int v = 0;
    auto [p, ec] = std::from_chars(s.data() + i, s.data() + s.size(), v);
    if (ec != std::errc() || v < 0) return std::nullopt;
    i = static_cast<size_t>(p - s.data());
    return v;
}

}  // namespace

std::optional<GoVersionNumber> parse_go_version(std::string_view text) {
    size_t at = text.find("go1.");
    if (at == std::string_view::npos) return std::nullopt;
    size_t i = at + 2;
    GoVersionNumber v;
    auto major = number_at(text, i);
    if (!major || i >= text.size() || text[i] != '.') return std::nullopt;
    ++i;
    auto minor = number_at(text, i);
    if (!minor) return std::nullopt;
    v.major = *major;
    v.minor = *minor;
    if (i + 1 < text.size() && text[i] == '.' && text[i + 1] >= '0' && text[i + 1] <= '9') {
        ++i;
        if (auto patch = number_at(text, i)) v.patch = *patch;
    }
    return v;
}

int compare_go_versions(std::string_view a, std::string_view b) {
    auto va = parse_go_version(a), vb = parse_go_version(b);
    if (va == vb) return 0;  // both unparsable counts as equal
    if (!va) return -1;
    if (!vb) return 1;
    return *va < *vb ? -1 : 1;
}

GoIdentity identify(const BinaryView& view) {
    GoIdentity id;
    std::string why_not;
    try {
        if (auto bi = read_buildinfo(view)) {
            id.version = bi->version;
            id.source = "buildinfo";
            id.settings = bi->settings;
        }
    } catch (const GoFormatError& e) {
        why_not = e.what();  // fall back to the weaker sources below
    }
    if (id.source.empty()) {
        if (auto bv = find_build_version(view)) {
            id.version = bv->version;
            id.source = "buildversion";
        }
    }
    if (id.source.empty()) {
        try {
            Pclntab t = Pclntab::parse(view);
            id.version = "go" + std::string(t.era());  // "go1.18-1.19", "go1.20+"
            id.source = "pclntab";
        } catch (const GoFormatError& e) {
            throw GoFormatError(std::string("go version: no .go.buildinfo, runtime.buildVersion or pclntab found (") +
                                e.what() + (why_not.empty() ? "" : "; buildinfo: " + why_not) + ")");
        }
    }
    id.buildinfo_error = why_not;
    id.number = parse_go_version(id.version);
    if (auto it = id.settings.find("GOAMD64"); it != id.settings.end()) id.goamd64 = it->second;
    else if (id.number && *id.number < GoVersionNumber{1, 18, 0}) id.goamd64 = "v1";
    else id.goamd64 = "unknown";
    return id;
}

}  // namespace gostart::loader::go
