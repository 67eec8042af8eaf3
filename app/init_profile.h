// InitProfile: where start-up went, phase by phase and package init task by package init task, as
// `inittrace` measures it (app/init_profiler.h) and `diff` compares it. Saved and read back as the JSON
// of `inittrace --json`, so a baseline from one build can be diffed against the next.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace gostart::app {

struct InitCost {
    uint64_t insns = 0;     // inclusive, executed by the thread that ran the row
    uint64_t bytes = 0;     // heap bytes as the runtime's inittrace counts them (size classes)
    uint64_t allocs = 0;    // mallocgc calls of a non-zero size
    uint64_t syscalls = 0;
    uint64_t threads = 0;   // threads started (clone)
    InitCost& operator+=(const InitCost& o);
};

struct InitRow {
    std::string name;    // a phase ("schedinit", "main.main") or a package path ("fmt")
    std::string phase;   // packages: the phase they ran in ("runtime inits" or "main inits"); phases: ""
    uint64_t fns = 0;    // packages: init functions run
    InitCost cost;
};

// The runtime's own phases, in the order they run.
inline constexpr const char* kInitPhases[] = {"schedinit", "runtime inits", "gcenable", "main inits", "main.main"};

struct InitProfile {
    std::string program, go_version, task_layout;
    bool has_inits = true;           // false for a `check --json` baseline: milestones only
    std::vector<InitRow> phases;     // those reached, in order
    std::vector<InitRow> packages;   // in the order their init tasks ran
    bool reached_main = false;
    uint64_t main_main_insn = 0;     // instructions executed (all threads) before main.main's first
    std::vector<std::string> syscalls_before_main;  // names, in order, all threads
    struct Milestone {
        std::string name;
        uint64_t insn = 0;
        int thread = 0;
        // From a `check --json` baseline: each model field's value in emulated memory ("actual").
        std::vector<std::pair<std::string, std::string>> fields;
    };
    std::vector<Milestone> milestones;
    int exit_status = 0;

    InitCost packages_total() const;
};

nlohmann::ordered_json profile_to_json(const InitProfile& p);  // keys in the order written
// From `inittrace --json` output, or the milestones of `check --json` (no packages then). Throws
// std::runtime_error naming what is missing.
InitProfile profile_from_json(const nlohmann::json& j);

// The text table: phases in order, then packages largest first (by instructions), then their total.
void write_profile_table(const InitProfile& p, std::ostream& out);
// Folded stacks ("start-up;main inits;fmt 1234"), weighted by instructions not in a deeper row.
void write_profile_folded(const InitProfile& p, std::ostream& out);
// A horizontal bar chart of the packages' instructions (largest first) and the phases.
void write_profile_svg(const InitProfile& p, std::ostream& out);

}  // namespace gostart::app
