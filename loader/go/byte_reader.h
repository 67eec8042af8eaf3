// Bounds-checked little-endian reads over a span of file bytes, shared by the Go readers.
// Every read names the table it serves (`what`) so a failure explains itself, e.g.
// "pclntab: function table runs past the end of .gopclntab". Nothing here allocates on success.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>

#include "loader/go/go_format_error.h"

namespace gostart::loader::go {

using Bytes = std::span<const uint8_t>;

[[noreturn]] inline void fail(const std::string& msg) { throw GoFormatError(msg); }

// True when [off, off+len) lies inside a buffer of `size` bytes, without overflowing.
inline bool fits(uint64_t size, uint64_t off, uint64_t len) { return off <= size && len <= size - off; }

inline void need(Bytes b, uint64_t off, uint64_t len, const char* what) {
    if (!fits(b.size(), off, len)) fail(std::string(what));
}

inline uint32_t u32_at(Bytes b, uint64_t off, const char* what) {
    need(b, off, 4, what);
    uint32_t v;
    std::memcpy(&v, b.data() + off, 4);  // amd64 and every supported host are little-endian
    return v;
}

inline uint64_t u64_at(Bytes b, uint64_t off, const char* what) {
    need(b, off, 8, what);
    uint64_t v;
    std::memcpy(&v, b.data() + off, 8);
    return v;
}

// A pointer-sized word (Go tables store uintptrs as 4 or 8 bytes depending on the target).
inline uint64_t uptr_at(Bytes b, uint64_t off, unsigned ptrsize, const char* what) {
    return ptrsize == 4 ? u32_at(b, off, what) : u64_at(b, off, what);
}

// A NUL-terminated string starting at `off`; the terminator must lie inside `b`.
inline std::string_view cstring_at(Bytes b, uint64_t off, const char* what) {
    if (off >= b.size()) fail(std::string(what));
    const void* nul = std::memchr(b.data() + off, 0, b.size() - off);
    if (!nul) fail(std::string(what));
    auto len = static_cast<size_t>(static_cast<const uint8_t*>(nul) - (b.data() + off));
    return {reinterpret_cast<const char*>(b.data() + off), len};
}

// An unsigned LEB128 varint as Go's encoding/binary.Uvarint writes it. Advances `off`.
// Rejects truncation and anything longer than `max_bytes` (5 for the pclntab's uint32 varints).
inline uint64_t uvarint_at(Bytes b, uint64_t& off, unsigned max_bytes, const char* what) {
    uint64_t v = 0;
    for (unsigned i = 0; i < max_bytes; ++i) {
        if (off >= b.size()) fail(std::string(what) + " (truncated varint)");
        uint8_t byte = b[off++];
        v |= uint64_t(byte & 0x7f) << (7 * i);
        if (!(byte & 0x80)) return v;
    }
    fail(std::string(what) + " (varint too long)");
}

inline std::string_view as_text(Bytes b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }

}  // namespace gostart::loader::go
