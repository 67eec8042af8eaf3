// GdbServer: the Remote Serial Protocol's command side, in all-stop mode. It reads packets from a
// Transport, answers queries from a DebugTarget, resumes it and reports its stops, until the session
// ends. Unknown packets get the empty reply the protocol asks for; malformed ones an error or a `-`;
// nothing that arrives makes it throw.
#pragma once

#include "gdbstub/debug_target.h"
#include "gdbstub/packet_reader.h"
#include "gdbstub/transport.h"

#include <deque>
#include <optional>
#include <string>
#include <string_view>

namespace gostart::gdbstub {

// How the session ended.
enum class SessionEnd {
    exited,        // the program ended (reported to gdb with W or X)
    killed,        // gdb killed it (k, vKill)
    detached,      // gdb detached (D): the program runs on by itself
    disconnected,  // the connection dropped: as detached
};

class GdbServer {
public:
    static constexpr size_t kMaxPacket = 0x4000;  // PacketSize in qSupported

    GdbServer(Transport& io, DebugTarget& target) : io_(io), target_(target), reader_(kMaxPacket) {}
    SessionEnd serve();

private:
    std::optional<Incoming> next(int timeout_ms);
    void send(std::string_view payload);
    void handle(const std::string& p);  // one packet; sets end_ when the session is over
    bool poll_interrupt();              // while the target runs

    std::string query(std::string_view p);
    std::string supported(std::string_view features);
    std::string xfer(std::string_view args);
    std::string read_registers();
    std::string write_registers(std::string_view hex);
    std::string read_register(std::string_view args);
    std::string write_register(std::string_view args);
    std::string read_memory(std::string_view args);
    std::string write_memory(std::string_view args, bool binary);
    std::string breakpoint(std::string_view args, bool insert);
    std::string set_thread(std::string_view args);
    void resume(ResumeRequest r);
    void vcont(std::string_view actions);
    std::string stop_reply(const StopEvent& ev);
    int thread_for(int selected);  // 0 or -1 (any, all) mean the thread the program stopped in

    Transport& io_;
    DebugTarget& target_;
    PacketReader reader_;
    std::deque<Incoming> pending_;
    bool ack_mode_ = true;
    bool swbreak_ = false;  // gdb understands the swbreak stop reason
    std::string last_sent_;
    std::string last_stop_;
    int g_thread_ = 0, c_thread_ = 0;  // Hg, Hc
    bool disconnected_ = false;
    std::optional<SessionEnd> end_;
};

}  // namespace gostart::gdbstub
