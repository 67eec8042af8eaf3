// The fields of the runtime's structures that gostart-emu's model and stepper read, in one list. Every
// per-version table must hold each required one, and DWARF layouts count as complete only when they do;
// a test walks this list so that adding a field here forces every table to gain it.
#pragma once

#include <span>
#include <string_view>

namespace gostart::gostructs {

struct ModelField {
    std::string_view type;  // "g", "m", "p", "schedt", "gobuf", "stack"
    std::string_view path;  // "sched.sp"
    // Fields that exist only in some releases: g.syscallbp from 1.23; gobuf.ret and schedt.runqsize until
    // 1.24 (1.25 moved the global run queue's count into schedt.runq.size).
    bool optional = false;
};

std::span<const ModelField> model_fields();
// The structures whose whole size the model needs (allp walks, g0 placement): g, m, p, schedt, gobuf, stack.
std::span<const std::string_view> model_types();

}  // namespace gostart::gostructs
