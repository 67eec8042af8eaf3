// Debugger: the stepper's commands. One table of {names, usage, help, fn} drives dispatch, `help` and
// Tab completion (Delve's pkg/terminal/command.go, in spirit); the moving commands are in moving.cpp,
// the looking ones in looking.cpp, those that go by source line and frame (step, next, list, frame) in
// source_commands.cpp.
#pragma once

#include "stepper/controller.h"
#include "stepper/expr.h"
#include "trace/code_cache.h"
#include "trace/go_backtrace.h"

#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace gostart::stepper {

class Debugger;

struct Command {
    std::vector<std::string> names;  // the first is the name; the rest are aliases
    std::string usage;
    std::string help;
    std::function<void(Debugger&, std::string_view args)> fn;
};

class Debugger {
public:
    Debugger(Controller& ctl, std::ostream& out);

    // Runs one command line; false when it was `quit`. Errors are printed, not thrown.
    bool execute(std::string_view line);
    const std::vector<Command>& commands() const { return commands_; }
    std::vector<std::string> completion_words();

    // For the commands.
    Controller& ctl() { return ctl_; }
    std::ostream& out() { return out_; }
    cpu::Engine& engine() { return ctl_.session().engine(); }
    session::Program& program() { return ctl_.session().program(); }
    trace::CodeInfo& code();
    trace::CodeCache& cache();
    Evaluator eval();
    uint64_t location(std::string_view loc);  // throws std::runtime_error
    // "runtime.rt0_go+0x12 asm_amd64.s:170" (gdb's and Delve's function+offset and file:line); in a
    // shared library "ld-linux-x86-64.so.2+0x1c050"; else the address.
    std::string where(uint64_t pc);
    // "=> runtime.rt0_go+0x12 asm_amd64.s:170  0x45ab12  BYTES  INSN" after a move; selects frame 0.
    void show_position();
    // Why a move stopped, in the stepper's words ("Breakpoint 1 at main", the exit status, ...).
    void report(const Stop& stop);
    // After a move: a watch's old and new values and the writing instruction, then show_position().
    void after_move();
    // The Go backtrace of the current thread (bt, frame, list).
    std::vector<trace::BacktraceFrame> backtrace();
    // The frame `frame N` selected (0 after every move): list shows its source.
    size_t selected_frame() const { return frame_; }
    void select_frame(size_t n) { frame_ = n; }
    // One line at the start: what is stopped where, and that `help` lists the commands.
    void banner();
    void help(std::string_view name);

private:
    void refresh();  // build the per-session helpers (code info, instruction cache) on first use

    Controller& ctl_;
    std::ostream& out_;
    std::vector<Command> commands_;
    session::Session* for_session_ = nullptr;
    std::unique_ptr<trace::CodeInfo> code_;
    std::unique_ptr<trace::CodeCache> cache_;
    size_t frame_ = 0;
};

std::vector<Command> moving_commands();
std::vector<Command> looking_commands();
std::vector<Command> source_commands();

}  // namespace gostart::stepper
