#include "gdbstub/server.h"

#include "gdbstub/amd64_registers.h"
#include "gdbstub/gdb_signals.h"
#include "gdbstub/hex.h"
#include "gdbstub/server_args.h"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

namespace gostart::gdbstub {

using args::starts_with;
using args::thread_id;

SessionEnd GdbServer::serve() {
    while (!end_) {
        auto in = next(-1);
        if (!in) {
            if (!disconnected_) continue;
            target_.detach();
            return SessionEnd::disconnected;
        }
        switch (in->kind) {
            case Incoming::Kind::ack:
            case Incoming::Kind::interrupt:  // nothing runs: nothing to stop
                break;
            case Incoming::Kind::nack:
                if (ack_mode_ && !last_sent_.empty()) io_.write(last_sent_);
                break;
            case Incoming::Kind::bad_checksum:
                if (ack_mode_) io_.write("-");  // gdb sends it again
                break;
            case Incoming::Kind::overlong:
                if (ack_mode_) io_.write("+");
                send("E01");
                break;
            case Incoming::Kind::packet:
                if (ack_mode_) io_.write("+");
                handle(in->data);
                break;
        }
        if (disconnected_ && !end_) {
            target_.detach();
            return SessionEnd::disconnected;
        }
    }
    return *end_;
}

std::optional<Incoming> GdbServer::next(int timeout_ms) {
    while (pending_.empty()) {
        if (disconnected_) return std::nullopt;
        auto bytes = io_.read(timeout_ms);
        if (!bytes) return std::nullopt;
        if (bytes->empty()) {
            disconnected_ = true;
            return std::nullopt;
        }
        std::vector<Incoming> items;
        reader_.feed(*bytes, items);
        pending_.insert(pending_.end(), items.begin(), items.end());
    }
    Incoming in = std::move(pending_.front());
    pending_.pop_front();
    return in;
}

void GdbServer::send(std::string_view payload) {
    last_sent_ = frame(payload);
    if (!io_.write(last_sent_)) disconnected_ = true;
}

bool GdbServer::poll_interrupt() {
    if (disconnected_) return true;
    auto bytes = io_.read(0);
    if (bytes && bytes->empty()) {
        disconnected_ = true;
        return true;
    }
    if (bytes) {
        std::vector<Incoming> items;
        reader_.feed(*bytes, items);
        pending_.insert(pending_.end(), items.begin(), items.end());
    }
    // gdb sends nothing but 0x03 while the program runs; anything else waits for the stop.
    auto n = std::erase_if(pending_, [](const Incoming& i) { return i.kind == Incoming::Kind::interrupt; });
    return n > 0;
}

int GdbServer::thread_for(int selected) {
    if (selected > 0) {
        auto ts = target_.threads();
        if (std::find(ts.begin(), ts.end(), selected) != ts.end()) return selected;
    }
    return target_.current_thread();
}

void GdbServer::handle(const std::string& p) {
    if (p.empty()) return send("");
    std::string_view args = std::string_view(p).substr(1);
    switch (p[0]) {
        case '?':
            if (last_stop_.empty()) last_stop_ = stop_reply(StopEvent{StopEvent::Kind::step, target_.current_thread()});
            return send(last_stop_);
        case 'q':
        case 'Q':
            if (p == "QStartNoAckMode") {
                send("OK");
                ack_mode_ = false;  // after gdb's `+` for this reply, neither side acknowledges
                return;
            }
            return send(query(p));
        case 'H':
            return send(set_thread(args));
        case 'T': {
            auto tid = thread_id(args);
            auto ts = target_.threads();
            return send(tid && std::find(ts.begin(), ts.end(), *tid) != ts.end() ? "OK" : "E01");
        }
        case 'g':
            return send(read_registers());
        case 'G':
            return send(write_registers(args));
        case 'p':
            return send(read_register(args));
        case 'P':
            return send(write_register(args));
        case 'm':
            return send(read_memory(args));
        case 'M':
            return send(write_memory(args, false));
        case 'X':
            return send(write_memory(args, true));
        case 'Z':
        case 'z':
            return send(breakpoint(args, p[0] == 'Z'));
        case 'c':
        case 's':
        case 'C':
        case 'S': {
            ResumeRequest r;
            r.step = p[0] == 's' || p[0] == 'S';
            r.tid = thread_for(c_thread_);
            std::string_view addr = args;
            if (p[0] == 'C' || p[0] == 'S') {
                auto semi = args.find(';');
                auto sig = parse_hex(args.substr(0, semi));
                if (!sig) return send("E01");
                r.signal = linux_signal_from_gdb(static_cast<int>(*sig));
                r.signal_tid = r.tid;
                addr = semi == std::string_view::npos ? std::string_view() : args.substr(semi + 1);
            }
            if (!addr.empty()) {  // resume at another address
                auto a = parse_hex(addr);
                if (!a) return send("E01");
                std::string le = le_hex(*a, 8);
                auto bytes = bytes_from_hex(le);
                if (!target_.write_register(r.tid, static_cast<int>(Amd64Reg::rip), *bytes)) return send("E01");
            }
            return resume(r);
        }
        case 'b':
            if ((p == "bc" || p == "bs") && target_.can_reverse()) {
                ResumeRequest r;
                r.reverse = true;
                r.step = p == "bs";
                r.tid = thread_for(c_thread_);
                return resume(r);
            }
            return send("");
        case 'v':
            if (p == "vCont?") return send("vCont;c;C;s;S");
            if (starts_with(p, "vCont;")) return vcont(std::string_view(p).substr(6));
            if (p == "vKill" || starts_with(p, "vKill;")) {
                target_.kill();
                send("OK");
                end_ = SessionEnd::killed;
                return;
            }
            return send("");  // vMustReplyEmpty and every v packet we do not know
        case 'k':
            target_.kill();  // no reply: gdb does not wait for one
            end_ = SessionEnd::killed;
            return;
        case 'D':
            send("OK");
            target_.detach();
            end_ = SessionEnd::detached;
            return;
        default:
            return send("");
    }
}

void GdbServer::vcont(std::string_view actions) {
    ResumeRequest r;
    bool any = false;
    while (!actions.empty()) {
        auto semi = actions.find(';');
        std::string_view act = actions.substr(0, semi);
        actions = semi == std::string_view::npos ? std::string_view() : actions.substr(semi + 1);
        if (act.empty()) continue;
        auto colon = act.find(':');
        std::optional<int> tid = -1;
        if (colon != std::string_view::npos) tid = thread_id(act.substr(colon + 1));
        std::string_view head = act.substr(0, colon);
        if (!tid || head.empty()) return send("E00");
        char a = head[0];
        int sig = 0;
        if (a == 'C' || a == 'S') {
            auto s = parse_hex(head.substr(1));
            if (!s) return send("E00");
            sig = linux_signal_from_gdb(static_cast<int>(*s));
        }
        int who = *tid > 0 ? *tid : thread_for(c_thread_);
        if (a == 's' || a == 'S') {
            if (r.step) continue;  // the first step action wins; the scheduler runs one thread at a time
            r.step = true;
            r.tid = who;
        } else if (a != 'c' && a != 'C') {
            continue;  // 't' (stop) means nothing in all-stop mode
        }
        if (sig && !r.signal) {
            r.signal = sig;
            r.signal_tid = who;
        }
        any = true;
    }
    if (!any) return send("E00");
    resume(r);
}

void GdbServer::resume(ResumeRequest r) {
    StopEvent ev = target_.resume(r, [this] { return poll_interrupt(); });
    g_thread_ = c_thread_ = 0;  // gdb takes the stopped thread as selected
    bool over = ev.kind == StopEvent::Kind::exited || ev.kind == StopEvent::Kind::signaled;
    if (disconnected_ && !over) return;  // serve() detaches
    if (over) {
        if (!ev.message.empty()) send("O" + to_hex(ev.message + "\n"));  // shown on gdb's console
        send(stop_reply(ev));
        end_ = SessionEnd::exited;
        return;
    }
    last_stop_ = stop_reply(ev);
    send(last_stop_);
}

std::string GdbServer::stop_reply(const StopEvent& ev) {
    switch (ev.kind) {
        case StopEvent::Kind::exited:
            return fmt::format("W{:02x}", ev.status & 0xff);
        case StopEvent::Kind::signaled:
            return fmt::format("X{:02x}", gdb_signal_from_linux(ev.status));
        default:
            break;
    }
    std::string s = fmt::format("T{:02x}", ev.kind == StopEvent::Kind::interrupt ? kGdbSigInt : kGdbSigTrap);
    // The registers gdb asks for first at every stop, sent along to save a round trip.
    for (Amd64Reg r : {Amd64Reg::rbp, Amd64Reg::rsp, Amd64Reg::rip}) {
        int n = static_cast<int>(r);
        std::vector<uint8_t> buf(reg_bytes(n));
        if (target_.read_register(ev.tid, n, buf)) s += fmt::format("{:02x}:{};", n, to_hex(buf));
    }
    s += fmt::format("thread:{:x};", ev.tid);
    if (ev.kind == StopEvent::Kind::breakpoint && swbreak_) s += "swbreak:;";
    if (ev.kind == StopEvent::Kind::watch) s += fmt::format("watch:{:x};", ev.data_addr);
    if (ev.kind == StopEvent::Kind::history_end) s += "replaylog:begin;";
    return s;
}

}  // namespace gostart::gdbstub
