// The engine's debugger stops: exact instruction counts inside blocks (and resuming so that the run
// ends where an unstopped one would), stops requested from the block observer, and write watches.
#include "cpu/engine.h"
#include "tests/unit/cpu/engine_fixture.h"

#include <catch2/catch.hpp>

#include <cstring>
#include <optional>
#include <vector>

using gostart::cpu::Reg;
using gostart::cpu::RegisterFile;
using gostart::cpu::StopReason;
using gostart::test::Asm;
using gostart::test::Cond;
using gostart::test::EngineFixture;
using gostart::test::mixing_loop;
using gostart::test::R;

namespace {

// Straight-line code: instruction i (from 0) sets rax to i + 1, so rax names how many ran; then syscall.
Asm counting_code(int n) {
    Asm a(EngineFixture::kCode);
    for (int i = 0; i < n; ++i) a.mov(R::rax, static_cast<uint64_t>(i + 1));
    a.syscall();
    return a;
}

// Runs in slices ending at multiples of `slice` (as the Linux layer's time slices do) and returns
// the count at every budget stop: where the slices really ended.
std::vector<uint64_t> slice_ends(gostart::cpu::Engine& e, uint64_t slice, const std::vector<uint64_t>& pauses) {
    std::vector<uint64_t> ends;
    size_t next_pause = 0;
    uint64_t slice_end = slice;
    for (int i = 0; i < 100000; ++i) {
        e.stop_at_instruction(next_pause < pauses.size() ? std::optional(pauses[next_pause]) : std::nullopt);
        StopReason r = e.run_until(slice_end);
        if (r.kind == StopReason::Kind::syscall) return ends;
        if (r.kind == StopReason::Kind::instruction_count) {
            REQUIRE(e.instructions() == pauses[next_pause]);
            ++next_pause;
            continue;  // a debugger looked: the slice goes on to the same end
        }
        REQUIRE(r.kind == StopReason::Kind::budget);
        ends.push_back(e.instructions());
        slice_end = e.instructions() + slice;
    }
    FAIL("never reached the syscall");
    return ends;
}

}  // namespace

TEST_CASE("stop_at_instruction stops inside a block with the exact count and rip", "[cpu][exact]") {
    for (uint64_t k : {1, 2, 5, 9}) {
        INFO("stop after " << k);
        EngineFixture f;
        f.load(counting_code(10));
        f.engine.stop_at_instruction(k);
        StopReason r = f.engine.run(0);
        REQUIRE(r.kind == StopReason::Kind::instruction_count);
        CHECK(f.engine.instructions() == k);
        CHECK(f.engine.reg(Reg::rax) == k);                    // exactly k instructions ran
        CHECK(f.engine.reg(Reg::rip) == EngineFixture::kCode + 10 * k);  // each mov is 10 bytes
        CHECK(r.pc == f.engine.reg(Reg::rip));
        // The stop is one-shot: going on runs to the syscall and counts every instruction once.
        REQUIRE(f.engine.run(0).kind == StopReason::Kind::syscall);
        CHECK(f.engine.instructions() == 11);
        CHECK(f.engine.reg(Reg::rax) == 10);
    }
}

TEST_CASE("stop_at_instruction at a block's first instruction stops before the block", "[cpu][exact]") {
    EngineFixture f;
    Asm a(EngineFixture::kCode);
    auto next = a.label();
    a.mov(R::rax, 1).mov(R::rbx, 2);
    a.jmp(next);
    a.bind(next);
    uint64_t block = a.here();
    a.mov(R::rcx, 3);
    a.syscall();
    f.load(a);
    f.engine.stop_at_instruction(3);
    REQUIRE(f.engine.run(0).kind == StopReason::Kind::instruction_count);
    CHECK(f.engine.instructions() == 3);
    CHECK(f.engine.reg(Reg::rip) == block);
    CHECK(f.engine.reg(Reg::rcx) == 0);
}

