#include "stepper/checkpoints.h"

#include <limits>
#include <set>

namespace gostart::stepper {

const Checkpoint* CheckpointStore::at_or_before(uint64_t pos) const {
    auto it = by_pos_.upper_bound(pos);
    if (it == by_pos_.begin()) return nullptr;
    return &std::prev(it)->second;
}

std::optional<uint64_t> CheckpointStore::next_after(uint64_t pos) const {
    if (policy_.interval == 0 || !policy_.reversible) return std::nullopt;
    uint64_t next = (pos / policy_.interval + 1) * policy_.interval;
    while (by_pos_.count(next)) next += policy_.interval;
    return next;
}

std::vector<uint64_t> CheckpointStore::positions() const {
    std::vector<uint64_t> out;
    for (const auto& [pos, c] : by_pos_) out.push_back(pos);
    return out;
}

size_t CheckpointStore::bytes() const {
    std::set<const cpu::PageList*> lists;  // shared between checkpoints: count each once
    size_t page_tables = 0;
    for (const auto& [pos, c] : by_pos_)
        for (const auto& r : c.session->cpu.memory)
            if (lists.insert(r.pages.get()).second) page_tables += r.pages->size() * sizeof(r.pages->front());
    return cpu::PageData::bytes_in_use() + page_tables;
}

void CheckpointStore::add(Checkpoint c, uint64_t focus) {
    uint64_t pos = c.session->position;
    by_pos_.insert_or_assign(pos, std::move(c));
    thin(focus);
}

void CheckpointStore::thin(uint64_t focus) {
    while (by_pos_.size() > 2 && (by_pos_.size() > policy_.max_count || bytes() > policy_.max_bytes)) {
        // Removing checkpoint i leaves the gap (next - previous); it matters less the further i is
        // from the focus. The first checkpoint (instruction 0) is never a candidate.
        auto victim = by_pos_.end();
        double best = std::numeric_limits<double>::max();
        for (auto it = std::next(by_pos_.begin()); it != by_pos_.end(); ++it) {
            auto next = std::next(it);
            uint64_t gap = (next == by_pos_.end() ? it->first : next->first) - std::prev(it)->first;
            uint64_t distance = it->first > focus ? it->first - focus : focus - it->first;
            double cost = static_cast<double>(gap) / static_cast<double>(distance + policy_.interval + 1);
            if (cost < best) best = cost, victim = it;
        }
        by_pos_.erase(victim);
    }
}

}  // namespace gostart::stepper
