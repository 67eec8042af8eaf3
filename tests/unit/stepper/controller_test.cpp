// The controller says why each move ended as data (stepper/controller.h), whichever front-end reads
// it: breakpoint and watch details, the end, going back, and the refusals. Positions are checked
// against each other (a step back is one instruction less, a reverse-continue lands where the hit
// was), never against numbers copied from a run.
#include "session/program.h"
#include "session/session.h"
#include "stepper/controller.h"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <sstream>

using gostart::stepper::Controller;
using gostart::stepper::Stop;
using Kind = gostart::stepper::Stop::Kind;

namespace {

struct Hello {
    std::ostringstream out;  // the emulator's own output
    gostart::session::RunOptions opts;
    Hello() {
        const char* path = std::getenv("GOSTART_TEST_HELLO");
        REQUIRE(path);
        opts.program = path;
        opts.quiet = true;
    }
    gostart::stepper::Launcher launcher() {
        return [this] {
            gostart::stepper::Target t;
            t.session = std::make_shared<gostart::session::Session>(opts, gostart::session::open_program(opts.program, true), out);
            return t;
        };
    }
    uint64_t symbol(Controller& c, const char* name) {
        auto a = c.session().program().symbols.find(name);
        REQUIRE(a);
        return *a;
    }
};

uint64_t rip(Controller& c) { return c.session().engine().reg(gostart::cpu::Reg::rip); }

}  // namespace

TEST_CASE("A breakpoint stop names the breakpoint; reverse_continue comes back to it", "[controller]") {
    Hello h;
    Controller c(h.launcher(), h.out);
    const uint64_t main = h.symbol(c, "main.main");
    const int id = c.add_break(main, "main.main");
    Stop s = c.resume(std::nullopt);
    REQUIRE(s.kind == Kind::breakpoint);
    CHECK(s.breakpoint->id == id);
    CHECK(s.breakpoint->addr == main);
    CHECK(rip(c) == main);
    CHECK(s.position == c.position());
    const uint64_t at = c.position();
    // Not stopped again where it starts: one instruction on.
    s = c.step(1);
    CHECK(s.kind == Kind::done);
    CHECK(c.position() == at + 1);
    s = c.step(1000);
    CHECK(s.kind == Kind::done);
    s = c.reverse_continue();
    CHECK(s.kind == Kind::breakpoint);
    CHECK(s.breakpoint->id == id);
    CHECK(c.position() == at);
    CHECK(rip(c) == main);
    // Nothing before the first hit: the position stays, and the run can go on to its end.
    s = c.reverse_continue();
    CHECK(s.kind == Kind::history_start);
    CHECK(c.position() == at);
    c.remove(id);
    s = c.reverse_continue();
    CHECK(s.kind == Kind::nothing_to_find);
    s = c.resume(std::nullopt);
    REQUIRE(s.kind == Kind::exited);
    CHECK(s.exit->exit_status() == 0);
    CHECK(s.position > at);
    s = c.step(1);
    CHECK(s.kind == Kind::already_exited);
    // Back from the end, exactly.
    s = c.go_to(at);
    CHECK(s.kind == Kind::done);
    CHECK(!c.exited());
    CHECK(rip(c) == main);
}

TEST_CASE("A watch stop carries the old and new values and the writer", "[controller]") {
    Hello h;
    h.opts.cpus = 3;
    Controller c(h.launcher(), h.out);
    const uint64_t ncpu = h.symbol(c, "runtime.ncpu");
    const int id = c.add_watch("runtime.ncpu", ncpu, 4);
    Stop s = c.resume(std::nullopt);
    REQUIRE(s.kind == Kind::watch);
    CHECK(s.watch->watch.id == id);
    CHECK(s.watch->old_value == 0);
    CHECK(s.watch->new_value == 3);  // --cpus 3
    CHECK(s.watch->written == ncpu);
    const uint64_t osinit = h.symbol(c, "runtime.osinit");
    CHECK(s.watch->writer > osinit);
    CHECK(s.watch->writer < osinit + 0x100);
    CHECK(c.last_stop().watch->new_value == 3);
}

TEST_CASE("reverse_step goes back to the start of the thread's previous instruction", "[controller]") {
    Hello h;
    Controller c(h.launcher(), h.out);
    const int tid = c.session().process().current_tid();
    c.step(10);
    const uint64_t pc10 = rip(c);
    c.step(1);
    Stop s = c.reverse_step(tid);
    CHECK(s.kind == Kind::done);
    CHECK(c.position() == 10);
    CHECK(rip(c) == pc10);
    c.go_to(0);
    s = c.reverse_step(tid);
    CHECK(s.kind == Kind::history_start);
    CHECK(c.position() == 0);
}

TEST_CASE("run_until_block stops before the first block its test accepts", "[controller]") {
    Hello h;
    Controller c(h.launcher(), h.out);
    const uint64_t main = h.symbol(c, "main.main");
    Stop s = c.run_until_block([&] { return rip(c) == main; });
    CHECK(s.kind == Kind::done);
    CHECK(rip(c) == main);
}

TEST_CASE("A forward-only controller keeps no checkpoint and does not go back", "[controller]") {
    Hello h;
    gostart::stepper::CheckpointPolicy policy;
    policy.interval = 0;
    policy.reversible = false;
    Controller c(h.launcher(), h.out, policy);
    CHECK(!c.reversible());
    CHECK(c.checkpoints().count() == 0);
    c.step(100);
    Stop s = c.go_to(50);
    CHECK(s.kind == Kind::history_start);
    CHECK(c.position() == 100);
    CHECK(c.checkpoints().count() == 0);
}
