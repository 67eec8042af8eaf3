// StartupChecker: runs the runtime model alongside a Session. At each milestone point it asks the
// model for its predictions and the checker for what memory holds, and records a MilestoneReport.
// `run` prints one line per milestone with its check count; `check` prints the whole table.
#pragma once

#include "gostructs/struct_layouts.h"
#include "runtime_model/checker.h"
#include "runtime_model/startup_model.h"
#include "session/milestone_points.h"
#include "session/session.h"

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace gostart::app {

struct MilestoneReport {
    std::string name;
    uint64_t insn = 0;
    int thread = 0;
    std::vector<model::Check> checks;
    std::string note;  // when there are no checks: why there is nothing to check here
    size_t failed() const {
        size_t n = 0;
        for (const auto& c : checks) n += !c.ok;
        return n;
    }
};

// Test-only knobs (hidden flags of `check`): lie to the model or corrupt memory, to prove checks can fail.
struct CheckDebug {
    std::optional<int> model_cpus;
    std::optional<std::string> model_gomaxprocs;
    int64_t model_sp_shift = 0;
    std::string corrupt_milestone, corrupt_field;  // write corrupt_value at that field before checking
    uint64_t corrupt_value = 0;
};

// Refuses, as "cannot be run" (LoadError, 126, naming the file), a program whose start-up the model
// does not know: a Go release outside the model's, or a cgo program of a release whose cgo start-up
// rules are not known. Call before running anything.
void require_model_support(const session::Program& program);

class StartupChecker {
public:
    // Throws std::runtime_error when the model cannot be set up (no layouts for this binary).
    StartupChecker(session::Session& session, std::unique_ptr<gostructs::StructLayouts> layouts, const CheckDebug& debug = {});

    std::function<void(const MilestoneReport&)> on_report;
    // Call after the run: evaluates the exit milestone (or says why there is nothing to predict).
    void finish(const linux::ExitInfo& exit);
    const std::vector<MilestoneReport>& reports() const { return reports_; }
    const model::StartupModel& model() const { return *model_; }
    const gostructs::StructLayouts& layouts() const { return *layouts_; }
    bool ok() const;

    // For checkpoints: the reports so far and what the hooks have learnt, and back.
    struct State {
        std::vector<MilestoneReport> reports;
        std::map<std::string, bool> done;
        bool main_returned = false, fatal_panic = false;
    };
    State state() const { return {reports_, done_, main_returned_, fatal_panic_}; }
    void set_state(const State& s);

private:
    void at(model::Milestone m, uint64_t pc);
    void at_point(const std::vector<model::Milestone>& ms, uint64_t pc);

    session::Session& session_;
    std::unique_ptr<gostructs::StructLayouts> layouts_;
    model::ModelInputs inputs_;
    std::unique_ptr<model::StartupModel> model_;
    std::unique_ptr<model::GuestView> view_;
    std::unique_ptr<model::Checker> checker_;
    CheckDebug debug_;
    std::vector<MilestoneReport> reports_;
    std::map<std::string, bool> done_;
    bool main_returned_ = false, fatal_panic_ = false;
    bool rt0_seen_ = false;
};

// ModelInputs from what the session's loader and Linux layer gave the guest.
model::ModelInputs model_inputs(session::Session& session);

}  // namespace gostart::app
