// GdbServer against a scripted gdb and a fake program: what each packet is answered with, what the
// target is asked to do, and how the session ends. The bytes gdb sends are written as gdb would.
#include "gdbstub/amd64_registers.h"
#include "gdbstub/gdb_signals.h"
#include "gdbstub/hex.h"
#include "gdbstub/packet_reader.h"
#include "gdbstub/server.h"

#include <catch2/catch.hpp>

#include <cstring>
#include <deque>
#include <map>
#include <set>

using namespace gostart::gdbstub;

namespace {

// A program with threads 1000 and 1001 and 256 bytes of memory at 0x1000.
struct FakeTarget : DebugTarget {
    std::vector<int> tids{1000, 1001};
    int current = 1000;
    std::map<int, std::array<uint64_t, kAmd64RegCount>> regs;
    std::vector<uint8_t> mem = std::vector<uint8_t>(256);
    std::set<uint64_t> breaks;
    std::set<std::pair<uint64_t, uint64_t>> watches;
    std::deque<StopEvent> stops;           // what the next resumes report
    std::vector<ResumeRequest> resumes;
    bool wait_for_interrupt = false;       // resume() polls until gdb interrupts
    bool killed = false, detached = false;

    FakeTarget() {
        for (int t : tids)
            for (size_t i = 0; i < kAmd64RegCount; ++i) regs[t][i] = static_cast<uint64_t>(t) * 0x100 + i;
        for (size_t i = 0; i < mem.size(); ++i) mem[i] = static_cast<uint8_t>(i);
    }
    std::vector<int> threads() override { return tids; }
    int current_thread() override { return current; }
    std::string thread_description(int tid) override { return tid == 1001 ? "futex wait 0x42" : "running"; }
    bool read_register(int tid, int regno, std::span<uint8_t> out) override {
        if (!regs.count(tid)) return false;
        if (regno == static_cast<int>(Amd64Reg::st0)) return false;  // "unavailable"
        uint8_t raw[16] = {};
        std::memcpy(raw, &regs[tid][static_cast<size_t>(regno)], 8);
        std::memcpy(out.data(), raw, out.size());
        return true;
    }
    bool write_register(int tid, int regno, std::span<const uint8_t> in) override {
        if (!regs.count(tid)) return false;
        uint64_t v = 0;
        std::memcpy(&v, in.data(), std::min<size_t>(8, in.size()));
        regs[tid][static_cast<size_t>(regno)] = v;
        return true;
    }
    size_t read_memory(uint64_t addr, std::span<uint8_t> out) override {
        size_t n = 0;
        for (; n < out.size() && addr + n >= 0x1000 && addr + n < 0x1100; ++n) out[n] = mem[addr + n - 0x1000];
        return n;
    }
    bool write_memory(uint64_t addr, std::span<const uint8_t> in) override {
        if (addr < 0x1000 || addr + in.size() > 0x1100) return false;
        std::copy(in.begin(), in.end(), mem.begin() + static_cast<long>(addr - 0x1000));
        return true;
    }
    bool add_breakpoint(uint64_t a) override { return breaks.insert(a).second; }
    bool remove_breakpoint(uint64_t a) override { return breaks.erase(a) == 1; }
    bool add_write_watch(uint64_t a, uint64_t l) override { return watches.insert({a, l}).second; }
    bool remove_write_watch(uint64_t a, uint64_t l) override { return watches.erase({a, l}) == 1; }
    StopEvent resume(const ResumeRequest& r, const std::function<bool()>& interrupted) override {
        resumes.push_back(r);
        if (wait_for_interrupt) {
            for (int i = 0; i < 1000; ++i)
                if (interrupted()) return StopEvent{StopEvent::Kind::interrupt, current};
            FAIL("the interrupt never came");
        }
        REQUIRE_FALSE(stops.empty());
        StopEvent e = stops.front();
        stops.pop_front();
        if (e.tid) current = e.tid;
        return e;
    }
    void kill() override { killed = true; }
    void detach() override { detached = true; }
    std::string exec_file() override { return "/tmp/hello"; }
};

// gdb's side: chunks of bytes to deliver, one per read; then the connection closes.
struct ScriptedGdb : Transport {
    std::deque<std::string> incoming;
    std::string written;
    std::optional<std::string> read(int) override {
        if (incoming.empty()) return std::string();
        std::string s = incoming.front();
        incoming.pop_front();
        return s;
    }
    bool write(std::string_view b) override {
        written += b;
        return true;
    }
    // The replies written, as payloads (acks dropped).
    std::vector<std::string> replies() const {
        PacketReader r(1 << 20);
        std::vector<Incoming> items;
        r.feed(written, items);
        std::vector<std::string> out;
        for (auto& i : items)
            if (i.kind == Incoming::Kind::packet) out.push_back(i.data);
        return out;
    }
};

struct Session {
    FakeTarget target;
    ScriptedGdb gdb;
    std::optional<SessionEnd> end;
    // Sends the packets (framed), serves until the script ends, returns the replies.
    std::vector<std::string> run(std::vector<std::string> packets) {
        for (auto& p : packets) gdb.incoming.push_back(frame(p));
        GdbServer server(gdb, target);
        end = server.serve();
        return gdb.replies();
    }
};

}  // namespace

