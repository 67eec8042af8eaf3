// `gostart-emu step [OPTIONS] [--script FILE] PROGRAM [ARGS...]`: the interactive stepper (CLI.md,
// docs/stepping.md). This file only builds the Target — a Session with the model's checker beside it —
// for stepper/, which goes backwards by restoring checkpoints of both.
#include "app/check_report.h"
#include "app/cli.h"
#include "app/commands.h"
#include "app/gdb_attach.h"
#include "app/output.h"
#include "app/startup_checker.h"
#include "gostructs/layouts_for.h"
#include "session/session.h"
#include "stepper/repl.h"

#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <sstream>
#include <cerrno>
#include <cstring>
#include <unistd.h>

namespace gostart::app {
namespace {

struct StepOptions {
    session::RunOptions run;
    std::string script;
    stepper::CheckpointPolicy checkpoints;
    uint64_t checkpoint_bytes = stepper::CheckpointPolicy{}.max_bytes;
};

// A Session and its checker, destroyed checker first.
struct Running {
    std::unique_ptr<session::Session> session;
    std::unique_ptr<StartupChecker> checker;
};

stepper::Target launch(const session::RunOptions& opts, std::ostream& out) {
    auto r = std::make_shared<Running>();
    auto program = session::open_program(opts.program, true);
    session::warn_about_program(*program, out);
    std::string go_version = program->go ? program->go->version : "?";
    std::unique_ptr<gostructs::StructLayouts> layouts;
    if (program->layouts) layouts = std::make_unique<gostructs::StructLayouts>(*program->layouts);
    r->session = std::make_unique<session::Session>(opts, std::move(program), out);
    if (layouts) {
        try {
            r->checker = std::make_unique<StartupChecker>(*r->session, std::move(layouts));
        } catch (const std::exception&) {
            // No model for this binary: `check` says so.
        }
    }
    stepper::Target t;
    t.session = std::shared_ptr<session::Session>(r, r->session.get());
    Running* raw = r.get();
    t.check_table = [raw, program_name = opts.program, go_version]() -> std::string {
        if (!raw->checker || raw->checker->reports().empty()) return "";
        std::ostringstream s;
        write_check_table(s, CheckSummary{program_name, go_version, 0, &raw->checker->reports()}, false);
        return s.str();
    };
    t.save_extra = [raw]() -> std::any {
        if (!raw->checker) return {};
        return raw->checker->state();
    };
    t.restore_extra = [raw](const std::any& a) {
        if (raw->checker && a.has_value()) raw->checker->set_state(std::any_cast<const StartupChecker::State&>(a));
    };
    return t;
}

// step --gdb: gdb takes the stepper's place on the stepper's controller, and goes backwards the
// stepper's way (its checkpoints, --checkpoint-interval and --checkpoint-memory).
int step_with_gdb(const StepOptions& o, stepper::CheckpointPolicy policy, std::ostream& out) {
    session::open_program(o.run.program, true);  // a bad program is reported before the port is opened
    GdbAttach gdb(o.run.gdb);
    SessionTarget target([&] { return launch(o.run, out); }, out, policy);
    linux::ExitInfo exit = gdb.run(target, o.run.quiet, out);
    std::cout.flush();
    if (exit.kind != linux::ExitInfo::Kind::exited) out << fmt::format("gostart-emu: {}: {}\n", o.run.program, exit.message);
    if (!o.run.quiet)
        out << fmt::format("gostart-emu: exit status {} after {} instructions\n", exit.exit_status(),
                           target.session().engine().instructions());
    out.flush();
    return exit.exit_status();
}

int step_command(const StepOptions& o) {
    require_writable(o.run.output, "-o");
    if (!o.script.empty() && ::access(o.script.c_str(), R_OK) != 0)
        throw UsageError(fmt::format("{}: cannot read the script (--script): {}", o.script, std::strerror(errno)), false);
    Output output(o.run.output);
    std::ostream& out = output.stream();
    stepper::CheckpointPolicy policy = o.checkpoints;
    policy.max_bytes = o.checkpoint_bytes;
    if (!o.run.gdb.empty()) {
        if (!o.script.empty()) throw UsageError("step: --gdb and --script: gdb gives the commands");
        return step_with_gdb(o, policy, out);
    }
    stepper::Controller ctl([&] { return launch(o.run, out); }, std::cout, policy);
    stepper::Debugger d(ctl, std::cout);
    if (!o.script.empty()) {
        std::ifstream in(o.script);
        if (!in) throw UsageError(fmt::format("{}: cannot read the script (--script)", o.script), false);
        stepper::run_script(d, in);
    } else if (!::isatty(0)) {
        stepper::run_script(d, std::cin);
    } else {
        stepper::run_interactive(d);
    }
    std::cout.flush();
    return ctl.session_status();
}

}  // namespace

Command register_step(CLI::App& app) {
    auto o = std::make_shared<StepOptions>();
    Command c;
    c.cli = app.add_subcommand("step", "interactive stepper: break, stepi, rstepi, print runtime state by name");
    c.program = [o] { return o->run.program; };
    c.cli->add_option("--script", o->script, "read commands from FILE, echoing each as `(gostart) CMD`")
        ->type_name("FILE");
    c.cli->add_option("--checkpoint-interval", o->checkpoints.interval,
                      "N instructions between checkpoints for going back (default 100000; 0: only at the start)")
        ->type_name("N");
    c.cli->add_option("--checkpoint-memory", o->checkpoint_bytes,
                      "SIZE the checkpoints may hold, 1M to 1T (default 512M; a bare number is MiB)")
        ->transform(size_argument(1 << 20))
        ->type_name("SIZE")
        ->check(CLI::Range(uint64_t{1} << 20, uint64_t{1} << 40).description(""));
    add_run_options(*c.cli, o->run);
    add_gdb_option(*c.cli, o->run);
    c.run = [cli = c.cli, o]() {
        if (!take_program(*cli, o->run)) throw UsageError("step: no PROGRAM given");
        return step_command(*o);
    };
    return c;
}

}  // namespace gostart::app
