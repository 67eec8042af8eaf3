#include "app/cli.h"

namespace gostart::app {

void add_run_options(CLI::App& cmd, RunOptions& o) {
    // Everything after the first positional word (the program) belongs to the program.
    cmd.prefix_command(true);
    cmd.add_option("-o,--output", o.output, "the emulator's own output (summary, strace, trace) goes to FILE");
    cmd.add_flag("--strace", o.strace, "log every syscall, one strace-style line each, with its thread");
    cmd.add_option("--cpus", o.cpus, "the number of CPUs the guest sees (default 4, not the host's)")
        ->check(CLI::Range(1, 64));
    cmd.add_option("--clock", o.clock, "virtual (default): time advances with instructions; host: the real clock")
        ->check(CLI::IsMember({"virtual", "host"}));
    cmd.add_option("--seed", o.seed, "AT_RANDOM bytes and getrandom() output derive from N");
    cmd.add_flag("--clean-env", o.clean_env, "a fixed minimal environment instead of the host's");
    cmd.add_option("--env", o.env, "set one environment variable NAME=VALUE (repeatable)")->allow_extra_args(false);
    cmd.add_option("--max-insns", o.max_insns, "stop with status 125 after N instructions");
    cmd.add_option("--max-memory", o.max_memory, "stop allocations past N bytes of committed guest memory");
    cmd.add_option("--max-idle", o.max_idle,
                   "stop with status 125 when every thread has waited N seconds (virtual) with no input or output "
                   "(default 600; 0: no limit)");
    cmd.add_option("--allow-write", o.allow_write, "let the guest create or change files under DIR (repeatable)")
        ->allow_extra_args(false);
    cmd.add_flag("-q,--quiet", o.quiet, "no start-up summary: only the program's own output");
}

void add_gdb_option(CLI::App& cmd, RunOptions& o) {
    cmd.add_option("--gdb", o.gdb, "wait for gdb on HOST:PORT (loopback when only PORT; 0: any free port) "
                                   "before the first instruction")
        ->type_name("HOST:PORT");
}

bool take_program(CLI::App& cmd, RunOptions& o) {
    std::vector<std::string> rest = cmd.remaining();
    if (!rest.empty() && rest.front() == "--") rest.erase(rest.begin());
    if (rest.empty()) return false;
    o.program = rest.front();
    o.args.assign(rest.begin() + 1, rest.end());
    return true;
}

}  // namespace gostart::app
