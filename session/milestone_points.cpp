#include "session/milestone_points.h"

#include "cpu/disassembler.h"
#include "cpu/engine.h"
#include "runtime_model/milestone_table.h"

#include <cstdlib>
#include <vector>

namespace gostart::session {
namespace {

// Each direct `call` in the function at `start` (up to `max_bytes`): target name -> return address;
// the first call through a register goes in as "*REG" (rt0_go has one: `CALL AX` to _cgo_init).
std::map<std::string, uint64_t> calls_in(const cpu::Engine& engine, const loader::SymbolTable& symbols, uint64_t start,
                                         size_t max_bytes) {
    std::map<std::string, uint64_t> out;
    const loader::Symbol* fn = symbols.function_at(start);
    size_t len = fn && fn->size ? std::min<size_t>(fn->size, max_bytes) : max_bytes;
    std::vector<uint8_t> code(len);
    if (!engine.try_read(guest::Addr(start), code.data(), code.size())) return out;
    cpu::Disassembler dis;
    for (size_t off = 0; off < len;) {
        auto insn = dis.decode(start + off, std::span<const uint8_t>(code.data() + off, len - off));
        if (insn.size == 0) break;
        off += insn.size;
        if (!insn.is_call) continue;
        if (insn.operands.rfind("0x", 0) != 0) {
            if (insn.operands.find('[') == std::string::npos) out.emplace("*" + insn.operands, start + off);
            continue;
        }
        uint64_t target = std::strtoull(insn.operands.c_str(), nullptr, 16);
        const loader::Symbol* callee = symbols.function_at(target);
        if (!callee || callee->addr != target) continue;
        out.emplace(std::string(loader::plain_name(callee->name)), start + off);  // first call of each
    }
    return out;
}

}  // namespace

MilestonePoints find_milestone_points(const cpu::Engine& engine, const loader::SymbolTable& symbols) {
    MilestonePoints p;
    if (auto rt0 = symbols.find("runtime.rt0_go")) {
        auto calls = calls_in(engine, symbols, *rt0, 1024);
        // rt0_go's direct calls: the milestones checked after their call, and mstart (checked later,
        // but rt0_go calls it too). _cgo_init is the call through a register, below.
        for (const model::MilestoneInfo& m : model::kMilestones) {
            if (m.checked != model::CheckedAt::after_call && m.checked != model::CheckedAt::runtime_main) continue;
            auto it = calls.find(m.function);
            if (it != calls.end()) p.after_call[m.function] = it->second;
        }
        // rt0_go 1.13+: MOVQ _cgo_init(SB), AX; TESTQ AX, AX; JZ needtls; ... CALL AX.
        if (auto it = calls.find("*rax"); it != calls.end()) {
            p.after_call["_cgo_init"] = it->second;
            p.cgo_init_call = it->second - 2;  // `call rax` is ff d0
        }
    }
    p.runtime_main = symbols.find("runtime.main");
    p.main_main = symbols.find("main.main");
    p.fatalpanic = symbols.find("runtime.fatalpanic");
    return p;
}

}  // namespace gostart::session
