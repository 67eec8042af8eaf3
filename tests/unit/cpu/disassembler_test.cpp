// The disassembler on known bytes, in both syntaxes; and the test assembler checked against it.
#include "cpu/disassembler.h"
#include "tests/unit/cpu/x86_asm.h"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using gostart::cpu::DecodedInsn;
using gostart::cpu::Disassembler;
using gostart::test::Asm;
using gostart::test::Cond;
using gostart::test::R;

namespace {

DecodedInsn decode(Disassembler::Syntax s, uint64_t addr, std::vector<uint8_t> bytes) {
    Disassembler d(s);
    return d.decode(addr, bytes);
}

std::string text(const DecodedInsn& i) { return i.operands.empty() ? i.mnemonic : i.mnemonic + " " + i.operands; }

}  // namespace

TEST_CASE("Disassembler decodes mov rax, rdi in Intel and AT&T syntax", "[cpu][disasm]") {
    auto intel = decode(Disassembler::Syntax::intel, 0x401000, {0x48, 0x89, 0xf8, 0x90});
    CHECK(intel.address == 0x401000);
    CHECK(intel.size == 3);
    CHECK(intel.bytes_hex == "4889f8");
    CHECK(intel.mnemonic == "mov");
    CHECK(intel.operands == "rax, rdi");
    CHECK_FALSE(intel.is_call);
    CHECK_FALSE(intel.is_ret);

    auto att = decode(Disassembler::Syntax::att, 0x401000, {0x48, 0x89, 0xf8});
    CHECK(att.size == 3);
    CHECK(att.mnemonic == "movq");
    CHECK(att.operands == "%rdi, %rax");
}

TEST_CASE("Disassembler decodes a memory operand with displacement in both syntaxes", "[cpu][disasm]") {
    // mov rcx, qword ptr [rdx + 8]: 48 8B 4A 08
    auto intel = decode(Disassembler::Syntax::intel, 0x1000, {0x48, 0x8b, 0x4a, 0x08});
    CHECK(text(intel) == "mov rcx, qword ptr [rdx + 8]");
    auto att = decode(Disassembler::Syntax::att, 0x1000, {0x48, 0x8b, 0x4a, 0x08});
    CHECK(text(att) == "movq 8(%rdx), %rcx");
}

TEST_CASE("Disassembler resolves call and jump targets and marks calls and returns", "[cpu][disasm]") {
    auto call = decode(Disassembler::Syntax::intel, 0x401000, {0xe8, 0x10, 0x00, 0x00, 0x00});
    CHECK(call.size == 5);
    CHECK(call.mnemonic == "call");
    CHECK(call.operands == "0x401015");  // next instruction 0x401005 + 0x10
    CHECK(call.is_call);
    auto ret = decode(Disassembler::Syntax::intel, 0x401000, {0xc3});
    CHECK(ret.mnemonic == "ret");
    CHECK(ret.is_ret);
    auto syscall = decode(Disassembler::Syntax::intel, 0, {0x0f, 0x05});
    CHECK(text(syscall) == "syscall");
}

TEST_CASE("Disassembler reports bytes that do not decode with size 0", "[cpu][disasm]") {
    CHECK(decode(Disassembler::Syntax::intel, 0, {0x06}).size == 0);  // push es: invalid in 64-bit mode
    CHECK(decode(Disassembler::Syntax::intel, 0, {0x48}).size == 0);  // a lone REX prefix
    CHECK(decode(Disassembler::Syntax::intel, 0, {}).size == 0);
}

TEST_CASE("The test assembler's encodings decode to the instructions they claim", "[cpu][disasm][asm]") {
    Asm a(0x1000);
    std::vector<std::string> want;
    auto expect = [&](std::string s) { want.push_back(std::move(s)); };
    auto end = a.label();
    a.mov(R::rax, 0x1122334455667788); expect("movabs rax, 0x1122334455667788");
    a.mov(R::r10, 5);                  expect("movabs r10, 5");
    a.mov(R::rdi, R::r9);              expect("mov rdi, r9");
    a.add(R::r8, R::rsi);              expect("add r8, rsi");
    a.xor_(R::rdx, R::rbx);            expect("xor rdx, rbx");
    a.cmp(R::rcx, R::r15);             expect("cmp rcx, r15");
    a.imul(R::rax, R::r9);             expect("imul rax, r9");
    a.add(R::rsp, 0x100);              expect("add rsp, 0x100");
    a.sub(R::r12, 8);                  expect("sub r12, 8");
    a.and_(R::rax, -16);               expect("and rax, 0xfffffffffffffff0");
    a.cmp(R::rcx, 150);                expect("cmp rcx, 0x96");
    a.inc(R::r8);                      expect("inc r8");
    a.dec(R::rcx);                     expect("dec rcx");
    a.load(R::rcx, R::rdx, 8);         expect("mov rcx, qword ptr [rdx + 8]");
    a.load(R::rax, R::rsp, 0x10);      expect("mov rax, qword ptr [rsp + 0x10]");
    a.load(R::r11, R::r12, -8);        expect("mov r11, qword ptr [r12 - 8]");
    a.store(R::rbx, 0x20, R::r13);     expect("mov qword ptr [rbx + 0x20], r13");
    a.load32(R::rdi, R::rbx, 4);       expect("mov edi, dword ptr [rbx + 4]");
    a.store32(R::r8, 0, R::rcx);       expect("mov dword ptr [r8], ecx");
    a.load_rax_fs(0);                  expect("mov rax, qword ptr fs:[0]");
    a.movq_xmm0_rax();                 expect("movq xmm0, rax");
    a.movq_rax_xmm0();                 expect("movq rax, xmm0");
    a.push(R::r12);                    expect("push r12");
    a.pop(R::rbx);                     expect("pop rbx");
    a.jmp(R::rax);                     expect("jmp rax");
    a.jmp(R::r11);                     expect("jmp r11");
    a.j(Cond::ne, end);                expect("jne END");
    a.call(end);                       expect("call END");
    a.jmp(end);                        expect("jmp END");
    a.syscall();                       expect("syscall");
    a.int3();                          expect("int3");
    a.ud2();                           expect("ud2");
    a.bind(end);
    a.ret();                           expect("ret");

    std::string end_hex = "0x" + [&] { char b[32]; std::snprintf(b, sizeof b, "%llx", static_cast<unsigned long long>(a.addr(end))); return std::string(b); }();
    for (auto& w : want) {
        auto p = w.find("END");
        if (p != std::string::npos) w.replace(p, 3, end_hex);
    }

    std::vector<uint8_t> code = a.finish();
    Disassembler d;
    size_t off = 0;
    for (const auto& w : want) {
        REQUIRE(off < code.size());
        auto insn = d.decode(0x1000 + off, std::span<const uint8_t>(code).subspan(off));
        INFO("at offset " << off << " bytes " << insn.bytes_hex);
        REQUIRE(insn.size != 0);
        CHECK(text(insn) == w);
        off += insn.size;
    }
    CHECK(off == code.size());
}
