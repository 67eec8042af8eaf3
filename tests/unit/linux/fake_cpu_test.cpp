// The Linux layer against a CPU that is not Unicorn (fake_cpu.h): a process runs a scripted sequence
// of syscalls to its exit, as it would on the engine. This binary links no engine, so it also proves
// that linux/ needs nothing of cpu/ beyond guest_cpu.h.
#include "tests/unit/linux/fake_cpu.h"

#include "linux/process.h"

#include <catch2/catch.hpp>

#include <cerrno>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

using gostart::test::FakeCpu;
using gostart::cpu::Reg;

namespace {

constexpr uint64_t kData = 0x600000;
constexpr uint64_t kBrk = 0x800000;
constexpr uint64_t kMapAnon = 0x22;  // MAP_PRIVATE | MAP_ANONYMOUS
constexpr uint64_t kRw = 3;          // PROT_READ | PROT_WRITE

uint32_t read32(const FakeCpu& cpu, uint64_t addr) {
    uint32_t v = 0;
    REQUIRE(cpu.try_read(gostart::guest::Addr(addr), &v, 4));
    return v;
}

// A process on a fake CPU, with a data page at kData; the emulator's warnings go to `diag`.
struct FakeProcess {
    FakeCpu cpu;
    std::ostringstream diag;
    gostart::linux::Process proc;
    explicit FakeProcess(gostart::linux::ProcessOptions opts = {}) : proc(cpu, with_diag(opts)) {
        proc.memory().map_fixed(kData, kData + 0x1000, gostart::cpu::kProtRead | gostart::cpu::kProtWrite, "data");
    }
    gostart::linux::ProcessOptions with_diag(gostart::linux::ProcessOptions o) {
        o.diag = &diag;
        return o;
    }
};

}  // namespace

TEST_CASE("a process runs on a fake CPU: memory, pipes, an unknown syscall and the exit") {
    FakeProcess f;
    FakeCpu& cpu = f.cpu;
    gostart::linux::Process& proc = f.proc;
    proc.memory().set_brk_base(kBrk);
    REQUIRE(cpu.try_write(gostart::guest::Addr(kData + 0x100), "hello", 5));

    cpu.program = {
        FakeCpu::syscall([](FakeCpu& c) { c.set_args(12, {0}); }),                             // 0 brk(0)
        FakeCpu::syscall([](FakeCpu& c) { c.set_args(12, {kBrk + 0x3000}); }),                 // 1 brk(+12 KiB)
        FakeCpu::syscall([](FakeCpu& c) { c.set_args(9, {0, 0x2000, kRw, kMapAnon, ~0ull, 0}); }),  // 2 mmap
        FakeCpu::syscall([](FakeCpu& c) { c.set_args(293, {kData, 0}); }),                     // 3 pipe2
        FakeCpu::syscall([](FakeCpu& c) { c.set_args(1, {read32(c, kData + 4), kData + 0x100, 5}); }),  // 4 write
        FakeCpu::syscall([](FakeCpu& c) { c.set_args(0, {read32(c, kData), kData + 0x200, 16}); }),     // 5 read
        FakeCpu::syscall([](FakeCpu& c) { c.set_args(39, {}); }),                              // 6 getpid
        FakeCpu::syscall([](FakeCpu& c) { c.set_args(499, {}); }),                             // 7 no such call
        FakeCpu::syscall([](FakeCpu& c) { c.set_args(11, {static_cast<uint64_t>(c.results()[2]), 0x2000}); }),  // 8 munmap
        FakeCpu::syscall([](FakeCpu& c) { c.set_args(231, {7}); }),                            // 9 exit_group(7)
    };
    proc.start(FakeCpu::kText, 0x7fff0000);
    gostart::linux::ExitInfo e = proc.run();

    CHECK(e.kind == gostart::linux::ExitInfo::Kind::exited);
    CHECK(e.status == 7);
    const auto& r = cpu.results();
    REQUIRE(r.size() == 9);  // exit_group does not return
    CHECK(r[0] == int64_t(kBrk));
    CHECK(r[1] == int64_t(kBrk + 0x3000));
    uint64_t mapped = static_cast<uint64_t>(r[2]);
    CHECK(mapped % 4096 == 0);
    CHECK(mapped > kBrk);
    CHECK(r[3] == 0);
    CHECK(read32(cpu, kData) != read32(cpu, kData + 4));
    CHECK(r[4] == 5);
    CHECK(r[5] == 5);
    char got[6] = {};
    REQUIRE(cpu.try_read(gostart::guest::Addr(kData + 0x200), got, 5));
    CHECK(std::string(got) == "hello");
    CHECK(r[6] == proc.pid());
    CHECK(r[7] == -ENOSYS);
    CHECK(f.diag.str().find("499") != std::string::npos);
    CHECK(r[8] == 0);
    char byte = 0;
    CHECK_FALSE(cpu.try_read(gostart::guest::Addr(mapped), &byte, 1));  // munmap reached the CPU's pages
    CHECK(cpu.instructions() == 10 * FakeCpu::kInsnsPerStep);
}

