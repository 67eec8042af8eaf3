#include "gdbstub/server.h"

#include "gdbstub/amd64_registers.h"
#include "gdbstub/gdb_signals.h"
#include "gdbstub/hex.h"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

namespace gostart::gdbstub {
namespace {

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// "ADDR,LEN" (both hex), with whatever follows LEN after `stop` returned in `rest`.
bool addr_len(std::string_view args, uint64_t& addr, uint64_t& len, std::string_view* rest = nullptr, char stop = ':') {
    auto comma = args.find(',');
    if (comma == std::string_view::npos) return false;
    auto end = args.find(stop, comma);
    auto a = parse_hex(args.substr(0, comma));
    auto l = parse_hex(args.substr(comma + 1, end == std::string_view::npos ? std::string_view::npos : end - comma - 1));
    if (!a || !l) return false;
    addr = *a;
    len = *l;
    if (rest) *rest = end == std::string_view::npos ? std::string_view() : args.substr(end + 1);
    return true;
}

// A thread id as gdb writes it: hex, or -1 (all), 0 (any).
std::optional<int> thread_id(std::string_view s) {
    if (s == "-1") return -1;
    auto v = parse_hex(s);
    if (!v || *v > 0x7fffffff) return std::nullopt;
    return static_cast<int>(*v);
}

}  // namespace

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

std::string GdbServer::query(std::string_view p) {
    if (starts_with(p, "qSupported")) return supported(p.size() > 11 ? p.substr(11) : std::string_view());
    if (p == "qC") return fmt::format("QC{:x}", target_.current_thread());
    if (p == "qAttached") return "1";  // gdb detaches, not kills, when it quits: the run goes on
    if (p == "qfThreadInfo") {
        std::string s = "m";
        for (int t : target_.threads()) s += fmt::format("{}{:x}", s.size() > 1 ? "," : "", t);
        return s.size() > 1 ? s : "l";
    }
    if (p == "qsThreadInfo") return "l";
    if (starts_with(p, "qThreadExtraInfo,")) {
        auto tid = thread_id(p.substr(17));
        if (!tid) return "E01";
        return to_hex(target_.thread_description(*tid));
    }
    if (starts_with(p, "qXfer:")) return xfer(p.substr(6));
    if (starts_with(p, "qSymbol:")) return "OK";  // we need no symbol values from gdb
    return "";
}

std::string GdbServer::supported(std::string_view features) {
    swbreak_ = false;
    while (!features.empty()) {
        auto semi = features.find(';');
        if (features.substr(0, semi) == "swbreak+") swbreak_ = true;
        features = semi == std::string_view::npos ? std::string_view() : features.substr(semi + 1);
    }
    std::string s = fmt::format("PacketSize={:x};QStartNoAckMode+;qXfer:features:read+;qXfer:exec-file:read+;"
                                "swbreak+;vContSupported+",
                                kMaxPacket);
    if (target_.can_reverse()) s += ";ReverseStep+;ReverseContinue+";
    return s;
}

std::string GdbServer::xfer(std::string_view args) {
    // OBJECT:read:ANNEX:OFFSET,LENGTH
    auto c1 = args.find(':');
    if (c1 == std::string_view::npos) return "";
    auto c2 = args.find(':', c1 + 1);
    if (c2 == std::string_view::npos) return "";
    auto c3 = args.find(':', c2 + 1);
    if (c3 == std::string_view::npos) return "E00";
    std::string_view object = args.substr(0, c1), op = args.substr(c1 + 1, c2 - c1 - 1),
                     annex = args.substr(c2 + 1, c3 - c2 - 1);
    if (op != "read") return "";
    std::string data;
    if (object == "features") {
        if (annex != "target.xml") return "E00";
        data = amd64_target_xml();
    } else if (object == "exec-file") {
        data = target_.exec_file();
    } else {
        return "";
    }
    uint64_t off = 0, len = 0;
    if (!addr_len(args.substr(c3 + 1), off, len)) return "E00";
    if (off >= data.size()) return "l";
    len = std::min<uint64_t>(len, kMaxPacket / 2);
    return (off + len >= data.size() ? "l" : "m") + data.substr(off, len);
}

std::string GdbServer::read_registers() {
    int tid = thread_for(g_thread_);
    std::string s;
    std::vector<uint8_t> buf;
    for (size_t i = 0; i < kAmd64RegCount; ++i) {
        buf.assign(reg_bytes(static_cast<int>(i)), 0);
        if (target_.read_register(tid, static_cast<int>(i), buf)) s += to_hex(buf);
        else s += std::string(buf.size() * 2, 'x');  // unavailable
    }
    return s;
}

std::string GdbServer::write_registers(std::string_view hex) {
    size_t total = 0;
    for (size_t i = 0; i < kAmd64RegCount; ++i) total += reg_bytes(static_cast<int>(i));
    if (hex.size() != 2 * total) return "E01";
    int tid = thread_for(g_thread_);
    std::vector<uint8_t> now;
    for (size_t i = 0, off = 0; i < kAmd64RegCount; ++i) {
        int n = static_cast<int>(i);
        std::string_view digits = hex.substr(off, 2 * reg_bytes(n));
        off += digits.size();
        if (digits.find_first_not_of('x') == std::string_view::npos) continue;  // unavailable: no value
        auto want = bytes_from_hex(digits);
        if (!want) return "E01";
        // Only what gdb changed: writing a segment selector back, even unchanged, is not always allowed.
        now.assign(want->size(), 0);
        if (target_.read_register(tid, n, now) && now == *want) continue;
        if (!target_.write_register(tid, n, *want)) return "E01";
    }
    return "OK";
}

std::string GdbServer::read_register(std::string_view args) {
    auto n = parse_hex(args);
    if (!n || *n >= kAmd64RegCount) return "E00";
    int regno = static_cast<int>(*n);
    std::vector<uint8_t> buf(reg_bytes(regno));
    if (!target_.read_register(thread_for(g_thread_), regno, buf)) return std::string(buf.size() * 2, 'x');
    return to_hex(buf);
}

std::string GdbServer::write_register(std::string_view args) {
    auto eq = args.find('=');
    if (eq == std::string_view::npos) return "E00";
    auto n = parse_hex(args.substr(0, eq));
    auto bytes = bytes_from_hex(args.substr(eq + 1));
    if (!n || *n >= kAmd64RegCount || !bytes || bytes->size() != reg_bytes(static_cast<int>(*n))) return "E00";
    return target_.write_register(thread_for(g_thread_), static_cast<int>(*n), *bytes) ? "OK" : "E01";
}

std::string GdbServer::read_memory(std::string_view args) {
    uint64_t addr = 0, len = 0;
    if (!addr_len(args, addr, len)) return "E00";
    len = std::min<uint64_t>(len, kMaxPacket / 2 - 16);
    std::vector<uint8_t> buf(len);
    size_t got = target_.read_memory(addr, buf);
    if (got == 0 && len != 0) return "E14";  // EFAULT, as gdbserver says it
    buf.resize(got);
    return to_hex(buf);
}

std::string GdbServer::write_memory(std::string_view args, bool binary) {
    uint64_t addr = 0, len = 0;
    std::string_view data;
    if (!addr_len(args, addr, len, &data)) return "E00";
    std::vector<uint8_t> bytes;
    if (binary) {
        bytes.assign(data.begin(), data.end());
    } else {
        auto b = bytes_from_hex(data);
        if (!b) return "E00";
        bytes = std::move(*b);
    }
    if (bytes.size() != len) return "E00";
    if (len == 0) return "OK";  // gdb's probe for X support
    return target_.write_memory(addr, bytes) ? "OK" : "E14";
}

std::string GdbServer::breakpoint(std::string_view args, bool insert) {
    // TYPE,ADDR,KIND[;cond...]: conditions and commands are gdb's business.
    auto semi = args.find(';');
    args = args.substr(0, semi);
    auto comma = args.find(',');
    if (comma == std::string_view::npos) return "E00";
    auto type = parse_hex(args.substr(0, comma));
    uint64_t addr = 0, kind = 0;
    if (!type || !addr_len(args.substr(comma + 1), addr, kind, nullptr, ';')) return "E00";
    bool ok = false;
    switch (*type) {
        case 0:  // software breakpoint
        case 1:  // hardware breakpoint: the same thing here, we patch no code
            ok = insert ? target_.add_breakpoint(addr) : target_.remove_breakpoint(addr);
            break;
        case 2:  // write watchpoint
            if (kind == 0) return "E00";
            ok = insert ? target_.add_write_watch(addr, kind) : target_.remove_write_watch(addr, kind);
            break;
        default:  // read and access watchpoints: not supported, gdb falls back or says so
            return "";
    }
    return ok ? "OK" : "E01";
}

std::string GdbServer::set_thread(std::string_view args) {
    if (args.empty() || (args[0] != 'g' && args[0] != 'c')) return "E00";
    auto tid = thread_id(args.substr(1));
    if (!tid) return "E00";
    if (*tid > 0) {
        auto ts = target_.threads();
        if (std::find(ts.begin(), ts.end(), *tid) == ts.end()) return "E01";
    }
    (args[0] == 'g' ? g_thread_ : c_thread_) = *tid;
    return "OK";
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