TEST_CASE("qSupported announces what the stub does", "[gdbstub][server]") {
    Session s;
    auto r = s.run({"qSupported:multiprocess+;swbreak+;hwbreak+;vContSupported+"});
    REQUIRE(r.size() == 1);
    CHECK_THAT(r[0], Catch::Contains("PacketSize=4000"));
    CHECK_THAT(r[0], Catch::Contains("qXfer:features:read+"));
    CHECK_THAT(r[0], Catch::Contains("vContSupported+"));
    CHECK_THAT(r[0], Catch::Contains("QStartNoAckMode+"));
    CHECK_THAT(r[0], !Catch::Contains("ReverseStep"));  // this target cannot go backwards
    // The script ended without D or k: a dropped connection, and the program detached.
    CHECK(s.end == SessionEnd::disconnected);
    CHECK(s.target.detached);
}

TEST_CASE("every packet is acknowledged, a bad checksum with '-', until no-ack mode", "[gdbstub][server]") {
    Session s;
    s.gdb.incoming = {"$g#00", "$qC#b4"};  // the first is corrupt
    s.gdb.incoming.push_back(frame("QStartNoAckMode"));
    s.gdb.incoming.push_back(frame("qC"));
    GdbServer server(s.gdb, s.target);
    server.serve();
    const std::string& w = s.gdb.written;
    CHECK(w.rfind("-+$QC3e8#", 0) == 0);
    // After the OK of QStartNoAckMode there are no more acks.
    auto ok = w.find("$OK#9a");
    REQUIRE(ok != std::string::npos);
    CHECK(w.substr(ok + 6) == "$QC3e8#" + w.substr(w.size() - 2));
    CHECK(w.substr(ok - 1, 1) == "+");
}

TEST_CASE("unknown packets get the empty reply, an overlong one an error, and the session goes on", "[gdbstub][server]") {
    Session s;
    s.gdb.incoming.push_back(frame("qNoSuchThing"));
    s.gdb.incoming.push_back(frame("vMustReplyEmpty"));
    s.gdb.incoming.push_back(frame(std::string(GdbServer::kMaxPacket + 10, 'm')));
    s.gdb.incoming.push_back(frame("!"));
    s.gdb.incoming.push_back(frame("qC"));
    GdbServer server(s.gdb, s.target);
    server.serve();
    auto r = s.gdb.replies();
    REQUIRE(r.size() == 5);
    CHECK(r[0].empty());
    CHECK(r[1].empty());
    CHECK(r[2] == "E01");
    CHECK(r[3].empty());
    CHECK(r[4] == "QC3e8");
}

