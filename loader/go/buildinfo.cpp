// Layout (debug/buildinfo in golang/go, cmd/link's buildinfo writer):
//   [0,14)  magic "\xff Go buildinf:"
//   [14]    pointer size in bytes (4 or 8)
//   [15]    flags: bit 0 = big-endian (pointer format only), bit 1 = inline strings (Go 1.18+)
//   pointer format (1.13-1.17): [16] pointer to a Go string header (ptr,len) of runtime.buildVersion,
//                               [16+ptrsize] same for runtime.modinfo; the headers and bytes live
//                               elsewhere in the image and are read through PT_LOAD mapping.
//   inline format (1.18+):      at [32], uvarint length + bytes of the version, then of the modinfo.
// The modinfo is framed by 16-byte sentinels (cmd/go's modload.infoStart/infoEnd) that we strip.
#include "loader/go/buildinfo.h"

#include <algorithm>
#include <cstring>
#include <string_view>

#include "loader/go/byte_reader.h"

namespace gostart::loader::go {
namespace {

constexpr char kMagic[] = "\xff Go buildinf:";
constexpr size_t kMagicLen = 14;
constexpr size_t kHeaderLen = 32;  // magic, ptrsize, flags, two pointers padded to 32 bytes
constexpr uint64_t kMaxString = 1 << 24;  // modinfo of a huge module graph is well under this

// Reads a Go string header (ptr,len) at `addr` and then its bytes, all through the PT_LOAD mapping.
// A header in zero-filled memory is the empty string: a go1.13-1.17 program built outside module mode
// has no runtime.modinfo value, and the linker leaves that variable in .noptrbss.
std::string read_go_string(const BinaryView& view, uint64_t addr, unsigned ptrsize, bool big_endian) {
    if (big_endian) fail("buildinfo: big-endian binaries are not supported");
    Bytes hdr = view.bytes_at(addr, 2 * ptrsize);
    if (hdr.empty() && view.zero_filled(addr, 2 * ptrsize)) return {};
    if (hdr.size() < 2 * ptrsize) fail("buildinfo: string header pointer is outside the file-backed image");
    uint64_t ptr = uptr_at(hdr, 0, ptrsize, "buildinfo: string header");
    uint64_t len = uptr_at(hdr, ptrsize, ptrsize, "buildinfo: string header");
    if (len > kMaxString) fail("buildinfo: string length is implausibly large");
    Bytes data = view.bytes_at(ptr, len);
    if (data.size() < len) fail("buildinfo: string bytes are outside the file-backed image");
    return std::string(as_text(data));
}

std::string read_varint_string(Bytes blob, uint64_t& off) {
    uint64_t len = uvarint_at(blob, off, 10, "buildinfo: bad string length");
    if (!fits(blob.size(), off, len)) fail("buildinfo: inline string runs past the end of the data");
    std::string s(as_text(blob.subspan(off, len)));
    off += len;
    return s;
}

// A "build" value or key may be Go-quoted ("..." with backslash escapes, or `...`) when it holds
// spaces, tabs, '=' or quotes, as runtime/debug.BuildInfo.String writes it (e.g. -ldflags="-s -w").
std::string unquote(std::string_view s) {
    if (s.size() >= 2 && s.front() == '`' && s.back() == '`') return std::string(s.substr(1, s.size() - 2));
    if (s.size() < 2 || s.front() != '"' || s.back() != '"') return std::string(s);
    std::string out;
    for (size_t i = 1; i + 1 < s.size(); ++i) {
        char c = s[i];
        if (c == '\\' && i + 2 < s.size()) {
            char e = s[++i];
            out += e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e;  // \" \\ and others: literal
        } else {
            out += c;
        }
    }
    return out;
}

// Finds where a quoted key ends: the index just past its closing quote, or npos.
size_t quoted_end(std::string_view s) {
    char q = s[0];
    for (size_t i = 1; i < s.size(); ++i) {
        if (q == '"' && s[i] == '\\') { ++i; continue; }
        if (s[i] == q) return i + 1;
    }
    return std::string_view::npos;
}

std::optional<uint64_t> find_blob(const BinaryView& view) {
    if (const Section* s = view.section(".go.buildinfo")) return s->addr;
    // Stripped section headers: the blob is 16-byte aligned in the writable data (Go puts it first
    // there). Scan every writable PT_LOAD's file bytes for the magic at 16-byte alignment.
    for (const auto& seg : view.segments) {
        if (seg.type != 1 || !(seg.flags & 2 /*PF_W*/) || seg.offset >= view.file.size()) continue;
        Bytes data = view.file.subspan(seg.offset, std::min<uint64_t>(seg.filesz, view.file.size() - seg.offset));
        uint64_t first = (16 - seg.vaddr % 16) % 16;  // alignment is of the address, not the offset
        for (uint64_t off = first; off + kHeaderLen <= data.size(); off += 16)
            if (std::memcmp(data.data() + off, kMagic, kMagicLen) == 0) return seg.vaddr + off;
    }
    return std::nullopt;
}

}  // namespace

BuildInfo decode_buildinfo(const BinaryView& view, uint64_t vaddr) {
    // The section may be small (0xd0 bytes in go1.19); take what the segment maps, capped generously.
    Bytes blob = view.bytes_at(vaddr, kHeaderLen + 2 * (kMaxString + 10));
    if (blob.size() < kHeaderLen) fail("buildinfo: .go.buildinfo is shorter than its 32-byte header");
    if (std::memcmp(blob.data(), kMagic, kMagicLen) != 0) fail("buildinfo: bad magic in .go.buildinfo");
    BuildInfo info;
    info.vaddr = vaddr;
    unsigned ptrsize = blob[14];
    uint8_t flags = blob[15];
    if (ptrsize != 4 && ptrsize != 8) fail("buildinfo: pointer size is neither 4 nor 8");
    std::string mod;
    if (flags & 2) {
        info.inline_strings = true;
        uint64_t off = kHeaderLen;
        info.version = read_varint_string(blob, off);
        mod = read_varint_string(blob, off);
    } else {
        bool big = flags & 1;
        uint64_t vptr = uptr_at(blob, 16, ptrsize, "buildinfo: header");
        uint64_t mptr = uptr_at(blob, 16 + ptrsize, ptrsize, "buildinfo: header");
        info.version = read_go_string(view, vptr, ptrsize, big);
        mod = read_go_string(view, mptr, ptrsize, big);
    }
    if (info.version.empty()) fail("buildinfo: empty Go version string");
    // A Go version is a line of ASCII ("go1.19.8", "devel go1.22-1e2d3c4 Tue ..."); anything else is
    // damage (or an attempt to send bytes to the user's terminal), reported without repeating it.
    if (info.version.size() > 256 ||
        !std::all_of(info.version.begin(), info.version.end(), [](char c) { return c >= 0x20 && c < 0x7f; }))
        fail("buildinfo: the Go version is not a line of text");
    // Same framing test as debug/buildinfo: 16 bytes of sentinel each side, the text ending in '\n'.
    if (mod.size() >= 33 && mod[mod.size() - 17] == '\n') info.modinfo = mod.substr(16, mod.size() - 32);
    parse_modinfo(info);
    return info;
}

std::optional<BuildInfo> read_buildinfo(const BinaryView& view) {
    auto at = find_blob(view);
    if (!at) return std::nullopt;
    return decode_buildinfo(view, *at);
}

void parse_modinfo(BuildInfo& info) {
    std::string_view text = info.modinfo;
    while (!text.empty()) {
        size_t nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
        if (line.starts_with("path\t")) {
            info.path = line.substr(5);
        } else if (line.starts_with("mod\t")) {
            info.main_module = line.substr(4);
        } else if (line.starts_with("build\t")) {
            std::string_view kv = line.substr(6);
            if (kv.empty() || kv[0] == '=') continue;
            size_t eq;
            if (kv[0] == '"' || kv[0] == '`') {
                size_t end = quoted_end(kv);
                if (end == std::string_view::npos || end >= kv.size() || kv[end] != '=') continue;
                eq = end;
            } else {
                eq = kv.find('=');
                if (eq == std::string_view::npos) continue;
            }
            info.settings[unquote(kv.substr(0, eq))] = unquote(kv.substr(eq + 1));
        }
    }
}

}  // namespace gostart::loader::go
