// Snapshot: the CPU side of a checkpoint — every register, the instruction count and run state, and
// every Unicorn mapping with its bytes. Unicorn 2.0.1 has no memory snapshot of its own, so the engine
// reads its mappings page by page. Pages are shared: a page equal to the previous snapshot's is the
// same PageData, and every all-zero page is one shared page (Go reserves far more than it touches),
// so a series of snapshots costs about the pages written between them.
#pragma once

#include "cpu/guest_cpu.h"
#include "cpu/prot.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace gostart::cpu {

// One page's bytes. Counts itself, so that whoever keeps snapshots can hold them under a memory cap.
struct PageData {
    std::array<uint8_t, kPageSize> bytes;
    PageData();
    PageData(const PageData&) = delete;
    ~PageData();
    // Bytes held by all PageData alive in this process (the shared zero page excluded).
    static size_t bytes_in_use();
};

using PageList = std::vector<std::shared_ptr<const PageData>>;

// A mapping and its pages. A region nobody wrote since the previous snapshot shares that snapshot's
// whole page list, so an unchanged region costs one pointer.
struct MappedRegion {
    uint64_t begin = 0, end = 0;  // [begin, end), page-aligned
    uint32_t prot = 0;            // kProt* bits
    std::shared_ptr<const PageList> pages;
    const std::shared_ptr<const PageData>& page(uint64_t addr) const { return (*pages)[(addr - begin) / kPageSize]; }
};

struct Snapshot {
    Context regs;
    uint64_t instructions = 0;
    bool resume_partial = false;  // the engine's run state: a stop inside a block (engine.h)
    uint64_t resume_pc = 0;
    std::vector<MappedRegion> memory;  // sorted by address
    size_t new_pages = 0;              // pages it did not share with the last snapshot taken or restored
};

}  // namespace gostart::cpu
