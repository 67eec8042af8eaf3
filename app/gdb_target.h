// SessionTarget: the gdb stub's view (gdbstub::DebugTarget) of an emulated run, on the stepper's
// controller (stepper/controller.h): gdb's breakpoints and write watchpoints are the controller's,
// and so are its stops, exact anywhere code runs (ld.so and libc included). Breakpoints are code
// hooks, not int3 patches, so memory reads show the program's own bytes.
//
// A single step of thread T, with the deterministic scheduler that runs one thread at a time: when T
// is on the CPU, the controller runs one instruction (the engine stops after it); if that
// instruction gave the CPU away (a blocking syscall, a yield), or T was not on the CPU to begin
// with, the controller runs until a block starts in T (threads switch only between blocks) and
// stops before it. The other threads run meanwhile as the scheduler would run them anyway. A thread
// the kernel sends to a signal handler meanwhile stops before the handler's first instruction.
//
// With a reversible policy (step --gdb) it also goes backwards through the controller's
// checkpoints: reverse-stepi to T's previous instruction, reverse-continue to the last breakpoint
// hit or watched write. run --gdb and check --gdb are forward-only: going back would replay the
// milestone lines and model reports they print as the run goes (the stepper's Target keeps the
// model's state beside its checkpoints; theirs do not).
#pragma once

#include "gdbstub/debug_target.h"
#include "stepper/controller.h"

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <utility>

namespace gostart::app {

class SessionTarget final : public gdbstub::DebugTarget {
public:
    // `notes`: the emulator's own output (a checkpoint that could not be taken is mentioned there).
    SessionTarget(stepper::Launcher launch, std::ostream& notes, stepper::CheckpointPolicy policy);
    // Forward-only, over a Session its caller owns.
    SessionTarget(std::shared_ptr<session::Session> session, std::ostream& notes);

    session::Session& session() { return ctl_.session(); }
    const stepper::Controller& controller() const { return ctl_; }
    // How the run ended, once it has (exit, or gdb's kill).
    std::optional<linux::ExitInfo> ended() const;
    // After gdb detached or the connection dropped: runs on to the end without stopping (quietly
    // through what a run that went back has shown already).
    linux::ExitInfo run_to_end();

    std::vector<int> threads() override;
    int current_thread() override;
    std::string thread_description(int tid) override;
    bool read_register(int tid, int regno, std::span<uint8_t> out) override;
    bool write_register(int tid, int regno, std::span<const uint8_t> in) override;
    size_t read_memory(uint64_t addr, std::span<uint8_t> out) override;
    bool write_memory(uint64_t addr, std::span<const uint8_t> in) override;
    bool add_breakpoint(uint64_t addr) override;
    bool remove_breakpoint(uint64_t addr) override;
    bool add_write_watch(uint64_t addr, uint64_t len) override;
    bool remove_write_watch(uint64_t addr, uint64_t len) override;
    gdbstub::StopEvent resume(const gdbstub::ResumeRequest& r, const std::function<bool()>& interrupted) override;
    bool can_reverse() const override { return ctl_.reversible(); }
    void kill() override;
    void detach() override;
    std::string exec_file() override;

private:
    linux::Thread* live_thread(int tid);
    // `signalled`: this resume sent the thread a signal, which may send it to a handler first.
    gdbstub::StopEvent step_thread(int tid, bool signalled);
    uint64_t thread_pc(int tid);
    gdbstub::StopEvent backward(const gdbstub::ResumeRequest& r);
    // The controller's stop as gdb's; a completed move is `done_kind` in the thread now current.
    gdbstub::StopEvent event(const stepper::Stop& s, gdbstub::StopEvent::Kind done_kind);
    gdbstub::StopEvent ended_event() const;
    bool on_cpu_between_instructions(int tid);

    stepper::Controller ctl_;
    std::optional<linux::ExitInfo> killed_;
    // gdb inserts the same breakpoint or watch more than once: address (and length) -> the
    // controller's id and how many times it is inserted.
    std::map<uint64_t, std::pair<int, int>> breaks_;
    std::map<std::pair<uint64_t, uint64_t>, std::pair<int, int>> watches_;
};

}  // namespace gostart::app
