// The check command's outputs: a readable table (colours only on a terminal), the JSON of CLI.md,
// and JUnit XML (one test case per milestone) for CI systems.
#pragma once

#include "app/startup_checker.h"

#include <ostream>
#include <string>
#include <vector>

namespace gostart::app {

struct CheckSummary {
    std::string program;
    std::string go_version;
    int exit_status = 0;
    const std::vector<MilestoneReport>* reports = nullptr;
    bool ok() const;
    size_t total_checks() const;
};

void write_check_table(std::ostream& out, const CheckSummary& s, bool colour);
void write_check_json(std::ostream& out, const CheckSummary& s);
void write_check_junit(std::ostream& out, const CheckSummary& s);
// Where a milestone's state is checked, in words: "after runtime.settls", "on entry to main.main",
// "runtime.mstart's work, at runtime.main", "at exit".
std::string milestone_point_label(const std::string& name);
// One line for `run`'s summary: "runtime.settls    30 insns  thread 1000  5/5 checks agree".
std::string milestone_line(const MilestoneReport& r);

}  // namespace gostart::app
