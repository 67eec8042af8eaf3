// Every feature bit our CPUID reports (cpu/cpuid.h) is one the engine executes: for each bit set in the
// feature words, an instruction of that feature runs on the engine and computes what the feature's
// definition says — a result that tells it apart from what the bytes mean without the feature (lzcnt
// runs as bsr on a CPU without LZCNT). A bit with no probe here fails the test, so a new bit in the
// table needs a new probe.
#include "cpu/cpuid.h"
#include "cpu/disassembler.h"
#include "cpu/unicorn_release.h"
#include "tests/unit/cpu/engine_fixture.h"

#include <catch2/catch.hpp>
#include <unicorn/unicorn.h>

#include <cstring>
#include <functional>
#include <string>
#include <vector>

using namespace gostart;
using namespace gostart::test;
using cpu::Reg;
using cpu::StopReason;

namespace {

enum class Word { eax, ebx, ecx, edx };

struct FeatureWord {
    uint32_t leaf, subleaf;
    Word word;
    const char* name;
};

// The words that hold feature flags; the others (vendor, family, cache sizes) are identity.
constexpr FeatureWord kFeatureWords[] = {
    {0x1, 0, Word::edx, "1.edx"},        {0x1, 0, Word::ecx, "1.ecx"},
    {0x7, 0, Word::ebx, "7.0.ebx"},      {0x7, 0, Word::ecx, "7.0.ecx"},
    {0x7, 0, Word::edx, "7.0.edx"},      {0x80000001, 0, Word::ecx, "80000001.ecx"},
    {0x80000001, 0, Word::edx, "80000001.edx"},
};

uint32_t word_of(const cpu::CpuidResult& r, Word w) {
    switch (w) {
        case Word::eax: return r.eax;
        case Word::ebx: return r.ebx;
        case Word::ecx: return r.ecx;
        case Word::edx: return r.edx;
    }
    return 0;
}

struct Probe {
    const char* word;  // as in kFeatureWords
    int bit;
    const char* feature;
    const char* mnemonic;  // of `code`'s instruction that needs the feature (checked with Capstone)
    std::function<void(Asm&)> setup;  // registers before the probe
    std::vector<uint8_t> code;
    std::function<bool(EngineFixture&)> ok;
};

constexpr uint64_t D = EngineFixture::kData;  // 16-byte aligned, zero until a probe writes it

uint64_t r(EngineFixture& f, Reg reg) { return f.engine.reg(reg); }

uint32_t read32(EngineFixture& f, uint64_t addr) {
    uint32_t v = 0;
    f.engine.read(guest::Addr(addr), &v, sizeof v);
    return v;
}

// CRC-32C (Castagnoli, reflected) of one byte, bit by bit: what SSE4.2's crc32 computes, without the
// initial and final inversion that software CRC-32C adds.
uint32_t crc32c_byte(uint32_t crc, uint8_t byte) {
    crc ^= byte;
    for (int i = 0; i < 8; ++i) crc = (crc >> 1) ^ ((crc & 1) ? 0x82f63b78u : 0u);
    return crc;
}

const uint64_t kJunk = 0xdeadbeefdeadbeef;

std::vector<Probe> probes() {
    return {
        {"1.edx", 0, "FPU", "fistp", [](Asm& a) { a.mov(R::rdi, D); },
         {0xd9, 0xe8, 0xd8, 0xc0, 0xdf, 0x3f},  // fld1; fadd st0, st0; fistp qword [rdi]
         [](EngineFixture& f) { return f.read64(D) == 2; }},
        {"1.edx", 4, "TSC", "rdtsc", [](Asm& a) { a.mov(R::rax, kJunk).mov(R::rdx, kJunk); },
         {0x0f, 0x31},  // rdtsc: edx:eax, zero-extended
         [](EngineFixture& f) { return r(f, Reg::rax) >> 32 == 0 && r(f, Reg::rdx) >> 32 == 0; }},
        {"1.edx", 8, "CX8", "cmpxchg8b", [](Asm& a) { a.mov(R::rdi, D).mov(R::rax, 0).mov(R::rdx, 0).mov(R::rbx, 2).mov(R::rcx, 1); },
         {0x0f, 0xc7, 0x0f},  // cmpxchg8b [rdi]: memory was edx:eax, becomes ecx:ebx
         [](EngineFixture& f) { return f.read64(D) == 0x100000002; }},
        {"1.edx", 15, "CMOV", "cmove", [](Asm& a) { a.mov(R::rax, 0).mov(R::rbx, 5).cmp(R::rax, R::rax); },
         {0x48, 0x0f, 0x44, 0xc3},  // cmove rax, rbx
         [](EngineFixture& f) { return r(f, Reg::rax) == 5; }},
        {"1.edx", 19, "CLFLUSH", "clflush", [](Asm& a) { a.mov(R::rdi, D).mov(R::rax, 0x1234).store(R::rdi, 0, R::rax); },
         {0x0f, 0xae, 0x3f},  // clflush [rdi]: the line stays as written
         [](EngineFixture& f) { return f.read64(D) == 0x1234; }},
        {"1.edx", 23, "MMX", "paddd", [](Asm& a) { a.mov(R::rax, 0x0000000100000002); },
         {0x48, 0x0f, 0x6e, 0xc0, 0x0f, 0xfe, 0xc0, 0x48, 0x0f, 0x7e, 0xc3, 0x0f, 0x77},  // movq mm0, rax; paddd mm0, mm0; movq rbx, mm0; emms
         [](EngineFixture& f) { return r(f, Reg::rbx) == 0x0000000200000004; }},
        {"1.edx", 24, "FXSR", "fxrstor", [](Asm& a) { a.mov(R::rdi, D).mov(R::rax, 0x1122334455667788).movq_xmm0_rax(); },
         // fxsave [rdi]; pxor xmm0, xmm0; fxrstor [rdi]; movq rbx, xmm0 — as glibc's lazy binding keeps the
         // argument registers across the resolver when there is no XSAVE
         {0x0f, 0xae, 0x07, 0x66, 0x0f, 0xef, 0xc0, 0x0f, 0xae, 0x0f, 0x66, 0x48, 0x0f, 0x7e, 0xc3},
         [](EngineFixture& f) {
             uint16_t fcw = 0;
             f.engine.read(guest::Addr(D), &fcw, sizeof fcw);
             // the control word and MXCSR as set below, and xmm0 back
             return fcw == 0x37f && read32(f, D + 24) == 0x1f80 && r(f, Reg::rbx) == 0x1122334455667788;
         }},
        {"1.edx", 25, "SSE", "addss", [](Asm& a) { a.mov(R::rdi, D).mov(R::rax, 0x3f800000).store32(R::rdi, 0, R::rax); },
         {0xf3, 0x0f, 0x10, 0x07, 0xf3, 0x0f, 0x58, 0xc0, 0xf3, 0x0f, 0x11, 0x07},  // movss xmm0, [rdi]; addss xmm0, xmm0; movss [rdi], xmm0
         [](EngineFixture& f) { return read32(f, D) == 0x40000000; }},  // 1.0f + 1.0f = 2.0f
        {"1.edx", 26, "SSE2", "paddq", [](Asm& a) { a.mov(R::rax, 3); },
         {0x66, 0x48, 0x0f, 0x6e, 0xc0, 0x66, 0x0f, 0xd4, 0xc0, 0x66, 0x48, 0x0f, 0x7e, 0xc3},  // movq xmm0, rax; paddq xmm0, xmm0; movq rbx, xmm0
         [](EngineFixture& f) { return r(f, Reg::rbx) == 6; }},
        {"1.ecx", 9, "SSSE3", "pshufb", [](Asm& a) { a.mov(R::rax, 0x1122334455667788); },
         // movq xmm0, rax; pxor xmm1, xmm1; pshufb xmm0, xmm1 (every byte from byte 0); movq rbx, xmm0
         {0x66, 0x48, 0x0f, 0x6e, 0xc0, 0x66, 0x0f, 0xef, 0xc9, 0x66, 0x0f, 0x38, 0x00, 0xc1, 0x66, 0x48, 0x0f, 0x7e, 0xc3},
         [](EngineFixture& f) { return r(f, Reg::rbx) == 0x8888888888888888; }},
        {"1.ecx", 13, "CX16", "cmpxchg16b", [](Asm& a) { a.mov(R::rdi, D).mov(R::rax, 0).mov(R::rdx, 0).mov(R::rbx, 4).mov(R::rcx, 3); },
         {0x48, 0x0f, 0xc7, 0x0f},  // cmpxchg16b [rdi]: memory was rdx:rax, becomes rcx:rbx
         [](EngineFixture& f) { return f.read64(D) == 4 && f.read64(D + 8) == 3; }},
        {"1.ecx", 19, "SSE4.1", "pmulld", [](Asm& a) { a.mov(R::rax, 0x0000000500000003); },
         {0x66, 0x48, 0x0f, 0x6e, 0xc0, 0x66, 0x0f, 0x38, 0x40, 0xc0, 0x66, 0x48, 0x0f, 0x7e, 0xc3},  // movq xmm0, rax; pmulld xmm0, xmm0; movq rbx, xmm0
         [](EngineFixture& f) { return r(f, Reg::rbx) == 0x0000001900000009; }},
        {"1.ecx", 20, "SSE4.2", "crc32", [](Asm& a) { a.mov(R::rax, 0xffffffff).mov(R::rbx, 0x61); },
         {0xf2, 0x0f, 0x38, 0xf0, 0xc3},  // crc32 eax, bl
         [](EngineFixture& f) { return r(f, Reg::rax) == crc32c_byte(0xffffffff, 0x61); }},
        {"1.ecx", 25, "AES", "aesenc", [](Asm&) {},
         // pxor xmm0, xmm0; pxor xmm1, xmm1; aesenc xmm0, xmm1; movq rbx, xmm0. A round of the zero state with
         // the zero key: S-box(0) = 0x63 in every byte, which ShiftRows and MixColumns keep.
         {0x66, 0x0f, 0xef, 0xc0, 0x66, 0x0f, 0xef, 0xc9, 0x66, 0x0f, 0x38, 0xdc, 0xc1, 0x66, 0x48, 0x0f, 0x7e, 0xc3},
         [](EngineFixture& f) { return r(f, Reg::rbx) == 0x6363636363636363; }},
        {"7.0.ebx", 3, "BMI1", "andn", [](Asm& a) { a.mov(R::rbx, 0xf0).mov(R::rcx, 0xff); },
         {0xc4, 0xe2, 0xe0, 0xf2, 0xc1},  // andn rax, rbx, rcx: ~rbx & rcx
         [](EngineFixture& f) { return r(f, Reg::rax) == 0x0f; }},
        {"7.0.ebx", 8, "BMI2", "pdep", [](Asm& a) { a.mov(R::rbx, 0b101).mov(R::rcx, 0xf0); },
         // pdep rdx, rbx, rcx (rbx's low bits into rcx's set bits); shlx rax, rbx, rcx (by rcx & 63 = 48)
         {0xc4, 0xe2, 0xe3, 0xf5, 0xd1, 0xc4, 0xe2, 0xf1, 0xf7, 0xc3},
         [](EngineFixture& f) { return r(f, Reg::rdx) == 0x50 && r(f, Reg::rax) == uint64_t(5) << 48; }},
        {"7.0.ebx", 19, "ADX", "adcx", [](Asm& a) { a.mov(R::rax, 1).mov(R::rbx, 2).raw({0xf9}); },  // stc
         {0x66, 0x48, 0x0f, 0x38, 0xf6, 0xc3},  // adcx rax, rbx: 1 + 2 + CF
         [](EngineFixture& f) { return r(f, Reg::rax) == 4; }},
        {"80000001.ecx", 0, "LAHF-SAHF", "lahf", [](Asm& a) { a.mov(R::rax, 0).raw({0xf9}); },  // stc
         {0x9f},  // lahf, in 64-bit mode: AH = flags, CF in bit 0 and bit 1 always set
         [](EngineFixture& f) { return (r(f, Reg::rax) >> 8 & 3) == 3; }},
        {"80000001.ecx", 5, "ABM (LZCNT)", "lzcnt", [](Asm& a) { a.mov(R::rbx, 1); },
         {0xf3, 0x48, 0x0f, 0xbd, 0xc3},  // lzcnt rax, rbx: 63 (without LZCNT the bytes are bsr: 0)
         [](EngineFixture& f) { return r(f, Reg::rax) == 63; }},
        {"80000001.edx", 27, "RDTSCP", "rdtscp", [](Asm& a) { a.mov(R::rax, kJunk).mov(R::rdx, kJunk).mov(R::rcx, kJunk); },
         {0x0f, 0x01, 0xf9},  // rdtscp: edx:eax and ecx (TSC_AUX), zero-extended
         [](EngineFixture& f) { return r(f, Reg::rax) >> 32 == 0 && r(f, Reg::rcx) >> 32 == 0; }},
        {"80000001.edx", 29, "LM", "add", [](Asm& a) { a.mov(R::rax, 0x123456789abcdef0); },
         {0x48, 0x01, 0xc0},  // add rax, rax: 64-bit arithmetic, as all this code is
         [](EngineFixture& f) { return r(f, Reg::rax) == 0x2468acf13579bde0; }},
    };
}

const Probe* find_probe(const std::vector<Probe>& ps, const char* word, int bit) {
    for (const Probe& p : ps)
        if (std::string(p.word) == word && p.bit == bit) return &p;
    return nullptr;
}

}  // namespace

