// The CPU engine: memory, registers, stops (syscall, budget, fault, interrupt), contexts, counting, hooks.
#include "cpu/disassembler.h"
#include "cpu/engine.h"
#include "tests/unit/cpu/engine_fixture.h"

#include <catch2/catch.hpp>

#include <array>
#include <cstring>
#include <span>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

using gostart::cpu::EngineError;
using gostart::cpu::Reg;
using gostart::cpu::RegisterFile;
using gostart::cpu::StopReason;
using gostart::test::Asm;
using gostart::test::Cond;
using gostart::test::EngineFixture;
using gostart::test::mixing_loop;
using gostart::test::R;

namespace {

// Runs with `budget` until a stop other than a budget stop; counts the budget stops on the way.
StopReason run_to_end(gostart::cpu::Engine& e, uint64_t budget, int* budget_stops = nullptr) {
    for (int i = 0; i < 1000000; ++i) {
        StopReason r = e.run(budget);
        if (r.kind != StopReason::Kind::budget) return r;
        if (budget_stops) ++*budget_stops;
    }
    FAIL("the program never stopped");
    return {};
}

}  // namespace

TEST_CASE("Engine writes and reads back guest memory through its mappings", "[cpu][memory]") {
    EngineFixture f;
    std::array<uint8_t, 5> in{1, 2, 3, 4, 5}, out{};
    f.engine.write(gostart::guest::Addr(EngineFixture::kData + 0xffe), in.data(), in.size());  // crosses a page boundary
    f.engine.read(gostart::guest::Addr(EngineFixture::kData + 0xffe), out.data(), out.size());
    CHECK(out == in);
    CHECK(f.engine.try_read(gostart::guest::Addr(EngineFixture::kData), out.data(), 1));
    CHECK(f.engine.try_read(gostart::guest::Addr(0x5000000), out.data(), 0));  // an empty access never faults
}

TEST_CASE("Engine reports unmapped memory as an error naming the address", "[cpu][memory]") {
    EngineFixture f;
    uint8_t b = 0;
    CHECK_FALSE(f.engine.try_read(gostart::guest::Addr(0x5000000), &b, 1));
    CHECK_FALSE(f.engine.try_write(gostart::guest::Addr(0x5000000), &b, 1));
    // A range that starts mapped and runs off the end of the mapping is refused as a whole.
    std::array<uint8_t, 16> buf{};
    CHECK_FALSE(f.engine.try_read(gostart::guest::Addr(EngineFixture::kData + EngineFixture::kSize - 8), buf.data(), buf.size()));
    try {
        f.engine.read(gostart::guest::Addr(0x5000000), &b, 1);
        FAIL("read of unmapped memory did not throw");
    } catch (const EngineError& e) {
        CHECK_THAT(e.what(), Catch::Contains("0x5000000"));
    }
}

TEST_CASE("Engine unmaps and re-maps memory, which then reads as zero", "[cpu][memory]") {
    EngineFixture f;
    uint64_t v = 0x1122334455667788;
    f.engine.write(gostart::guest::Addr(EngineFixture::kData), &v, 8);
    f.engine.unmap(gostart::guest::Addr(EngineFixture::kData), 0x1000);
    CHECK_FALSE(f.engine.try_read(gostart::guest::Addr(EngineFixture::kData), &v, 8));
    CHECK(f.engine.try_read(gostart::guest::Addr(EngineFixture::kData + 0x1000), &v, 8));  // the rest of the mapping stays
    f.engine.map(gostart::guest::Addr(EngineFixture::kData), 0x1000, gostart::cpu::kProtRead | gostart::cpu::kProtWrite);
    CHECK(f.read64(EngineFixture::kData) == 0);
}

TEST_CASE("Engine register values round-trip one by one and as a register file", "[cpu][registers]") {
    EngineFixture f;
    RegisterFile rf;
    for (size_t i = 0; i < rf.v.size(); ++i) rf.v[i] = 0x1000 + 0x111 * i;
    rf[Reg::rflags] = 0x202;  // bit 1 is always set; IF set
    rf[Reg::fs_base] = 0x7f0012345000;
    rf[Reg::gs_base] = 0x7f0067890000;
    f.engine.set_regs(rf);
    RegisterFile back = f.engine.regs();
    for (size_t i = 0; i < rf.v.size(); ++i) {
        INFO("register " << gostart::cpu::reg_name(static_cast<Reg>(i)));
        CHECK(back.v[i] == rf.v[i]);
    }
    f.engine.set_reg(Reg::r13, 0xdeadbeefcafef00d);
    CHECK(f.engine.reg(Reg::r13) == 0xdeadbeefcafef00d);
    CHECK(f.engine.regs()[Reg::r13] == 0xdeadbeefcafef00d);
}

