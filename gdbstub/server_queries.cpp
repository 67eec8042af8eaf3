// GdbServer's answers about the program: queries (qSupported, threads, qXfer), registers, memory,
// breakpoints and thread selection. The session loop and resuming are in server.cpp.
#include "gdbstub/amd64_registers.h"
#include "gdbstub/hex.h"
#include "gdbstub/server.h"
#include "gdbstub/server_args.h"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

namespace gostart::gdbstub {

using args::addr_len;
using args::starts_with;
using args::thread_id;

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

}  // namespace gostart::gdbstub
