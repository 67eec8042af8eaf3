// How runtime.buildVersion is found, and the limits of each way:
//  1. The symbol: `runtime.buildVersion` is a Go string variable (ptr,len) in .data; read the header
//     and its bytes through the PT_LOAD mapping. Exact, but needs .symtab (gone after -s).
//  2. The header scan: the variable is statically initialised, so the writable data holds an aligned
//     (ptr,len) pair whose bytes are a version string. We scan writable PT_LOADs for such pairs with
//     6 <= len <= 128 where ptr lands in a read-only segment and the bytes pass
//     looks_like_go_version. Exact in practice; could in theory match another string variable that
//     happens to hold a version, and assumes 8-byte little-endian pointers (amd64).
//  3. The rodata scan: Go string data is packed without terminators, so a bare "go1.19.8" may be
//     followed by the next string's bytes ("go1.19.8gocachehash"). We take the longest match of the
//     version grammar that is not followed by a digit or '.', not preceded by a letter or digit. This
//     can cut a version short or pick up an unrelated "go1.N" message; it is the last resort.
#include "loader/go/build_version.h"

#include <cctype>
#include <string_view>

#include "loader/go/byte_reader.h"

namespace gostart::loader::go {
namespace {

constexpr uint64_t kMaxVersionLen = 128;

bool digit(char c) { return c >= '0' && c <= '9'; }

// Length of the longest prefix of `s` matching go1.N(.M)?((rc|beta)K)?, or 0.
size_t version_prefix(std::string_view s) {
    if (!s.starts_with("go1.")) return 0;
    size_t i = 4, start = i;
    while (i < s.size() && digit(s[i])) ++i;
    if (i == start) return 0;
    if (i + 1 < s.size() && s[i] == '.' && digit(s[i + 1])) {
        ++i;
        while (i < s.size() && digit(s[i])) ++i;
    } else {
        for (std::string_view tag : {"rc", "beta"}) {
            if (s.substr(i).starts_with(tag) && i + tag.size() < s.size() && digit(s[i + tag.size()])) {
                i += tag.size();
                while (i < s.size() && digit(s[i])) ++i;
                break;
            }
        }
    }
    return i;
}

std::optional<std::string> read_string_header(const BinaryView& view, uint64_t addr) {
    Bytes hdr = view.bytes_at(addr, 16);
    if (hdr.size() < 16) return std::nullopt;
    uint64_t ptr = u64_at(hdr, 0, "buildVersion header"), len = u64_at(hdr, 8, "buildVersion header");
    if (len == 0 || len > kMaxVersionLen) return std::nullopt;
    Bytes data = view.bytes_at(ptr, len);
    if (data.size() < len) return std::nullopt;
    return std::string(as_text(data));
}

Bytes segment_bytes(const BinaryView& view, const Segment& seg) {
    if (seg.offset >= view.file.size()) return {};
    return view.file.subspan(seg.offset, std::min<uint64_t>(seg.filesz, view.file.size() - seg.offset));
}

bool read_only_address(const BinaryView& view, uint64_t addr) {
    for (const auto& seg : view.segments)
        if (seg.type == 1 && !(seg.flags & 2) && addr >= seg.vaddr && addr - seg.vaddr < seg.filesz) return true;
    return false;
}

std::optional<std::string> scan_headers(const BinaryView& view) {
    for (const auto& seg : view.segments) {
        if (seg.type != 1 || !(seg.flags & 2)) continue;
        Bytes data = segment_bytes(view, seg);
        for (uint64_t off = (8 - seg.vaddr % 8) % 8; off + 16 <= data.size(); off += 8) {
            uint64_t len = u64_at(data, off + 8, "header scan");
            if (len < 6 || len > kMaxVersionLen) continue;  // "devel " or "go1.N" at least
            uint64_t ptr = u64_at(data, off, "header scan");
            if (!read_only_address(view, ptr)) continue;
            Bytes text = view.bytes_at(ptr, len);
            if (text.size() == len && looks_like_go_version(as_text(text))) return std::string(as_text(text));
        }
    }
    return std::nullopt;
}

std::optional<std::string> scan_rodata(const BinaryView& view) {
    std::vector<Bytes> areas;
    if (const Section* s = view.section(".rodata")) areas.push_back(view.section_bytes(*s));
    if (areas.empty() || areas[0].empty())
        for (const auto& seg : view.segments)
            if (seg.type == 1 && !(seg.flags & 3)) areas.push_back(segment_bytes(view, seg));  // R only
    for (Bytes area : areas) {
        std::string_view text = as_text(area);
        for (size_t at = text.find("go1."); at != std::string_view::npos; at = text.find("go1.", at + 1)) {
            if (at > 0 && std::isalnum(static_cast<unsigned char>(text[at - 1]))) continue;
            size_t n = version_prefix(text.substr(at));
            if (n == 0) continue;
            if (at + n < text.size() && (digit(text[at + n]) || text[at + n] == '.')) continue;
            return std::string(text.substr(at, n));
        }
    }
    return std::nullopt;
}

}  // namespace

bool looks_like_go_version(std::string_view s) {
    if (s.starts_with("devel")) {
        for (char c : s)
            if (c < 0x20 || c > 0x7e) return false;
        return true;
    }
    return version_prefix(s) == s.size();
}

std::optional<BuildVersion> find_build_version(const BinaryView& view) {
    for (const auto& sym : view.symbols) {
        if (sym.name != "runtime.buildVersion") continue;
        if (auto s = read_string_header(view, sym.value); s && looks_like_go_version(*s))
            return BuildVersion{*s, "symbol"};
    }
    if (auto s = scan_headers(view)) return BuildVersion{*s, "string-header"};
    if (auto s = scan_rodata(view)) return BuildVersion{*s, "rodata-scan"};
    return std::nullopt;
}

}  // namespace gostart::loader::go
