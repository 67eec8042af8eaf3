// Start-up milestones: the functions whose entry marks a step of the Go runtime's start-up, in the
// order rt0_go reaches them. The tracker hooks each entry address on the engine (a one-address
// code hook: free elsewhere) and records the first time each is entered.
#pragma once

#include "loader/symbol_table.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace gostart::cpu { class Engine; }

namespace gostart::session {

// The milestones are model::kMilestones (runtime_model/milestone_table.h), every row but the exit. With
// cgo, rt0_go calls _cgo_init (runtime/cgo's C x_cgo_init, through a function pointer) and never settls:
// glibc already set up the thread pointer. Each binary reaches one of the two.

struct MilestoneHit {
    std::string name;
    uint64_t addr = 0;
    uint64_t insn = 0;  // instructions executed before its first instruction
    int thread = 0;
};

class MilestoneTracker {
public:
    using OnHit = std::function<void(const MilestoneHit&)>;
    // Hooks every milestone the symbol table knows; `tid` tells which thread is running.
    MilestoneTracker(cpu::Engine& engine, const loader::SymbolTable& symbols, std::function<int()> tid, OnHit on_hit);
    const std::vector<MilestoneHit>& hits() const { return hits_; }
    const std::vector<std::string>& missing() const { return missing_; }  // names with no address
    // For checkpoints: what has been seen, and back (a milestone not in `hits` can be reached again).
    void set_hits(std::vector<MilestoneHit> hits);

private:
    std::vector<MilestoneHit> hits_;
    std::vector<std::string> missing_;
    std::vector<bool> seen_;
};

}  // namespace gostart::session
