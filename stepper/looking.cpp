// The commands that look at the stopped program: registers, memory, code, the Go backtrace, runtime
// structures by name, threads, goroutines, milestones and the model's check table.
#include "stepper/debugger.h"
#include "stepper/location.h"
#include "trace/go_backtrace.h"

#include <fmt/format.h>

#include <stdexcept>

namespace gostart::stepper {
namespace {

void do_regs(Debugger& d, std::string_view) {
    for (size_t i = 0; i < cpu::kRegNames.size(); ++i)
        d.out() << fmt::format("{:<8} {:#018x}\n", cpu::kRegNames[i], d.engine().reg(static_cast<cpu::Reg>(i)));
}

// x/NFU ADDR, gdb's: N units of U (b h w g) shown as F (x d u, or i for instructions).
void do_x(Debugger& d, std::string_view a) {
    std::string_view spec;
    if (a.starts_with("/")) {
        auto sp = a.find(' ');
        spec = a.substr(1, sp == std::string_view::npos ? sp : sp - 1);
        a = sp == std::string_view::npos ? "" : a.substr(sp + 1);
    }
    uint64_t count = 1, unit = 8;
    char fmtc = 'x';
    size_t digits = 0;
    while (digits < spec.size() && isdigit(static_cast<unsigned char>(spec[digits]))) ++digits;
    if (digits) count = *parse_number(spec.substr(0, digits));
    for (char c : spec.substr(digits)) {
        if (c == 'b' || c == 'h' || c == 'w' || c == 'g') unit = c == 'b' ? 1 : c == 'h' ? 2 : c == 'w' ? 4 : 8;
        else if (c == 'x' || c == 'd' || c == 'u' || c == 'i') fmtc = c;
        else throw std::runtime_error(fmt::format("x/{}: unknown letter {}", spec, c));
    }
    if (a.empty()) throw std::runtime_error("x/NFU ADDR");
    uint64_t addr = d.eval().value(a);
    if (fmtc == 'i') {
        for (uint64_t i = 0; i < count; ++i) {
            const auto& insn = d.cache().insn(addr);
            d.out() << insn.text;
            addr += insn.size;
        }
        return;
    }
    uint64_t per_line = unit == 8 ? 2 : unit == 4 ? 4 : 8;
    for (uint64_t i = 0; i < count; ++i) {
        uint64_t v = 0;
        if (!d.engine().try_read(addr + i * unit, &v, unit)) throw std::runtime_error(fmt::format("cannot read {:#x}", addr + i * unit));
        if (i % per_line == 0) d.out() << (i ? "\n" : "") << fmt::format("{:#x}:", addr + i * unit);
        int64_t s = unit == 8 ? static_cast<int64_t>(v) : unit == 4 ? static_cast<int32_t>(v) : unit == 2 ? static_cast<int16_t>(v) : static_cast<int8_t>(v);
        if (fmtc == 'x') d.out() << fmt::format("\t{:#0{}x}", v, 2 + 2 * unit);
        else if (fmtc == 'd') d.out() << fmt::format("\t{}", s);
        else d.out() << fmt::format("\t{}", v);
    }
    d.out() << "\n";
}

void do_disassemble(Debugger& d, std::string_view a) {
    uint64_t pc = d.engine().reg(cpu::Reg::rip);
    uint64_t at = a.empty() ? pc : d.location(a);
    int id = d.code().function_id(at);
    if (id < 0) throw std::runtime_error(fmt::format("{:#x} is in no known function", at));
    auto range = d.code().find(d.code().function_name(id));
    uint64_t begin = range ? range->entry : d.code().function_entry(id), end = range ? range->end : begin + 64;
    d.out() << fmt::format("TEXT {}\n", d.code().function_name(id));
    for (uint64_t p = begin; p < end && p < begin + 65536;) {
        const auto& insn = d.cache().insn(p);
        d.out() << (p == pc ? "=> " : "   ") << insn.text;
        p += insn.size;
    }
}

// The Go backtrace: the pclntab's frame size at each pc gives where the return address is. On g0,
// runtime.systemstack is where a goroutine switched stacks: as Go's own traceback does, go on from
// the goroutine's saved pc and sp (m.curg.sched).
void do_bt(Debugger& d, std::string_view) {
    auto read = [&d](uint64_t addr, uint64_t& v) { return d.engine().try_read(addr, &v, 8); };
    Evaluator ev = d.eval();
    auto find_switch = [&ev]() -> std::optional<trace::StackSwitch> {
        auto g = ev.g();
        auto m = g ? ev.field(*g, "g", "m") : std::nullopt;
        auto g0 = m ? ev.field(*m, "m", "g0") : std::nullopt;
        auto curg = m ? ev.field(*m, "m", "curg") : std::nullopt;
        if (!g || !g0 || *g != *g0 || !curg || !*curg) return std::nullopt;
        auto spc = ev.field(*curg, "g", "sched.pc"), ssp = ev.field(*curg, "g", "sched.sp");
        auto goid = ev.field(*curg, "g", "goid");
        return trace::StackSwitch{spc.value_or(0), spc ? ssp.value_or(0) : 0, goid.value_or(0)};
    };
    auto frames = trace::go_backtrace(d.code(), read, d.engine().reg(cpu::Reg::rip), d.engine().reg(cpu::Reg::rsp),
                                      100, find_switch);
    for (size_t i = 0; i < frames.size(); ++i) d.out() << trace::format_frame(i, frames[i]) << "\n";
}

void do_print(Debugger& d, std::string_view a) {
    bool hex = a.starts_with("/x");
    if (hex) a.remove_prefix(a.size() > 2 && a[2] == ' ' ? 3 : 2);
    else if (a.starts_with("/")) throw std::runtime_error("print/x is the one format print takes (x/NFU for more)");
    if (a.empty()) throw std::runtime_error("print EXPR: g0.stack.hi, m0.id, sched.maxmcount, allp[0].status, g, *g, m0");
    d.out() << d.eval().print(a, hex);
}

const char* wait_name(const linux::Thread& t) {
    switch (t.wait.kind) {
        case linux::Wait::Kind::none: return "runnable";
        case linux::Wait::Kind::futex: return "futex wait";
        case linux::Wait::Kind::sleep: return "sleeping";
        case linux::Wait::Kind::epoll: return "epoll wait";
        case linux::Wait::Kind::exited: return "exited";
    }
    return "?";
}

void do_threads(Debugger& d, std::string_view) {
    auto& proc = d.ctl().session().process();
    for (const auto& [tid, t] : proc.threads()) {
        bool cur = tid == proc.current_tid();
        uint64_t pc = cur ? d.engine().reg(cpu::Reg::rip) : t->ctx_saved ? d.engine().context_reg(t->ctx, cpu::Reg::rip) : 0;
        d.out() << fmt::format("{} {}  {:#x} {}  {}\n", cur ? "*" : " ", tid, pc, d.code().symbols().describe(pc),
                               cur ? "running" : wait_name(*t));
    }
}

const char* g_status(uint64_t s) {
    static const char* const names[] = {"idle", "runnable", "running", "syscall", "waiting", "moribund", "dead", "enqueue", "copystack", "preempted"};
    s &= ~uint64_t(0x1000);  // _Gscan
    return s < std::size(names) ? names[s] : "?";
}

void do_goroutines(Debugger& d, std::string_view) {
    Evaluator ev = d.eval();
    auto addr = d.code().symbols().find("runtime.allgs");
    uint64_t len = 0;
    if (!addr || !d.engine().try_read(*addr + 8, &len, 8)) throw std::runtime_error("no runtime.allgs in this binary");
    if (!len) d.out() << "No goroutines yet (allgs is empty).\n";
    for (uint64_t i = 0; i < len; ++i) {
        std::string g = fmt::format("allgs[{}]", i);
        uint64_t startpc = ev.value(g + ".startpc");
        d.out() << fmt::format("  goroutine {}  g {:#x}  {}  start {}\n", ev.value(g + ".goid"), ev.value(g),
                               g_status(ev.value(g + ".atomicstatus")),
                               startpc ? d.code().symbols().describe(startpc) : "-");
    }
}

void do_milestones(Debugger& d, std::string_view) {
    const auto& hits = d.ctl().session().milestones().hits();
    if (hits.empty()) d.out() << "No milestone reached yet.\n";
    for (const auto& h : hits) d.out() << fmt::format("  {:<20} {:>10} insns  thread {}\n", h.name, h.insn, h.thread);
}

void do_check(Debugger& d, std::string_view) {
    const auto& t = d.ctl().target();
    std::string table = t.check_table ? t.check_table() : "";
    d.out() << (table.empty() ? "No model checks yet (no milestone reached, or no layouts for this binary).\n" : table);
}

// FNV-1a over the whole state a run could differ in: every mapped page with its place and protection,
// and every thread's registers (the running one's from the CPU, the others' from their saved
// contexts) with its wait state. Equal digests, equal states.
void do_digest(Debugger& d, std::string_view) {
    uint64_t h = 0xcbf29ce484222325ull;
    auto mix = [&h](const void* p, size_t n) {
        for (size_t i = 0; i < n; ++i) h = (h ^ static_cast<const uint8_t*>(p)[i]) * 0x100000001b3ull;
    };
    size_t pages = 0;
    std::vector<uint8_t> page(4096);
    auto& proc = d.ctl().session().process();
    for (const auto& v : proc.memory().vmas()) {
        mix(&v.start, 8), mix(&v.end, 8), mix(&v.prot, 4);
        if (!v.in_engine) continue;
        for (uint64_t a = v.start; a < v.end; a += 4096)
            if (d.engine().try_read(a, page.data(), page.size())) mix(page.data(), page.size()), ++pages;
    }
    for (const auto& [tid, t] : proc.threads()) {
        mix(&tid, sizeof tid);
        auto wait = static_cast<int>(t->wait.kind);
        mix(&wait, sizeof wait);
        for (size_t i = 0; i < cpu::kRegNames.size(); ++i) {
            auto r = static_cast<cpu::Reg>(i);
            uint64_t v = tid == proc.current_tid() ? d.engine().reg(r) : t->ctx_saved ? d.engine().context_reg(t->ctx, r) : 0;
            mix(&v, 8);
        }
    }
    d.out() << fmt::format("state digest {:016x} over {} pages and {} threads at instruction {}\n", h, pages,
                           proc.threads().size(), d.ctl().position());
}

}  // namespace

std::vector<Command> looking_commands() {
    return {
        {{"regs"}, "regs", "the registers, one NAME 0xVALUE per line (fs_base included)", do_regs},
        {{"x"}, "x/NFU ADDR", "examine memory: N units of U (b h w g) as F (x d u i); ADDR an expression", do_x},
        {{"disassemble", "disas"}, "disassemble [LOCATION]", "a function's instructions in the trace's format", do_disassemble},
        {{"bt", "backtrace"}, "bt", "the Go backtrace from the pclntab's frame sizes", do_bt},
        {{"print", "p"}, "print[/x] EXPR", "runtime state by name: g0.stack.hi, m0.id, sched.maxmcount, allp[0].status, g, *g, m0, main.counter, $rsp; /x in hex", do_print},
        {{"threads"}, "threads", "the threads: tid, pc, state", do_threads},
        {{"goroutines", "grs"}, "goroutines", "the goroutines in allgs: goid, g, status, start function", do_goroutines},
        {{"milestones"}, "milestones", "the start-up milestones reached, with instruction counts", do_milestones},
        {{"check"}, "check", "the runtime model's checks at the milestones reached so far", do_check},
        {{"digest"}, "digest", "a digest of memory and every thread's registers (to compare states)", do_digest},
        {{"checkpoints"}, "checkpoints", "the checkpoints kept for going back: where, and the memory they hold",
         [](Debugger& d, std::string_view) {
             const auto& store = d.ctl().checkpoints();
             std::string at;
             for (uint64_t p : store.positions()) at += fmt::format(" {}", p);
             d.out() << fmt::format("{} checkpoints, {:.1f} MiB, at instructions{}\n", store.count(),
                                    static_cast<double>(store.bytes()) / (1 << 20), at);
         }},
        {{"position", "pos"}, "position", "the number of instructions executed so far",
         [](Debugger& d, std::string_view) { d.out() << fmt::format("instruction {}\n", d.ctl().position()); }},
    };
}

}  // namespace gostart::stepper
