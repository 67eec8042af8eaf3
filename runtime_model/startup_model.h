// StartupModel: the native model of the Go runtime's start-up. For each milestone it predicts, from
// ModelInputs and the version's rules only, what g0, m0, sched, the Ps and the main goroutine must
// hold — with a one-line reason each (runtime source). It never reads guest memory: the checker does.
#pragma once

#include "runtime_model/expectation.h"
#include "runtime_model/milestone_table.h"
#include "runtime_model/model_inputs.h"
#include "runtime_model/version_rules.h"

#include <string>
#include <vector>

namespace gostart::model {

// The milestones are runtime_model/milestone_table.h's; names as in CLI.md's check --json.
// cgo_init replaces settls when the binary links runtime/cgo: rt0_go calls one or the other.
inline const char* milestone_name(Milestone m) { return milestone_info(m).function; }  // "runtime.settls", ..., "exit"
std::vector<Milestone> all_milestones();   // both paths' milestones, in order

class StartupModel {
public:
    explicit StartupModel(ModelInputs in);

    const ModelInputs& inputs() const { return in_; }
    const VersionRules& rules() const { return rules_; }

    // The milestones of this binary's path, in order (settls or _cgo_init).
    std::vector<Milestone> milestones() const;

    // g0's stack as rt0_go sets it up (the first facts of the article's step 1); with cgo, x_cgo_init
    // then moves lo down to the bottom of the main thread's stack as pthreads sees it.
    uint64_t g0_stack_hi() const;
    uint64_t g0_initial_lo() const;  // rt0_go's own guess: hi less the g0 stack span
    uint64_t g0_stack_lo() const;    // after _cgo_init (the same as the initial one without cgo)
    // Where g is stored, relative to the FS base: -8 (settls: FS = &m0.tls + 8), or with cgo the
    // offset of runtime.tlsg in the program's static TLS block as glibc lays it out.
    int64_t g_tls_offset() const;
    int m_id_of_sysmon() const;      // 1, or 2 with cgo (the extra M for C callbacks takes 1)
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