TEST_CASE("Stopping at every instruction reaches the state of one run", "[cpu][exact]") {
    EngineFixture whole;
    whole.load(mixing_loop(20));
    REQUIRE(whole.engine.run(0).kind == StopReason::Kind::syscall);
    RegisterFile expected = whole.engine.regs();
    uint64_t total = whole.engine.instructions();

    EngineFixture stepped;
    stepped.load(mixing_loop(20));
    for (uint64_t n = 1; n < total; ++n) {
        stepped.engine.stop_at_instruction(n);
        REQUIRE(stepped.engine.run(0).kind == StopReason::Kind::instruction_count);
        REQUIRE(stepped.engine.instructions() == n);
    }
    REQUIRE(stepped.engine.run(0).kind == StopReason::Kind::syscall);
    CHECK(stepped.engine.instructions() == total);
    CHECK(stepped.engine.regs().v == expected.v);
}

TEST_CASE("Pauses inside a time slice do not move where the slice ends", "[cpu][exact][budget]") {
    // The budget is checked where blocks start. After a pause inside a block, the rest of that block
    // runs as a block of its own; checking the budget there would end slices earlier than in a run
    // nobody paused, and the Linux layer would switch threads somewhere else.
    EngineFixture plain;
    plain.load(mixing_loop(200));
    std::vector<uint64_t> expected = slice_ends(plain.engine, 37, {});
    REQUIRE(expected.size() > 10);

    EngineFixture paused;
    paused.load(mixing_loop(200));
    std::vector<uint64_t> pauses;
    for (uint64_t n = 3; n < expected.back(); n += 7) pauses.push_back(n);  // every 7th, mostly mid-block
    auto got = slice_ends(paused.engine, 37, pauses);
    CHECK(got == expected);
    CHECK(paused.engine.regs().v == plain.engine.regs().v);
}

TEST_CASE("The budget check is made again at a block start where a run paused", "[cpu][exact][budget]") {
    // Here the pause is at a block start; the plain run would have stopped there for the budget, so
    // the resumed run must too.
    EngineFixture f;
    Asm a(EngineFixture::kCode);
    auto next = a.label();
    a.mov(R::rax, 1).mov(R::rbx, 2);
    a.jmp(next);
    a.bind(next);
    a.mov(R::rcx, 3);
    a.syscall();
    f.load(a);
    f.engine.stop_at_instruction(3);
    REQUIRE(f.engine.run_until(3).kind == StopReason::Kind::instruction_count);  // exact stops come first
    StopReason r = f.engine.run_until(3);
    CHECK(r.kind == StopReason::Kind::budget);
    CHECK(f.engine.instructions() == 3);
}

TEST_CASE("request_stop from the block observer stops before that block, which is not counted", "[cpu][exact]") {
    EngineFixture f;
    f.load(mixing_loop(10));
    int blocks = 0;
    f.engine.set_block_observer([&](uint64_t, uint32_t) {
        if (++blocks == 4) f.engine.request_stop();
    });
    StopReason r = f.engine.run(0);
    REQUIRE(r.kind == StopReason::Kind::requested);
    uint64_t at = f.engine.instructions();
    CHECK(f.engine.reg(Reg::rip) == r.pc);
    f.engine.set_block_observer(nullptr);
    // Counting on from here gives the total of a run that never stopped.
    REQUIRE(f.engine.run(0).kind == StopReason::Kind::syscall);
    EngineFixture whole;
    whole.load(mixing_loop(10));
    REQUIRE(whole.engine.run(0).kind == StopReason::Kind::syscall);
    CHECK(f.engine.instructions() == whole.engine.instructions());
    CHECK(at > 0);
}

TEST_CASE("A fault counts the instructions before the faulting one only", "[cpu][fault][exact]") {
    EngineFixture f;
    Asm a(EngineFixture::kCode);
    a.mov(R::rax, 1).mov(R::rbx, 2).mov(R::rdx, 0x1000);
    a.load(R::rcx, R::rdx, 0);  // nothing mapped at 0x1000
    a.mov(R::rax, 5);
    a.syscall();
    f.load(a);
    REQUIRE(f.engine.run(0).kind == StopReason::Kind::fault);
    CHECK(f.engine.instructions() == 3);
}

