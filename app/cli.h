// Command-line parsing: CLI11 for the options, the contract of docs/cli.md for the shape (options first,
// then the program; everything after the program is the program's), and the checks every command makes
// of its arguments before anything runs (output files, sizes).
#pragma once

#include "session/run_options.h"

#include <CLI/CLI.hpp>

#include <memory>
#include <string>
#include <string_view>

namespace gostart::app {

// The usage lines name the program and PROGRAM [ARGS...], which CLI11 does not see (the words after
// the options are taken from what it leaves), and the footer says where output goes.
void set_up_help(CLI::App& app);

// Adds the run options to `cmd`; the program and its arguments are taken from what CLI11 leaves.
void add_run_options(CLI::App& cmd, session::RunOptions& o);
// --gdb HOST:PORT, for the commands that can be debugged (run, check, step).
void add_gdb_option(CLI::App& cmd, session::RunOptions& o);
// After parsing: the program and its args from CLI11's remaining words; false when no program.
bool take_program(CLI::App& cmd, session::RunOptions& o);

// A SIZE argument: a number of `unit` bytes, or with a K, M, G or T suffix (KiB, MiB... too; powers of
// 1024). CLI11 reports a bad one as a usage error naming the option.
CLI::Validator size_argument(uint64_t unit = 1);

// The FILE of an option that names where a report goes; "-" is stdout.
inline constexpr std::string_view kStdout = "-";
// Before the run: FILE can be created or replaced (its directory exists and is writable, and it is not
// a directory). Throws UsageError `FILE: cannot write (OPTION): reason`. Nothing for "" and "-".
void require_writable(const std::string& path, std::string_view option);
// After writing a report to a file: `gostart-emu: wrote FILE (WHAT)` on stderr.
void announce_written(const std::string& path, std::string_view what);

}  // namespace gostart::app
