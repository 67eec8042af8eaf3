#include "app/layout_capture.h"

#include "app/commands.h"
#include "picture/layout_facts.h"
#include "session/milestone_points.h"

#include <fmt/format.h>

namespace gostart::app {

LayoutCapture::LayoutCapture(session::Session& session, const gostructs::StructLayouts& layouts, const std::string& milestone,
                             bool pause)
    : session_(session), layouts_(layouts), milestone_(milestone), pause_(pause) {
    session::MilestonePoints pts = session::find_milestone_points(session.engine(), session.program().symbols);
    std::optional<uint64_t> at;
    if (auto it = pts.after_call.find(milestone); it != pts.after_call.end() && milestone != "runtime.mstart") {
        at = it->second;
        where_ = fmt::format("after rt0_go's call of {} returns", milestone);
    } else if (milestone == "runtime.mstart" || milestone == "runtime.main") {
        at = pts.runtime_main;
        where_ = milestone == "runtime.main" ? "on entry to runtime.main"
                                             : "mstart never returns: on entry to runtime.main, which it scheduled";
    } else if (milestone == "main.main") {
        at = pts.main_main;
        where_ = "on entry to main.main";
    } else {
        throw UsageError(fmt::format("layout: --at {}: not a milestone (runtime.settls … runtime.newproc, "
                                     "runtime.mstart, runtime.main, main.main)", milestone));
    }
    if (!at) throw std::runtime_error(fmt::format("cannot find where {} is in this binary", milestone));
    session.engine().add_code_hook(*at, *at, [this](uint64_t pc) { capture(pc); });
}

void LayoutCapture::capture(uint64_t pc) {
    if (picture_) return;
    cpu::Engine& e = session_.engine();
    const session::Program& prog = session_.program();
    picture::LayoutInputs in;
    in.read = [&e](uint64_t a, void* d, size_t n) { return e.try_read(a, d, n); };
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
    in.later = milestone_ != "runtime.settls" && milestone_ != "runtime.check" && milestone_ != "runtime.args" &&
               milestone_ != "runtime.osinit";
    picture_ = picture::build_layout(in);
    if (pause_) session_.process().pause();
}

}  // namespace gostart::app
