// The options a Session is set up from, shared by run / check / trace / step / layout / inittrace / diff
// (docs/cli.md); the commands fill them in with CLI11 (app/cli.cpp).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace gostart::session {

struct RunOptions {
    std::string output;                 // -o: the emulator's own output ("" = stderr)
    bool strace = false;
    size_t string_limit = 32;           // -s: bytes of a string or buffer an strace line shows
    int cpus = 4;                       // fixed by default, not the host's: runs repeat
    std::string clock = "virtual";
    uint64_t seed = 0x60574a7e;
    bool clean_env = false;
    std::vector<std::string> env;       // --env NAME=VALUE
    uint64_t max_insns = 0;
    uint64_t max_memory = 4ull << 30;
    uint64_t max_idle = 600;            // virtual seconds with every thread waiting and no I/O (0: none)
    std::vector<std::string> allow_write;
    bool quiet = false;
    // Set by the command when a machine-readable report owns stdout: the guest's fd 1 is then the host's
    // stderr, so that the report stays one document.
    bool guest_stdout_on_stderr = false;
    // A progress line while the program runs, when stderr is a terminal (session/progress.h): set by the
    // commands that run to the end (run, check, trace, layout), not by the stepper.
    bool progress = false;
    std::string gdb;                    // --gdb HOST:PORT: serve gdb there (run, check, step)
    std::string program;
    std::vector<std::string> args;      // after the program: the program's own
};

}  // namespace gostart::session
