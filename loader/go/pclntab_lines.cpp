// The pc-value tables of a function (pcsp, pcfile, pcln, and the pcdata tables): a run of
// (value delta, pc delta) pairs. The value delta is a zigzag-encoded uvarint (low bit = sign), the pc
// delta a uvarint scaled by the PC quantum; the value starts at -1 at the entry and a zero value delta
// after the first pair ends the table. The value applies to every pc below the pc reached by its pair.
#include <string>

#include "loader/go/byte_reader.h"
#include "loader/go/pclntab.h"

namespace gostart::loader::go {
namespace {

// Field numbers of _func, counting uint32s after the entry field (the entry is field 0).
constexpr unsigned kPcsp = 4, kPcfile = 5, kPcln = 6, kCuOffset = 8;

}  // namespace

std::optional<int32_t> Pclntab::pcvalue(uint32_t off, uint64_t entry, uint64_t target) const {
    if (off == 0) return std::nullopt;  // the function has no such table
    if (off >= pctab_.size()) fail("pclntab: pc-value table offset is past the end of pctab");
    uint64_t p = off;
    uint64_t pc = entry;
    int32_t val = -1;
    // Each pair takes at least two bytes, so the loop ends by the end of pctab at the latest.
    for (;;) {
        bool first = pc == entry;  // as the runtime does: a zero delta is only legal on the first pair
        auto uv = static_cast<uint32_t>(uvarint_at(pctab_, p, 5, "pclntab: pc-value table is truncated"));
        if (uv == 0 && !first) return std::nullopt;  // ran off the table: target is past the function
        // Zigzag decode, added in unsigned arithmetic: corrupt deltas may wrap, which must not be UB.
        val = static_cast<int32_t>(static_cast<uint32_t>(val) + (-(uv & 1) ^ (uv >> 1)));
        auto pcdelta = static_cast<uint32_t>(uvarint_at(pctab_, p, 5, "pclntab: pc-value table is truncated"));
        pc += uint64_t(pcdelta) * quantum_;
        if (target < pc) return val;
    }
}

std::string_view Pclntab::file_name(size_t idx, int32_t fileno) const {
    if (era_ == PclnEra::Go12) {
        // Global file table: entry 0 holds the count, so valid numbers are 1..n-1; names are
        // NUL-terminated strings at offsets from the table start.
        if (fileno <= 0 || uint64_t(fileno) >= nfiletab_) fail("pclntab: file number out of range");
        uint32_t off = u32_at(filetab_, uint64_t(fileno) * 4, "pclntab: file table");
        return cstring_at(table_, off, "pclntab: file name offset is out of range");
    }
    // 1.16+: the function's compilation unit has a slice of cutab mapping its file numbers to offsets
    // of names in filetab; ^0 marks a file the CU does not use.
    if (fileno < 0) fail("pclntab: negative file number");
    uint64_t slot = uint64_t(func_field(idx, kCuOffset)) + uint64_t(fileno);
    uint32_t off = u32_at(cutab_, slot * 4, "pclntab: compilation-unit file index is past the end of cutab");
    if (off == ~uint32_t(0)) fail("pclntab: file number maps to no file in its compilation unit");
    return cstring_at(filetab_, off, "pclntab: file name offset is out of range");
}

std::optional<SourceLine> Pclntab::line_in(size_t idx, uint64_t pc) const {
    uint64_t entry = funcs_[idx].entry;
    auto fileno = pcvalue(func_field(idx, kPcfile), entry, pc);
    auto line = pcvalue(func_field(idx, kPcln), entry, pc);
    if (!fileno || !line || *fileno < 0 || *line < 0) return std::nullopt;
    if (era_ == PclnEra::Go12 && *fileno == 0) return std::nullopt;  // 1.2-1.15: 0 means "no file"
    return SourceLine{file_name(idx, *fileno), *line};
}

std::optional<SourceLine> Pclntab::line_for_pc(uint64_t pc) const {
    const GoFunction* f = find_function(pc);
    if (!f) return std::nullopt;
    return line_in(static_cast<size_t>(f - funcs_.data()), pc);
}

std::optional<int32_t> Pclntab::frame_size_at(uint64_t pc) const {
    const GoFunction* f = find_function(pc);
    if (!f) return std::nullopt;
    size_t idx = static_cast<size_t>(f - funcs_.data());
    return pcvalue(func_field(idx, kPcsp), f->entry, pc);
}

}  // namespace gostart::loader::go