TEST_CASE("Every feature bit CPUID reports runs an instruction of that feature", "[cpu][cpuid]") {
    std::vector<Probe> ps = probes();
    int reported = 0;
    for (const FeatureWord& w : kFeatureWords) {
        uint32_t bits = word_of(cpu::cpuid(w.leaf, w.subleaf), w.word);
        for (int bit = 0; bit < 32; ++bit) {
            if (!(bits >> bit & 1)) continue;
            ++reported;
            INFO("CPUID " << w.name << " bit " << bit);
            const Probe* p = find_probe(ps, w.name, bit);
            REQUIRE(p != nullptr);  // a reported bit needs a probe
            INFO(p->feature);
            cpu::Disassembler dis;
            bool names_it = false;
            for (size_t off = 0; off < p->code.size();) {
                cpu::DecodedInsn d = dis.decode(off, std::span<const uint8_t>(p->code).subspan(off));
                REQUIRE(d.size > 0);
                names_it |= d.mnemonic == p->mnemonic;
                off += d.size;
            }
            CHECK(names_it);  // the hand-written bytes are the instruction the probe claims

            EngineFixture f;
            f.engine.set_fp_control(0x37f, 0x1f80);
            Asm a(EngineFixture::kCode);
            p->setup(a);
            std::vector<uint8_t> code = p->code;
            for (uint8_t b : code) a.raw({b});
            uint64_t end = a.here();
            a.syscall();
            f.load(a);
            StopReason s = f.engine.run(0);
            CHECK(s.kind == StopReason::Kind::syscall);  // no #UD, no fault on the way
            CHECK(s.pc == end);
            CHECK(p->ok(f));
        }
    }
    CHECK(reported == (cpu::kUnicorn21 ? 21 : 20));  // BMI2 with 2.1 only (below)
}