TEST_CASE("run() stops at a syscall with rip past it and pc naming the syscall", "[cpu][run]") {
    EngineFixture f;
    Asm a(EngineFixture::kCode);
    a.mov(R::rax, 39);
    uint64_t first = a.here();
    a.syscall();
    a.mov(R::rax, 186);
    uint64_t second = a.here();
    a.syscall();
    f.load(a);

    StopReason r = f.engine.run(0);
    CHECK(r.kind == StopReason::Kind::syscall);
    CHECK(r.pc == first);
    CHECK(f.engine.reg(Reg::rip) == first + 2);
    CHECK(f.engine.reg(Reg::rax) == 39);

    // Resuming continues after the syscall, as sysret would.
    r = f.engine.run(0);
    CHECK(r.kind == StopReason::Kind::syscall);
    CHECK(r.pc == second);
    CHECK(f.engine.reg(Reg::rip) == second + 2);
    CHECK(f.engine.reg(Reg::rax) == 186);
}

TEST_CASE("A budget stop resumes exactly: small budgets reach the same state as one run", "[cpu][run][budget]") {
    // Regression test: Unicorn 2.0.1 leaves a stale rip when the block hook stops a chained block, so
    // a resumed run would skip or repeat instructions and end with different registers.
    EngineFixture whole;
    whole.load(mixing_loop());
    StopReason end = whole.engine.run(0);
    REQUIRE(end.kind == StopReason::Kind::syscall);
    RegisterFile expected = whole.engine.regs();
    uint64_t expected_insns = whole.engine.instructions();
    CHECK(expected[Reg::rcx] == 0);
    CHECK(expected[Reg::r8] == 300);

    for (uint64_t budget : {1, 2, 3, 5, 7, 64}) {
        INFO("budget " << budget);
        EngineFixture sliced;
        sliced.load(mixing_loop());
        int stops = 0;
        StopReason r = run_to_end(sliced.engine, budget, &stops);
        CHECK(r.kind == StopReason::Kind::syscall);
        CHECK(r.pc == end.pc);
        CHECK(stops > 0);
        RegisterFile got = sliced.engine.regs();
        for (size_t i = 0; i < got.v.size(); ++i) {
            INFO("register " << gostart::cpu::reg_name(static_cast<Reg>(i)));
            CHECK(got.v[i] == expected.v[i]);
        }
        CHECK(sliced.engine.instructions() == expected_insns);
    }
}

TEST_CASE("A budget stop leaves rip at the block that did not run", "[cpu][run][budget]") {
    EngineFixture f;
    f.load(mixing_loop());
    for (int i = 0; i < 50; ++i) {
        StopReason r = f.engine.run(4);
        if (r.kind != StopReason::Kind::budget) break;
        CHECK(f.engine.reg(Reg::rip) == r.pc);
        CHECK(f.engine.instructions() >= 4u * static_cast<uint64_t>(i + 1));
    }
}

TEST_CASE("A fault in the middle of a block reports the faulting instruction and the address", "[cpu][fault]") {
    EngineFixture f;
    Asm a(EngineFixture::kCode);
    a.mov(R::rbx, EngineFixture::kData);
    a.mov(R::rax, 7);
    a.store(R::rbx, 0, R::rax);   // mov [rbx], rax: fine
    a.mov(R::rdx, 0x1000);        // nothing is mapped at 0x1000
    a.add(R::rax, 1);             // rax = 8
    uint64_t faulting = a.here();
    a.load(R::rcx, R::rdx, 8);    // mov rcx, [rdx+8]: reads 0x1008
    a.mov(R::rax, 99);
    a.syscall();
    f.load(a);

    StopReason r = f.engine.run(0);
    REQUIRE(r.kind == StopReason::Kind::fault);
    CHECK(r.access == StopReason::Access::read);
    CHECK(r.unmapped);
    CHECK(r.address == 0x1008);
    CHECK(r.pc == faulting);
    CHECK(f.engine.reg(Reg::rip) == faulting);
    // The instructions before the fault took effect, the ones after did not.
    CHECK(f.engine.reg(Reg::rax) == 8);
    CHECK(f.read64(EngineFixture::kData) == 7);
}

TEST_CASE("A write to read-only memory is a protection fault at the writing instruction", "[cpu][fault]") {
    EngineFixture f;
    Asm a(EngineFixture::kCode);
    a.mov(R::rbx, EngineFixture::kCode + 0x800);  // the code mapping is read+exec only
    a.mov(R::rax, 1);
    a.nop();
    uint64_t faulting = a.here();
    a.store(R::rbx, 0x10, R::rax);
    a.syscall();
    f.load(a);

    StopReason r = f.engine.run(0);
    REQUIRE(r.kind == StopReason::Kind::fault);
    CHECK(r.access == StopReason::Access::write);
    CHECK_FALSE(r.unmapped);
    CHECK(r.address == EngineFixture::kCode + 0x810);
    CHECK(r.pc == faulting);
}

TEST_CASE("a fault after the address register was reloaded names the second load", "[cpu][fault]") {
    // `p = p->next; x = p->field` with p->next == nil: both loads have the operand [rax], and with
    // the registers at the fault (rax = 0) both "cover" address 0. The first load overwrote its own
    // address register, so if it ran, the current rax is not what it used: the locator names the second.
    EngineFixture f;
    Asm a(EngineFixture::kCode);
    a.mov(R::rbx, EngineFixture::kData);
    a.mov(R::rax, 0);
    a.store(R::rbx, 0, R::rax);   // *kData = nil
    a.mov(R::rax, R::rbx);        // rax = kData
    a.load(R::rax, R::rax, 0);    // mov rax, [rax]: rax = nil
    uint64_t faulting = a.here();
    a.load(R::rcx, R::rax, 0);    // mov rcx, [rax]: faults at 0
    a.syscall();
    f.load(a);

    StopReason r = f.engine.run(0);
    REQUIRE(r.kind == StopReason::Kind::fault);
    CHECK(r.address == 0);
    CHECK(r.pc == faulting);
    CHECK(f.engine.reg(Reg::rip) == faulting);
}

