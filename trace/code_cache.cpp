#include "trace/code_cache.h"
#include "loader/printable.h"

#include "cpu/engine.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cstdlib>

namespace gostart::trace {
namespace {

Flow flow_of(const std::string& mnemonic) {
    if (mnemonic == "call") return Flow::call;
    if (mnemonic == "ret") return Flow::ret;
    if (mnemonic == "syscall") return Flow::syscall;
    if (!mnemonic.empty() && mnemonic[0] == 'j') return Flow::jump;
    return Flow::next;
}

}  // namespace

CodeCache::CodeCache(const cpu::Engine& engine, const CodeInfo& code, cpu::Disassembler::Syntax syntax, bool json)
    : engine_(engine), code_(code), json_(json) {
    if (syntax != cpu::Disassembler::Syntax::intel) display_ = std::make_unique<cpu::Disassembler>(syntax);
}

CodeCache::~CodeCache() = default;

InsnInfo CodeCache::decode(uint64_t pc) {
    InsnInfo info;
    info.pc = pc;
    uint8_t buf[16];
    size_t n = sizeof buf;
    while (n > 0 && !engine_.try_read(guest::Addr(pc), buf, n)) --n;  // the last bytes of a mapping
    cpu::DecodedInsn d = analysis_.decode(pc, std::span<const uint8_t>(buf, n));
    if (d.size == 0) {
        d.mnemonic = "(bad)";
        d.size = 1;
        d.bytes_hex = n ? fmt::format("{:02x}", buf[0]) : "";
    }
    info.size = d.size;
    info.flow = flow_of(d.mnemonic);
    if ((info.flow == Flow::call || info.flow == Flow::jump) && d.operands.rfind("0x", 0) == 0)
        info.target = std::strtoull(d.operands.c_str(), nullptr, 16);
    if (display_) {
        cpu::DecodedInsn a = display_->decode(pc, std::span<const uint8_t>(buf, n));
        if (a.size) d.mnemonic = a.mnemonic, d.operands = a.operands;
    }
    info.function = code_.function_id(pc);
    auto line = code_.line(pc);
    // The binary's names and files, escaped for the terminal (loader/printable.h); the JSON keeps them whole.
    std::string where = line ? fmt::format("{}:{}", loader::printable(line->file), line->line)
                             : loader::printable(code_.function_name(info.function));
    std::string assembly = d.operands.empty() ? d.mnemonic : d.mnemonic + " " + d.operands;
    // objdump's habit: name a direct call's target, as dlv's `call $runtime.settls` does.
    std::string callee;
    if (info.flow == Flow::call && info.target) callee = fmt::format(" <{}>", loader::printable(code_.function_name(code_.function_id(info.target))));
    info.text = fmt::format("{:<20}  ", where);
    info.code_at = info.text.size();
    info.text += fmt::format("{:#x}  {:<20}  {}{}\n", pc, d.bytes_hex, assembly, callee);

    if (!json_) return info;
    nlohmann::ordered_json j;
    j["pc"] = fmt::format("{:#x}", pc);
    j["func"] = code_.function_name(info.function);
    j["file"] = line ? line->file : "";
    j["line"] = line ? line->line : 0;
    j["bytes"] = d.bytes_hex;
    j["asm"] = assembly;
    std::string s = j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);  // names need not be UTF-8
    info.json = s.substr(1);  // `"pc":…}`: spliced after the event's own fields
    return info;
}

const InsnInfo& CodeCache::insn(uint64_t pc) {
    auto it = insns_.find(pc);
    if (it != insns_.end()) return it->second;
    return insns_.emplace(pc, decode(pc)).first->second;
}

const BlockInfo& CodeCache::block(uint64_t addr, uint32_t size) {
    auto it = blocks_.find(addr);
    if (it != blocks_.end()) return it->second;
    BlockInfo b;
    uint64_t pc = addr;
    while (pc < addr + size) {
        const InsnInfo& i = insn(pc);
        b.insns.push_back(&i);
        b.last = i.flow;
        pc += i.size;
    }
    if (b.insns.empty()) b.insns.push_back(&insn(addr)), pc = addr + b.insns[0]->size;
    b.end = pc;
    b.function = code_.function_id(addr);
    b.function_entry = b.function >= 0 && code_.function_entry(b.function) == addr;
    return blocks_.emplace(addr, std::move(b)).first->second;
}

}  // namespace gostart::trace
