#include "tests/support/synthetic_pclntab.h"

#include <cstring>
#include <stdexcept>

namespace gostart::test {

using loader::go::PclnEra;

namespace {

struct Buf {
    std::vector<uint8_t> b;
    size_t size() const { return b.size(); }
    void u8(uint8_t v) { b.push_back(v); }
    void u32(uint32_t v) { for (int i = 0; i < 4; ++i) b.push_back(uint8_t(v >> (8 * i))); }
    void u64(uint64_t v) { for (int i = 0; i < 8; ++i) b.push_back(uint8_t(v >> (8 * i))); }
    void str(const std::string& s) { b.insert(b.end(), s.begin(), s.end()); b.push_back(0); }
    void align(size_t a) { while (b.size() % a) b.push_back(0); }
    void uvarint(uint32_t v) { while (v >= 0x80) { b.push_back(uint8_t(v | 0x80)); v >>= 7; } b.push_back(uint8_t(v)); }
    void put32(size_t at, uint32_t v) { std::memcpy(&b[at], &v, 4); }
    void put64(size_t at, uint64_t v) { std::memcpy(&b[at], &v, 8); }
};

// Encodes a pc-value table and returns its offset in `pc`: zigzag value deltas, pc deltas, 0 end.
uint32_t pcvalue(Buf& pc, const std::vector<Span>& spans) {
    if (spans.empty()) return 0;
    auto at = static_cast<uint32_t>(pc.size());
    int32_t prev = -1;
    uint32_t prev_pc = 0;
    for (const auto& s : spans) {
        int32_t d = s.value - prev;
        pc.uvarint((uint32_t(d) << 1) ^ uint32_t(d >> 31));
        pc.uvarint(s.until - prev_pc);
        prev = s.value;
        prev_pc = s.until;
    }
    pc.u8(0);
    return at;
}

}  // namespace

const std::vector<Fn>& sample() {
    static const std::vector<Fn> fns = {
        {"runtime.rt0_go", 0x00, 0x40, {{0, 0x40}}, {{100, 0x10}, {104, 0x40}}, {{0, 0x08}, {40, 0x40}}, {}},
        {"main.helper", 0x40, 0x20, {{1, 0x20}}, {{7, 0x20}}, {{0, 0x20}}, {}},
        // main.main: lines 10, then helper's body (line 8 of the other file) inlined, then 11.
        {"main.main", 0x60, 0x30, {{1, 0x10}, {0, 0x20}, {1, 0x30}}, {{10, 0x10}, {8, 0x20}, {11, 0x30}},
         {{0, 0x04}, {24, 0x30}}, {{-1, 0x10}, {0, 0x20}, {-1, 0x30}}},
    };
    return fns;
}

Built build(PclnEra era, std::vector<Fn> fns) {
    const std::vector<std::string> files = {"/src/runtime/asm_amd64.s", "/src/hello/main.go"};
    const bool go12 = era == PclnEra::Go12, has_text = era >= PclnEra::Go118, go120 = era == PclnEra::Go120;
    const uint32_t magic = go12 ? 0xfffffffb : era == PclnEra::Go116 ? 0xfffffffa : go120 ? 0xfffffff1 : 0xfffffff0;
    if (go12)  // 1.2-1.15 file numbers index a global table whose slot 0 holds the count: 1-based
        for (auto& f : fns)
            for (auto& s : f.file) ++s.value;
    Buf names, cutab, filetab, pc;
    std::vector<uint32_t> nameoff;
    pc.u8(0);  // offset 0 means "no table"
    for (const auto& f : fns) { nameoff.push_back(uint32_t(names.size())); names.str(f.name); }
    std::vector<uint32_t> fileoff;
    for (const auto& f : files) { fileoff.push_back(uint32_t(filetab.size())); filetab.str(f); cutab.u32(fileoff.back()); }

    Buf t;  // the table
    t.u32(magic); t.u8(0); t.u8(0); t.u8(1); t.u8(8);
    const unsigned nwords = go12 ? 1 : has_text ? 8 : 7;
    for (unsigned i = 0; i < nwords; ++i) t.u64(0);
    t.put64(8, fns.size());
    // Sub-tables (1.16+); in 1.2-1.15 names, files and pc tables follow the records instead.
    size_t o_names = 0, o_cu = 0, o_file = 0, o_pc = 0;
    if (!go12) {
        t.put64(16, files.size());
        if (has_text) t.put64(24, kText);
        o_names = t.size(); t.b.insert(t.b.end(), names.b.begin(), names.b.end());
        o_cu = t.size(); t.b.insert(t.b.end(), cutab.b.begin(), cutab.b.end());
        o_file = t.size(); t.b.insert(t.b.end(), filetab.b.begin(), filetab.b.end());
    }
    // Pc tables go to `pc` now (for 1.2-1.15 their offsets are made table-relative at the end).
    struct Rec { uint32_t sp, file, line, inl; };
    std::vector<Rec> recs;
    for (const auto& f : fns) recs.push_back({pcvalue(pc, f.sp), pcvalue(pc, f.file), pcvalue(pc, f.line), pcvalue(pc, f.inl)});
    size_t ftab_at;  // where the functab starts in t
    if (!go12) {
        o_pc = t.size(); t.b.insert(t.b.end(), pc.b.begin(), pc.b.end());
        t.align(8);
        ftab_at = t.size();
        unsigned w = has_text ? 3 : 2;
        size_t offs[5] = {o_names, o_cu, o_file, o_pc, ftab_at};
        for (unsigned i = 0; i < 5; ++i) t.put64(8 + 8 * (w + i), offs[i]);
    } else {
        ftab_at = t.size();
    }
    const unsigned field = has_text ? 4 : 8;
    const size_t ftab_size = (2 * fns.size() + 1) * field + (go12 ? 4 : 0);
    t.b.resize(t.size() + ftab_size);
    t.align(8);
    const uint64_t base = go12 ? 0 : ftab_at;      // funcoff is relative to this
    const uint64_t tree_vaddr = kImage + 0x1000;   // where the inline tree goes (after the table)
    std::vector<uint64_t> funcoff;
    for (size_t i = 0; i < fns.size(); ++i) {
        const auto& f = fns[i];
        funcoff.push_back(t.size() - base);
        if (has_text) t.u32(f.off); else t.u64(kText + f.off);
        t.u32(nameoff[i]); t.u32(0); t.u32(0);
        t.u32(recs[i].sp); t.u32(recs[i].file); t.u32(recs[i].line);
        bool inl = !f.inl.empty() && !go12;
        t.u32(inl ? 3 : 0);  // npcdata
        if (!go12) t.u32(0);  // cuOffset: one CU holding both files
        if (go120) t.u32(0);  // startLine
        t.u8(0); t.u8(0); t.u8(0); t.u8(inl ? 4 : 0);  // funcID, flag, pad, nfuncdata
        if (inl) {
            t.u32(0); t.u32(0); t.u32(recs[i].inl);
            if (has_text) { t.u32(~0u); t.u32(~0u); t.u32(~0u); t.u32(0); }  // slot 3: offset 0 from gofunc
            else { if ((kImage + kTableOff + t.size()) % 8) t.u32(0); t.u64(0); t.u64(0); t.u64(0); t.u64(tree_vaddr); }
        }
        t.align(8);
    }
    if (go12) {
        // Append names, files, pc tables; patch name, file and pc offsets to be table-relative.
        size_t o_n = t.size(); t.b.insert(t.b.end(), names.b.begin(), names.b.end());
        size_t o_ft = t.size(); t.u32(uint32_t(files.size() + 1)); size_t slots = t.size();
        for (size_t k = 0; k < files.size(); ++k) t.u32(0);
        for (size_t k = 0; k < files.size(); ++k) { t.put32(slots + 4 * k, uint32_t(t.size())); t.str(files[k]); }
        size_t o_p = t.size(); t.b.insert(t.b.end(), pc.b.begin(), pc.b.end());
        for (size_t i = 0; i < fns.size(); ++i) {
            size_t r = funcoff[i] + 8;
            t.put32(r, nameoff[i] + uint32_t(o_n));
            for (int k = 0; k < 3; ++k) {
                uint32_t v; std::memcpy(&v, &t.b[r + 12 + 4 * k], 4);
                if (v) t.put32(r + 12 + 4 * k, v + uint32_t(o_p));
            }
        }
        t.put32(ftab_at + (2 * fns.size() + 1) * 8, uint32_t(o_ft));
    }
    for (size_t i = 0; i <= fns.size(); ++i) {
        uint64_t entry = i < fns.size() ? fns[i].off : fns.back().off + fns.back().size;
        size_t at = ftab_at + 2 * i * field;
        if (has_text) t.put32(at, uint32_t(entry)); else t.put64(at, kText + entry);
        if (i < fns.size()) { if (has_text) t.put32(at + 4, uint32_t(funcoff[i])); else t.put64(at + 8, funcoff[i]); }
    }
    Built out;
    out.bytes.assign(0x1000 + 64, 0);
    if (kTableOff + t.size() > 0x1000) throw std::logic_error("synthetic pclntab: table outgrew its 4 KiB image");
    std::memcpy(out.bytes.data() + kTableOff, t.b.data(), t.size());
    // The inline tree: one record for main.helper called from main.main at entry+0x08.
    Buf tree;
    if (go120) { tree.u8(0); tree.u8(0); tree.u8(0); tree.u8(0); tree.u32(nameoff[1]); tree.u32(0x08); tree.u32(6); }
    else { tree.u8(0xff); tree.u8(0xff); tree.u8(0); tree.u8(0); tree.u32(1); tree.u32(10); tree.u32(nameoff[1]); tree.u32(0x08); }
    std::memcpy(out.bytes.data() + 0x1000, tree.b.data(), tree.size());
    out.view.file = out.bytes;
    out.view.segments = {{1, 4, 0, kImage, out.bytes.size(), out.bytes.size(), 0x1000}};
    out.view.sections = {{".gopclntab", 1, 2, kImage + kTableOff, kTableOff, t.size()}};
    if (has_text) out.view.symbols = {{go120 ? "go:func.*" : "go.func.*", tree_vaddr, 0, false}};
    return out;
}

}  // namespace gostart::test
