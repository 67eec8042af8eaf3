// `gostart-emu [run] PROGRAM`: run to exit, with a start-up summary on the emulator's output.
#pragma once

#include "session/run_options.h"

namespace gostart::app {

int run_command(const session::RunOptions& opts);

}  // namespace gostart::app
