#include "runtime_model/milestone_table.h"

namespace gostart::model {

const MilestoneInfo& milestone_info(Milestone m) {
    for (const MilestoneInfo& i : kMilestones)
        if (i.id == m) return i;
    return kMilestones[0];  // unreachable: every Milestone has a row
}

const MilestoneInfo* find_milestone(std::string_view name) {
    for (const MilestoneInfo& i : kMilestones)
        if (name == i.function || name == i.short_name) return &i;
    return nullptr;
}

std::string checked_where(const MilestoneInfo& m) {
    switch (m.checked) {
        case CheckedAt::never: return std::string("at ") + m.function;
        case CheckedAt::after_call: return std::string("after ") + m.function + " returned";
        case CheckedAt::runtime_main: return std::string(m.function) + "'s work, at runtime.main";
        case CheckedAt::entry: return std::string("on entry to ") + m.function;
        case CheckedAt::exit: return "at exit";
    }
    return {};
}

size_t milestone_order(const MilestoneInfo& m) { return static_cast<size_t>(&m - kMilestones); }

}  // namespace gostart::model