TEST_CASE("malformed arguments get errors, not crashes", "[gdbstub][server]") {
    Session s;
    auto r = s.run({"m", "mzz,4", "m1000", "M1000,2:zz", "M1000,4:00", "p", "pzz", "p999", "P0=12", "Hx1", "Hgq",
                    "Z0", "Z0,zz,1", "Z2,1000,0", "vCont;x:zz", "qXfer:features:read:other.xml:0,10",
                    "qXfer:features:read:target.xml:zz", "G00", "C", "Tzz"});
    REQUIRE(r.size() == 20);
    for (size_t i = 0; i < r.size(); ++i) {
        INFO("reply " << i << ": " << r[i]);
        CHECK(r[i].size() >= 3);
        CHECK(r[i][0] == 'E');
    }
    CHECK(s.target.resumes.empty());
}

TEST_CASE("registers: g for the selected thread, p, P, G, unavailable ones as xx", "[gdbstub][server]") {
    Session s;
    auto r = s.run({"g", "Hg3e9", "g", "p10", "P10=1122334455667788", "p10", "Hg999", "p18"});
    REQUIRE(r.size() == 8);
    size_t total = 0;
    for (size_t i = 0; i < kAmd64RegCount; ++i) total += reg_bytes(static_cast<int>(i));
    CHECK(total == 560);  // core 276 + sse 260 + orig_rax 8 + fs_base/gs_base 16
    CHECK(r[0].size() == 2 * total);
    CHECK(r[0].substr(0, 16) == le_hex(1000 * 0x100 + 0, 8));           // rax of thread 1000
    CHECK(r[2].substr(16, 16) == le_hex(1001 * 0x100 + 1, 8));          // rbx of thread 1001 after Hg
    CHECK(r[3] == le_hex(1001 * 0x100 + 16, 8));                         // rip (16)
    CHECK(r[4] == "OK");
    CHECK(s.target.regs[1001][16] == 0x8877665544332211);
    CHECK(r[6] == "E01");                                                // no thread 999
    CHECK(r[7] == std::string(20, 'x'));                                 // st0 (0x18): 10 bytes unavailable
    // st0 sits after rax..r15, rip, eflags and six selectors: 16*8 + 8 + 4 + 6*4 bytes.
    CHECK(r[0].substr(2 * (16 * 8 + 8 + 4 + 24), 20) == std::string(20, 'x'));
}

TEST_CASE("G writes back only the registers gdb changed", "[gdbstub][server]") {
    Session s;
    FakeTarget& t = s.target;
    std::string g;
    {
        Session first;
        g = first.run({"g"})[0];
    }
    // Change rcx (third register) and fs_base (the second last), keep the rest; the unavailable st0
    // stays "xx...": gdb has no value to send for it.
    g.replace(32, 16, le_hex(0xabcdef, 8));
    g.replace(g.size() - 32, 16, le_hex(0x7f0000001000, 8));
    auto r = s.run({"G" + g});
    REQUIRE(r.size() == 1);
    CHECK(r[0] == "OK");
    CHECK(t.regs[1000][2] == 0xabcdef);
    CHECK(t.regs[1000][static_cast<size_t>(Amd64Reg::fs_base)] == 0x7f0000001000);
    CHECK(t.regs[1000][0] == 1000 * 0x100);
}

TEST_CASE("memory: m reads what is readable, M and X write", "[gdbstub][server]") {
    Session s;
    std::string x = "X1010,3:";
    x += '#';  // binary data with a byte that needs escaping
    x += "ab";
    auto r = s.run({"m1000,4", "m10fe,4", "m2000,4", "M1004,2:beef", "m1004,2", x, "m1010,3", "X1000,0:"});
    REQUIRE(r.size() == 8);
    CHECK(r[0] == "00010203");
    CHECK(r[1] == "feff");  // the rest is not readable: the readable prefix
    CHECK(r[2] == "E14");
    CHECK(r[3] == "OK");
    CHECK(r[4] == "beef");
    CHECK(r[5] == "OK");
    CHECK(r[6] == "236162");
    CHECK(r[7] == "OK");
}

