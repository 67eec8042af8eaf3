// Debugger: the stepper's commands. One table of {names, usage, help, fn} drives dispatch, `help` and
// Tab completion (Delve's pkg/terminal/command.go, in spirit); the moving commands are in moving.cpp,
// the looking ones in looking.cpp.
#pragma once

#include "stepper/controller.h"
#include "stepper/expr.h"
#include "trace/code_cache.h"

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
    app::Program& program() { return ctl_.session().program(); }
    trace::CodeInfo& code();
    trace::CodeCache& cache();
    Evaluator eval();
    uint64_t location(std::string_view loc);  // throws std::runtime_error
    void show_position();                     // "=> FILE:LINE  0xADDR  BYTES  INSN" after a move
    void help(std::string_view name);

private:
    void refresh();  // build the per-session helpers (code info, instruction cache) on first use

    Controller& ctl_;
    std::ostream& out_;
    std::vector<Command> commands_;
    app::Session* for_session_ = nullptr;
    std::unique_ptr<trace::CodeInfo> code_;
    std::unique_ptr<trace::CodeCache> cache_;
};

std::vector<Command> moving_commands();
std::vector<Command> looking_commands();

}  // namespace gostart::stepper
