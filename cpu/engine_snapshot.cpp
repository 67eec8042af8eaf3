// Engine snapshots (cpu/snapshot.h): the registers and run state, and every Unicorn mapping page by
// page. Unicorn 2.0.1 can save registers (uc_context) but not memory (2.1's memory snapshots are not in
// 2.0.1, which we also build with), and neither tells which pages were written; the host memory behind the mappings does (cpu/host_memory.h). `sync_` is what
// memory held at the last snapshot taken or restored: a page not written since is that page, shared;
// a written one is compared and copied. A restore writes the pages written since `sync_` and those
// where `sync_` and the snapshot differ, straight into the host memory (Go code never changes, so
// Unicorn's translated blocks stay valid).
#include "cpu/engine.h"

#include <unicorn/unicorn.h>

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cstring>

namespace gostart::cpu {
namespace {

std::atomic<size_t> g_page_bytes{0};

const std::shared_ptr<const PageData>& zero_page() {
    static const std::shared_ptr<const PageData> z = [] {
        auto p = std::make_shared<PageData>();
        g_page_bytes -= kPageSize;  // one page for the whole process: not a snapshot's cost
        return p;
    }();
    return z;
}

bool all_zero(const uint8_t* p) { return std::memcmp(p, zero_page()->bytes.data(), kPageSize) == 0; }

struct Range {
    uint64_t begin, end;  // [begin, end)
    uint32_t prot;
};

std::vector<Range> live_regions(uc_engine* uc) {
    uc_mem_region* regions = nullptr;
    uint32_t count = 0;
    std::vector<Range> out;
    if (uc_mem_regions(uc, &regions, &count) != UC_ERR_OK) return out;
    for (uint32_t i = 0; i < count; ++i) out.push_back({regions[i].begin, regions[i].end + 1, regions[i].perms});
    uc_free(regions);
    std::sort(out.begin(), out.end(), [](const Range& a, const Range& b) { return a.begin < b.begin; });
    return out;
}

// Calls fn(begin, end, covering) for the pieces of [begin, end) that `cover` (sorted) covers or not:
// covering is the covering range, or nullptr for a gap.
template <typename Cover, typename Fn>
void for_each_piece(uint64_t begin, uint64_t end, const std::vector<Cover>& cover, Fn fn) {
    uint64_t at = begin;
    auto it = std::upper_bound(cover.begin(), cover.end(), begin, [](uint64_t a, const Cover& c) { return a < c.end; });
    for (; at < end && it != cover.end() && it->begin < end; ++it) {
        if (it->begin > at) fn(at, it->begin, static_cast<const Cover*>(nullptr));
        uint64_t b = std::max(at, it->begin), e = std::min(end, it->end);
        if (b < e) fn(b, e, &*it);
        at = std::max(at, e);
    }
    if (at < end) fn(at, end, static_cast<const Cover*>(nullptr));
}

}  // namespace

PageData::PageData() : bytes{} { g_page_bytes += kPageSize; }
PageData::~PageData() { g_page_bytes -= kPageSize; }
size_t PageData::bytes_in_use() { return g_page_bytes; }

// Walks the regions of `image` (sorted) in address order.
class RegionCursor {
public:
    explicit RegionCursor(const std::vector<MappedRegion>& image) : it_(image.begin()), end_(image.end()) {}
    // The region holding `addr`, or null.
    const MappedRegion* at(uint64_t addr) {
        while (it_ != end_ && it_->end <= addr) ++it_;
        return it_ != end_ && it_->begin <= addr ? &*it_ : nullptr;
    }
    const std::shared_ptr<const PageData>* page(uint64_t addr) {
        const MappedRegion* r = at(addr);
        return r ? &r->page(addr) : nullptr;
    }

private:
    std::vector<MappedRegion>::const_iterator it_, end_;
};

bool same_range(const MappedRegion* m, uint64_t begin, uint64_t end, uint32_t prot) {
    return m && m->begin == begin && m->end == end && m->prot == prot;
}

Snapshot Engine::take_snapshot() {
    Snapshot s;
    save(s.regs);
    s.instructions = insns_;
    s.resume_partial = resume_partial_;
    s.resume_pc = resume_pc_;
    RegionCursor prev(sync_);
    for (const Range& r : live_regions(uc_)) {
        const MappedRegion* before = prev.at(r.begin);
        if (same_range(before, r.begin, r.end, r.prot) && !host_.written_in(r.begin, r.end)) {
            s.memory.push_back(*before);  // nothing written there: the same pages
            continue;
        }
        auto pages = std::make_shared<PageList>();
        pages->reserve((r.end - r.begin) / kPageSize);
        for (uint64_t addr = r.begin; addr < r.end; addr += kPageSize) {
            const uint8_t* bytes = host_.host(addr);
            if (!bytes) throw EngineError(fmt::format("no host memory behind guest page {:#x}", addr));
            const std::shared_ptr<const PageData>* old = prev.page(addr);
            bool written = host_.written(addr);
            if (old && (!written || std::memcmp((*old)->bytes.data(), bytes, kPageSize) == 0)) {
                pages->push_back(*old);
            } else if (!written || all_zero(bytes)) {  // not written since it was mapped: zero
                pages->push_back(zero_page());
            } else {
                auto page = std::make_shared<PageData>();
                std::memcpy(page->bytes.data(), bytes, kPageSize);
                pages->push_back(std::move(page));
                ++s.new_pages;
            }
        }
        s.memory.push_back(MappedRegion{r.begin, r.end, r.prot, std::move(pages)});
    }
    sync_ = s.memory;
    host_.start_tracking();
    return s;
}

void Engine::restore_snapshot(const Snapshot& s) {
    // Mappings first: unmap what the snapshot does not have, protect what it has differently, map
    // what is missing (fresh mappings read as zero; the bytes below fill them).
    std::vector<Range> live = live_regions(uc_);
    for (const Range& r : live)
        for_each_piece(r.begin, r.end, s.memory, [&](uint64_t b, uint64_t e, const MappedRegion* m) {
            if (!m) unmap(guest::Addr(b), e - b);
            else if (m->prot != r.prot) protect(guest::Addr(b), e - b, m->prot);
        });
    for (const MappedRegion& m : s.memory)
        for_each_piece(m.begin, m.end, live, [&](uint64_t b, uint64_t e, const Range* r) {
            if (!r) map(guest::Addr(b), e - b, m.prot);
        });
    RegionCursor prev(sync_);
    for (const MappedRegion& m : s.memory) {
        const MappedRegion* before = prev.at(m.begin);
        if (same_range(before, m.begin, m.end, m.prot) && before->pages == m.pages && !host_.written_in(m.begin, m.end))
            continue;  // live memory is this region already
        for (uint64_t addr = m.begin; addr < m.end; addr += kPageSize) {
            const auto& page = m.page(addr);
            const std::shared_ptr<const PageData>* old = prev.page(addr);
            bool written = host_.written(addr);
            if (!written && (old ? *old == page : page == zero_page())) continue;  // live memory is this page already
            uint8_t* bytes = host_.host(addr);
            if (!bytes) throw EngineError(fmt::format("no host memory behind guest page {:#x}", addr));
            if (std::memcmp(page->bytes.data(), bytes, kPageSize) != 0) std::memcpy(bytes, page->bytes.data(), kPageSize);
        }
    }
    restore(s.regs);
    insns_ = s.instructions;
    resume_partial_ = s.resume_partial;
    resume_pc_ = s.resume_pc;
    sync_ = s.memory;
    host_.start_tracking();
}

}  // namespace gostart::cpu
