#include "session/virtual_tsc.h"

#include "cpu/disassembler.h"
#include "cpu/engine.h"
#include "loader/symbol_table.h"

#include <vector>

namespace gostart::session {

int install_virtual_tsc(cpu::Engine& engine, const loader::SymbolTable& symbols, std::function<uint64_t()> now_ticks) {
    cpu::Disassembler dis;
    int hooked = 0;
    for (const char* name : {"runtime.cputicks", "runtime.cputicks.abi0"}) {
        auto addr = symbols.find(name);
        if (!addr) continue;
        uint8_t code[256];
        if (!engine.try_read(guest::Addr(*addr), code, sizeof code)) continue;
        size_t off = 0;
        for (int i = 0; i < 64 && off < sizeof code; ++i) {
            auto insn = dis.decode(*addr + off, std::span<const uint8_t>(code + off, sizeof code - off));
            if (insn.size == 0) break;
            off += insn.size;
            if (insn.mnemonic == "rdtsc" || insn.mnemonic == "rdtscp") {
                bool rdtscp = insn.mnemonic == "rdtscp";
                engine.add_code_hook(*addr + off, *addr + off, [&engine, now_ticks, rdtscp](uint64_t) {
                    uint64_t t = now_ticks();
                    engine.set_reg(cpu::Reg::rax, t & 0xffffffff);
                    engine.set_reg(cpu::Reg::rdx, t >> 32);
                    if (rdtscp) engine.set_reg(cpu::Reg::rcx, 0);
                });
                ++hooked;
            }
            if (insn.is_ret) break;
        }
    }
    return hooked;
}

}  // namespace gostart::session