TEST_CASE("a fake CPU's fault is the guest's SIGSEGV, as on the engine") {
    FakeProcess f;
    FakeCpu& cpu = f.cpu;
    gostart::linux::Process& proc = f.proc;
    cpu.program = {FakeCpu::syscall([](FakeCpu& c) { c.set_args(39, {}); })};  // then off the end
    proc.start(FakeCpu::kText, 0x7fff0000);
    gostart::linux::ExitInfo e = proc.run();
    CHECK(e.kind == gostart::linux::ExitInfo::Kind::signaled);
    CHECK(e.status == 11);
    CHECK(cpu.results().size() == 1);
}

TEST_CASE("a checkpoint round trip gives what a straight run gives, the idle clock included") {
    // The guest sleeps 0.6 s (all threads waiting: idle time), the debugger stops it, and then it sleeps
    // 0.3 s more and exits. With --max-idle 1 s the straight run exits 0 (0.9 s idle). Going back to the
    // stop and running again must too: a restore that left the idle clock at its end (0.9 s) would
    // stop the second run at 1.2 s with the idle limit.
    gostart::linux::ProcessOptions opts;
    opts.max_idle_ns = 1000000000;
    FakeProcess f(opts);
    FakeCpu& cpu = f.cpu;
    gostart::linux::Process& proc = f.proc;
    const uint64_t sleep_600ms[2] = {0, 600000000}, sleep_300ms[2] = {0, 300000000};
    REQUIRE(cpu.try_write(gostart::guest::Addr(kData), sleep_600ms, 16));
    REQUIRE(cpu.try_write(gostart::guest::Addr(kData + 16), sleep_300ms, 16));
    cpu.program = {
        FakeCpu::syscall([](FakeCpu& c) { c.set_args(95, {077}); }),             // umask(077): 022
        FakeCpu::syscall([](FakeCpu& c) { c.set_args(35, {kData, 0}); }),         // nanosleep 0.6 s
        FakeCpu::pause(),                                                         // the debugger's stop
        FakeCpu::syscall([](FakeCpu& c) { c.set_args(95, {0}); }),               // umask(0): 077
        FakeCpu::syscall([](FakeCpu& c) { c.set_args(35, {kData + 16, 0}); }),    // nanosleep 0.3 s
        FakeCpu::syscall([](FakeCpu& c) { c.set_args(228, {1, kData + 0x100}); }),  // clock_gettime(MONOTONIC)
        FakeCpu::syscall([](FakeCpu& c) { c.set_args(231, {0}); }),               // exit_group(0)
    };
    proc.start(FakeCpu::kText, 0x7fff0000);
    REQUIRE(proc.run().kind == gostart::linux::ExitInfo::Kind::paused);
    gostart::linux::ProcessSnapshot snap = proc.snapshot();
    FakeCpu::State at_stop = cpu.state();

    auto run_to_end = [&] {
        gostart::linux::ExitInfo e = proc.run();
        uint64_t now[2] = {};
        REQUIRE(cpu.try_read(gostart::guest::Addr(kData + 0x100), now, 16));
        return std::make_tuple(e.kind, e.status, e.message, cpu.results(), now[0] * 1000000000 + now[1]);
    };
    auto straight = run_to_end();
    CHECK(std::get<0>(straight) == gostart::linux::ExitInfo::Kind::exited);
    CHECK(std::get<1>(straight) == 0);
    CHECK(std::get<3>(straight) == std::vector<int64_t>{022, 0, 077, 0, 0});
    CHECK(std::get<4>(straight) >= 900000000);  // both sleeps are on the process clock

    for (int round = 0; round < 2; ++round) {  // one snapshot, restored twice
        proc.restore(snap);
        cpu.set_state(at_stop);
        auto again = run_to_end();
        CHECK(std::get<0>(again) == std::get<0>(straight));
        CHECK(std::get<1>(again) == std::get<1>(straight));
        CHECK(std::get<2>(again) == std::get<2>(straight));
        CHECK(std::get<3>(again) == std::get<3>(straight));
        CHECK(std::get<4>(again) == std::get<4>(straight));
    }
}
