#include "cpu/describe_instruction.h"

#include "cpu/disassembler.h"

#include <fmt/format.h>

#include <algorithm>

namespace gostart::cpu {

std::string describe_instruction(const GuestCpu& cpu, uint64_t pc) {
    // An instruction is at most 15 bytes; near the end of a mapping fewer may be readable.
    uint8_t code[15];
    size_t n = sizeof code;
    while (n > 0 && !cpu.try_read(guest::Addr(pc), code, n)) --n;
    if (n == 0) return fmt::format("no readable instruction at {:#x}", pc);
    Disassembler dis;
    DecodedInsn insn = dis.decode(pc, std::span<const uint8_t>(code, n));
    if (insn.size == 0) {
        std::string hex;
        for (size_t i = 0; i < std::min<size_t>(n, 8); ++i) hex += fmt::format("{:02x}", code[i]);
        return fmt::format("bytes {} that do not decode as an x86-64 instruction", hex);
    }
    std::string ops = insn.operands;  // Capstone 4 writes "zmm0 , zmm1" for some EVEX forms
    for (size_t at; (at = ops.find(" ,")) != std::string::npos;) ops.erase(at, 1);
    return fmt::format("{}{}{} ({})", insn.mnemonic, ops.empty() ? "" : " ", ops, insn.bytes_hex);
}

}  // namespace gostart::cpu
