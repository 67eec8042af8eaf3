// The start-up milestones, one table: in the order rt0_go reaches them, each with the function whose
// call or entry marks it, the short name users type (break, until, layout --at), and where its state
// is checked. The model's predictions, the session's tracker and check points, the checker, info,
// layout, check's report and the stepper all read this table; none keeps its own list.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace gostart::model {

enum class Milestone { settls, cgo_init, check, args, osinit, schedinit, newproc, mstart, runtime_main, main_main, exit };

// Where a milestone's state is checked (and where layout --at draws it).
enum class CheckedAt {
    never,         // runtime.rt0_go: a marker of the start, nothing to check
    after_call,    // the instruction after rt0_go's call of it: the state as rt0_go sees it on return
    runtime_main,  // mstart never returns: on entry to runtime.main, which it scheduled
    entry,         // on entry to the function
    exit,          // when the process exits
};

struct MilestoneInfo {
    std::optional<Milestone> id;  // the model's (none for rt0_go)
    const char* function;         // "runtime.settls"; "_cgo_init": rt0_go's call through the _cgo_init pointer
    const char* short_name;       // "settls"
    CheckedAt checked;
    bool cgo_path = true;         // reached with cgo (settls is not: glibc set the thread pointer)
    bool plain_path = true;       // reached without cgo (_cgo_init is not)
};

inline constexpr MilestoneInfo kMilestones[] = {
    {std::nullopt, "runtime.rt0_go", "rt0_go", CheckedAt::never},
    {Milestone::settls, "runtime.settls", "settls", CheckedAt::after_call, false, true},
    {Milestone::cgo_init, "_cgo_init", "cgo_init", CheckedAt::after_call, true, false},
    {Milestone::check, "runtime.check", "check", CheckedAt::after_call},
    {Milestone::args, "runtime.args", "args", CheckedAt::after_call},
    {Milestone::osinit, "runtime.osinit", "osinit", CheckedAt::after_call},
    {Milestone::schedinit, "runtime.schedinit", "schedinit", CheckedAt::after_call},
    {Milestone::newproc, "runtime.newproc", "newproc", CheckedAt::after_call},
    {Milestone::mstart, "runtime.mstart", "mstart", CheckedAt::runtime_main},
    // "main" is the program's main, as `break main` means in the stepper; runtime.main has no short name.
    {Milestone::runtime_main, "runtime.main", "runtime.main", CheckedAt::entry},
    {Milestone::main_main, "main.main", "main", CheckedAt::entry},
    {Milestone::exit, "exit", "exit", CheckedAt::exit},
};

const MilestoneInfo& milestone_info(Milestone m);
// By its function's name or its short name ("runtime.schedinit", "schedinit"); null when neither.
const MilestoneInfo* find_milestone(std::string_view name);
// How a report says where it was checked: "after runtime.settls returned", "on entry to main.main",
// "runtime.mstart's work, at runtime.main", "at exit".
std::string checked_where(const MilestoneInfo& m);
// Its position in kMilestones (rt0_go is 0): later milestones have larger ones.
size_t milestone_order(const MilestoneInfo& m);

}  // namespace gostart::model