TEST_CASE("CPUID reports BMI2 only where Unicorn computes pdep right", "[cpu][cpuid][unicorn]") {
    // Unicorn 2.0.1 passes pdep's (and pext's) source and mask the wrong way round; 2.1 fixed it.
    EngineFixture f;
    Asm a(EngineFixture::kCode);
    a.mov(R::rbx, 0b101).mov(R::rcx, 0xf0).raw({0xc4, 0xe2, 0xe3, 0xf5, 0xd1}).syscall();  // pdep rdx, rbx, rcx
    f.load(a);
    REQUIRE(f.engine.run(0).kind == StopReason::Kind::syscall);
    bool bmi2 = cpu::cpuid(7, 0).ebx >> 8 & 1;
    if (cpu::kUnicorn21) {
        CHECK(f.engine.reg(Reg::rdx) == 0x50);
        CHECK(bmi2);
    } else {
        CHECK(f.engine.reg(Reg::rdx) == 0);  // 0xf0's low bits into 0b101's set bits
        CHECK_FALSE(bmi2);
    }
}

TEST_CASE("Unicorn 2.1's default CPU model does not execute AES, so the engine picks its own", "[cpu][cpuid][unicorn]") {
    // Straight on Unicorn, without the engine: 2.0 forced one feature list (with AES) onto every model,
    // 2.1's default model (qemu64) has no AES and Go's aeshash dies of SIGILL there.
    uc_engine* uc = nullptr;
    REQUIRE(uc_open(UC_ARCH_X86, UC_MODE_64, &uc) == UC_ERR_OK);
    const uint8_t aesenc[] = {0x66, 0x0f, 0x38, 0xdc, 0xc1};  // aesenc xmm0, xmm1
    REQUIRE(uc_mem_map(uc, EngineFixture::kCode, 0x1000, UC_PROT_ALL) == UC_ERR_OK);
    REQUIRE(uc_mem_write(uc, EngineFixture::kCode, aesenc, sizeof aesenc) == UC_ERR_OK);
    uc_err e = uc_emu_start(uc, EngineFixture::kCode, EngineFixture::kCode + sizeof aesenc, 0, 0);
    uc_close(uc);
    CHECK(e == (cpu::kUnicorn21 ? UC_ERR_INSN_INVALID : UC_ERR_OK));
}