TEST_CASE("Fetching from unmapped memory is a fetch fault at the target", "[cpu][fault]") {
    SECTION("rip set to an unmapped address") {
        EngineFixture f;
        f.engine.set_reg(Reg::rip, 0x4000000);
        StopReason r = f.engine.run(0);
        REQUIRE(r.kind == StopReason::Kind::fault);
        CHECK(r.access == StopReason::Access::fetch);
        CHECK(r.unmapped);
        CHECK(r.address == 0x4000000);
        CHECK(r.pc == 0x4000000);
    }
    SECTION("an indirect jump into unmapped memory") {
        EngineFixture f;
        Asm a(EngineFixture::kCode);
        a.mov(R::rax, 0x4000040);
        a.jmp(R::rax);  // jmp rax
        f.load(a);
        StopReason r = f.engine.run(0);
        REQUIRE(r.kind == StopReason::Kind::fault);
        CHECK(r.access == StopReason::Access::fetch);
        CHECK(r.address == 0x4000040);
        CHECK(r.pc == 0x4000040);
    }
}

TEST_CASE("A fault at the top of the address space names the whole address", "[cpu][fault][unicorn]") {
    // Unicorn 2.1 gives fault hooks a 52-bit address (0xfffffff600000 here): old Go releases call the
    // vsyscall page, and the Linux layer knows it by its address.
    constexpr uint64_t kTop = 0xffffffffff600000;
    auto run = [](auto&& emit) {
        EngineFixture f;
        Asm a(EngineFixture::kCode);
        a.mov(R::rax, kTop);
        emit(a);
        f.load(a);
        return f.engine.run(0);
    };
    StopReason fetch = run([](Asm& a) { a.jmp(R::rax); });
    REQUIRE(fetch.kind == StopReason::Kind::fault);
    CHECK(fetch.access == StopReason::Access::fetch);
    CHECK(fetch.address == kTop);
    CHECK(fetch.pc == kTop);
    StopReason read = run([](Asm& a) { a.load(R::rbx, R::rax); });
    REQUIRE(read.kind == StopReason::Kind::fault);
    CHECK(read.access == StopReason::Access::read);
    CHECK(read.address == kTop);
    StopReason write = run([](Asm& a) { a.store(R::rax, 8, R::rbx); });
    REQUIRE(write.kind == StopReason::Kind::fault);
    CHECK(write.access == StopReason::Access::write);
    CHECK(write.address == kTop + 8);
}

TEST_CASE("int3 stops with interrupt vector 3", "[cpu][interrupt]") {
    EngineFixture f;
    Asm a(EngineFixture::kCode);
    a.mov(R::rax, 5);
    a.nop();
    uint64_t trap = a.here();
    a.int3();
    a.mov(R::rax, 6);
    a.syscall();
    f.load(a);

    StopReason r = f.engine.run(0);
    REQUIRE(r.kind == StopReason::Kind::interrupt);
    CHECK(r.vector == 3);
    // int3 is a trap: like the kernel's SIGTRAP frame, execution resumes after it.
    CHECK(f.engine.reg(Reg::rip) == trap + 1);
    CHECK(f.engine.reg(Reg::rax) == 5);
    r = f.engine.run(0);
    CHECK(r.kind == StopReason::Kind::syscall);
    CHECK(f.engine.reg(Reg::rax) == 6);
}

TEST_CASE("ud2 stops the run as an invalid instruction or #UD", "[cpu][interrupt]") {
    EngineFixture f;
    Asm a(EngineFixture::kCode);
    a.nop();
    a.ud2();
    f.load(a);
    StopReason r = f.engine.run(0);
    bool undefined = r.kind == StopReason::Kind::invalid_insn ||
                     (r.kind == StopReason::Kind::interrupt && r.vector == 6);
    CHECK(undefined);
}

TEST_CASE("A saved context restores general and XMM registers", "[cpu][context]") {
    EngineFixture f;
    Asm a(EngineFixture::kCode);
    uint64_t set_xmm = a.here();
    a.movq_xmm0_rax();  // movq xmm0, rax
    a.syscall();
    uint64_t get_xmm = a.here();
    a.movq_rax_xmm0();  // movq rax, xmm0
    a.syscall();
    f.load(a);

    auto run_at = [&](uint64_t pc) {
        f.engine.set_reg(Reg::rip, pc);
        REQUIRE(f.engine.run(0).kind == StopReason::Kind::syscall);
    };
    f.engine.set_reg(Reg::rax, 0x1122334455667788);
    run_at(set_xmm);
    f.engine.set_reg(Reg::rbx, 0x5555);
    gostart::cpu::Context saved = f.engine.save();
    REQUIRE(saved.valid());

    // Clobber xmm0, rbx and rip; without a restore the clobbered value is what reads back.
    f.engine.set_reg(Reg::rax, 0xaaaaaaaaaaaaaaaa);
    run_at(set_xmm);
    f.engine.set_reg(Reg::rbx, 0);
    run_at(get_xmm);
    CHECK(f.engine.reg(Reg::rax) == 0xaaaaaaaaaaaaaaaa);

    f.engine.restore(saved);
    CHECK(f.engine.reg(Reg::rbx) == 0x5555);
    CHECK(f.engine.reg(Reg::rip) == set_xmm + 7);  // movq (5 bytes) + syscall (2)
    f.engine.set_reg(Reg::rax, 0);
    run_at(get_xmm);
    CHECK(f.engine.reg(Reg::rax) == 0x1122334455667788);

    // save(into) reuses a context.
    f.engine.set_reg(Reg::rbx, 0x6666);
    f.engine.save(saved);
    f.engine.set_reg(Reg::rbx, 1);
    f.engine.restore(saved);
    CHECK(f.engine.reg(Reg::rbx) == 0x6666);
}

