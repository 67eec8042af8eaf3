#include "cpu/fault_locator.h"

#include <capstone/capstone.h>

#include <vector>

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

namespace {

// The registers an address operand reads, as Capstone register ids.
struct Candidate {
    uint64_t address;
    std::vector<uint16_t> address_regs;
};

bool writes_any(csh cs, const cs_insn* insn, const std::vector<uint16_t>& regs) {
    cs_regs read{}, written{};
    uint8_t nread = 0, nwritten = 0;
    if (cs_regs_access(cs, insn, read, &nread, written, &nwritten) != CS_ERR_OK) return true;  // assume the worst
    for (uint8_t i = 0; i < nwritten; ++i)
        for (uint16_t r : regs)
            if (written[i] == r || (r == X86_REG_RSP && written[i] == X86_REG_ESP)) return true;
    return false;
}

// Capstone's 64-bit register for the 32-bit names we may meet in an address.
uint16_t full_reg(uint16_t r) {
    switch (r) {
        case X86_REG_EAX: return X86_REG_RAX;
        case X86_REG_EBX: return X86_REG_RBX;
        case X86_REG_ECX: return X86_REG_RCX;
        case X86_REG_EDX: return X86_REG_RDX;
        case X86_REG_ESI: return X86_REG_RSI;
        case X86_REG_EDI: return X86_REG_RDI;
        case X86_REG_EBP: return X86_REG_RBP;
        case X86_REG_ESP: return X86_REG_RSP;
        default: return r;
    }
}

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
    // Every instruction whose memory access, computed with the registers as they are now, covers the
    // fault. An instruction that already ran may match too, if its address registers were changed
    // since (`mov rax,[rax]; mov rcx,[rax]`): such a match is dropped once a later instruction is seen
    // to write one of its address registers. The first match left standing is the faulting one.
    std::vector<Candidate> live;
    std::optional<uint64_t> first_match;  // the answer when every match was dropped
    while (len > 0 && cs_disasm_iter(cs, &p, &len, &addr, insn)) {
        for (auto it = live.begin(); it != live.end();)
            it = writes_any(cs, insn, it->address_regs) ? live.erase(it) : it + 1;
        const cs_x86& x = insn->detail->x86;
        uint64_t next = insn->address + insn->size;
        if (insn->id == X86_INS_LEA || insn->id == X86_INS_NOP) continue;
        std::optional<Candidate> match;
        for (uint8_t i = 0; i < x.op_count && !match; ++i) {
            const cs_x86_op& op = x.operands[i];
            if (op.type != X86_OP_MEM) continue;
            auto base = reg_value(op.mem.base, regs, next);
            auto index = reg_value(op.mem.index, regs, next);
            if (!base || !index) continue;
            uint64_t ea = *base + *index * static_cast<uint64_t>(op.mem.scale) + static_cast<uint64_t>(op.mem.disp);
            if (op.mem.segment == X86_REG_FS) ea += regs[Reg::fs_base];
            if (op.mem.segment == X86_REG_GS) ea += regs[Reg::gs_base];
            if (covers(ea, op.size, fault_addr)) {
                Candidate c{insn->address, {}};
                if (op.mem.base != X86_REG_INVALID) c.address_regs.push_back(full_reg(static_cast<uint16_t>(op.mem.base)));
                if (op.mem.index != X86_REG_INVALID) c.address_regs.push_back(full_reg(static_cast<uint16_t>(op.mem.index)));
                match = c;
            }
        }
        // Implicit stack accesses, and string instructions through [rsi]/[rdi].
        uint64_t sp = regs[Reg::rsp];
        bool push_like = insn->id == X86_INS_PUSH || insn->id == X86_INS_CALL || insn->id == X86_INS_PUSHFQ;
        bool pop_like = insn->id == X86_INS_POP || insn->id == X86_INS_RET || insn->id == X86_INS_POPFQ;
        if (!match && ((push_like && covers(sp - 8, 8, fault_addr)) || (pop_like && covers(sp, 8, fault_addr))))
            match = Candidate{insn->address, {X86_REG_RSP}};
        bool string_op = x.prefix[0] || insn->id == X86_INS_MOVSB || insn->id == X86_INS_MOVSQ ||
                         insn->id == X86_INS_STOSB || insn->id == X86_INS_STOSQ;
        if (!match && string_op && (covers(regs[Reg::rsi], 8, fault_addr) || covers(regs[Reg::rdi], 8, fault_addr)))
            match = Candidate{insn->address, {X86_REG_RSI, X86_REG_RDI}};
        if (match) {
            if (!first_match) first_match = match->address;
            // If it ran, its own write of an address register (`mov rax,[rax]`) already happened.
            if (!writes_any(cs, insn, match->address_regs)) live.push_back(*match);
        }
    }
    cs_free(insn, 1);
    cs_close(&cs);
    if (live.empty()) return first_match;
    return live.front().address;
}

}  // namespace gostart::cpu
