// The engine runs the guest as a user process (cpu/engine_user_mode.cpp): at CPL 3 with Linux's user
// segments, privileged instructions stop the run with #GP at the instruction, a run can start anywhere
// (address 0 too), and an exception leaves nothing behind that would turn the next one into a double fault.
#include "cpu/engine.h"
#include "tests/unit/cpu/engine_fixture.h"

#include <catch2/catch.hpp>

#include <cstring>
#include <string>
#include <utility>
#include <vector>

using gostart::cpu::ExtraReg;
using gostart::cpu::RawReg;
using gostart::cpu::Reg;
using gostart::cpu::StopReason;
using gostart::test::Asm;
using gostart::test::EngineFixture;
using gostart::test::R;

namespace {

uint16_t selector(const gostart::cpu::Engine& e, ExtraReg r) {
    RawReg raw{};
    REQUIRE(e.read_extra(r, raw));
    return static_cast<uint16_t>(raw[0] | raw[1] << 8);
}

// The instructions a user process may not execute, with the vector real hardware raises at CPL 3
// (Intel SDM vol. 2, each instruction's "Protected Mode Exceptions": #GP(0) if CPL > 0, or if CPL > IOPL
// for in/out/cli/sti). Encodings by hand; the operands point at mapped data so only privilege can fault.
const std::vector<std::pair<std::string, std::vector<uint8_t>>> kPrivileged = {
    {"mov dr7, rax", {0x0f, 0x23, 0xf8}}, {"mov rax, dr7", {0x0f, 0x21, 0xf8}},
    {"mov cr0, rax", {0x0f, 0x22, 0xc0}}, {"mov rax, cr3", {0x0f, 0x20, 0xd8}},
    {"in al, dx", {0xec}},                 {"out dx, al", {0xee}},
    {"in al, 0x80", {0xe4, 0x80}},         {"hlt", {0xf4}},
    {"cli", {0xfa}},                       {"sti", {0xfb}},
    {"rdmsr", {0x0f, 0x32}},               {"wrmsr", {0x0f, 0x30}},
    {"lgdt [rbx]", {0x0f, 0x01, 0x13}},    {"lidt [rbx]", {0x0f, 0x01, 0x1b}},
    {"lldt ax", {0x0f, 0x00, 0xd0}},       {"ltr ax", {0x0f, 0x00, 0xd8}},
    {"invlpg [rbx]", {0x0f, 0x01, 0x3b}},  {"wbinvd", {0x0f, 0x09}},
    {"invd", {0x0f, 0x08}},                {"clts", {0x0f, 0x06}},
    {"swapgs", {0x0f, 0x01, 0xf8}},        {"lmsw ax", {0x0f, 0x01, 0xf0}},
    {"sysretq", {0x48, 0x0f, 0x07}},       {"sysexit", {0x0f, 0x35}},
};

}  // namespace

TEST_CASE("The guest runs at CPL 3 with Linux's user code and stack segments", "[cpu][user]") {
    EngineFixture f;
    CHECK(selector(f.engine, ExtraReg::cs) == 0x33);
    CHECK(selector(f.engine, ExtraReg::ss) == 0x2b);
    // Nothing of the set-up is left: no instructions counted, no mapping at the scratch page.
    CHECK(f.engine.instructions() == 0);
    uint8_t b = 0;
    CHECK_FALSE(f.engine.try_read(gostart::guest::Addr(0x1000), &b, 1));
}

