// `gostart-emu check [OPTIONS] [--json] [--junit FILE] PROGRAM [ARGS...]`: run the program and compare
// the runtime model with emulated memory at each milestone. Exit 0 when all agree, 1 on a divergence.
#include "app/check_html.h"
#include "app/check_report.h"
#include "app/cli.h"
#include "app/commands.h"
#include "app/gdb_attach.h"
#include "app/host_fds.h"
#include "app/output.h"
#include "app/startup_checker.h"
#include "gostructs/layouts_for.h"
#include "loader/load_error.h"
#include "session/exit_report.h"
#include "session/session.h"

#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <unistd.h>

namespace gostart::app {
namespace {

struct CheckOptions {
    session::RunOptions run;
    bool json = false;
    std::string junit;
    std::string html;  // --html FILE (check_html.cpp)
    CheckDebug debug;
    std::string corrupt;  // MILESTONE:FIELD=VALUE
};

int check_command(CheckOptions& o) {
    if (!o.corrupt.empty()) {
        auto colon = o.corrupt.find(':'), eq = o.corrupt.find('=');
        if (colon == std::string::npos || eq == std::string::npos || eq < colon)
            throw UsageError("--debug-corrupt takes MILESTONE:FIELD=VALUE");
        o.debug.corrupt_milestone = o.corrupt.substr(0, colon);
        o.debug.corrupt_field = o.corrupt.substr(colon + 1, eq - colon - 1);
        o.debug.corrupt_value = std::stoull(o.corrupt.substr(eq + 1), nullptr, 0);
    }
    // docs/cli.md: a report in a machine format goes to stdout or its FILE; one owning stdout moves the
    // guest's stdout to stderr, so the report stays one document.
    bool json_on_stdout = o.json && o.run.output.empty(), junit_on_stdout = o.junit == kStdout;
    if (json_on_stdout && junit_on_stdout)
        throw UsageError("check: --json and --junit - both want stdout (-o FILE puts the JSON in FILE)");
    if (o.html == kStdout) throw UsageError("check: --html needs a FILE, not -");
    for (auto [path, option] : {std::pair{&o.run.output, "-o"}, {&o.junit, "--junit"}, {&o.html, "--html"}})
        require_writable(*path, option);
    o.run.guest_stdout_on_stderr = json_on_stdout || junit_on_stdout;
    o.run.progress = true;
    Output output(o.run.output);
    // The human-readable part (milestone lines, the table) goes to -o FILE or stderr; the JSON to -o
    // FILE or stdout; the emulator's diagnostics never inside the JSON.
    std::ostream& out = output.stream();
    std::ostream& report = json_on_stdout ? std::cout : out;
    std::ostream& diag = o.json ? std::cerr : out;
    auto program = session::open_program(o.run.program, true);
    session::warn_about_program(*program, diag);
    if (!program->go) throw std::runtime_error("not a Go binary");
    std::unique_ptr<gostructs::StructLayouts> layouts;
    try {
        layouts = std::make_unique<gostructs::StructLayouts>(program->require_layouts());
    } catch (const gostructs::LayoutError& e) {
        // CLI.md: a version the model cannot know is "cannot be run" for check (126), named with the file.
        throw loader::LoadError(loader::LoadError::Kind::cannot_run, o.run.program, e.what());
    }
    require_model_support(*program);
    std::string go_version = program->go->version;
    std::unique_ptr<GdbAttach> gdb;
    if (!o.run.gdb.empty()) gdb = std::make_unique<GdbAttach>(o.run.gdb);
    HostFdReserve reserve;  // for the report files, whatever the guest opened (app/host_fds.h)
    session::Session session(o.run, std::move(program), diag);
    StartupChecker checker(session, std::move(layouts), o.debug);
    bool table = !o.json;
    if (table && !o.run.quiet)
        checker.on_report = [&out](const MilestoneReport& r) { out << "gostart-emu: " << milestone_line(r) << "\n"; };
    linux::ExitInfo exit;
    if (o.run.gdb.empty()) {
        exit = session.run();
    } else {
        SessionTarget target(std::shared_ptr<session::Session>(&session, [](session::Session*) {}), diag);
        exit = gdb->run(target, o.run.quiet, diag);
    }
    // Given back as soon as the guest is done, before anything of ours runs that may need a descriptor:
    // the reports, and the sanitizers' own checks (UBSan's vptr check opens a pipe to probe memory).
    reserve.release();
    session::write_exit_report(diag, session, exit, o.run.program);
    checker.finish(exit);

    CheckSummary s{o.run.program, go_version, exit.exit_status(), &checker.reports()};
    std::cout.flush();  // the guest's output (when it is stdout) before the reports
    if (o.json) {
        write_check_json(report, s);
    } else {
        bool colour = o.run.output.empty() && ::isatty(2);
        write_check_table(out, s, colour);
    }
    report.flush();
    if (junit_on_stdout) {
        write_check_junit(std::cout, s);
        std::cout.flush();
    } else if (!o.junit.empty()) {
        std::ofstream f(o.junit, std::ios::trunc);
        if (!f) throw std::runtime_error(o.junit + ": cannot open for writing");
        write_check_junit(f, s);
    }
    if (!o.html.empty()) write_check_html(o.html, s, o.run);
    out.flush();
    if (!o.run.quiet) {
        if (!o.run.output.empty()) announce_written(o.run.output, o.json ? "the JSON report" : "the check table");
        if (!o.junit.empty() && !junit_on_stdout) announce_written(o.junit, "JUnit XML");
        if (!o.html.empty()) announce_written(o.html, "the HTML report");
    }
    if (!s.ok()) return 1;
    // The model agreed as far as the run went, but a guest killed by a signal (or stopped by a limit)
    // did not start up: say so in the status too, as `run` would, rather than 0.
    if (exit.kind == linux::ExitInfo::Kind::signaled || exit.kind == linux::ExitInfo::Kind::emulator_stop)
        return exit.exit_status();
    return 0;
}

}  // namespace

Command register_check(CLI::App& app) {
    auto o = std::make_shared<CheckOptions>();
    Command c;
    c.cli = app.add_subcommand("check", "run, and compare the model with emulated memory at each milestone");
    c.program = [o] { return o->run.program; };
    add_run_options(*c.cli, o->run);
    add_gdb_option(*c.cli, o->run);
    c.cli->add_flag("--json", o->json, "the report as JSON (schema in docs/cli.md) on stdout, or in -o FILE");
    c.cli->add_option("--junit", o->junit, "also write JUnit XML, one test case per milestone, to FILE ('-': stdout)")
        ->type_name("FILE");
    c.cli->add_option("--html", o->html, "also write a self-contained HTML report (timeline, model, layout, calls)")
        ->type_name("FILE");
    // Hidden, for the tests that prove each check can fail.
    c.cli->add_option("--debug-corrupt", o->corrupt, "write VALUE into FIELD before checking")->type_name("MILESTONE:FIELD=VALUE")->group("");
    c.cli->add_option("--debug-model-cpus", o->debug.model_cpus, "tell the model another CPU count")->group("");
    c.cli->add_option("--debug-model-gomaxprocs", o->debug.model_gomaxprocs, "tell the model another GOMAXPROCS")->group("");
    c.cli->add_option("--debug-model-sp-shift", o->debug.model_sp_shift, "tell the model another entry SP")->group("");
    c.run = [cli = c.cli, o]() {
        if (!take_program(*cli, o->run)) throw UsageError("check: no PROGRAM given");
        return check_command(*o);
    };
    return c;
}

}  // namespace gostart::app
