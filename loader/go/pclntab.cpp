// Locating the pclntab and decoding its header and function table (see pclntab.h for the eras).
// The other halves: pclntab_lines.cpp (pc-value tables: lines, files, SP deltas) and
// pclntab_inline.cpp (moduledata / gofunc and inline trees).
#include "loader/go/pclntab.h"

#include <algorithm>
#include <array>

#include "loader/go/byte_reader.h"

namespace gostart::loader::go {
namespace {

constexpr uint32_t kMagic12 = 0xfffffffb, kMagic116 = 0xfffffffa, kMagic118 = 0xfffffff0,
                   kMagic120 = 0xfffffff1;

// The four-byte magic, two zero pad bytes, a PC quantum of 1, 2 or 4 (amd64: 1) and a pointer size of
// 4 or 8. Cheap enough to test at every 4-byte step of a segment.
bool header_prefix_ok(std::span<const uint8_t> b) {
    if (b.size() < 16 || b[4] != 0 || b[5] != 0) return false;
    if (b[6] != 1 && b[6] != 2 && b[6] != 4) return false;
    if (b[7] != 4 && b[7] != 8) return false;
    uint32_t m = u32_at(b, 0, "pclntab: header");
    return m == kMagic12 || m == kMagic116 || m == kMagic118 || m == kMagic120;
}

}  // namespace

std::string_view Pclntab::era() const {
    switch (era_) {
        case PclnEra::Go12: return "1.2-1.15";
        case PclnEra::Go116: return "1.16-1.17";
        case PclnEra::Go118: return "1.18-1.19";
        case PclnEra::Go120: return "1.20+";
    }
    return "?";
}

Pclntab Pclntab::parse(const BinaryView& view) {
    // Section names: .gopclntab in ordinary executables, .data.rel.ro.gopclntab in PIE/shared builds.
    for (const char* name : {".gopclntab", ".data.rel.ro.gopclntab"}) {
        if (const Section* s = view.section(name)) {
            Bytes b = view.section_bytes(*s);
            if (b.size() < s->size) fail(std::string("pclntab: ") + name + " runs past the end of the file");
            return parse_at(view, b, s->addr);
        }
    }
    // No section headers (or renamed sections): look for a header in every non-executable PT_LOAD
    // (read-only data, or RELRO data for PIE). The magic is at least 4-byte aligned; a candidate is
    // accepted only if the whole function table decodes, which rejects stray copies of the magic.
    std::string last_error = "pclntab: no .gopclntab section and no pclntab header found in the segments";
    for (const auto& seg : view.segments) {
        if (seg.type != 1 || (seg.flags & 1 /*PF_X*/) || seg.offset >= view.file.size()) continue;
        Bytes data = view.file.subspan(seg.offset, std::min<uint64_t>(seg.filesz, view.file.size() - seg.offset));
        for (uint64_t off = (4 - seg.vaddr % 4) % 4; off + 16 <= data.size(); off += 4) {
            if (data[off] != 0xf0 && data[off] != 0xf1 && data[off] != 0xfa && data[off] != 0xfb) continue;
            if (!header_prefix_ok(data.subspan(off))) continue;
            try {
                Pclntab t = parse_at(view, data.subspan(off), seg.vaddr + off);
                if (!t.funcs_.empty()) return t;
            } catch (const GoFormatError& e) {
                last_error = e.what();
            }
        }
    }
    fail(last_error);
}

Pclntab Pclntab::parse_at(const BinaryView& view, std::span<const uint8_t> table, uint64_t vaddr) {
    Pclntab t;
    t.view_ = &view;
    t.table_ = table;
    t.vaddr_ = vaddr;
    if (table.size() < 16) fail("pclntab: table is shorter than its 16-byte header");
    t.magic_ = u32_at(table, 0, "pclntab: header");
    switch (t.magic_) {
        case kMagic12: t.era_ = PclnEra::Go12; break;
        case kMagic116: t.era_ = PclnEra::Go116; break;
        case kMagic118: t.era_ = PclnEra::Go118; break;
        case kMagic120: t.era_ = PclnEra::Go120; break;
        default: fail("pclntab: unknown magic (not a Go 1.2+ little-endian pclntab)");
    }
    if (!header_prefix_ok(table)) fail("pclntab: bad header (pad bytes, PC quantum or pointer size)");
    t.quantum_ = table[6];
    t.ptrsize_ = table[7];
    const unsigned ps = t.ptrsize_;
    auto word = [&](unsigned i) { return uptr_at(table, 8 + uint64_t(i) * ps, ps, "pclntab: header is truncated"); };

    uint64_t nfunc = word(0);
    uint64_t functab_off = 0;  // where the (entry, funcoff) pairs start, inside funcdata_
    unsigned field = ps;       // size of one functab field: uintptr before 1.18, uint32 after
    if (t.era_ == PclnEra::Go12) {
        // Everything is relative to the table start; the functab follows the nfunc word.
        t.funcnametab_ = t.pctab_ = t.funcdata_ = table;
        functab_off = 8 + ps;
    } else {
        bool has_text = t.era_ != PclnEra::Go116;
        unsigned base = has_text ? 3 : 2;  // index of funcnameOffset in the header words
        t.nfiletab_ = word(1);
        if (has_text) t.text_start_ = word(2);
        // The five sub-tables in header order; each ends where the next one (by offset) begins.
        std::array<uint64_t, 5> offs{};
        for (unsigned i = 0; i < 5; ++i) {
            offs[i] = word(base + i);
            if (offs[i] > table.size()) fail("pclntab: a header sub-table offset is past the end of .gopclntab");
        }
        auto sub = [&](unsigned i) {
            uint64_t end = table.size();
            for (uint64_t o : offs)
                if (o > offs[i] && o < end) end = o;
            return table.subspan(offs[i], end - offs[i]);
        };
        t.funcnametab_ = sub(0);
        t.cutab_ = sub(1);
        t.filetab_ = sub(2);
        t.pctab_ = sub(3);
        t.funcdata_ = table.subspan(offs[4]);  // functab, then the _func records, to the end
        if (has_text) field = 4;
    }
    // (2*nfunc + 1) fields: nfunc (entry, funcoff) pairs and the end PC of the last function.
    uint64_t max_fields = t.funcdata_.size() < functab_off ? 0 : (t.funcdata_.size() - functab_off) / field;
    if (nfunc == 0 || nfunc > (max_fields > 0 ? (max_fields - 1) / 2 : 0))
        fail("pclntab: function table runs past the end of .gopclntab");
    if (t.era_ == PclnEra::Go12) {
        uint64_t fileoff = u32_at(table, functab_off + (2 * nfunc + 1) * ps, "pclntab: file table offset is truncated");
        uint32_t n = u32_at(table, fileoff, "pclntab: file table offset is past the end of .gopclntab");
        if (!fits(table.size(), fileoff, uint64_t(n) * 4)) fail("pclntab: file table runs past the end of .gopclntab");
        t.filetab_ = table.subspan(fileoff, uint64_t(n) * 4);
        t.nfiletab_ = n;
    }
    if (t.era_ >= PclnEra::Go118) t.find_gofunc(view);  // also recovers textStart when the header's is 0

    auto fieldat = [&](uint64_t i) {
        uint64_t off = functab_off + i * field;
        return field == 4 ? u32_at(t.funcdata_, off, "pclntab: function table") : u64_at(t.funcdata_, off, "pclntab: function table");
    };
    uint64_t text = t.era_ >= PclnEra::Go118 ? t.text_start_ : 0;
    const uint64_t sz0 = t.era_ >= PclnEra::Go118 ? 4 : ps;  // the _func entry field
    t.funcs_.resize(nfunc);
    t.recs_.resize(nfunc);
    t.by_name_.reserve(nfunc);
    uint64_t prev = 0;
    for (uint64_t i = 0; i < nfunc; ++i) {
        uint64_t entry = text + fieldat(2 * i), funcoff = fieldat(2 * i + 1);
        uint64_t end = text + fieldat(2 * i + 2);
        if (entry < prev || end < entry) fail("pclntab: function table is not sorted by entry address");
        prev = entry;
        if (!fits(t.funcdata_.size(), funcoff, sz0 + 7 * 4))
            fail("pclntab: a function's _func record is past the end of .gopclntab");
        uint32_t nameoff = u32_at(t.funcdata_, funcoff + sz0, "pclntab: _func");
        std::string_view name = cstring_at(t.funcnametab_, nameoff, "pclntab: function name offset is out of range");
        t.funcs_[i] = GoFunction{name, entry, end};
        t.recs_[i] = FuncRec{funcoff};
        t.by_name_.emplace(name, i);
    }
    return t;
}

void Pclntab::relocate(uint64_t bias) {
    // Functions' entries move together with every pc looked up, so pc - entry (what the pc tables
    // are indexed by) is unchanged.
    for (auto& f : funcs_) {
        f.entry = f.entry - bias_ + bias;
        f.end = f.end - bias_ + bias;
    }
    bias_ = bias;
}

const GoFunction* Pclntab::find_function(uint64_t pc) const {
    auto it = std::upper_bound(funcs_.begin(), funcs_.end(), pc,
                               [](uint64_t v, const GoFunction& f) { return v < f.entry; });
    if (it == funcs_.begin()) return nullptr;
    --it;
    return pc < it->end ? &*it : nullptr;
}

const GoFunction* Pclntab::find_by_name(std::string_view name) const {
    auto it = by_name_.find(name);
    return it == by_name_.end() ? nullptr : &funcs_[it->second];
}

uint32_t Pclntab::func_field(size_t idx, unsigned field) const {
    uint64_t sz0 = era_ >= PclnEra::Go118 ? 4 : ptrsize_;
    return u32_at(funcdata_, recs_[idx].off + sz0 + (field - 1) * 4ull, "pclntab: _func record is truncated");
}

}  // namespace gostart::loader::go
