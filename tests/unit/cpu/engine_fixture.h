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
        engine.map(kCode, kSize, cpu::kProtRead | cpu::kProtExec);
        engine.map(kData, kSize, cpu::kProtRead | cpu::kProtWrite);
        engine.map(kStack, kSize, cpu::kProtRead | cpu::kProtWrite);
        engine.set_reg(cpu::Reg::rsp, kStack + kSize - 0x100);
    }

    // Writes the program at its base and points rip at its first instruction.
    void load(const Asm& a) {
        std::vector<uint8_t> code = a.finish();
        engine.write(a.base(), code.data(), code.size());
        engine.set_reg(cpu::Reg::rip, a.base());
    }

    uint64_t read64(uint64_t addr) const {
        uint64_t v = 0;
        engine.read(addr, &v, sizeof v);
        return v;
    }
};

}  // namespace gostart::test
