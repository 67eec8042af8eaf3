// StartupDiff: what changed in start-up between two init profiles (app/init_profile.h) — instructions to
// main.main, package inits added, removed, grown or shrunk, the phases, the syscalls made before
// main.main (an edit script of their names), the milestones — and the budgets a CI job sets on them
// (`main.main=+5%`, `fmt=+20000`), each one ok or exceeded with a one-line reason.
#pragma once

#include "app/init_profile.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace gostart::app {

// NAME=+N% or NAME=+N (instructions). NAME: main.main (instructions executed before it), total (all
// package inits), a phase, or a package path. Throws std::invalid_argument with the reason.
struct Budget {
    std::string spec, name;
    double percent = 0;       // when relative
    uint64_t absolute = 0;    // when absolute
    bool relative = true;
};
Budget parse_budget(const std::string& spec);

struct RowChange {
    std::string name, status;  // "added", "removed", "grown", "shrunk", "changed" (same instructions)
    std::optional<InitCost> a, b;
};

struct SyscallEdit {
    char op;            // '-' only in A, '+' only in B
    size_t index;       // position in A ('-') or B ('+')
    std::string name;
};

struct BudgetResult {
    Budget budget;
    bool ok = true;
    std::string reason;  // one line
};

struct StartupDiff {
    std::string a_name, b_name;
    bool a_main = false, b_main = false;
    uint64_t a_main_insn = 0, b_main_insn = 0;
    std::vector<RowChange> packages, phases;  // changed ones only
    size_t unchanged_packages = 0;
    bool compared_inits = true;  // false when one side is a check --json baseline (milestones only)
    size_t a_syscalls = 0, b_syscalls = 0;
    bool have_syscalls = false;  // both inputs listed them
    std::vector<SyscallEdit> syscall_edits;
    std::vector<std::string> milestones;  // one line per difference
    std::vector<BudgetResult> budgets;

    bool changed() const;
    bool within_budgets() const;
};

StartupDiff diff_profiles(const InitProfile& a, const InitProfile& b, const std::vector<Budget>& budgets);

void write_diff_text(const StartupDiff& d, std::ostream& out);
nlohmann::ordered_json diff_to_json(const StartupDiff& d);
void write_diff_junit(const StartupDiff& d, std::ostream& out);

}  // namespace gostart::app
