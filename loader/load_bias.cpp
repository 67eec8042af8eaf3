#include "loader/load_bias.h"

#include <algorithm>

namespace gostart::loader {
namespace {

constexpr uint64_t kPage = 4096;
constexpr uint32_t kPtLoad = 1;

uint64_t page_down(uint64_t a) { return a & ~(kPage - 1); }
uint64_t page_up(uint64_t a) { return (a + kPage - 1) & ~(kPage - 1); }

// fs/binfmt_elf.c maximum_alignment(): the largest power-of-two p_align of the PT_LOADs, at least a page.
uint64_t max_alignment(const BinaryView& v) {
    uint64_t align = kPage;
    for (const auto& s : v.segments) {
        if (s.type != kPtLoad || s.align == 0 || (s.align & (s.align - 1)) != 0) continue;
        if (s.align <= (uint64_t(1) << 30)) align = std::max(align, s.align);
    }
    return align;
}

}  // namespace

uint64_t load_start(const BinaryView& v) {
    uint64_t lo = UINT64_MAX;
    for (const auto& s : v.segments)
        if (s.type == kPtLoad && s.memsz) lo = std::min(lo, page_down(s.vaddr));
    return lo == UINT64_MAX ? 0 : lo;
}

uint64_t load_end(const BinaryView& v) {
    uint64_t hi = 0;
    for (const auto& s : v.segments)
        if (s.type == kPtLoad && s.memsz) hi = std::max(hi, page_up(s.vaddr + s.memsz));
    return hi;
}

uint64_t program_load_bias(const BinaryView& v, bool is_pie) {
    if (!is_pie) return 0;
    // load_bias = ELF_PAGESTART((ELF_ET_DYN_BASE & ~(alignment - 1)) - first vaddr): the first segment
    // lands at the base whatever its link address (Go's internally linked PIEs link at 0x400000, gcc's at 0).
    uint64_t base = kPieBase & ~(max_alignment(v) - 1);
    return page_down(base - load_start(v));
}

uint64_t interpreter_load_bias(const BinaryView& interp) {
    // load_elf_interp maps the whole span with one mmap(NULL, ...): top-down, so it ends at mmap_base.
    uint64_t span = load_end(interp) - load_start(interp);
    return page_down(kInterpreterTop - span) - load_start(interp);
}

}  // namespace gostart::loader