TEST_CASE("breakpoints and watchpoints reach the target; read watchpoints are not supported", "[gdbstub][server]") {
    Session s;
    auto r = s.run({"Z0,45e500,1", "Z1,45e600,1", "Z2,1008,8", "Z3,1008,8", "Z4,1008,8", "z0,45e500,1",
                    "z0,45e500,1", "z2,1008,8"});
    REQUIRE(r.size() == 8);
    CHECK(r[0] == "OK");
    CHECK(r[1] == "OK");
    CHECK(r[2] == "OK");
    CHECK(r[3].empty());
    CHECK(r[4].empty());
    CHECK(r[5] == "OK");
    CHECK(r[6] == "E01");  // already removed
    CHECK(r[7] == "OK");
    CHECK(s.target.breaks == std::set<uint64_t>{0x45e600});
    CHECK(s.target.watches.empty());
}

TEST_CASE("threads: list, alive, extra info, current", "[gdbstub][server]") {
    Session s;
    auto r = s.run({"qfThreadInfo", "qsThreadInfo", "T3e9", "T3ea", "qThreadExtraInfo,3e9", "qC", "qAttached"});
    REQUIRE(r.size() == 7);
    CHECK(r[0] == "m3e8,3e9");
    CHECK(r[1] == "l");
    CHECK(r[2] == "OK");
    CHECK(r[3] == "E01");
    CHECK(r[4] == to_hex(std::string_view("futex wait 0x42")));
    CHECK(r[5] == "QC3e8");
    CHECK(r[6] == "1");
}

TEST_CASE("the target description is read in pieces and names fs_base", "[gdbstub][server]") {
    Session s;
    std::string xml;
    for (uint64_t off = 0;;) {
        Session one;
        char buf[64];
        std::snprintf(buf, sizeof buf, "qXfer:features:read:target.xml:%llx,400", static_cast<unsigned long long>(off));
        auto r = one.run({buf});
        REQUIRE(r.size() == 1);
        REQUIRE_FALSE(r[0].empty());
        xml += r[0].substr(1);
        off += r[0].size() - 1;
        if (r[0][0] == 'l') break;
        REQUIRE(r[0][0] == 'm');
    }
    CHECK(xml == amd64_target_xml());
    CHECK_THAT(xml, Catch::Contains("<architecture>i386:x86-64</architecture>"));
    CHECK_THAT(xml, Catch::Contains("name=\"fs_base\""));
    CHECK_THAT(xml, Catch::Contains("org.gnu.gdb.i386.core"));
    auto r = s.run({"qXfer:exec-file:read::0,400"});
    CHECK(r.at(0) == "l/tmp/hello");
}

TEST_CASE("continue, step and vCont resume the target and report the stop with its thread", "[gdbstub][server]") {
    Session s;
    s.target.stops = {StopEvent{StopEvent::Kind::breakpoint, 1001}, StopEvent{StopEvent::Kind::step, 1001},
                      StopEvent{StopEvent::Kind::watch, 1000, 0x1008}, StopEvent{StopEvent::Kind::step, 1000}};
    auto r = s.run({"qSupported:swbreak+", "vCont?", "c", "vCont;s:3e9;c", "Hc3e9", "vCont;c", "s", "?"});
    REQUIRE(r.size() == 8);
    CHECK(r[1] == "vCont;c;C;s;S");
    // Expedited rbp (06), rsp (07), rip (10), then the thread and why.
    CHECK(r[2].rfind("T05", 0) == 0);
    CHECK_THAT(r[2], Catch::Contains("10:" + le_hex(1001 * 0x100 + 16, 8) + ";"));
    CHECK_THAT(r[2], Catch::EndsWith("thread:3e9;swbreak:;"));
    CHECK_THAT(r[3], Catch::EndsWith("thread:3e9;"));
    CHECK(r[4] == "OK");
    CHECK_THAT(r[5], Catch::EndsWith("thread:3e8;watch:1008;"));
    CHECK_THAT(r[6], Catch::EndsWith("thread:3e8;"));
    CHECK(r[7] == r[6]);  // `?` repeats the last stop
    auto& rs = s.target.resumes;
    REQUIRE(rs.size() == 4);
    CHECK_FALSE(rs[0].step);
    CHECK(rs[1].step);
    CHECK(rs[1].tid == 1001);
    CHECK_FALSE(rs[2].step);
    // After a stop the selected thread is the stopped one (gdb assumes so): `s` steps 1000.
    CHECK(rs[3].step);
    CHECK(rs[3].tid == 1000);
}