TEST_CASE("Every privileged instruction stops with #GP at the instruction, however many there are", "[cpu][user]") {
    // One engine for all: QEMU counts an unacknowledged #GP as in flight, so without forget_exception
    // the second would be a double fault (vector 8) and the third would halt the CPU.
    EngineFixture f;
    uint64_t base = EngineFixture::kCode;
    for (const auto& [name, bytes] : kPrivileged) {
        INFO(name);
        Asm a(base += 0x100);  // code at a new place each time: the engine decodes a block once
        a.mov(R::rbx, EngineFixture::kData);
        a.mov(R::rax, 0);
        a.mov(R::rdx, 0x80);
        uint64_t at = a.here();
        for (uint8_t x : bytes) a.raw({x});
        a.syscall();
        f.load(a);
        uint64_t before = f.engine.instructions();
        StopReason r = f.engine.run(0);
        REQUIRE(r.kind == StopReason::Kind::interrupt);
        CHECK(r.vector == 13);
        CHECK_FALSE(r.software);
        CHECK(r.pc == at);
        CHECK(f.engine.reg(Reg::rip) == at);
        CHECK(f.engine.instructions() - before == 3);  // the movs; the faulting instruction did not complete
        f.engine.set_reg(Reg::rip, at + bytes.size());  // as a signal handler that skips it would
        CHECK(f.engine.run(0).kind == StopReason::Kind::syscall);
    }
}

TEST_CASE("After an exception, every register the guest can see is as it was", "[cpu][user]") {
    EngineFixture f;
    Asm a(EngineFixture::kCode);
    a.mov(R::rax, 0x1122334455667788);
    a.movq_xmm0_rax();
    a.mov(R::r15, 0xfeedface);
    uint64_t at = a.here();
    a.raw({0xfa});  // cli
    f.load(a);
    f.engine.set_reg(Reg::fs_base, 0x7ff000);
    f.engine.set_fp_control(0x37f, 0x1f80);
    StopReason r = f.engine.run(0);
    REQUIRE(r.kind == StopReason::Kind::interrupt);
    REQUIRE(r.pc == at);
    auto rf = f.engine.regs();
    CHECK(rf[Reg::rax] == 0x1122334455667788);
    CHECK(rf[Reg::r15] == 0xfeedface);
    CHECK(rf[Reg::fs_base] == 0x7ff000);
    CHECK(rf[Reg::rip] == at);
    RawReg xmm0{}, fctrl{}, mxcsr{};
    REQUIRE(f.engine.read_extra(ExtraReg::xmm0, xmm0));
    REQUIRE(f.engine.read_extra(ExtraReg::fctrl, fctrl));
    REQUIRE(f.engine.read_extra(ExtraReg::mxcsr, mxcsr));
    uint64_t low = 0;
    std::memcpy(&low, xmm0.data(), 8);
    CHECK(low == 0x1122334455667788);
    CHECK((fctrl[0] | fctrl[1] << 8) == 0x37f);
    CHECK((mxcsr[0] | mxcsr[1] << 8) == 0x1f80);
    CHECK(selector(f.engine, ExtraReg::cs) == 0x33);
}

TEST_CASE("A division by zero is #DE each time, not a double fault the second time", "[cpu][user]") {
    EngineFixture f;
    Asm a(EngineFixture::kCode);
    a.mov(R::rcx, 0);
    a.mov(R::rax, 7);
    uint64_t div = a.here();
    a.raw({0xf7, 0xf1});  // div ecx
    a.mov(R::rax, 8);     // in the same block: must not count
    a.syscall();
    f.load(a);
    for (int i = 0; i < 3; ++i) {
        uint64_t before = f.engine.instructions();
        StopReason r = f.engine.run(0);
        REQUIRE(r.kind == StopReason::Kind::interrupt);
        CHECK(r.vector == 0);
        CHECK(r.pc == div);
        CHECK(f.engine.instructions() - before == (i == 0 ? 2 : 0));
        CHECK(f.engine.reg(Reg::rax) == 7);
    }
}

