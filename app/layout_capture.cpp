#include "app/layout_capture.h"

#include "app/commands.h"
#include "picture/layout_facts.h"
#include "runtime_model/milestone_table.h"
#include "session/milestone_points.h"

#include <fmt/format.h>

namespace gostart::app {

LayoutCapture::LayoutCapture(session::Session& session, const gostructs::StructLayouts& layouts, const std::string& milestone,
                             bool pause)
    : session_(session), layouts_(layouts), milestone_(milestone), pause_(pause) {
    session::MilestonePoints pts = session::find_milestone_points(session.engine(), session.program().symbols);
    // Any milestone of the table, by its function's name or its short name (schedinit, main.main).
    const model::MilestoneInfo* m = model::find_milestone(milestone);
    if (!m || m->checked == model::CheckedAt::never || m->checked == model::CheckedAt::exit) {
        std::string names;
        for (const model::MilestoneInfo& i : model::kMilestones)
            if (i.checked != model::CheckedAt::never && i.checked != model::CheckedAt::exit)
                names += (names.empty() ? "" : ", ") + std::string(i.short_name);
        throw UsageError(fmt::format("layout: --at {}: not a milestone ({}; or the function's full name)", milestone, names));
    }
    milestone_ = m->function;
    order_ = model::milestone_order(*m);
    std::optional<uint64_t> at;
    switch (m->checked) {
        case model::CheckedAt::after_call:
            if (auto it = pts.after_call.find(m->function); it != pts.after_call.end()) at = it->second;
            where_ = fmt::format("after rt0_go's call of {} returns", m->function);
            break;
        case model::CheckedAt::runtime_main:
            at = pts.runtime_main;
            where_ = "mstart never returns: on entry to runtime.main, which it scheduled";
            break;
        default:  // entry
            at = m->id == model::Milestone::runtime_main ? pts.runtime_main : pts.main_main;
            where_ = fmt::format("on entry to {}", m->function);
            break;
    }
    if (!at) throw std::runtime_error(fmt::format("cannot find where {} is in this binary", milestone));
    session.engine().add_code_hook(*at, *at, [this](uint64_t pc) { capture(pc); });
}

void LayoutCapture::capture(uint64_t pc) {
    if (picture_) return;
    cpu::Engine& e = session_.engine();
    const session::Program& prog = session_.program();
    picture::LayoutInputs in;
    in.read = [&e](uint64_t a, void* d, size_t n) { return e.try_read(guest::Addr(a), d, n); };
    in.describe = [&prog](uint64_t a) { return prog.describe(a); };
    in.layouts = &layouts_;
    for (const char* s : {"runtime.g0", "runtime.m0", "runtime.allp", "runtime.allgs", "runtime.sched"})
        if (auto a = prog.symbols.find(s)) in.symbols[s] = *a;
    in.stack = &session_.initial_stack();
    in.sp = e.reg(cpu::Reg::rsp);
    in.fs_base = e.reg(cpu::Reg::fs_base);
    std::string name = prog.path().substr(prog.path().find_last_of('/') + 1);
    in.title = fmt::format("{} ({}): {} — insn {}, thread {}", name, prog.go ? prog.go->version : "?", where_,
                           e.instructions_before(pc), session_.process().current_tid());
    // After osinit the scheduler's state exists: the picture shows it.
    in.later = order_ > model::milestone_order(model::milestone_info(model::Milestone::osinit));
    picture_ = picture::build_layout(in);
    if (pause_) session_.process().pause();
}

}  // namespace gostart::app
