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
        if (!d.engine().try_read(guest::Addr(addr + i * unit), &v, unit)) throw std::runtime_error(fmt::format("cannot read {:#x}", addr + i * unit));
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

void do_bt(Debugger& d, std::string_view) {
    auto frames = d.backtrace();
    for (size_t i = 0; i < frames.size(); ++i) d.out() << trace::format_frame(i, frames[i]) << "\n";
}

void do_print(Debugger& d, std::string_view a) {
    bool hex = a.starts_with("/x");
    if (hex) a.remove_prefix(a.size() > 2 && a[2] == ' ' ? 3 : 2);
    else if (a.starts_with("/")) throw std::runtime_error("print/x is the one format print takes (x/NFU for more)");
    if (a.empty()) throw std::runtime_error("print EXPR: g0.stack.hi, m0.id, sched.maxmcount, allp[0].status, g, *g, m0");
    d.out() << d.eval().print(a, hex);
}

void do_threads(Debugger& d, std::string_view) {
    auto& proc = d.ctl().session().process();
    for (const auto& [tid, t] : proc.threads()) {
        bool cur = tid == proc.current_tid();
        uint64_t pc = cur ? d.engine().reg(cpu::Reg::rip) : t->ctx_saved ? d.engine().context_reg(t->ctx, cpu::Reg::rip) : 0;
        d.out() << fmt::format("{} {}  {:#x} {}  {}\n", cur ? "*" : " ", tid, pc, d.code().symbols().describe(pc),
                               cur ? "running" : linux::wait_name(t->wait.kind));
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
    if (!addr || !d.engine().try_read(guest::Addr(*addr + 8), &len, 8)) throw std::runtime_error("no runtime.allgs in this binary");
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
            if (d.engine().try_read(guest::Addr(a), page.data(), page.size())) mix(page.data(), page.size()), ++pages;
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

// Runs of positions an equal step apart, as "0-6900000 every 100000" (a run of two is two numbers).
std::vector<std::string> position_runs(const std::vector<uint64_t>& at) {
    std::vector<std::string> out;
    for (size_t i = 0; i < at.size();) {
        size_t j = i + 1;
        while (j + 1 < at.size() && at[j + 1] - at[j] == at[i + 1] - at[i]) ++j;
        if (j < at.size() && j - i >= 2) {
            out.push_back(fmt::format("{}-{} every {}", at[i], at[j], at[i + 1] - at[i]));
            i = j + 1;
        } else {
            out.push_back(fmt::format("{}", at[i]));
            ++i;
        }
    }
    return out;
}

// Words wrapped to lines of at most 80 characters, each continued line indented.
void wrapped(Debugger& d, std::string head, const std::vector<std::string>& words, const char* sep) {
    std::string line = std::move(head);
    for (size_t i = 0; i < words.size(); ++i) {
        std::string w = words[i] + (i + 1 < words.size() ? sep : "");
        if (line.size() + w.size() > 80 && line.find_first_not_of(' ') != std::string::npos) {
            d.out() << line << "\n";
            line = "  ";
        }
        line += w;
    }
    d.out() << line << "\n";
}

void do_checkpoints(Debugger& d, std::string_view a) {
    if (!a.empty() && a != "all") throw std::runtime_error("checkpoints [all]");
    const auto& store = d.ctl().checkpoints();
    std::vector<uint64_t> at = store.positions();
    d.out() << fmt::format("{} checkpoints holding {:.1f} MiB, from instruction {} to {}{}\n", store.count(),
                           static_cast<double>(store.bytes()) / (1 << 20), at.empty() ? 0 : at.front(),
                           at.empty() ? 0 : at.back(), a.empty() ? ":" : "; at instructions");
    if (a.empty()) {
        wrapped(d, "  ", position_runs(at), ", ");
        return;
    }
    std::vector<std::string> words;
    for (uint64_t p : at) words.push_back(std::to_string(p));
    wrapped(d, "  ", words, " ");
}

void do_breakpoints(Debugger& d, std::string_view) {
    auto& ctl = d.ctl();
    if (ctl.breakpoints().empty() && ctl.watches().empty()) d.out() << "No breakpoints or watches.\n";
    for (const auto& b : ctl.breakpoints())
        d.out() << fmt::format("  {:<3} breakpoint at {:#x} {} ({})\n", b.id, b.addr, d.where(b.addr), b.where);
    for (const auto& w : ctl.watches())
        d.out() << fmt::format("  {:<3} watch {} ({} bytes at {:#x})\n", w.id, w.expr, w.size, w.addr);
}

}  // namespace

std::vector<Command> looking_commands() {
    return {
        {{"regs"}, "regs", "the registers, one NAME 0xVALUE per line (fs_base included); also info registers", do_regs},
        {{"x"}, "x/NFU ADDR", "examine memory: N units of U (b h w g) as F (x d u i); ADDR an expression", do_x},
        {{"disassemble", "disas"}, "disassemble [LOCATION]", "a function's instructions in the trace's format", do_disassemble},
        {{"bt", "backtrace"}, "bt", "the Go backtrace from the pclntab's frame sizes", do_bt},
        {{"print", "p"}, "print[/x] EXPR", "runtime state by name: g0.stack.hi, m0.id, sched.maxmcount, allp[0].status, g, *g, m0, main.counter, $rsp; /x in hex", do_print},
        {{"threads"}, "threads", "the threads: tid, pc, state", do_threads},
        {{"goroutines", "grs"}, "goroutines", "the goroutines in allgs: goid, g, status, start function", do_goroutines},
        {{"milestones"}, "milestones", "the start-up milestones reached, with instruction counts", do_milestones},
        {{"check"}, "check", "the runtime model's checks at the milestones reached so far", do_check},
        {{"digest"}, "digest", "a digest of memory and every thread's registers (to compare states)", do_digest},
        {{"checkpoints"}, "checkpoints [all]", "the checkpoints kept for going back: how many, the memory they hold, where (all: every position)",
         do_checkpoints},
        {{"breakpoints"}, "breakpoints", "the breakpoints and watches, with their numbers (info breakpoints)", do_breakpoints},
        {{"position", "pos"}, "position", "the number of instructions executed so far",
         [](Debugger& d, std::string_view) { d.out() << fmt::format("instruction {}\n", d.ctl().position()); }},
    };
}

}  // namespace gostart::stepper
