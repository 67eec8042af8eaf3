// What the user is told when a run ends other than by the program's own exit: the one-line reason
// (instruction limit, deadlock, the signal that killed the guest), and for a guest killed by a signal
// the Go backtrace of the thread that died, so that the report says where as well as what.
#pragma once

#include "linux/process.h"
#include "session/session.h"

#include <ostream>
#include <string>

namespace gostart::session {

// Nothing for a normal exit. Every line starts with "gostart-emu: ".
void write_exit_report(std::ostream& out, Session& session, const linux::ExitInfo& exit, const std::string& program);

}  // namespace gostart::session
