#include "session/exit_report.h"

#include "trace/code_info.h"
#include "trace/go_backtrace.h"

#include <fmt/format.h>

namespace gostart::session {

void write_exit_report(std::ostream& out, Session& session, const linux::ExitInfo& exit, const std::string& program) {
    if (exit.kind == linux::ExitInfo::Kind::exited || exit.kind == linux::ExitInfo::Kind::paused) return;
    out << fmt::format("gostart-emu: {}: {}\n", program, exit.message);
    if (exit.kind != linux::ExitInfo::Kind::signaled || exit.pc == 0) return;
    const Program& prog = session.program();
    trace::CodeInfo code(prog.symbols, prog.pclntab ? &*prog.pclntab : nullptr);
    const cpu::GuestCpu& cpu = session.engine();
    auto read = [&cpu](uint64_t addr, uint64_t& v) { return cpu.try_read(guest::Addr(addr), &v, 8); };
    auto frames = trace::go_backtrace(code, read, exit.pc, exit.sp);
    out << fmt::format("gostart-emu: Go backtrace of thread {}:\n", exit.tid);
    for (size_t i = 0; i < frames.size(); ++i) out << "gostart-emu:   " << trace::format_frame(i, frames[i]) << "\n";
}

}  // namespace gostart::session
