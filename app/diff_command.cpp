// `gostart-emu diff [OPTIONS] [--json] [--junit FILE] [--budget SPEC]... A B`: what changed in start-up
// from A to B (app/startup_diff.h). A and B are programs (each run as `inittrace` runs it, its own
// output kept quiet) or JSON saved by `inittrace --json` (or `check --json`: milestones only). Exit 1
// when a budget is exceeded; the text diff goes to -o FILE or stdout.
#include "app/cli.h"
#include "app/commands.h"
#include "app/init_profiler.h"
#include "app/output.h"
#include "app/startup_diff.h"
#include "loader/load_error.h"
#include "session/exit_report.h"
#include "session/session.h"

#include <fmt/format.h>

#include <cctype>
#include <fstream>
#include <iostream>

namespace gostart::app {
namespace {

struct DiffOptions {
    session::RunOptions run;
    bool json = false;
    std::string junit;
    std::vector<std::string> budgets;
};

bool looks_like_json(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    char c = 0;
    while (f.get(c))
        if (!std::isspace(static_cast<unsigned char>(c))) return c == '{';
    return false;
}

InitProfile load_side(const DiffOptions& o, const std::string& path) {
    if (looks_like_json(path)) {
        std::ifstream f(path, std::ios::binary);
        try {
            InitProfile p = profile_from_json(nlohmann::json::parse(f));
            if (p.program.empty()) p.program = path;
            return p;
        } catch (const std::exception& e) {
            // The baseline is the user's file: a bad one is a usage error naming it, never a crash.
            throw UsageError(fmt::format("{}: not a baseline JSON: {}", path, e.what()), false);
        }
    }
    session::RunOptions run = o.run;
    run.program = path;
    run.progress = false;
    auto program = session::open_program(path, true, session::Knowledge::run_only);
    if (!program->go) throw loader::LoadError(loader::LoadError::Kind::cannot_run, path, "not a Go binary");
    session::Session session(run, std::move(program), std::cerr);
    session.process().set_quiet(true);  // the program's own output is not the diff's
    InitProfiler profiler(session);
    linux::ExitInfo exit = session.run();
    session::write_exit_report(std::cerr, session, exit, path);
    InitProfile p = profiler.finish(exit);
    p.program = path;
    return p;
}

int diff_command(DiffOptions& o) {
    if (o.run.args.size() != 1) throw UsageError("diff: give two inputs, A and B (programs or inittrace --json files)");
    if (o.json && o.junit == kStdout && o.run.output.empty())
        throw UsageError("diff: --json and --junit - both want stdout (-o FILE puts the JSON in FILE)");
    std::vector<Budget> budgets;
    for (const auto& spec : o.budgets) {
        try {
            budgets.push_back(parse_budget(spec));
        } catch (const std::invalid_argument& e) {
            throw UsageError(fmt::format("diff: --budget {}", e.what()));
        }
    }
    require_writable(o.run.output, "-o");
    require_writable(o.junit, "--junit");
    std::string a_path = o.run.program, b_path = o.run.args[0];
    o.run.args.clear();
    InitProfile a = load_side(o, a_path), b = load_side(o, b_path);
    StartupDiff d = diff_profiles(a, b, budgets);
    Output output(o.run.output);
    std::ostream& report = o.run.output.empty() ? std::cout : output.stream();
    if (o.json) report << diff_to_json(d).dump(2) << "\n";
    else write_diff_text(d, report);
    report.flush();
    if (o.junit == kStdout) {
        write_diff_junit(d, std::cout);
    } else if (!o.junit.empty()) {
        std::ofstream f(o.junit, std::ios::trunc);
        if (!f) throw std::runtime_error(o.junit + ": cannot open for writing");
        write_diff_junit(d, f);
    }
    std::cout.flush();
    for (const auto& r : d.budgets)
        if (!r.ok) std::cerr << "gostart-emu: " << r.reason << "\n";
    if (!o.run.quiet) {
        if (!o.run.output.empty()) announce_written(o.run.output, o.json ? "the JSON diff" : "the diff");
        if (!o.junit.empty() && o.junit != kStdout) announce_written(o.junit, "JUnit XML");
    }
    return d.within_budgets() ? 0 : 1;
}

}  // namespace

Command register_diff(CLI::App& app) {
    auto o = std::make_shared<DiffOptions>();
    Command c;
    c.cli = app.add_subcommand("diff", "what changed in start-up from A to B (programs or inittrace --json files)");
    c.program = [o] { return o->run.program; };
    add_run_options(*c.cli, o->run);
    c.cli->add_flag("--json", o->json, "the diff as JSON on stdout, or in -o FILE");
    c.cli->add_option("--junit", o->junit, "also write JUnit XML, one test case per budget, to FILE ('-': stdout)")
        ->type_name("FILE");
    c.cli->add_option("--budget", o->budgets,
                      "NAME=+N% or NAME=+N instructions (NAME: main.main, total, a phase or a package; repeatable): "
                      "exit 1 when B exceeds A by more")
        ->type_name("SPEC")
        ->allow_extra_args(false);
    c.run = [cli = c.cli, o]() {
        if (!take_program(*cli, o->run)) throw UsageError("diff: no inputs given (A B)");
        return diff_command(*o);
    };
    return c;
}

}  // namespace gostart::app
