// `--gdb HOST:PORT` (run, check, step): wait for gdb before the first instruction, serve it, and
// finish the run. The line `gostart-emu: gdb: listening on HOST:PORT` goes to stderr whatever -q and
// -o say: it is what a user (or a script, with port 0) needs in order to connect.
#pragma once

#include "app/gdb_target.h"

#include <memory>
#include <ostream>
#include <string>

namespace gostart::gdbstub {
class TcpListener;
}

namespace gostart::app {

class GdbAttach {
public:
    // Listens at once, so that a bad address or a busy port is reported before the run says anything:
    // a malformed address is a UsageError, one we cannot listen on a std::runtime_error naming it.
    explicit GdbAttach(const std::string& address);
    ~GdbAttach();

    // Waits for gdb and serves it until the program ends, gdb kills it, detaches or the connection
    // drops; after a detach or a drop the program runs on to its end without gdb. Returns how the run
    // ended.
    linux::ExitInfo run(SessionTarget& target, bool quiet, std::ostream& out);

private:
    std::unique_ptr<gdbstub::TcpListener> listener_;
};

}  // namespace gostart::app