TEST_CASE("A write watch stops right after the writing instruction with the old bytes", "[cpu][watch]") {
    EngineFixture f;
    Asm a(EngineFixture::kCode);
    uint64_t data = EngineFixture::kData + 0x100;
    a.mov(R::rbx, data);
    a.mov(R::rax, 0x1111);
    a.store(R::rbx, 8, R::rax);   // not watched: the bytes after the range
    uint64_t writer = a.here();
    a.store(R::rbx, 0, R::rax);   // watched
    uint64_t after = a.here();
    a.mov(R::rax, 0x2222);
    a.store(R::rbx, 0, R::rax);   // watched again
    a.syscall();
    f.load(a);
    uint64_t before = 0x77;
    f.engine.write(gostart::guest::Addr(data), &before, 8);
    int id = f.engine.add_write_watch(data, 8);

    StopReason r = f.engine.run(0);
    REQUIRE(r.kind == StopReason::Kind::watch);
    CHECK(r.watch_id == id);
    CHECK(r.pc == writer);
    CHECK(f.engine.reg(Reg::rip) == after);
    CHECK(f.engine.instructions() == 4);
    CHECK(f.read64(data) == 0x1111);
    const auto& hit = f.engine.last_watch_hit();
    CHECK(hit.pc == writer);
    CHECK(hit.address == data);
    CHECK(hit.size == 8);
    REQUIRE(hit.old_bytes.size() == 8);
    uint64_t old = 0;
    std::memcpy(&old, hit.old_bytes.data(), 8);
    CHECK(old == 0x77);

    r = f.engine.run(0);
    REQUIRE(r.kind == StopReason::Kind::watch);
    CHECK(f.engine.instructions() == 6);
    CHECK(f.read64(data) == 0x2222);

    f.engine.remove_write_watch(id);
    CHECK(f.engine.run(0).kind == StopReason::Kind::syscall);
}

TEST_CASE("A watched read-modify-write runs once, and a push moves rsp once", "[cpu][watch]") {
    // Unicorn abandons the writing instruction after its store; the engine puts the old bytes back
    // and runs the instruction again, so it must not have happened twice.
    EngineFixture f;
    Asm a(EngineFixture::kCode);
    uint64_t data = EngineFixture::kData;
    a.mov(R::rbx, data);
    a.raw({0x48, 0x83, 0x03, 0x05});  // add qword ptr [rbx], 5
    a.mov(R::rax, 0xabc);
    a.push(R::rax);
    a.syscall();
    f.load(a);
    uint64_t sp = f.engine.reg(Reg::rsp);
    uint64_t ten = 10;
    f.engine.write(gostart::guest::Addr(data), &ten, 8);
    f.engine.add_write_watch(data, 8);
    f.engine.add_write_watch(sp - 8, 8);
    REQUIRE(f.engine.run(0).kind == StopReason::Kind::watch);
    CHECK(f.read64(data) == 15);
    REQUIRE(f.engine.run(0).kind == StopReason::Kind::watch);
    CHECK(f.engine.reg(Reg::rsp) == sp - 8);
    CHECK(f.read64(sp - 8) == 0xabc);
    REQUIRE(f.engine.run(0).kind == StopReason::Kind::syscall);
    CHECK(f.engine.instructions() == 5);
}

TEST_CASE("A store reaching into a watched range from below fires it; one beside it does not", "[cpu][watch]") {
    EngineFixture f;
    Asm a(EngineFixture::kCode);
    uint64_t data = EngineFixture::kData + 0x40;
    a.mov(R::rbx, data);
    a.mov(R::rax, ~uint64_t(0));
    a.store(R::rbx, -8, R::rax);  // [data-8, data): beside
    a.store32(R::rbx, -2, R::rax);  // [data-2, data+2): overlaps the first two bytes
    a.syscall();
    f.load(a);
    f.engine.add_write_watch(data, 4);
    StopReason r = f.engine.run(0);
    REQUIRE(r.kind == StopReason::Kind::watch);
    CHECK(f.engine.instructions() == 4);
    CHECK(f.engine.last_watch_hit().address == data - 2);
}
