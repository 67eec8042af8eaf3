#include "app/milestones.h"

#include "cpu/engine.h"

namespace gostart::app {

MilestoneTracker::MilestoneTracker(cpu::Engine& engine, const loader::SymbolTable& symbols, std::function<int()> tid,
                                   OnHit on_hit) {
    size_t i = 0;
    for (const char* name : kMilestoneNames) {
        auto addr = symbols.find(name);
        seen_.push_back(false);
        if (!addr) {
            missing_.push_back(name);
            ++i;
            continue;
        }
        engine.add_code_hook(*addr, *addr, [this, &engine, i, name, a = *addr, tid, on_hit](uint64_t pc) {
            if (seen_[i]) return;
            seen_[i] = true;
            MilestoneHit h{name, a, engine.instructions_before(pc), tid()};
            hits_.push_back(h);
            if (on_hit) on_hit(h);
        });
        ++i;
    }
}

void MilestoneTracker::set_hits(std::vector<MilestoneHit> hits) {
    hits_ = std::move(hits);
    for (size_t i = 0; i < seen_.size(); ++i) {
        seen_[i] = false;
        for (const auto& h : hits_)
            if (h.name == kMilestoneNames[i]) seen_[i] = true;
    }
}

}  // namespace gostart::app
