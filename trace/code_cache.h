// CodeCache: every instruction and block the tracers meet, decoded and formatted once. A tracer that
// prints a million instructions prints the same few thousand pcs again and again, so each pc keeps its
// finished text line ("asm_amd64.s:89  0x458a50  4889f8  mov rax, rdi") and its JSON fields, and each
// block keeps its instructions and how it ends (call, ret, jump, syscall) for the control-flow tracer.
// Go code is never rewritten at run time, so nothing here is ever invalidated.
#pragma once

#include "cpu/disassembler.h"
#include "trace/code_info.h"

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace gostart::cpu { class Engine; }

namespace gostart::trace {

enum class Flow : uint8_t { next, call, ret, jump, syscall };

struct InsnInfo {
    uint64_t pc = 0;
    uint16_t size = 1;
    Flow flow = Flow::next;
    uint64_t target = 0;   // a direct call's or jump's target; 0 when indirect
    int function = -1;     // CodeInfo function id
    std::string text;      // the whole text line, newline included
    size_t code_at = 0;    // where in `text` the address starts: "0x458a50  4889f8  mov rax, rdi\n"
    std::string json;      // `"pc":"0x…",…}`: the tail of the instruction event (trace-format.md)
};

struct BlockInfo {
    std::vector<const InsnInfo*> insns;
    Flow last = Flow::next;  // how the block ends
    uint64_t end = 0;        // the address after its last instruction (a call's return address)
    int function = -1;
    bool function_entry = false;  // the block starts a function
};

class CodeCache {
public:
    // `json`: also keep each instruction's JSON fields (JSONL traces only: they cost a third of a decode).
    CodeCache(const cpu::Engine& engine, const CodeInfo& code, cpu::Disassembler::Syntax syntax, bool json);
    ~CodeCache();

    const InsnInfo& insn(uint64_t pc);
    const BlockInfo& block(uint64_t addr, uint32_t size);
    const CodeInfo& code() const { return code_; }

private:
    InsnInfo decode(uint64_t pc);

    const cpu::Engine& engine_;
    const CodeInfo& code_;
    cpu::Disassembler analysis_{cpu::Disassembler::Syntax::intel};
    std::unique_ptr<cpu::Disassembler> display_;
    bool json_;  // AT&T when asked; else analysis_ formats too
    std::unordered_map<uint64_t, InsnInfo> insns_;
    std::unordered_map<uint64_t, BlockInfo> blocks_;
};

}  // namespace gostart::trace