TEST_CASE("without swbreak+ from gdb a breakpoint stop is a plain SIGTRAP", "[gdbstub][server]") {
    Session s;
    s.target.stops = {StopEvent{StopEvent::Kind::breakpoint, 1000}};
    auto r = s.run({"qSupported:multiprocess+", "c"});
    REQUIRE(r.size() == 2);
    CHECK_THAT(r[1], Catch::EndsWith("thread:3e8;"));
}

TEST_CASE("signals from gdb reach the target as Linux signals", "[gdbstub][server]") {
    Session s;
    s.target.stops = {StopEvent{StopEvent::Kind::step, 1000}, StopEvent{StopEvent::Kind::step, 1000}};
    auto r = s.run({"C0a", "vCont;C1e:3e9"});  // gdb's SIGBUS (10), SIGUSR1 (30)
    REQUIRE(s.target.resumes.size() == 2);
    CHECK(s.target.resumes[0].signal == 7);
    CHECK(s.target.resumes[1].signal == 10);
    CHECK(s.target.resumes[1].signal_tid == 1001);
    CHECK(gdb_signal_from_linux(11) == 11);
    CHECK(gdb_signal_from_linux(23) == 16);  // SIGURG
    for (int sig = 1; sig < 64; ++sig)
        if (sig != 16 && sig != 32 && sig != 33) CHECK(linux_signal_from_gdb(gdb_signal_from_linux(sig)) == sig);
}

TEST_CASE("the end of the program is W with its status, or X with its signal, and ends the session", "[gdbstub][server]") {
    Session s;
    StopEvent end{StopEvent::Kind::exited, 0};
    end.status = 3;
    end.message = "gostart-emu: deadlock";
    s.target.stops = {end};
    auto r = s.run({"c", "qC"});
    REQUIRE(r.size() == 2);  // the qC after the end is never read
    CHECK(r[0] == "O" + to_hex(std::string_view("gostart-emu: deadlock\n")));
    CHECK(r[1] == "W03");
    CHECK(s.end == SessionEnd::exited);

    Session k;
    StopEvent sig{StopEvent::Kind::signaled, 0};
    sig.status = 7;  // SIGBUS
    k.target.stops = {sig};
    r = k.run({"c"});
    REQUIRE(r.size() == 1);
    CHECK(r[0] == "X0a");
}

TEST_CASE("0x03 while the program runs interrupts it: T02", "[gdbstub][server]") {
    Session s;
    s.target.wait_for_interrupt = true;
    s.gdb.incoming.push_back(frame("c"));
    s.gdb.incoming.push_back("\x03");
    GdbServer server(s.gdb, s.target);
    server.serve();
    auto r = s.gdb.replies();
    REQUIRE(r.size() == 1);
    CHECK(r[0].rfind("T02", 0) == 0);
}

TEST_CASE("a connection that drops while the program runs detaches it", "[gdbstub][server]") {
    Session s;
    s.target.wait_for_interrupt = true;  // runs until interrupted: the drop interrupts it
    auto r = s.run({"c"});
    CHECK(r.empty());
    CHECK(s.end == SessionEnd::disconnected);
    CHECK(s.target.detached);
}

TEST_CASE("D detaches, k and vKill kill", "[gdbstub][server]") {
    Session d;
    auto r = d.run({"D", "qC"});
    REQUIRE(r.size() == 1);
    CHECK(r[0] == "OK");
    CHECK(d.end == SessionEnd::detached);
    CHECK(d.target.detached);

    Session k;
    r = k.run({"k"});
    CHECK(r.empty());
    CHECK(k.end == SessionEnd::killed);
    CHECK(k.target.killed);

    Session v;
    r = v.run({"vKill;a410"});
    REQUIRE(r.size() == 1);
    CHECK(r[0] == "OK");
    CHECK(v.end == SessionEnd::killed);
}
