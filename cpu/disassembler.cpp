#include "cpu/disassembler.h"

#include "cpu/engine_error.h"

#include <capstone/capstone.h>
#include <fmt/format.h>

namespace gostart::cpu {

Disassembler::Disassembler(Syntax syntax) {
    csh h = 0;
    if (cs_open(CS_ARCH_X86, CS_MODE_64, &h) != CS_ERR_OK) throw EngineError("cannot open Capstone");
    if (syntax == Syntax::att) cs_option(h, CS_OPT_SYNTAX, CS_OPT_SYNTAX_ATT);
    cs_option(h, CS_OPT_DETAIL, CS_OPT_ON);
    handle_ = h;
}

Disassembler::~Disassembler() {
    csh h = handle_;
    cs_close(&h);
}

DecodedInsn Disassembler::decode(uint64_t address, std::span<const uint8_t> code) const {
    DecodedInsn out;
    out.address = address;
    csh h = handle_;
    cs_insn* insn = nullptr;
    size_t n = cs_disasm(h, code.data(), code.size(), address, 1, &insn);
    if (n == 0) return out;
    out.size = insn->size;
    for (uint16_t i = 0; i < insn->size; ++i) out.bytes_hex += fmt::format("{:02x}", insn->bytes[i]);
    out.mnemonic = insn->mnemonic;
    out.operands = insn->op_str;
    if (insn->detail) {
        for (uint8_t i = 0; i < insn->detail->groups_count; ++i) {
            if (insn->detail->groups[i] == CS_GRP_CALL) out.is_call = true;
            if (insn->detail->groups[i] == CS_GRP_RET) out.is_ret = true;
        }
    }
    cs_free(insn, n);
    return out;
}

}  // namespace gostart::cpu
