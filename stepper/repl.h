// The stepper's input: a libedit prompt on a terminal (history in ~/.gostart_history, Tab completion
// of commands and symbols, an empty line repeats the last command, Ctrl-C interrupts a run), or commands
// read without a prompt from --script FILE or a non-terminal stdin, each echoed as `(gostart) CMD`.
#pragma once

#include "stepper/debugger.h"

#include <string>

namespace gostart::stepper {

// Reads and runs commands until quit or end of input.
void run_interactive(Debugger& d);
void run_script(Debugger& d, std::istream& in);

}  // namespace gostart::stepper
