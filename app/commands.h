// Each command registers itself on the CLI and returns a runner, so that main.cpp stays a table and
// each command lives in its own file (Delve's command table, in spirit).
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <stdexcept>
#include <string>

namespace gostart::app {

// A usage error found after parsing (e.g. no PROGRAM): exit status 2. `hint`: point to --help (not for
// a file that cannot be written, where the reason says it all).
struct UsageError : std::runtime_error {
    explicit UsageError(const std::string& what, bool hint = true) : std::runtime_error(what), hint(hint) {}
    bool hint;
};

struct Command {
    CLI::App* cli = nullptr;
    std::function<int()> run;        // called when cli->parsed(); returns the exit status
    std::function<std::string()> program;  // for error messages: the PROGRAM the command was given
};

Command register_run(CLI::App& app);
Command register_info(CLI::App& app);
Command register_check(CLI::App& app);
Command register_trace(CLI::App& app);
Command register_layout(CLI::App& app);
Command register_step(CLI::App& app);
Command register_inittrace(CLI::App& app);
Command register_diff(CLI::App& app);

}  // namespace gostart::app
