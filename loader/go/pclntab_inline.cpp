// Inlined frames. A function with inlined calls has FUNCDATA_InlTree (slot 3), an array of
// inlinedCall records, and PCDATA_InlTreeIndex (table 2), giving for each pc the index of the
// innermost inlined call covering it (-1: none). Each record holds the callee's name offset and
// `parentPc`, the offset from the entry of an instruction whose position is the call site; looking
// the index up again at that pc walks outwards. That walk works in every era from 1.16 on, so we use
// it rather than 1.16-1.19's `parent` field.
//   1.16-1.19 record (20 bytes): parent int16, funcID u8, pad, file i32, line i32, nameoff i32, parentPc i32
//   1.20+     record (16 bytes): funcID u8, pad[3], nameoff i32, parentPc i32, startLine i32
// Where funcdata lives: 1.16-1.17 store absolute pointers; 1.18+ store uint32 offsets from
// moduledata.gofunc (the go.func.* / go:func.* symbol), which a stripped binary only reveals through
// runtime.firstmoduledata, found by scanning writable data for its first two fields.
// 1.2-1.15 (and ptrsize 4) are not decoded here: frames_at reports the physical frame only.
#include <string>

#include "loader/go/byte_reader.h"
#include "loader/go/pclntab.h"

namespace gostart::loader::go {
namespace {

constexpr unsigned kNpcdata = 7;
constexpr uint32_t kPcdataInlTreeIndex = 2, kFuncdataInlTree = 3;
constexpr int kMaxInlineDepth = 256;  // guards against cyclic parentPc chains in corrupt tables

}  // namespace

void Pclntab::find_gofunc(const BinaryView& view) {
    for (const auto& sym : view.symbols)
        if (sym.name == "go.func.*" || sym.name == "go:func.*") gofunc_ = sym.value;
    uint64_t md_text = 0;
    if (ptrsize_ == 8) {
        // moduledata: pcHeader, then the funcnametab slice header whose data pointer is the table's
        // funcnametab. Word indices of text and gofunc: 22 and 38; 1.20 inserted covctrs/ecovctrs
        // before `end`, moving gofunc to 40.
        const uint64_t want0 = vaddr_;
        const uint64_t want1 = vaddr_ + uint64_t(funcnametab_.data() - table_.data());
        const unsigned gofunc_word = era_ == PclnEra::Go120 ? 40 : 38;
        for (const auto& seg : view.segments) {
            if (seg.type != 1 || !(seg.flags & 2) || seg.offset >= view.file.size()) continue;
            Bytes data = view.file.subspan(seg.offset, std::min<uint64_t>(seg.filesz, view.file.size() - seg.offset));
            for (uint64_t off = (8 - seg.vaddr % 8) % 8; off + 8 * 41 <= data.size(); off += 8) {
                if (u64_at(data, off, "moduledata") != want0 || u64_at(data, off + 8, "moduledata") != want1) continue;
                md_text = u64_at(data, off + 22 * 8, "moduledata");
                uint64_t g = u64_at(data, off + gofunc_word * 8, "moduledata");
                if (gofunc_ == 0 && !view.bytes_at(g, 1).empty()) gofunc_ = g;
                break;
            }
            if (md_text) break;
        }
    }
    if (text_start_ == 0) {
        // Go 1.18+ normally writes textStart into the header; if it reads as 0 (unrelocated or a
        // future toolchain leaving it unused) use the runtime's own moduledata.text, else .text.
        if (md_text) text_start_ = md_text;
        else if (const Section* s = view.section(".text")) text_start_ = s->addr;
    }
}

std::optional<int32_t> Pclntab::pcdata_value(size_t idx, uint32_t table, uint64_t pc) const {
    uint32_t npcdata = func_field(idx, kNpcdata);
    if (table >= npcdata) return std::nullopt;
    uint64_t sz0 = era_ >= PclnEra::Go118 ? 4 : ptrsize_;
    uint64_t fixed = sz0 + 4 * (era_ == PclnEra::Go120 ? 10 : 9);
    uint32_t off = u32_at(funcdata_, recs_[idx].off + fixed + 4ull * table, "pclntab: pcdata offsets are truncated");
    return pcvalue(off, funcs_[idx].entry, pc);
}

std::optional<uint64_t> Pclntab::funcdata_addr(size_t idx, uint32_t slot) const {
    if (era_ == PclnEra::Go12 || ptrsize_ != 8) return std::nullopt;
    uint64_t sz0 = era_ >= PclnEra::Go118 ? 4 : ptrsize_;
    uint64_t fixed = sz0 + 4 * (era_ == PclnEra::Go120 ? 10 : 9);
    uint64_t rec = recs_[idx].off;
    uint8_t nfuncdata = static_cast<uint8_t>(u32_at(funcdata_, rec + fixed - 4, "pclntab: _func record") >> 24);
    if (slot >= nfuncdata) return std::nullopt;
    uint64_t p = rec + fixed + 4ull * func_field(idx, kNpcdata);
    if (era_ >= PclnEra::Go118) {
        uint32_t off = u32_at(funcdata_, p + 4ull * slot, "pclntab: funcdata offsets are truncated");
        if (off == ~uint32_t(0) || gofunc_ == 0) return std::nullopt;
        return gofunc_ + off;
    }
    // 1.16-1.17: pointer-aligned absolute addresses (aligned in memory, so use the vaddr).
    uint64_t abs = vaddr_ + uint64_t(funcdata_.data() - table_.data()) + p;
    if (abs % 8) p += 8 - abs % 8;
    uint64_t addr = u64_at(funcdata_, p + 8ull * slot, "pclntab: funcdata pointers are truncated");
    return addr ? std::optional<uint64_t>(addr) : std::nullopt;
}

std::vector<InlineFrame> Pclntab::frames_at(uint64_t pc) const {
    std::vector<InlineFrame> frames;
    const GoFunction* f = find_function(pc);
    if (!f) return frames;
    size_t idx = static_cast<size_t>(f - funcs_.data());
    uint64_t cur = pc;
    if (auto tree = funcdata_addr(idx, kFuncdataInlTree)) {
        const uint64_t rec_size = era_ == PclnEra::Go120 ? 16 : 20;
        const uint64_t name_at = era_ == PclnEra::Go120 ? 4 : 12, parent_pc_at = era_ == PclnEra::Go120 ? 8 : 16;
        for (int depth = 0;; ++depth) {
            auto ix = pcdata_value(idx, kPcdataInlTreeIndex, cur);
            if (!ix || *ix < 0) break;
            if (depth == kMaxInlineDepth) fail("pclntab: inline tree is deeper than 256 (cyclic?)");
            Bytes rec = view_->bytes_at(*tree + uint64_t(*ix) * rec_size, rec_size);
            if (rec.size() < rec_size) fail("pclntab: inline tree entry is outside the file-backed image");
            uint32_t nameoff = u32_at(rec, name_at, "pclntab: inline tree entry");
            auto parent_pc = static_cast<int32_t>(u32_at(rec, parent_pc_at, "pclntab: inline tree entry"));
            auto line = line_in(idx, cur);
            frames.push_back(InlineFrame{cstring_at(funcnametab_, nameoff, "pclntab: inlined function name offset is out of range"),
                                         line ? line->file : std::string_view{}, line ? line->line : 0, true});
            if (parent_pc < 0 || f->entry + uint64_t(parent_pc) >= f->end)
                fail("pclntab: inline tree parentPc is outside its function");
            cur = f->entry + uint64_t(parent_pc);
        }
    }
    auto line = line_in(idx, cur);
    frames.push_back(InlineFrame{f->name, line ? line->file : std::string_view{}, line ? line->line : 0, false});
    return frames;
}

}  // namespace gostart::loader::go
