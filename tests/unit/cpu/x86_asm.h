// A tiny x86-64 assembler for unit tests: just the instructions the engine and Linux-layer tests need,
// each encoded by hand (the encoding is in the comment next to it) with rel32 labels. Tests write guest
// programs with it instead of shipping binaries; engine_test.cpp checks every encoding with Capstone.
#pragma once

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace gostart::test {

enum class R : uint8_t { rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi, r8, r9, r10, r11, r12, r13, r14, r15 };

// Condition codes as they appear in the low nibble of Jcc (0F 80+cc).
enum class Cond : uint8_t { b = 0x2, ae = 0x3, e = 0x4, ne = 0x5, be = 0x6, a = 0x7, l = 0xc, ge = 0xd };

class Asm {
public:
    struct Label {
        int id = -1;
    };

    explicit Asm(uint64_t base) : base_(base) {}

    uint64_t base() const { return base_; }
    uint64_t here() const { return base_ + code_.size(); }
    const std::vector<uint8_t>& bytes() const { return code_; }

    Label label() {
        bound_.push_back(UINT64_MAX);
        return Label{static_cast<int>(bound_.size() - 1)};
    }
    Asm& bind(Label l) {
        bound_.at(static_cast<size_t>(l.id)) = here();
        return *this;
    }
    uint64_t addr(Label l) const { return bound_.at(static_cast<size_t>(l.id)); }

    // mov r64, imm64 — REX.W(+B) B8+r io: always the 10-byte form, so sizes are predictable.
    Asm& mov(R dst, uint64_t imm) {
        rex(true, 0, n(dst));
        emit(0xb8 + low(dst));
        imm64(imm);
        return *this;
    }
    // mov r/m64, r64 — REX.W 89 /r, mod=11 (dst in rm, src in reg).
    Asm& mov(R dst, R src) { return rr(0x89, dst, src); }
    // add r/m64, r64 — REX.W 01 /r.
    Asm& add(R dst, R src) { return rr(0x01, dst, src); }
    // xor r/m64, r64 — REX.W 31 /r.
    Asm& xor_(R dst, R src) { return rr(0x31, dst, src); }
    // cmp r/m64, r64 — REX.W 39 /r (flags of dst - src).
    Asm& cmp(R a, R b) { return rr(0x39, a, b); }
    // imul r64, r/m64 — REX.W 0F AF /r (dst in reg).
    Asm& imul(R dst, R src) {
        rex(true, n(dst), n(src));
        emit(0x0f);
        emit(0xaf);
        emit(modrm(3, low(dst), low(src)));
        return *this;
    }
    // add/sub/and/cmp r/m64, imm32 — REX.W 81 /0, /5, /4, /7 id.
    Asm& add(R dst, int32_t imm) { return ri(0, dst, imm); }
    Asm& sub(R dst, int32_t imm) { return ri(5, dst, imm); }
    Asm& and_(R dst, int32_t imm) { return ri(4, dst, imm); }
    Asm& cmp(R dst, int32_t imm) { return ri(7, dst, imm); }
    // inc/dec r/m64 — REX.W FF /0, FF /1.
    Asm& inc(R r) { return unary(0xff, 0, r); }
    Asm& dec(R r) { return unary(0xff, 1, r); }

    // mov r64, [base+disp32] — REX.W 8B /r, mod=10 (SIB 24 when base is rsp/r12).
    Asm& load(R dst, R base, int32_t disp = 0) { return mem(true, 0x8b, dst, base, disp); }
    // mov [base+disp32], r64 — REX.W 89 /r.
    Asm& store(R base, int32_t disp, R src) { return mem(true, 0x89, src, base, disp); }
    // mov r32, [base+disp32] — 8B /r (zero-extends into the 64-bit register).
    Asm& load32(R dst, R base, int32_t disp = 0) { return mem(false, 0x8b, dst, base, disp); }
    // mov [base+disp32], r32 — 89 /r.
    Asm& store32(R base, int32_t disp, R src) { return mem(false, 0x89, src, base, disp); }
    // mov rax, fs:[disp32] — 64 48 8B 04 25 disp32 (absolute, FS-relative).
    Asm& load_rax_fs(int32_t disp) {
        emit(0x64);
        emit(0x48);
        emit(0x8b);
        emit(0x04);
        emit(0x25);
        imm32(static_cast<uint32_t>(disp));
        return *this;
    }
    // movq xmm0, rax — 66 48 0F 6E C0.
    Asm& movq_xmm0_rax() { return raw({0x66, 0x48, 0x0f, 0x6e, 0xc0}); }
    // movq rax, xmm0 — 66 48 0F 7E C0.
    Asm& movq_rax_xmm0() { return raw({0x66, 0x48, 0x0f, 0x7e, 0xc0}); }
    // push r64 — (41) 50+r; pop r64 — (41) 58+r.
    Asm& push(R r) {
        if (n(r)) emit(0x41);
        emit(0x50 + low(r));
        return *this;
    }
    Asm& pop(R r) {
        if (n(r)) emit(0x41);
        emit(0x58 + low(r));
        return *this;
    }

    Asm& syscall() { return raw({0x0f, 0x05}); }  // 0F 05
    Asm& int3() { return raw({0xcc}); }           // CC
    Asm& nop() { return raw({0x90}); }            // 90
    Asm& ret() { return raw({0xc3}); }            // C3
    Asm& hlt() { return raw({0xf4}); }            // F4
    Asm& ud2() { return raw({0x0f, 0x0b}); }      // 0F 0B
    // jmp rel32 — E9 cd; call rel32 — E8 cd; jcc rel32 — 0F 80+cc cd.
    Asm& jmp(Label l) {
        emit(0xe9);
        return rel32(l);
    }
    Asm& call(Label l) {
        emit(0xe8);
        return rel32(l);
    }
    Asm& j(Cond c, Label l) {
        emit(0x0f);
        emit(static_cast<uint8_t>(0x80 + static_cast<uint8_t>(c)));
        return rel32(l);
    }
    // jmp r64 — (41) FF /4, mod=11.
    Asm& jmp(R r) { return unary32(0xff, 4, r); }

    Asm& raw(std::initializer_list<uint8_t> bs) {
        for (uint8_t b : bs) emit(b);
        return *this;
    }

    // The code with every label resolved; throws when a used label was never bound.
    std::vector<uint8_t> finish() const {
        std::vector<uint8_t> out = code_;
        for (const auto& f : fixups_) {
            uint64_t target = bound_.at(static_cast<size_t>(f.label));
            if (target == UINT64_MAX) throw std::logic_error("unbound label");
            int64_t rel = static_cast<int64_t>(target) - static_cast<int64_t>(base_ + f.offset + 4);
            int32_t r32 = static_cast<int32_t>(rel);
            std::memcpy(&out[f.offset], &r32, 4);
        }
        return out;
    }

private:
    struct Fixup {
        size_t offset;
        int label;
    };

    static uint8_t low(R r) { return static_cast<uint8_t>(static_cast<uint8_t>(r) & 7); }
    static uint8_t n(R r) { return static_cast<uint8_t>(static_cast<uint8_t>(r) >> 3); }
    static uint8_t modrm(uint8_t mod, uint8_t reg, uint8_t rm) {
        return static_cast<uint8_t>((mod << 6) | (reg << 3) | rm);
    }
    void emit(uint8_t b) { code_.push_back(b); }
    void emit(int b) { code_.push_back(static_cast<uint8_t>(b)); }
    void imm32(uint32_t v) {
        for (int i = 0; i < 4; ++i) emit(static_cast<uint8_t>(v >> (8 * i)));
    }
    void imm64(uint64_t v) {
        for (int i = 0; i < 8; ++i) emit(static_cast<uint8_t>(v >> (8 * i)));
    }
    void rex(bool w, uint8_t r, uint8_t b, bool force = false) {
        uint8_t v = static_cast<uint8_t>(0x40 | (w ? 8 : 0) | (r << 2) | b);
        if (v != 0x40 || force) emit(v);
    }
    Asm& rr(uint8_t op, R rm, R reg) {
        rex(true, n(reg), n(rm));
        emit(op);
        emit(modrm(3, low(reg), low(rm)));
        return *this;
    }
    Asm& ri(uint8_t ext, R rm, int32_t imm) {
        rex(true, 0, n(rm));
        emit(0x81);
        emit(modrm(3, ext, low(rm)));
        imm32(static_cast<uint32_t>(imm));
        return *this;
    }
    Asm& unary(uint8_t op, uint8_t ext, R rm) {
        rex(true, 0, n(rm));
        emit(op);
        emit(modrm(3, ext, low(rm)));
        return *this;
    }
    Asm& unary32(uint8_t op, uint8_t ext, R rm) {
        rex(false, 0, n(rm));
        emit(op);
        emit(modrm(3, ext, low(rm)));
        return *this;
    }
    Asm& mem(bool w, uint8_t op, R reg, R base, int32_t disp) {
        rex(w, n(reg), n(base));
        emit(op);
        emit(modrm(2, low(reg), low(base)));
        if (low(base) == 4) emit(0x24);  // SIB: base only, no index
        imm32(static_cast<uint32_t>(disp));
        return *this;
    }
    Asm& rel32(Label l) {
        fixups_.push_back(Fixup{code_.size(), l.id});
        imm32(0);
        return *this;
    }

    uint64_t base_;
    std::vector<uint8_t> code_;
    std::vector<uint64_t> bound_;
    std::vector<Fixup> fixups_;
};

}  // namespace gostart::test
