// `gostart-emu inittrace [OPTIONS] [--json | --folded] [--svg FILE] PROGRAM [ARGS...]`: where start-up
// goes, per runtime phase and per package init task, in instructions, heap bytes, allocations, syscalls
// and threads (app/init_profiler.h). The table goes to -o FILE or stderr; JSON or folded stacks to -o
// FILE or stdout, and then the program's stdout goes to stderr so that the report stays one document.
#include "app/cli.h"
#include "app/commands.h"
#include "app/host_fds.h"
#include "app/init_profiler.h"
#include "app/output.h"
#include "session/exit_report.h"
#include "session/session.h"

#include <fmt/format.h>

#include <fstream>
#include <iostream>

namespace gostart::app {
namespace {

struct InittraceOptions {
    session::RunOptions run;
    bool json = false, folded = false;
    std::string svg;
};

int inittrace_command(InittraceOptions& o) {
    if (o.json && o.folded) throw UsageError("inittrace: --json and --folded exclude each other");
    if (o.svg == kStdout) throw UsageError("inittrace: --svg needs a FILE, not -");
    require_writable(o.run.output, "-o");
    require_writable(o.svg, "--svg");
    bool machine = o.json || o.folded, on_stdout = machine && o.run.output.empty();
    o.run.guest_stdout_on_stderr = on_stdout;
    o.run.progress = true;
    Output output(o.run.output);
    std::ostream& report = on_stdout ? std::cout : output.stream();
    auto program = session::open_program(o.run.program, true, session::Knowledge::run_only);
    session::warn_about_program(*program, std::cerr);
    if (!program->go) throw std::runtime_error("not a Go binary");
    HostFdReserve reserve;  // for the SVG file, whatever the guest opened (app/host_fds.h)
    session::Session session(o.run, std::move(program), std::cerr);
    InitProfiler profiler(session);
    linux::ExitInfo exit = session.run();
    reserve.release();
    session::write_exit_report(std::cerr, session, exit, o.run.program);
    InitProfile p = profiler.finish(exit);
    p.program = o.run.program;  // as the user named it: the report reads like the command line
    std::cout.flush();  // the guest's output before the report
    if (o.json) report << profile_to_json(p).dump(2) << "\n";
    else if (o.folded) write_profile_folded(p, report);
    else write_profile_table(p, report);
    report.flush();
    if (!o.svg.empty()) {
        std::ofstream f(o.svg, std::ios::trunc);
        if (!f) throw std::runtime_error(o.svg + ": cannot open for writing");
        write_profile_svg(p, f);
    }
    if (!o.run.quiet) {
        if (!o.run.output.empty()) announce_written(o.run.output, o.json ? "the JSON profile" : o.folded ? "folded stacks" : "the init profile");
        if (!o.svg.empty()) announce_written(o.svg, "the SVG chart");
    }
    return exit.exit_status();
}

}  // namespace

Command register_inittrace(CLI::App& app) {
    auto o = std::make_shared<InittraceOptions>();
    Command c;
    c.cli = app.add_subcommand("inittrace", "where start-up goes: each runtime phase and package init, in instructions");
    c.program = [o] { return o->run.program; };
    add_run_options(*c.cli, o->run);
    c.cli->add_flag("--json", o->json, "the profile as JSON (docs/inittrace.md) on stdout, or in -o FILE; diff reads it");
    c.cli->add_flag("--folded", o->folded, "folded stacks weighted by instructions, for flame-graph tools");
    c.cli->add_option("--svg", o->svg, "also write a bar chart of the phases and packages to FILE")->type_name("FILE");
    c.run = [cli = c.cli, o]() {
        if (!take_program(*cli, o->run)) throw UsageError("inittrace: no PROGRAM given");
        return inittrace_command(*o);
    };
    return c;
}

}  // namespace gostart::app
