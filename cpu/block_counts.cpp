#include "cpu/block_counts.h"

#include <algorithm>

namespace gostart::cpu {

std::optional<BlockCounts::Entry> BlockCounts::find(uint64_t addr, uint32_t size) {
    auto it = all_.find(addr);
    if (it == all_.end()) return std::nullopt;
    Entry e{addr, size, it->second.insns, it->second.gp};
    slots_[slot(addr)] = e;
    return e;
}

void BlockCounts::insert(uint64_t addr, uint32_t size, uint16_t insns, bool gp) {
    all_.insert_or_assign(addr, Count{insns, gp});
    slots_[slot(addr)] = Entry{addr, size, insns, gp};
    lo_ = std::min(lo_, addr);
    hi_ = std::max(hi_, addr + 1);
}

bool BlockCounts::forget(uint64_t begin, uint64_t end) {
    if (!any_in(begin, end)) return false;
    size_t before = all_.size();
    std::erase_if(all_, [&](const auto& kv) { return kv.first >= begin && kv.first < end; });
    if (all_.size() == before) return false;
    for (Entry& e : slots_)
        if (e.addr >= begin && e.addr < end) e = Entry{};
    return true;
}

}  // namespace gostart::cpu
