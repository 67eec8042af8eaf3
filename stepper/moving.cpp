// The commands that move the program: forwards by instruction count, to breakpoints, watches and
// milestones, and backwards through checkpoints (Controller::go_to, reverse_continue).
#include "stepper/debugger.h"
#include "stepper/location.h"

#include "cpu/disassembler.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <stdexcept>

namespace gostart::stepper {
namespace {

uint64_t count_arg(std::string_view a) {
    if (a.empty()) return 1;
    if (auto n = parse_number(a)) return *n;
    throw std::runtime_error(fmt::format("{}: not a count", a));
}

void do_break(Debugger& d, std::string_view a) {
    if (a.empty()) throw std::runtime_error("break LOCATION: a function, milestone, FILE:LINE or *0xADDR");
    uint64_t addr = d.location(a);
    int id = d.ctl().add_break(addr, std::string(a));
    d.out() << fmt::format("Breakpoint {} at {:#x} ({})\n", id, addr, d.code().symbols().describe(addr));
}

void do_delete(Debugger& d, std::string_view a) {
    if (a.empty()) {
        d.ctl().breakpoints().clear();
        d.ctl().watches().clear();
        d.out() << "Deleted all breakpoints and watches.\n";
        return;
    }
    auto id = parse_number(a);
    bool gone = id && d.ctl().remove(static_cast<int>(*id));
    d.out() << (gone ? fmt::format("Deleted {}.\n", a) : fmt::format("No breakpoint or watch {}.\n", a));
}

// `stepi 0` moves nothing and says nothing new: the last stop's watch values are shown again.
void do_stepi(Debugger& d, std::string_view a) {
    if (uint64_t n = count_arg(a)) d.report(d.ctl().step(n));
    d.after_move();
}

void do_nexti(Debugger& d, std::string_view) {
    uint64_t pc = d.engine().reg(cpu::Reg::rip);
    uint8_t code[16] = {};
    d.engine().try_read(guest::Addr(pc), code, sizeof code);
    cpu::Disassembler dis;
    auto insn = dis.decode(pc, code);
    d.report(insn.is_call ? d.ctl().resume(pc + insn.size) : d.ctl().step(1));
    d.after_move();
}

void do_stepout(Debugger& d, std::string_view) {
    uint64_t pc = d.engine().reg(cpu::Reg::rip), sp = d.engine().reg(cpu::Reg::rsp);
    auto frame = d.code().frame_size(pc);
    if (!frame) throw std::runtime_error(fmt::format("no frame size for {:#x}: cannot find the return address", pc));
    uint64_t ret = 0;
    if (!d.engine().try_read(guest::Addr(sp + *frame), &ret, 8)) throw std::runtime_error("cannot read the return address");
    d.report(d.ctl().resume(ret));
    d.after_move();
}

void do_until(Debugger& d, std::string_view a) {
    if (a.empty()) throw std::runtime_error(fmt::format("until MILESTONE: {}", fmt::join(milestone_words(), ", ")));
    d.report(d.ctl().resume(d.location(a)));
    d.after_move();
}

void do_rstepi(Debugger& d, std::string_view a) {
    uint64_t n = count_arg(a), now = d.ctl().position();
    if (now == 0 && !d.ctl().exited()) throw std::runtime_error("Already at the first instruction.");
    d.report(d.ctl().go_to(n > now ? 0 : now - n));
    d.after_move();
}

void do_watch(Debugger& d, std::string_view a) {
    if (a.empty()) throw std::runtime_error("watch EXPR: a runtime field such as sched.mcount, or *0xADDR");
    Place p = d.eval().resolve(a);
    if (p.value || !p.type.empty() || p.size == 0 || p.size > 8)
        throw std::runtime_error(fmt::format("{}: not a value of at most 8 bytes in memory", a));
    int id = d.ctl().add_watch(std::string(a), p.addr, p.size);
    d.out() << fmt::format("Watchpoint {}: {} ({} bytes at {:#x})\n", id, a, p.size, p.addr);
}

}  // namespace

std::vector<Command> moving_commands() {
    return {
        {{"break", "b"}, "break LOCATION", "stop at a function, milestone (settls, schedinit, main), FILE:LINE or *0xADDR", do_break},
        {{"delete", "d"}, "delete [N]", "delete breakpoint N, or all breakpoints and watches", do_delete},
        {{"continue", "c"}, "continue", "run to the next breakpoint, watch or the end",
         [](Debugger& d, std::string_view) { d.report(d.ctl().resume(std::nullopt)); d.after_move(); }},
        {{"stepi", "si"}, "stepi [N]", "execute N instructions (default 1)",
         do_stepi},
        {{"nexti", "ni"}, "nexti", "one instruction, stepping over calls", do_nexti},
        {{"stepout", "finish"}, "stepout", "run until the current function returns (return address from the pclntab frame size)", do_stepout},
        {{"until", "u"}, "until MILESTONE", "run to a milestone (or any location)", do_until},
        {{"rstepi", "rsi"}, "rstepi [N]", "go back N instructions (from the nearest checkpoint)", do_rstepi},
        {{"rcontinue", "rc"}, "rcontinue", "go back to the previous breakpoint hit or watch trigger",
         [](Debugger& d, std::string_view) { d.report(d.ctl().reverse_continue()); d.after_move(); }},
        {{"watch"}, "watch EXPR", "stop right after an instruction changes EXPR (watch sched.mcount, watch *0xADDR)", do_watch},
    };
}

}  // namespace gostart::stepper
