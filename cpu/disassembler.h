// Capstone, once per process: decode and format one instruction (Intel or AT&T syntax).
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace gostart::cpu {

struct DecodedInsn {
    uint64_t address = 0;
    uint16_t size = 0;        // 0 when the bytes do not decode
    std::string bytes_hex;    // "4889f8"
    std::string mnemonic;     // "mov"
    std::string operands;     // "rax, rdi"
    bool is_call = false;
    bool is_ret = false;
};

class Disassembler {
public:
    enum class Syntax { intel, att };
    explicit Disassembler(Syntax syntax = Syntax::intel);
    ~Disassembler();
    Disassembler(const Disassembler&) = delete;
    Disassembler& operator=(const Disassembler&) = delete;

    DecodedInsn decode(uint64_t address, std::span<const uint8_t> code) const;

private:
    size_t handle_ = 0;
};

}  // namespace gostart::cpu
