// StartupModel: the native model of the Go runtime's start-up. For each milestone it predicts, from
// ModelInputs and the version's rules only, what g0, m0, sched, the Ps and the main goroutine must
// hold — with a one-line reason each (runtime source). It never reads guest memory: the checker does.
#pragma once

#include "runtime_model/expectation.h"
#include "runtime_model/model_inputs.h"
#include "runtime_model/version_rules.h"

#include <string>
#include <vector>

namespace gostart::model {

// Milestones in the order start-up reaches them; names as in CLI.md's check --json.
enum class Milestone { settls, check, args, osinit, schedinit, newproc, mstart, runtime_main, main_main, exit };

const char* milestone_name(Milestone m);   // "runtime.settls", ..., "main.main", "exit"
std::vector<Milestone> all_milestones();

class StartupModel {
public:
    explicit StartupModel(ModelInputs in);

    const ModelInputs& inputs() const { return in_; }
    const VersionRules& rules() const { return rules_; }

    // g0's stack as rt0_go sets it up (the first facts of the article's step 1).
    uint64_t g0_stack_hi() const;
    uint64_t g0_stack_lo() const;
    int gomaxprocs() const;  // ncpu, or GOMAXPROCS when set to a positive number

    std::vector<Expectation> predict(Milestone m) const;
    // The exit milestone: the status the process must end with, from the path start-up took to the
    // end (observed by the caller: did main.main return, did the runtime reach fatalpanic?).
    enum class ExitPath { main_returned, fatal_panic, other };
    std::vector<Expectation> predict_exit(ExitPath path) const;

private:
    ModelInputs in_;
    VersionRules rules_;
};

}  // namespace gostart::model
