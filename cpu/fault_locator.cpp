#include "cpu/fault_locator.h"

#include <capstone/capstone.h>

namespace gostart::cpu {
namespace {

std::optional<uint64_t> reg_value(x86_reg r, const RegisterFile& rf, uint64_t next_pc) {
    switch (r) {
        case X86_REG_INVALID: return 0;
        case X86_REG_RIP: return next_pc;
        case X86_REG_RAX: case X86_REG_EAX: return rf[Reg::rax];
        case X86_REG_RBX: case X86_REG_EBX: return rf[Reg::rbx];
        case X86_REG_RCX: case X86_REG_ECX: return rf[Reg::rcx];
        case X86_REG_RDX: case X86_REG_EDX: return rf[Reg::rdx];
        case X86_REG_RSI: case X86_REG_ESI: return rf[Reg::rsi];
        case X86_REG_RDI: case X86_REG_EDI: return rf[Reg::rdi];
        case X86_REG_RBP: case X86_REG_EBP: return rf[Reg::rbp];
        case X86_REG_RSP: case X86_REG_ESP: return rf[Reg::rsp];
        case X86_REG_R8: return rf[Reg::r8];
        case X86_REG_R9: return rf[Reg::r9];
        case X86_REG_R10: return rf[Reg::r10];
        case X86_REG_R11: return rf[Reg::r11];
        case X86_REG_R12: return rf[Reg::r12];
        case X86_REG_R13: return rf[Reg::r13];
        case X86_REG_R14: return rf[Reg::r14];
        case X86_REG_R15: return rf[Reg::r15];
        default: return std::nullopt;
    }
}

bool covers(uint64_t start, uint64_t size, uint64_t addr) { return addr >= start && addr - start < (size ? size : 1); }

}  // namespace

std::optional<uint64_t> locate_fault(std::span<const uint8_t> code, uint64_t block, const RegisterFile& regs,
                                     uint64_t fault_addr) {
    csh cs = 0;
    if (cs_open(CS_ARCH_X86, CS_MODE_64, &cs) != CS_ERR_OK) return std::nullopt;
    cs_option(cs, CS_OPT_DETAIL, CS_OPT_ON);
    cs_insn* insn = cs_malloc(cs);
    const uint8_t* p = code.data();
    size_t len = code.size();
    uint64_t addr = block;
    std::optional<uint64_t> found;
    while (!found && len > 0 && cs_disasm_iter(cs, &p, &len, &addr, insn)) {
        const cs_x86& x = insn->detail->x86;
        uint64_t next = insn->address + insn->size;
        if (insn->id == X86_INS_LEA || insn->id == X86_INS_NOP) continue;
        for (uint8_t i = 0; i < x.op_count && !found; ++i) {
            const cs_x86_op& op = x.operands[i];
            if (op.type != X86_OP_MEM) continue;
            auto base = reg_value(op.mem.base, regs, next);
            auto index = reg_value(op.mem.index, regs, next);
            if (!base || !index) continue;
            uint64_t ea = *base + *index * static_cast<uint64_t>(op.mem.scale) + static_cast<uint64_t>(op.mem.disp);
            if (op.mem.segment == X86_REG_FS) ea += regs[Reg::fs_base];
            if (op.mem.segment == X86_REG_GS) ea += regs[Reg::gs_base];
            if (covers(ea, op.size, fault_addr)) found = insn->address;
        }
        // Implicit stack accesses.
        uint64_t sp = regs[Reg::rsp];
        switch (insn->id) {
            case X86_INS_PUSH: case X86_INS_CALL: case X86_INS_PUSHFQ:
                if (covers(sp - 8, 8, fault_addr)) found = insn->address;
                break;
            case X86_INS_POP: case X86_INS_RET: case X86_INS_POPFQ:
                if (covers(sp, 8, fault_addr)) found = insn->address;
                break;
            default: break;
        }
        // String instructions touch [rsi] and [rdi].
        if (x.prefix[0] || insn->id == X86_INS_MOVSB || insn->id == X86_INS_MOVSQ || insn->id == X86_INS_STOSB ||
            insn->id == X86_INS_STOSQ) {
            if (covers(regs[Reg::rsi], 8, fault_addr) || covers(regs[Reg::rdi], 8, fault_addr)) found = insn->address;
        }
    }
    cs_free(insn, 1);
    cs_close(&cs);
    return found;
}

}  // namespace gostart::cpu
