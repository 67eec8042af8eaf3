#include "app/exit_report.h"

#include "cpu/disassembler.h"
#include "trace/code_info.h"
#include "trace/go_backtrace.h"

#include <fmt/format.h>

namespace gostart::app {

std::string describe_instruction(const cpu::GuestCpu& cpu, uint64_t pc) {
    // An instruction is at most 15 bytes; near the end of a mapping fewer may be readable.
    uint8_t code[15];
    size_t n = sizeof code;
    while (n > 0 && !cpu.try_read(pc, code, n)) --n;
    if (n == 0) return fmt::format("no readable instruction at {:#x}", pc);
    cpu::Disassembler dis;
    cpu::DecodedInsn insn = dis.decode(pc, std::span<const uint8_t>(code, n));
    if (insn.size == 0) {
        std::string hex;
        for (size_t i = 0; i < std::min<size_t>(n, 8); ++i) hex += fmt::format("{:02x}", code[i]);
        return fmt::format("bytes {} that do not decode as an x86-64 instruction", hex);
    }
    std::string ops = insn.operands;  // Capstone 4 writes "zmm0 , zmm1" for some EVEX forms
    for (size_t at; (at = ops.find(" ,")) != std::string::npos;) ops.erase(at, 1);
    return fmt::format("{}{}{} ({})", insn.mnemonic, ops.empty() ? "" : " ", ops, insn.bytes_hex);
}

void write_exit_report(std::ostream& out, Session& session, const linux::ExitInfo& exit, const std::string& program) {
    if (exit.kind == linux::ExitInfo::Kind::exited || exit.kind == linux::ExitInfo::Kind::paused) return;
    out << fmt::format("gostart-emu: {}: {}\n", program, exit.message);
    if (exit.kind != linux::ExitInfo::Kind::signaled || exit.pc == 0) return;
    const Program& prog = session.program();
    trace::CodeInfo code(prog.symbols, prog.pclntab ? &*prog.pclntab : nullptr);
    const cpu::GuestCpu& cpu = session.engine();
    auto read = [&cpu](uint64_t addr, uint64_t& v) { return cpu.try_read(addr, &v, 8); };
    auto frames = trace::go_backtrace(code, read, exit.pc, exit.sp);
    out << fmt::format("gostart-emu: Go backtrace of thread {}:\n", exit.tid);
    for (size_t i = 0; i < frames.size(); ++i) out << "gostart-emu:   " << trace::format_frame(i, frames[i]) << "\n";
}

}  // namespace gostart::app
