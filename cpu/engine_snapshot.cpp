// Engine snapshots (cpu/snapshot.h): the registers and run state, and every Unicorn mapping page by
// page. Unicorn 2.0.1 can save registers (uc_context) but not memory, and tells nothing about which
// pages were written; the host memory behind the mappings does (cpu/host_memory.h). `sync_` is what
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

// Walks the pages of `image` (sorted) in address order: the page at each address asked, or null.
class PageCursor {
public:
    explicit PageCursor(const std::vector<MappedRegion>& image) : it_(image.begin()), end_(image.end()) {}
    const std::shared_ptr<const PageData>* at(uint64_t addr) {
        while (it_ != end_ && it_->end <= addr) ++it_;
        if (it_ == end_ || it_->begin > addr) return nullptr;
        return &it_->pages[(addr - it_->begin) / kPageSize];
    }

private:
    std::vector<MappedRegion>::const_iterator it_, end_;
};

Snapshot Engine::take_snapshot() {
    Snapshot s;
    save(s.regs);
    s.instructions = insns_;
    s.resume_partial = resume_partial_;
    s.resume_pc = resume_pc_;
    PageCursor prev(sync_);
    for (const Range& r : live_regions(uc_)) {
        MappedRegion m{r.begin, r.end, r.prot, {}};
        m.pages.reserve((r.end - r.begin) / kPageSize);
        for (uint64_t addr = r.begin; addr < r.end; addr += kPageSize) {
            const uint8_t* bytes = host_.host(addr);
            if (!bytes) throw EngineError(fmt::format("no host memory behind guest page {:#x}", addr));
            const std::shared_ptr<const PageData>* old = prev.at(addr);
            if (old && (!host_.written(addr) || std::memcmp((*old)->bytes.data(), bytes, kPageSize) == 0)) {
                m.pages.push_back(*old);
            } else if (all_zero(bytes)) {
                m.pages.push_back(zero_page());
            } else {
                auto page = std::make_shared<PageData>();
                std::memcpy(page->bytes.data(), bytes, kPageSize);
                m.pages.push_back(std::move(page));
                ++s.new_pages;
            }
        }
        s.memory.push_back(std::move(m));
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
            if (!m) unmap(b, e - b);
            else if (m->prot != r.prot) check(uc_mem_protect(uc_, b, e - b, m->prot), "restoring a protection");
        });
    for (const MappedRegion& m : s.memory)
        for_each_piece(m.begin, m.end, live, [&](uint64_t b, uint64_t e, const Range* r) {
            if (!r) map(b, e - b, m.prot);
        });
    PageCursor prev(sync_);
    for (const MappedRegion& m : s.memory) {
        for (uint64_t addr = m.begin; addr < m.end; addr += kPageSize) {
            const auto& page = m.pages[(addr - m.begin) / kPageSize];
            const std::shared_ptr<const PageData>* old = prev.at(addr);
            if (old && *old == page && !host_.written(addr)) continue;  // unchanged since sync_, which is this page
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
