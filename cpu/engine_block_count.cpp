// How the engine counts the instructions of a block (engine.h, "Instruction count of each block").
// A block seen for the first time takes Unicorn's own count: the `icount` of the translation block
// (uc_ctl_request_cache), which is the number of guest instructions the translated code runs, so it
// is exact by construction and costs a hash lookup where Capstone decoded and formatted every
// instruction. Capstone is kept where instruction boundaries matter:
// - a block whose bytes hold an opcode byte of an instruction that must raise #GP
//   (engine_user_mode.cpp): decoded, to find the first such instruction. The byte test has no false
//   negatives — each of those instructions has its own opcode byte (or byte pair) in the block;
// - a block on a page the guest can write (not remembered, decoded each time it runs: self-modifying
//   code makes QEMU translate one-instruction blocks, which a lookup by address would not find);
// - a stop inside a block (instructions_before, address_of_insn), rare.
// tests/unit/cpu/block_count_test.cpp holds Unicorn's count to Capstone's on real programs' code.
#include "cpu/engine.h"

#include <capstone/capstone.h>
#include <unicorn/unicorn.h>

#include <array>

namespace gostart::cpu {
namespace {

// The opcode bytes of in (E4–E7, EC–EF), ins (6C 6D) and outs (6E 6F); sysret (0F 07) and sysexit
// (0F 35) are checked as pairs.
constexpr std::array<bool, 256> kGpOpcodeByte = [] {
    std::array<bool, 256> t{};
    for (int b : {0xe4, 0xe5, 0xe6, 0xe7, 0xec, 0xed, 0xee, 0xef, 0x6c, 0x6d, 0x6e, 0x6f}) t[b] = true;
    return t;
}();

bool may_hold_gp_insn(const uint8_t* code, size_t len) {
    for (size_t i = 0; i < len; ++i) {
        if (kGpOpcodeByte[code[i]]) return true;
        if (code[i] == 0x0f && i + 1 < len && (code[i + 1] == 0x07 || code[i + 1] == 0x35)) return true;
    }
    return false;
}

}  // namespace

std::optional<Engine::TranslatedBlock> Engine::translated_block(uint64_t addr) {
    uc_tb tb{};
    if (uc_ctl_request_cache(uc_, addr, &tb) != UC_ERR_OK || tb.pc != addr) return std::nullopt;
    return TranslatedBlock{tb.icount, tb.size};
}

uint32_t Engine::decode_block(const uint8_t* code, size_t len, uint64_t addr, std::optional<uint32_t>* first_gp) {
    csh cs = static_cast<csh>(reinterpret_cast<uintptr_t>(disasm_));
    uint32_t n = 0;
    uint64_t a = addr;
    cs_insn* insn = cs_malloc(cs);
    while (len > 0 && cs_disasm_iter(cs, &code, &len, &a, insn)) {
        if (first_gp && !*first_gp && needs_gp_check(insn->id)) *first_gp = n;
        ++n;
    }
    cs_free(insn, 1);
    return n;
}

uint32_t Engine::decoded_insns(uint64_t addr, uint32_t size) {
    uint8_t buf[4096];
    size_t len = size < sizeof buf ? size : sizeof buf;
    if (uc_mem_read(uc_, addr, buf, len) != UC_ERR_OK) return 0;
    return decode_block(buf, len, addr, nullptr);
}

// The instruction count of the block, found once (the cache is the fast path in on_block).
uint32_t Engine::count_block(uint64_t addr, uint32_t size) {
    if (const BlockCounts::Entry* e = blocks_.hit(addr, size)) return e->insns;
    if (auto e = blocks_.find(addr, size)) return e->insns;
    uint8_t buf[4096];
    size_t len = size < sizeof buf ? size : sizeof buf;
    // Code on a page the guest can write may change under a remembered count: decode it each time.
    bool remember = !prot_.any(addr, len, kProtWrite);
    if (!remember) gp_insns_.erase(addr);
    uint32_t n = 0;
    std::optional<uint32_t> first_gp;
    if (uc_mem_read(uc_, addr, buf, len) == UC_ERR_OK) {
        // The block is running, so its translation is in Unicorn's cache: found, never translated
        // here. Anything but that very block (its address and size) falls back to Capstone.
        std::optional<TranslatedBlock> tb;
        if (remember) tb = translated_block(addr);
        if (tb && tb->size == size && tb->insns != 0) {
            n = tb->insns;
            if (may_hold_gp_insn(buf, len)) decode_block(buf, len, addr, &first_gp);
        } else {
            n = decode_block(buf, len, addr, &first_gp);
        }
    }
    if (first_gp) gp_insns_.emplace(addr, *first_gp);
    if (n == 0) n = 1;
    if (remember) blocks_.insert(addr, size, static_cast<uint16_t>(n), first_gp.has_value());
    return n;
}

// The address of the k-th instruction (from 0) of the block at `block`.
uint64_t Engine::address_of_insn(uint64_t block, uint32_t size, uint64_t k) {
    uint8_t buf[4096];
    size_t len = size < sizeof buf ? size : sizeof buf;
    if (uc_mem_read(uc_, block, buf, len) != UC_ERR_OK) return block;
    csh cs = static_cast<csh>(reinterpret_cast<uintptr_t>(disasm_));
    const uint8_t* code = buf;
    uint64_t a = block;
    cs_insn* insn = cs_malloc(cs);
    for (uint64_t i = 0; i < k && len > 0 && cs_disasm_iter(cs, &code, &len, &a, insn);) ++i;
    cs_free(insn, 1);
    return a;
}

uint64_t Engine::instructions_before(uint64_t pc) {
    if (pc == block_addr_) return block_base_;
    if (pc < block_addr_ || pc - block_addr_ > 4096) return insns_;
    uint8_t buf[4096];
    size_t len = pc - block_addr_;
    if (uc_mem_read(uc_, block_addr_, buf, len) != UC_ERR_OK) return insns_;
    return block_base_ + decode_block(buf, len, block_addr_, nullptr);
}

}  // namespace gostart::cpu
