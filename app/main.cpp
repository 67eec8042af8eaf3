// gostart-emu: the command-line entry. Subcommands per docs/cli.md; `run` is the default, so
// `gostart-emu ./hello` runs hello. Every message of our own starts with "gostart-emu: ".
#include "app/cli.h"
#include "app/commands.h"
#include "app/heap_setup.h"
#include "app/host_fds.h"
#include "cpu/engine.h"
#include "cpu/engine_error.h"
#include "loader/load_error.h"
#include "loader/printable.h"
#include "session/option_error.h"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstring>
#include <iostream>
#include <set>

namespace {

const std::set<std::string> kCommands = {"run", "info", "check", "trace", "step", "layout", "inittrace", "diff"};

// "PROGRAM: " when the message should name one, else nothing (the reason names its own file).
std::string named(const std::string& program) { return program.empty() ? "" : program + ": "; }

// One line, as every bad input gets.
int usage_error(const std::string& what, bool hint = true) {
    std::cerr << "gostart-emu: " << what << (hint ? "; see gostart-emu --help" : "") << "\n";
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    using namespace gostart;
    app::set_up_heap();  // before anything allocates much (app/heap_setup.h says why)
    app::raise_host_fd_limit();
    std::vector<std::string> words(argv + 1, argv + argc);
    // `gostart-emu [OPTIONS] PROGRAM`: without a subcommand the words are run's.
    bool wants_help = !words.empty() && (words[0] == "-h" || words[0] == "--help");
    if (!words.empty() && !wants_help && !kCommands.count(words[0]) && words[0] != "--version")
        words.insert(words.begin(), "run");

    CLI::App app{"gostart-emu: run a Go linux/amd64 binary from its ELF entry, and see its runtime start up",
                 "gostart-emu"};
    app.set_version_flag("--version", "gostart-emu 0.1.0 (" + cpu::engine_libraries() + ")");
    app.require_subcommand(1);
    app::set_up_help(app);
    // One row per command; each lives in app/<name>_command.cpp.
    std::vector<app::Command> commands = {app::register_run(app), app::register_info(app), app::register_check(app),
                                          app::register_trace(app), app::register_layout(app), app::register_step(app),
                                          app::register_inittrace(app), app::register_diff(app)};
    for (auto& c : commands) c.cli->group("Commands");

    if (words.empty()) {  // as a shell tool does without its operand: the usage, status 2
        std::cerr << app.help();
        return 2;
    }
    try {
        std::vector<std::string> rev(words.rbegin(), words.rend());
        app.parse(rev);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        return usage_error(e.what());
    }

    for (auto& cmd : commands) {
        if (!cmd.cli->parsed()) continue;
        auto program = [&cmd] { return cmd.program ? cmd.program() : std::string(); };
        try {
            return cmd.run();
        } catch (const app::UsageError& e) {
            return usage_error(e.what(), e.hint);
        } catch (const session::OptionError& e) {
            return usage_error(e.what(), false);
        } catch (const loader::LoadError& e) {
            std::cerr << fmt::format("gostart-emu: {}: {}\n", loader::printable(e.path()), e.what());
            return e.exit_status();
        } catch (const cpu::EngineError& e) {
            std::cerr << fmt::format("gostart-emu: {}emulator error: {}\n", named(program()), e.what());
            return 125;
        } catch (const std::exception& e) {
            std::cerr << fmt::format("gostart-emu: {}{}\n", named(program()), e.what());
            return 125;
        } catch (...) {
            // Nothing we throw ourselves; a library's own exception type. Still one line, never a crash.
            std::cerr << fmt::format("gostart-emu: {}internal error (an unknown exception)\n", named(program()));
            return 125;
        }
    }
    return usage_error("no command");
}