TEST_CASE("Instruction counting is exact for straight-line code and a loop", "[cpu][count]") {
    SECTION("straight line: 8 instructions and the syscall") {
        EngineFixture f;
        Asm a(EngineFixture::kCode);
        a.mov(R::rax, 1).mov(R::rbx, 2).add(R::rax, R::rbx).nop().nop().inc(R::rcx).dec(R::rdx).xor_(R::rsi, R::rsi);
        a.syscall();
        f.load(a);
        REQUIRE(f.engine.run(0).kind == StopReason::Kind::syscall);
        CHECK(f.engine.instructions() == 9);
        // Counting continues across runs.
        a.nop();
        f.engine.set_reg(Reg::rip, EngineFixture::kCode);
        REQUIRE(f.engine.run(0).kind == StopReason::Kind::syscall);
        CHECK(f.engine.instructions() == 18);
    }
    SECTION("a loop: 1 + 2 x 10 + 1") {
        EngineFixture f;
        Asm a(EngineFixture::kCode);
        auto loop = a.label();
        a.mov(R::rcx, 10);
        a.bind(loop);
        a.dec(R::rcx);
        a.j(Cond::ne, loop);
        a.syscall();
        f.load(a);
        REQUIRE(f.engine.run(0).kind == StopReason::Kind::syscall);
        CHECK(f.engine.instructions() == 22);
    }
}

TEST_CASE("A code hook fires at exactly the hooked address, once per execution", "[cpu][hooks]") {
    EngineFixture f;
    Asm a(EngineFixture::kCode);
    auto loop = a.label();
    a.mov(R::rcx, 10);
    a.bind(loop);
    a.dec(R::rcx);
    uint64_t jne = a.here();
    a.j(Cond::ne, loop);
    a.nop();
    a.syscall();
    f.load(a);

    std::vector<uint64_t> pcs, before;
    int id = f.engine.add_code_hook(jne, jne, [&](uint64_t pc) {
        pcs.push_back(pc);
        before.push_back(f.engine.instructions_before(pc));
    });
    REQUIRE(f.engine.run(0).kind == StopReason::Kind::syscall);
    REQUIRE(pcs.size() == 10);
    for (size_t i = 0; i < pcs.size(); ++i) {
        CHECK(pcs[i] == jne);
        CHECK(before[i] == 2 * (i + 1));  // mov, then (dec, jne) per iteration before this jne
    }
    CHECK(f.engine.instructions() == 1 + 2 * 10 + 2);
    (void)id;
}

// Hidden ([.]): it is a use-after-free that can crash the whole executable. Run it on purpose with
// `cpu_test "[hook-removal]"`, best in a -Db_sanitize=address build, where ASan reports the
// heap-use-after-free in Engine::on_code of the CodeHookRec that remove_hook freed.
TEST_CASE("a removed code hook never fires again", "[cpu][hooks][hook-removal]") {
    EngineFixture f;
    Asm a(EngineFixture::kCode);
    a.nop();
    uint64_t hooked = a.here();
    a.nop();
    a.syscall();
    f.load(a);
    int fired = 0;
    int id = f.engine.add_code_hook(hooked, hooked, [&](uint64_t) { ++fired; });
    REQUIRE(f.engine.run(0).kind == StopReason::Kind::syscall);
    REQUIRE(fired == 1);
    f.engine.remove_hook(id);
    f.engine.set_reg(Reg::rip, EngineFixture::kCode);
    REQUIRE(f.engine.run(0).kind == StopReason::Kind::syscall);
    CHECK(fired == 1);
}

TEST_CASE("a code hook added after its code already ran fires on the next run", "[cpu][hooks]") {
    // Unicorn decides at translation time which instructions call a code hook; a block translated
    // before add_code_hook keeps running uninstrumented unless the engine flushes it.
    EngineFixture f;
    Asm a(EngineFixture::kCode);
    a.nop();
    uint64_t hooked = a.here();
    a.nop();
    a.syscall();
    f.load(a);
    REQUIRE(f.engine.run(0).kind == StopReason::Kind::syscall);
    int fired = 0;
    f.engine.add_code_hook(hooked, hooked, [&](uint64_t) { ++fired; });
    f.engine.set_reg(Reg::rip, EngineFixture::kCode);
    REQUIRE(f.engine.run(0).kind == StopReason::Kind::syscall);
    CHECK(fired == 1);
}

