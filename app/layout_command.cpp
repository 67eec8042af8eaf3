// `gostart-emu layout [OPTIONS] [--svg FILE] [--at MILESTONE] PROGRAM [ARGS...]`: the memory-layout
// picture after rt0_go's set-up (the article's third figure), drawn from the real run. The text goes
// to -o FILE or stderr; --svg also writes it as SVG. The run stops once the picture is taken.
#include "app/cli.h"
#include "app/commands.h"
#include "app/host_fds.h"
#include "app/layout_capture.h"
#include "app/output.h"
#include "gostructs/layouts_for.h"

#include <fmt/format.h>

#include <fstream>
#include <iostream>

namespace gostart::app {
namespace {

struct LayoutOptions {
    session::RunOptions run;
    std::string svg;
    std::string at = kDefaultLayoutPoint;
};

int layout_command(const LayoutOptions& o) {
    require_writable(o.run.output, "-o");
    require_writable(o.svg, "--svg");
    session::RunOptions run = o.run;
    run.guest_stdout_on_stderr = o.svg == kStdout;
    run.progress = true;
    Output output(o.run.output);
    std::ostream& out = output.stream();
    auto program = session::open_program(o.run.program, true);
    session::warn_about_program(*program, out);
    if (!program->go) throw std::runtime_error("not a Go binary");
    auto layouts = program->require_layouts();
    HostFdReserve reserve;  // for the SVG file, whatever the guest opened (app/host_fds.h)
    session::Session session(run, std::move(program), out);
    LayoutCapture capture(session, layouts, o.at, true);
    linux::ExitInfo exit = session.run();
    reserve.release();
    if (!capture.picture())
        throw std::runtime_error(fmt::format("the run ended (status {}) before {}{}", exit.exit_status(), o.at,
                                             exit.message.empty() ? "" : ": " + exit.message));
    out << picture::to_text(*capture.picture());
    out.flush();
    if (o.svg == kStdout) {
        std::cout.flush();
        std::cout << picture::to_svg(*capture.picture());
        std::cout.flush();
    } else if (!o.svg.empty()) {
        std::ofstream f(o.svg, std::ios::trunc);
        if (!f) throw std::runtime_error(o.svg + ": cannot open for writing");
        f << picture::to_svg(*capture.picture());
    }
    if (!o.run.quiet) {
        if (!o.run.output.empty()) announce_written(o.run.output, "the picture as text");
        if (!o.svg.empty() && o.svg != kStdout) announce_written(o.svg, "the picture as SVG");
    }
    return 0;
}

}  // namespace

Command register_layout(CLI::App& app) {
    auto o = std::make_shared<LayoutOptions>();
    Command c;
    c.cli = app.add_subcommand("layout", "memory-layout picture after rt0_go's set-up");
    c.program = [o] { return o->run.program; };
    add_run_options(*c.cli, o->run);
    c.cli->add_option("--svg", o->svg, "also write the picture as SVG to FILE ('-': stdout)")->type_name("FILE");
    c.cli->add_option("--at", o->at, "draw at this milestone instead (default: after runtime.osinit returns)")
        ->type_name("MILESTONE");
    c.run = [cli = c.cli, o]() {
        if (!take_program(*cli, o->run)) throw UsageError("layout: no PROGRAM given");
        return layout_command(*o);
    };
    return c;
}

}  // namespace gostart::app