TEST_CASE("int n is a software interrupt: the vector, the instruction's address, rip past it", "[cpu][user]") {
    EngineFixture f;
    uint64_t base = EngineFixture::kCode;
    for (uint8_t vector : {0x80, 0x0d, 0x03, 0x00}) {
        INFO(int(vector));
        Asm a(base += 0x100);
        a.mov(R::rax, 4);
        uint64_t at = a.here();
        a.raw({0xcd, vector});
        a.syscall();
        f.load(a);
        StopReason r = f.engine.run(0);
        REQUIRE(r.kind == StopReason::Kind::interrupt);
        CHECK(r.vector == vector);
        CHECK(r.software);
        CHECK(r.address == at);
        CHECK(r.pc == at + 2);
        CHECK(f.engine.reg(Reg::rip) == at + 2);
    }
    Asm a(base += 0x100);  // int3, one byte
    a.nop();
    uint64_t at = a.here();
    a.int3();
    f.load(a);
    StopReason r = f.engine.run(0);
    CHECK(r.vector == 3);
    CHECK(r.software);
    CHECK(r.address == at);
}

TEST_CASE("A run that starts at address 0 faults there instead of running nothing", "[cpu][user]") {
    EngineFixture f;
    f.engine.set_reg(Reg::rip, 0);
    StopReason r = f.engine.run(1000);
    REQUIRE(r.kind == StopReason::Kind::fault);
    CHECK(r.access == StopReason::Access::fetch);
    CHECK(r.address == 0);
    CHECK(r.unmapped);
}

TEST_CASE("No address ends a run: code mapped at 0 runs from there", "[cpu][user]") {
    gostart::cpu::Engine e;
    e.map(gostart::guest::Addr(0), 0x1000, gostart::cpu::kProtRead | gostart::cpu::kProtExec);
    Asm a(0);
    a.mov(R::rax, 42);
    a.syscall();
    std::vector<uint8_t> code = a.finish();
    e.write(gostart::guest::Addr(0), code.data(), code.size());
    e.set_reg(Reg::rip, 0);
    StopReason r = e.run(0);
    CHECK(r.kind == StopReason::Kind::syscall);
    CHECK(e.reg(Reg::rax) == 42);
    CHECK(e.instructions() == 2);
}

TEST_CASE("A port I/O instruction at the start of a block is #GP too, and leaves the registers alone", "[cpu][user]") {
    EngineFixture f;
    Asm a(EngineFixture::kCode);
    auto there = a.label();
    a.mov(R::rax, 0x1234);
    a.mov(R::rdx, 0x60);
    a.jmp(there);
    a.bind(there);
    a.raw({0xec});  // in al, dx: Unicorn would answer 0 and go on
    a.syscall();
    f.load(a);
    StopReason r = f.engine.run(0);
    REQUIRE(r.kind == StopReason::Kind::interrupt);
    CHECK(r.vector == 13);
    CHECK(r.pc == a.addr(there));
    CHECK(f.engine.reg(Reg::rax) == 0x1234);
    CHECK(f.engine.instructions() == 3);
    // Not armed any more: a run from elsewhere is not stopped at that count.
    f.engine.set_reg(Reg::rip, a.addr(there) + 1);
    CHECK(f.engine.run(0).kind == StopReason::Kind::syscall);
}

TEST_CASE("A memory fault leaves nothing in flight either: the next #GP is a #GP", "[cpu][user]") {
    EngineFixture f;
    Asm a(EngineFixture::kCode);
    uint64_t load = a.here();
    a.raw({0x48, 0x8b, 0x04, 0x25, 0x10, 0x00, 0x00, 0x00});  // mov rax, [0x10]: nothing mapped there
    uint64_t cli = a.here();
    a.raw({0xfa});
    f.load(a);
    for (int i = 0; i < 3; ++i) {
        f.engine.set_reg(Reg::rip, load);
        StopReason r = f.engine.run(0);
        REQUIRE(r.kind == StopReason::Kind::fault);
        CHECK(r.address == 0x10);
        f.engine.set_reg(Reg::rip, cli);
        r = f.engine.run(0);
        REQUIRE(r.kind == StopReason::Kind::interrupt);
        CHECK(r.vector == 13);
    }
}