TEST_CASE("instructions_before counts the instructions of the block before the hooked one", "[cpu][hooks]") {
    EngineFixture f;
    Asm a(EngineFixture::kCode);
    a.nop().nop();
    a.mov(R::rax, 3);
    uint64_t fourth = a.here();
    a.add(R::rax, R::rax);
    uint64_t fifth = a.here();
    a.nop();
    a.syscall();
    f.load(a);
    std::vector<std::pair<uint64_t, uint64_t>> seen;
    f.engine.add_code_hook(fourth, fifth, [&](uint64_t pc) { seen.emplace_back(pc, f.engine.instructions_before(pc)); });
    REQUIRE(f.engine.run(0).kind == StopReason::Kind::syscall);
    REQUIRE(seen.size() == 2);
    CHECK(seen[0] == std::make_pair(fourth, uint64_t{3}));
    CHECK(seen[1] == std::make_pair(fifth, uint64_t{4}));
}

TEST_CASE("instructions_before at the first instruction of a block is the count before the block", "[cpu][hooks]") {
    EngineFixture f;
    Asm a(EngineFixture::kCode);
    auto second = a.label();
    a.mov(R::rax, 1).nop();
    a.jmp(second);  // three instructions, then a new block
    a.bind(second);
    uint64_t first_of_block = a.here();
    a.nop();
    a.syscall();
    f.load(a);
    uint64_t seen = UINT64_MAX;
    f.engine.add_code_hook(first_of_block, first_of_block, [&](uint64_t pc) { seen = f.engine.instructions_before(pc); });
    REQUIRE(f.engine.run(0).kind == StopReason::Kind::syscall);
    CHECK(seen == 3);
}

TEST_CASE("request_stop from a hook ends the run as requested", "[cpu][hooks]") {
    EngineFixture f;
    Asm a(EngineFixture::kCode);
    auto loop = a.label();
    a.bind(loop);
    uint64_t spin = a.here();
    a.inc(R::rax);
    a.jmp(loop);
    f.load(a);
    int calls = 0;
    f.engine.add_code_hook(spin, spin, [&](uint64_t) {
        if (++calls == 5) f.engine.request_stop();
    });
    StopReason r = f.engine.run(0);
    CHECK(r.kind == StopReason::Kind::requested);
    CHECK(calls >= 5);
    CHECK(calls <= 6);
}

TEST_CASE("CPUID answers from our table: an x86-64 baseline CPU without AVX", "[cpu][cpuid]") {
    EngineFixture f;
    Asm a(EngineFixture::kCode);
    a.mov(R::rax, 1).mov(R::rcx, 0).raw({0x0f, 0xa2});  // cpuid
    a.mov(R::rdi, 0);
    uint64_t stop = a.here();
    a.syscall();
    f.load(a);
    f.engine.set_reg(Reg::rbx, 0xdeadbeefdeadbeef);  // CPUID writes all four registers, zero-extended
    StopReason r = f.engine.run(0);
    REQUIRE(r.kind == StopReason::Kind::syscall);
    CHECK(r.pc == stop);
    uint64_t ecx = f.engine.reg(Reg::rcx), edx = f.engine.reg(Reg::rdx);
    // glibc's x86-64 baseline (sysdeps/x86/get-isa-level.h): CMOV, CX8, FPU, FXSR, MMX, SSE, SSE2 — Unicorn's
    // own model leaves FPU and MMX out, and glibc then refuses to start.
    for (int bit : {15 /*CMOV*/, 8 /*CX8*/, 0 /*FPU*/, 24 /*FXSR*/, 23 /*MMX*/, 25 /*SSE*/, 26 /*SSE2*/}) {
        INFO("leaf 1 EDX bit " << bit);
        CHECK((edx >> bit) & 1);
    }
    // Nothing Unicorn cannot run: no AVX, no OSXSAVE (so no XGETBV), no SSE3/POPCNT (GOAMD64=v1).
    for (int bit : {28 /*AVX*/, 27 /*OSXSAVE*/, 0 /*SSE3*/, 23 /*POPCNT*/}) {
        INFO("leaf 1 ECX bit " << bit);
        CHECK_FALSE((ecx >> bit) & 1);
    }
    CHECK(f.engine.reg(Reg::rax) == 0x663);
    CHECK(f.engine.reg(Reg::rbx) == 0x800);
}

