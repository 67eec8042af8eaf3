// A bare engine with code, data and stack mappings at fixed places, for the engine's unit tests.
#pragma once

#include "cpu/engine.h"
#include "tests/unit/cpu/x86_asm.h"

#include <cstdint>
#include <vector>

namespace gostart::test {

struct EngineFixture {
    static constexpr uint64_t kCode = 0x100000;
    static constexpr uint64_t kData = 0x200000;
    static constexpr uint64_t kStack = 0x300000;  // [kStack, kStack + kSize): rsp starts at its top
    static constexpr uint64_t kSize = 0x10000;

    cpu::Engine engine;

    EngineFixture() {
        engine.map(guest::Addr(kCode), kSize, cpu::kProtRead | cpu::kProtExec);
        engine.map(guest::Addr(kData), kSize, cpu::kProtRead | cpu::kProtWrite);
        engine.map(guest::Addr(kStack), kSize, cpu::kProtRead | cpu::kProtWrite);
        engine.set_reg(cpu::Reg::rsp, kStack + kSize - 0x100);
    }

    // Writes the program at its base and points rip at its first instruction.
    void load(const Asm& a) {
        std::vector<uint8_t> code = a.finish();
        engine.write(guest::Addr(a.base()), code.data(), code.size());
        engine.set_reg(cpu::Reg::rip, a.base());
    }

    uint64_t read64(uint64_t addr) const {
        uint64_t v = 0;
        engine.read(guest::Addr(addr), &v, sizeof v);
        return v;
    }
};

// A loop of several blocks (a branch inside) that mixes every register it touches, ending in syscall:
// the engine tests' program for counting, budgets and stops inside blocks.
inline Asm mixing_loop(int iterations = 300) {
    Asm a(EngineFixture::kCode);
    auto loop = a.label(), skip = a.label();
    a.mov(R::rcx, static_cast<uint64_t>(iterations));
    a.mov(R::rax, 1);
    a.mov(R::rbx, 0);
    a.mov(R::rdx, 0);
    a.mov(R::r9, 0x9e3779b97f4a7c15);
    a.bind(loop);
    a.add(R::rbx, R::rax);    // add rbx, rax
    a.imul(R::rax, R::r9);    // imul rax, r9
    a.add(R::rax, R::rcx);    // add rax, rcx
    a.cmp(R::rcx, 150);       // cmp rcx, 150
    a.j(Cond::ae, skip);      // jae skip
    a.xor_(R::rdx, R::rbx);   // xor rdx, rbx
    a.add(R::rdx, 3);         // add rdx, 3
    a.bind(skip);
    a.inc(R::r8);             // inc r8
    a.dec(R::rcx);            // dec rcx
    a.j(Cond::ne, loop);      // jne loop
    a.syscall();
    return a;
}

}  // namespace gostart::test
