// SessionTarget: the gdb stub's view (gdbstub::DebugTarget) of an emulated run. Breakpoints are code
// hooks, not int3 patches, so memory reads show the program's own bytes; a write watchpoint is an
// engine write watch that stops the writing thread before its next instruction; a single step stops
// the stepped thread before its next instruction while the scheduler runs the others as usual. The
// engine counts instructions exactly at such stops, so a run under gdb executes what a plain run does.
//
// With a Relaunch (step --gdb), it also goes backwards: it replays a fresh Session from the start up
// to the wanted instruction count (execution is deterministic), as the stepper does.
#pragma once

#include "session/session.h"
#include "gdbstub/debug_target.h"

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <utility>

namespace gostart::app {

class SessionTarget final : public gdbstub::DebugTarget {
public:
    using Relaunch = std::function<std::shared_ptr<session::Session>()>;
    explicit SessionTarget(std::shared_ptr<session::Session> session, Relaunch relaunch = {});

    session::Session& session() { return *session_; }
    // How the run ended, once it has (exit, or gdb's kill).
    const std::optional<linux::ExitInfo>& ended() const { return exit_; }

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
    bool can_reverse() const override { return static_cast<bool>(relaunch_); }
    void kill() override;
    void detach() override;
    std::string exec_file() override;

private:
    linux::Thread* live_thread(int tid);
    gdbstub::StopEvent forward(const gdbstub::ResumeRequest& r, const std::function<bool()>& interrupted);
    gdbstub::StopEvent backward(const gdbstub::ResumeRequest& r);
    gdbstub::StopEvent ended_event() const;
    // Replays a fresh session to the instruction count `n` (instructions executed before it stops).
    void replay_to(uint64_t n);
    uint64_t position() { return session_->engine().instructions(); }

    std::shared_ptr<session::Session> session_;
    Relaunch relaunch_;
    std::optional<linux::ExitInfo> exit_;
    std::map<uint64_t, int> breaks_;                       // address -> how many times gdb inserted it
    std::map<std::pair<uint64_t, uint64_t>, int> watches_;  // (address, length)
    std::pair<uint64_t, uint64_t> text_;                   // [first, last] address of the program's code
};

}  // namespace gostart::app
