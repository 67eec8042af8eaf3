#include "session/milestones.h"

#include "cpu/engine.h"
#include "runtime_model/milestone_table.h"
#include "session/milestone_points.h"

#include <cstring>

namespace gostart::session {

MilestoneTracker::MilestoneTracker(cpu::Engine& engine, const loader::SymbolTable& symbols, std::function<int()> tid,
                                   OnHit on_hit) {
    size_t i = 0;
    MilestonePoints points = find_milestone_points(engine, symbols);
    for (const model::MilestoneInfo& m : model::kMilestones) {
        if (m.checked == model::CheckedAt::exit) continue;  // not a function: nothing to hook
        const char* name = m.function;
        seen_.push_back(false);
        if (std::strcmp(name, "_cgo_init") == 0) {
            // x_cgo_init is C: a stripped binary has no name for it, so catch rt0_go's `CALL AX` instead;
            // its target is in AX, and the C function's first instruction is the one after the call.
            if (points.cgo_init_call)
                engine.add_code_hook(*points.cgo_init_call, *points.cgo_init_call, [this, &engine, i, name, tid, on_hit](uint64_t pc) {
                    if (seen_[i]) return;
                    seen_[i] = true;
                    MilestoneHit h{name, engine.reg(cpu::Reg::rax), engine.instructions_before(pc) + 1, tid()};
                    hits_.push_back(h);
                    if (on_hit) on_hit(h);
                });
            ++i;
            continue;
        }
        auto addr = symbols.find(name);
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
            if (h.name == model::kMilestones[i].function) seen_[i] = true;
    }
}

}  // namespace gostart::session
