// Session: one emulated run of a program — the engine, the Linux process on it, the initial stack
// the loader built, and the milestone tracker — set up from the run options. Every command that
// runs a program (run, check, trace, step, layout, inittrace, diff) and the gdb stub start from a Session.
#pragma once

#include "cpu/engine.h"
#include "linux/process.h"
#include "loader/initial_stack.h"
#include "session/milestones.h"
#include "session/program.h"
#include "session/progress.h"
#include "session/run_options.h"

#include <fstream>
#include <memory>
#include <ostream>

namespace gostart::session {

// A checkpoint of a whole session: the engine's registers and memory, the Linux layer's state, and
// the milestones seen. Session::restore puts all of it back; execution being deterministic, running
// on from there repeats exactly what followed.
struct SessionCheckpoint {
    uint64_t position = 0;  // instructions executed
    cpu::Snapshot cpu;
    linux::ProcessSnapshot process;
    std::vector<MilestoneHit> milestones;
};

class Session {
public:
    // `out`: the emulator's own output (summary, strace, diagnostics).
    Session(const RunOptions& opts, std::unique_ptr<Program> program, std::ostream& out);

    // Runs until the process ends, the emulator stops it or a hook pauses it; the progress line, if
    // any, is gone when it returns.
    linux::ExitInfo run();
    // Ends the progress line for good (before the process exits without tearing down).
    void stop_progress() { progress_.reset(); }

    Program& program() { return *program_; }
    cpu::Engine& engine() { return engine_; }
    linux::Process& process() { return *process_; }
    const loader::InitialStack& initial_stack() const { return stack_; }
    MilestoneTracker& milestones() { return *milestones_; }
    std::vector<std::string> guest_env() const { return env_; }

    std::unique_ptr<SessionCheckpoint> checkpoint();
    void restore(const SessionCheckpoint& c);

    // Called at each milestone's first entry (after the tracker recorded it).
    std::function<void(const MilestoneHit&)> on_milestone;

private:
    RunOptions opts_;
    std::unique_ptr<Program> program_;
    cpu::Engine engine_;
    std::unique_ptr<linux::Process> process_;
    loader::InitialStack stack_;
    std::unique_ptr<MilestoneTracker> milestones_;
    std::vector<std::string> env_;
    std::unique_ptr<Progress> progress_;  // last: it unhooks itself from the process first
};

// The guest's environment: the host's (or a fixed minimal one with --clean-env), then --env.
std::vector<std::string> guest_environment(const RunOptions& opts);

}  // namespace gostart::session