TEST_CASE("Unmapping code forgets it: new code at the same address runs and is counted afresh", "[cpu][count]") {
    EngineFixture f;
    constexpr uint64_t kLib = 0x400000;
    auto load_lib = [&](int nops) {
        f.engine.map(gostart::guest::Addr(kLib), 0x1000, gostart::cpu::kProtRead | gostart::cpu::kProtExec);
        Asm lib(kLib);
        for (int i = 0; i < nops; ++i) lib.nop();
        lib.mov(R::rax, static_cast<uint64_t>(nops)).syscall();
        std::vector<uint8_t> code = lib.finish();
        f.engine.write(gostart::guest::Addr(kLib), code.data(), code.size());
        f.engine.set_reg(Reg::rip, kLib);
    };
    load_lib(3);
    uint64_t before = f.engine.instructions();
    REQUIRE(f.engine.run(0).kind == StopReason::Kind::syscall);
    CHECK(f.engine.reg(Reg::rax) == 3);
    CHECK(f.engine.instructions() - before == 5);  // 3 nops, mov, syscall
    // dlclose, then another library at the same address (as ld.so does): not the old block's count or code.
    f.engine.unmap(gostart::guest::Addr(kLib), 0x1000);
    load_lib(7);
    before = f.engine.instructions();
    REQUIRE(f.engine.run(0).kind == StopReason::Kind::syscall);
    CHECK(f.engine.reg(Reg::rax) == 7);
    CHECK(f.engine.instructions() - before == 9);
}

// Blocks whose addresses share a slot of the count cache (cpu/block_counts.h) take it from each other
// at every call; each count must still be its own.
TEST_CASE("blocks that share a count-cache slot are each counted exactly", "[cpu][count][cache]") {
    EngineFixture f;
    constexpr uint64_t kFar = EngineFixture::kCode + 0x800 + (uint64_t(1) << 32);
    REQUIRE(gostart::cpu::BlockCounts::slot(kFar) == gostart::cpu::BlockCounts::slot(EngineFixture::kCode + 0x800));
    f.engine.map(gostart::guest::Addr(kFar & ~uint64_t(0xfff)), 0x1000, gostart::cpu::kProtRead | gostart::cpu::kProtExec);
    Asm far(kFar);
    far.nop().nop().nop().ret();  // 4 instructions
    std::vector<uint8_t> far_code = far.finish();
    f.engine.write(gostart::guest::Addr(kFar), far_code.data(), far_code.size());
    Asm near(EngineFixture::kCode + 0x800);
    near.nop().ret();  // 2 instructions
    std::vector<uint8_t> near_code = near.finish();
    f.engine.write(gostart::guest::Addr(EngineFixture::kCode + 0x800), near_code.data(), near_code.size());

    Asm a(EngineFixture::kCode);
    auto loop = a.label();
    a.mov(R::rcx, 10).mov(R::rbx, kFar).mov(R::rsi, EngineFixture::kCode + 0x800);
    a.bind(loop);
    a.raw({0xff, 0xd3});  // call rbx
    a.raw({0xff, 0xd6});  // call rsi
    a.dec(R::rcx).j(Cond::ne, loop);
    a.syscall();
    f.load(a);
    REQUIRE(f.engine.run(0).kind == StopReason::Kind::syscall);
    CHECK(f.engine.instructions() == 3 + 10 * (1 + 4 + 1 + 2 + 2) + 1);
}

// Code the guest rewrites. The new block has the old one's address and size (4 nops and ret become
// two 2-byte nops and ret), so only decoding the new bytes gives the new count.
namespace {
constexpr uint64_t kJit = 0x500000;
const std::vector<uint8_t> kOldTarget = {0x90, 0x90, 0x90, 0x90, 0xc3};  // 5 instructions
constexpr uint64_t kNewTarget = 0x909090c3'90669066;                        // 66 90, 66 90, c3: 3
}  // namespace

TEST_CASE("code the guest rewrites on a writable page is counted as it is now", "[cpu][count][smc]") {
    EngineFixture f;
    f.engine.map(gostart::guest::Addr(kJit), 0x1000, gostart::cpu::kProtRead | gostart::cpu::kProtWrite | gostart::cpu::kProtExec);
    f.engine.write(gostart::guest::Addr(kJit), kOldTarget.data(), kOldTarget.size());
    Asm a(EngineFixture::kCode);
    a.mov(R::rbx, kJit);
    a.raw({0xff, 0xd3});  // call rbx: the old code
    a.mov(R::rax, kNewTarget).store(R::rbx, 0, R::rax);
    a.raw({0xff, 0xd3});  // call rbx: the new code
    a.syscall();
    f.load(a);
    REQUIRE(f.engine.run(0).kind == StopReason::Kind::syscall);
    CHECK(f.engine.instructions() == 2 + 5 + 3 + 3 + 1);
}

TEST_CASE("making code writable forgets its counts: the rewritten block is counted afresh", "[cpu][count][smc]") {
    EngineFixture f;
    f.engine.map(gostart::guest::Addr(kJit), 0x1000, gostart::cpu::kProtRead | gostart::cpu::kProtExec);
    f.engine.write(gostart::guest::Addr(kJit), kOldTarget.data(), kOldTarget.size());
    Asm a(EngineFixture::kCode);
    a.mov(R::rbx, kJit);
    a.raw({0xff, 0xd3});  // call rbx
    a.syscall();          // here the "guest" mprotects the page writable
    a.mov(R::rax, kNewTarget).store(R::rbx, 0, R::rax);
    a.raw({0xff, 0xd3});  // call rbx
    a.syscall();
    f.load(a);
    REQUIRE(f.engine.run(0).kind == StopReason::Kind::syscall);
    CHECK(f.engine.instructions() == 2 + 5 + 1);
    f.engine.protect(gostart::guest::Addr(kJit), 0x1000, gostart::cpu::kProtRead | gostart::cpu::kProtWrite | gostart::cpu::kProtExec);
    REQUIRE(f.engine.run(0).kind == StopReason::Kind::syscall);
    CHECK(f.engine.instructions() - 8 == 2 + 1 + 3 + 1);
    CHECK(f.read64(kJit) == kNewTarget);
}

