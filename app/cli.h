// Command-line parsing: CLI11 for the options, the contract of CLI.md for the shape (options first,
// then the program; everything after the program is the program's).
#pragma once

#include "app/run_options.h"

#include <CLI/CLI.hpp>

namespace gostart::app {

// Adds the run options to `cmd`; the program and its arguments are taken from what CLI11 leaves.
void add_run_options(CLI::App& cmd, RunOptions& o);
// --gdb HOST:PORT, for the commands that can be debugged (run, check, step).
void add_gdb_option(CLI::App& cmd, RunOptions& o);
// After parsing: the program and its args from CLI11's remaining words; false when no program.
bool take_program(CLI::App& cmd, RunOptions& o);

}  // namespace gostart::app
