#include "app/run_command.h"
#include "loader/printable.h"

#include "app/check_report.h"
#include "app/cli.h"
#include "app/commands.h"
#include "app/fast_exit.h"
#include "app/gdb_attach.h"
#include "app/output.h"
#include "app/startup_checker.h"
#include "gostructs/layouts_for.h"
#include "session/exit_report.h"
#include "session/session.h"

#include <fmt/format.h>
#include <fmt/ostream.h>

namespace gostart::app {

int run_command(const session::RunOptions& opts) {
    require_writable(opts.output, "-o");
    session::RunOptions run = opts;
    run.progress = true;
    Output output(opts.output);
    std::ostream& out = output.stream();
    auto program = session::open_program(opts.program, true, opts.quiet ? session::Knowledge::run_only : session::Knowledge::full);
    session::warn_about_program(*program, out);
    std::string go_version = program->go ? loader::printable(program->go->version) : "?";
    std::unique_ptr<GdbAttach> gdb;
    if (!opts.gdb.empty()) gdb = std::make_unique<GdbAttach>(opts.gdb);
    session::Session session(run, std::move(program), out);
    session::Program& prog = session.program();
    if (!opts.quiet) {
        out << fmt::format("gostart-emu: {}: {}, entry {:#x} ({}), {}\n", opts.program, go_version, prog.entry(),
                           prog.describe(prog.entry()), prog.describe_function_count());
        session.on_milestone = [&out](const session::MilestoneHit& h) {
            out << fmt::format("gostart-emu: {:>10} insns  thread {}  {}\n", h.insn, h.thread, h.name);
            out.flush();
        };
    }
    // The model checks each milestone as start-up proceeds, when it knows this binary's layouts.
    std::unique_ptr<StartupChecker> checker;
    if (!opts.quiet) {
        try {
            checker = std::make_unique<StartupChecker>(
                session, std::make_unique<gostructs::StructLayouts>(prog.require_layouts()));
            checker->on_report = [&out](const MilestoneReport& r) {
                std::string verdict = r.checks.empty() ? "nothing to check: " + r.note
                                    : r.failed() ? fmt::format("{} of {} model checks DIVERGE (see `gostart-emu check`)",
                                                               r.failed(), r.checks.size())
                                                 : fmt::format("{}/{} model checks agree", r.checks.size(), r.checks.size());
                out << fmt::format("gostart-emu: {:>10} insns  thread {}    {} {}\n", r.insn, r.thread,
                                   milestone_point_label(r.name) + ":", verdict);
            };
        } catch (const std::exception& e) {
            out << fmt::format("gostart-emu: no model checks: {}\n", e.what());
        }
    }
    linux::ExitInfo exit;
    if (opts.gdb.empty()) {
        exit = session.run();
    } else {
        SessionTarget target(std::shared_ptr<session::Session>(&session, [](session::Session*) {}), out);
        exit = gdb->run(target, opts.quiet, out);
    }
    if (checker) checker->finish(exit);
    out.flush();
    std::cout.flush();
    session::write_exit_report(out, session, exit, opts.program);
    if (!opts.quiet)
        out << fmt::format("gostart-emu: exit status {} after {} instructions, {} threads, {:.1f} MiB of guest memory "
                           "at most\n", exit.exit_status(), session.engine().instructions(),
                           session.process().threads().size(),
                           double(session.process().memory().peak_committed_bytes()) / (1 << 20));
    out.flush();
    session.stop_progress();
    if (!opts.output.empty() && !opts.quiet) announce_written(opts.output, "the summary");
    exit_without_teardown(exit.exit_status());
    return exit.exit_status();
}



Command register_run(CLI::App& app) {
    auto opts = std::make_shared<session::RunOptions>();
    Command c;
    c.cli = app.add_subcommand("run", "run PROGRAM to exit; a start-up summary on stderr");
    c.program = [opts] { return opts->program; };
    add_run_options(*c.cli, *opts);
    add_gdb_option(*c.cli, *opts);
    c.run = [cli = c.cli, opts]() {
        if (!take_program(*cli, *opts)) throw UsageError("run: no PROGRAM given");
        return run_command(*opts);
    };
    return c;
}

}  // namespace gostart::app