TEST_CASE("code a debugger rewrites is counted as it is now", "[cpu][count][smc]") {
    EngineFixture f;
    f.engine.map(gostart::guest::Addr(kJit), 0x1000, gostart::cpu::kProtRead | gostart::cpu::kProtExec);
    f.engine.write(gostart::guest::Addr(kJit), kOldTarget.data(), kOldTarget.size());
    Asm a(EngineFixture::kCode);
    a.mov(R::rbx, kJit);
    a.raw({0xff, 0xd3});  // call rbx
    a.syscall();
    f.load(a);
    REQUIRE(f.engine.run(0).kind == StopReason::Kind::syscall);
    CHECK(f.engine.instructions() == 2 + 5 + 1);
    f.engine.write(gostart::guest::Addr(kJit), &kNewTarget, sizeof kNewTarget);
    f.engine.code_changed(kJit, kJit + sizeof kNewTarget - 1);
    f.engine.set_reg(Reg::rip, EngineFixture::kCode);
    REQUIRE(f.engine.run(0).kind == StopReason::Kind::syscall);
    CHECK(f.engine.instructions() - 8 == 2 + 3 + 1);
}

// --- What a debugger needs: write watches, the rest of the registers, exact stops inside blocks.

TEST_CASE("a write watch stops at each guest write into its range, not at others", "[cpu][hooks][watch]") {
    EngineFixture f;
    Asm a(EngineFixture::kCode);
    a.mov(R::rbx, EngineFixture::kData);
    a.mov(R::rax, 7);
    a.store(R::rbx, 8, R::rax);     // inside the watched range
    a.store(R::rbx, 0x40, R::rax);  // outside it
    a.store32(R::rbx, 12, R::rax);  // a 4-byte write overlapping it
    a.syscall();
    f.load(a);
    int id = f.engine.add_write_watch(EngineFixture::kData + 8, 8);
    uint64_t v = 1;
    f.engine.write(gostart::guest::Addr(EngineFixture::kData + 8), &v, 8);  // the Linux layer's writes are not the guest's
    std::vector<std::pair<uint64_t, uint32_t>> seen;
    std::vector<uint64_t> old_values;
    StopReason r;
    while ((r = f.engine.run(0)).kind == StopReason::Kind::watch) {
        CHECK(r.watch_id == id);
        const auto& hit = f.engine.last_watch_hit();
        seen.emplace_back(hit.address, hit.size);
        uint64_t old = 0;
        std::memcpy(&old, hit.old_bytes.data(), 8);
        old_values.push_back(old);
    }
    REQUIRE(r.kind == StopReason::Kind::syscall);
    REQUIRE(seen.size() == 2);
    CHECK(seen[0] == std::make_pair(EngineFixture::kData + 8, 8u));
    CHECK(seen[1] == std::make_pair(EngineFixture::kData + 12, 4u));
    CHECK(old_values[0] == 1);  // the bytes before the write
    CHECK(old_values[1] == 7);

    f.engine.remove_write_watch(id);
    f.engine.set_reg(Reg::rip, EngineFixture::kCode);
    REQUIRE(f.engine.run(0).kind == StopReason::Kind::syscall);

    // Added after the code was translated, a watch still sees its writes.
    f.engine.add_write_watch(EngineFixture::kData + 0x40, 8);
    f.engine.set_reg(Reg::rip, EngineFixture::kCode);
    CHECK(f.engine.run(0).kind == StopReason::Kind::watch);
    CHECK(f.engine.run(0).kind == StopReason::Kind::syscall);
}

TEST_CASE("xmm registers read and write as raw bytes, live and in a saved context", "[cpu][registers]") {
    EngineFixture f;
    Asm a(EngineFixture::kCode);
    a.mov(R::rax, 0x1122334455667788);
    a.movq_xmm0_rax();
    a.syscall();
    f.load(a);
    REQUIRE(f.engine.run(0).kind == StopReason::Kind::syscall);
    gostart::cpu::RawReg raw{};
    REQUIRE(f.engine.read_extra(gostart::cpu::ExtraReg::xmm0, raw));
    uint64_t lo = 0, hi = 1;
    std::memcpy(&lo, raw.data(), 8);
    std::memcpy(&hi, raw.data() + 8, 8);
    CHECK(lo == 0x1122334455667788);
    CHECK(hi == 0);  // movq zeroes the upper half

    gostart::cpu::Context saved = f.engine.save();
    raw.fill(0xab);
    REQUIRE(f.engine.set_context_extra(saved, gostart::cpu::ExtraReg::xmm1, raw));
    f.engine.set_context_reg(saved, Reg::r12, 0x5151);
    gostart::cpu::RawReg back{};
    REQUIRE(f.engine.context_extra(saved, gostart::cpu::ExtraReg::xmm1, back));
    CHECK(back == raw);
    REQUIRE(f.engine.read_extra(gostart::cpu::ExtraReg::xmm1, back));
    CHECK(back[0] == 0);  // the live CPU is untouched until the context is restored
    f.engine.restore(saved);
    REQUIRE(f.engine.read_extra(gostart::cpu::ExtraReg::xmm1, back));
    CHECK(back == raw);
    CHECK(f.engine.reg(Reg::r12) == 0x5151);
    // A 4-byte register takes its low bytes.
    gostart::cpu::RawReg mx{};
    mx[0] = 0x80;
    mx[1] = 0x1f;
    REQUIRE(f.engine.write_extra(gostart::cpu::ExtraReg::mxcsr, mx));
    REQUIRE(f.engine.read_extra(gostart::cpu::ExtraReg::mxcsr, raw));
    CHECK(raw == mx);
}

