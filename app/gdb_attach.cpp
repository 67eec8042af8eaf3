#include "app/gdb_attach.h"

#include "app/commands.h"
#include "gdbstub/server.h"
#include "gdbstub/tcp_listener.h"

#include <fmt/format.h>

#include <iostream>

namespace gostart::app {

GdbAttach::GdbAttach(const std::string& address) {
    try {
        listener_ = std::make_unique<gdbstub::TcpListener>(address);
    } catch (const gdbstub::AddressError& e) {
        throw UsageError(fmt::format("--gdb {}: {}", address, e.what()));
    } catch (const gdbstub::ListenError& e) {
        throw std::runtime_error(fmt::format("--gdb {}: {}", address, e.what()));
    }
}

GdbAttach::~GdbAttach() = default;

linux::ExitInfo GdbAttach::run(SessionTarget& target, bool quiet, std::ostream& out) {
    out.flush();
    std::cerr << fmt::format("gostart-emu: gdb: listening on {}\n", listener_->bound_address());
    std::cerr.flush();
    auto conn = listener_->accept_one();
    gdbstub::GdbServer server(*conn, target);
    gdbstub::SessionEnd end = server.serve();
    conn.reset();
    if (target.ended()) return *target.ended();
    if (!quiet) {
        out << (end == gdbstub::SessionEnd::detached ? "gostart-emu: gdb detached; the run goes on\n"
                                                     : "gostart-emu: the gdb connection closed; the run goes on\n");
        out.flush();
    }
    return target.run_to_end();
}

}  // namespace gostart::app