TEST_CASE("stops requested inside blocks change nothing: same budget stops, same count as a run without them",
          "[cpu][hooks][count]") {
    // A debugger stops the program before an instruction in the middle of a block, many times; the
    // run must go on exactly as if it had not stopped (the virtual clock and the scheduler's time
    // slices are counted in instructions).
    const Asm a = mixing_loop();
    // The loop's `add rax, rcx`: the third instruction of its block.
    uint64_t inside = 0;
    {
        gostart::cpu::Disassembler dis;
        std::vector<uint8_t> code = a.finish();
        for (uint64_t pc = a.base(); pc < a.here() && !inside;) {
            auto insn = dis.decode(pc, std::span<const uint8_t>(code).subspan(pc - a.base()));
            if (insn.mnemonic == "add" && insn.operands == "rax, rcx") inside = pc;
            pc += insn.size;
        }
    }
    REQUIRE(inside != 0);
    // Slices of several lengths, so that some end inside the block before the stopped instruction.
    const uint64_t slice = GENERATE(3, 4, 5, 6, 7, 9, 11);
    INFO("slice " << slice);
    auto trace = [&](bool stop_inside) {
        EngineFixture f;
        f.load(a);
        int hits = 0;
        bool resuming = false;  // the stopped instruction calls the hook again when it runs
        if (stop_inside)
            f.engine.add_code_hook(inside, inside, [&](uint64_t) {
                if (std::exchange(resuming, false)) return;
                if (++hits % 3 == 0) {
                    resuming = true;
                    f.engine.request_stop();
                }
            });
        // Slices as Process counts them: a stop inside one does not end it, and the block the stop was
        // in is finished before the slice's end is looked at (run_until: the end is absolute).
        std::vector<uint64_t> budget_pcs, counts_at_stops;
        uint64_t slice_start = 0;
        for (int i = 0; i < 100000; ++i) {
            StopReason r = f.engine.run_until(slice_start + slice);
            if (r.kind == StopReason::Kind::budget) {
                budget_pcs.push_back(r.pc);
                slice_start = f.engine.instructions();
            } else if (r.kind == StopReason::Kind::requested) {
                CHECK(f.engine.reg(Reg::rip) == inside);
                counts_at_stops.push_back(f.engine.instructions());
            } else {
                REQUIRE(r.kind == StopReason::Kind::syscall);
                break;
            }
        }
        return std::tuple{budget_pcs, f.engine.instructions(), counts_at_stops, f.engine.regs()};
    };
    auto [plain_pcs, plain_count, none, plain_regs] = trace(false);
    auto [pcs, count, stops, regs] = trace(true);
    CHECK(none.empty());
    REQUIRE(stops.size() == 100);  // 300 iterations, every third
    CHECK(pcs == plain_pcs);
    CHECK(count == plain_count);
    CHECK(regs.v == plain_regs.v);
    // At each stop the count is exact: 5 movs, then 8 or 10 instructions per iteration, and two more
    // (add rbx, imul) before the hooked add. Iteration k (from 0) has run k full iterations first.
    auto expected = [](uint64_t k) {  // iterations with rcx >= 150 skip the xor and add: 8 instead of 10
        uint64_t n = 5;
        for (uint64_t i = 0; i < k; ++i) n += (300 - i >= 150) ? 8 : 10;
        return n + 2;
    };
    CHECK(stops[0] == expected(2));
    CHECK(stops[99] == expected(299));
}

TEST_CASE("request_stop from the block observer stops before that block, uncounted", "[cpu][hooks][count]") {
    EngineFixture f;
    f.load(mixing_loop());
    uint64_t blocks = 0, stopped_at = 0, count_then = 0;
    f.engine.set_block_observer([&](uint64_t addr, uint32_t) {
        if (++blocks == 10) {
            stopped_at = addr;
            count_then = f.engine.instructions_before(addr);
            f.engine.request_stop();
        }
    });
    StopReason r = f.engine.run(0);
    CHECK(r.kind == StopReason::Kind::requested);
    CHECK(f.engine.reg(Reg::rip) == stopped_at);
    CHECK(f.engine.instructions() == count_then);
    f.engine.set_block_observer(nullptr);
    REQUIRE(f.engine.run(0).kind == StopReason::Kind::syscall);
    EngineFixture whole;
    whole.load(mixing_loop());
    REQUIRE(whole.engine.run(0).kind == StopReason::Kind::syscall);
    CHECK(f.engine.instructions() == whole.engine.instructions());
    CHECK(f.engine.regs().v == whole.engine.regs().v);
}
