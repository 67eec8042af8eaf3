#include "stepper/debugger.h"

#include "loader/printable.h"

#include "stepper/location.h"

#include <fmt/format.h>

#include <set>
#include <stdexcept>

namespace gostart::stepper {
namespace {

// gdb's `info` subcommands, each another command of the table.
void do_info(Debugger& d, std::string_view a) {
    static const std::pair<std::vector<std::string_view>, std::string_view> kInfo[] = {
        {{"registers", "reg", "r"}, "regs"},    {{"breakpoints", "b", "watchpoints"}, "breakpoints"},
        {{"frame", "f"}, "frame"},              {{"threads"}, "threads"},
        {{"goroutines"}, "goroutines"},         {{"checkpoints"}, "checkpoints"},
    };
    for (const auto& [names, command] : kInfo)
        for (auto n : names)
            if (a == n) {
                d.execute(command);
                return;
            }
    throw std::runtime_error("info registers|breakpoints|frame|threads|goroutines|checkpoints");
}

}  // namespace

Debugger::Debugger(Controller& ctl, std::ostream& out) : ctl_(ctl), out_(out) {
    commands_ = moving_commands();
    for (auto* more : {&source_commands, &looking_commands})
        for (auto& c : more()) commands_.push_back(std::move(c));
    commands_.push_back({{"info", "i"}, "info registers|breakpoints|frame|threads|goroutines|checkpoints",
                         "gdb's names for regs, breakpoints, frame, threads, goroutines, checkpoints", do_info});
    commands_.push_back({{"help", "h"}, "help [COMMAND]", "list the commands, or explain one",
                         [](Debugger& d, std::string_view a) { d.help(a); }});
    commands_.push_back({{"quit", "q", "exit"}, "quit", "leave the stepper", nullptr});
}

void Debugger::refresh() {
    if (for_session_ == &ctl_.session()) return;
    cache_.reset();
    session::Program& p = program();
    code_ = std::make_unique<trace::CodeInfo>(p.symbols, p.pclntab ? &*p.pclntab : nullptr);
    cache_ = std::make_unique<trace::CodeCache>(engine(), *code_, cpu::Disassembler::Syntax::intel, false);
    for_session_ = &ctl_.session();
}

trace::CodeInfo& Debugger::code() {
    refresh();
    return *code_;
}

trace::CodeCache& Debugger::cache() {
    refresh();
    return *cache_;
}

Evaluator Debugger::eval() {
    session::Program& p = program();
    return Evaluator(engine(), p.symbols, p.layouts ? &*p.layouts : nullptr);
}

uint64_t Debugger::location(std::string_view loc) {
    std::string err;
    if (auto a = resolve_location(code(), loc, err)) return *a;
    throw std::runtime_error(err);
}

std::string Debugger::where(uint64_t pc) {
    const loader::Symbol* s = code().symbols().function_at(pc);
    if (!s) {
        // Not the program's: name the file mapped there (ld.so, libc), as the exit report does.
        if (auto file = ctl_.session().process().memory().file_offset(pc))
            return fmt::format("{}+{:#x}", loader::printable(file->first.substr(file->first.rfind('/') + 1)), file->second);
        return fmt::format("{:#x}", pc);
    }
    // Names and files come from the binary: escaped for the terminal (loader/printable.h).
    std::string w = fmt::format("{}+{:#x}", loader::printable(loader::plain_name(s->name)), pc - s->addr);
    if (auto line = code().line(pc)) w += fmt::format(" {}:{}", loader::printable(line->file), line->line);
    return w;
}

void Debugger::show_position() {
    frame_ = 0;
    if (ctl_.exited()) return;
    uint64_t pc = engine().reg(cpu::Reg::rip);
    const auto& insn = cache().insn(pc);
    out_ << "=> " << where(pc) << "  " << std::string_view(insn.text).substr(insn.code_at);
}

void Debugger::report(const Stop& stop) {
    auto exit_lines = [&] {
        if (!stop.exit) return;
        if (stop.exit->kind != linux::ExitInfo::Kind::exited) out_ << stop.exit->message << "\n";
        out_ << fmt::format("exit status {} after {} instructions\n", stop.exit->exit_status(), stop.position);
    };
    switch (stop.kind) {
        case Stop::Kind::done: break;
        case Stop::Kind::breakpoint:
            out_ << fmt::format("Breakpoint {} at {}\n", stop.breakpoint->id, stop.breakpoint->where);
            break;
        case Stop::Kind::watch:
            out_ << fmt::format("Watchpoint {}: {}\n", stop.watch->watch.id, stop.watch->watch.expr);
            break;
        case Stop::Kind::interrupt: out_ << "Interrupted.\n"; break;
        case Stop::Kind::exited: exit_lines(); break;
        case Stop::Kind::already_exited:
            out_ << fmt::format("The program has exited (exit status {}): rstepi and rcontinue go back.\n",
                                stop.exit->exit_status());
            break;
        case Stop::Kind::nothing_to_find: out_ << "No breakpoints or watches to go back to.\n"; break;
        case Stop::Kind::history_start:
            exit_lines();  // going back to here replayed the run to its end
            out_ << "No breakpoint hit before this point.\n";
            break;
    }
}

void Debugger::after_move() {
    if (const auto& w = ctl_.last_stop().watch) {
        Evaluator ev = eval();
        out_ << fmt::format("Old value = {}\nNew value = {}\n", ev.format(w->old_value, w->watch.size),
                            ev.format(w->new_value, w->watch.size));
        out_ << fmt::format("written by {:#x} {}\n", w->writer, where(w->writer));
    }
    show_position();
}

// On g0 inside runtime.systemstack the walk goes on from the goroutine's saved pc and sp
// (m.curg.sched), as Go's own traceback does.
std::vector<trace::BacktraceFrame> Debugger::backtrace() {
    auto read = [this](uint64_t addr, uint64_t& v) { return engine().try_read(guest::Addr(addr), &v, 8); };
    Evaluator ev = eval();
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
    return trace::go_backtrace(code(), read, engine().reg(cpu::Reg::rip), engine().reg(cpu::Reg::rsp), 100, find_switch);
}

void Debugger::banner() {
    session::Program& p = program();
    out_ << fmt::format("gostart-emu step: {} ({}) stopped before its first instruction; `help` lists the "
                        "commands, `quit` leaves.\n",
                        p.path(), p.go ? p.go->version : "not Go");
}

void Debugger::help(std::string_view name) {
    for (const auto& c : commands_) {
        if (name.empty()) {
            std::string names = c.names[0];
            for (size_t i = 1; i < c.names.size(); ++i) names += "|" + c.names[i];
            out_ << fmt::format("  {:<22} {}\n", names, c.help);
        } else if (std::find(c.names.begin(), c.names.end(), name) != c.names.end()) {
            out_ << fmt::format("{}\n    {}\n", c.usage, c.help);
            return;
        }
    }
    if (!name.empty()) out_ << fmt::format("No command {}. Try help.\n", name);
}

bool Debugger::execute(std::string_view line) {
    while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
    if (line.empty()) return true;
    size_t end = line.find_first_of(" /");
    std::string_view name = line.substr(0, end), args = end == std::string_view::npos ? "" : line.substr(end);
    if (!args.empty() && args.front() == ' ') args.remove_prefix(1);
    for (const auto& c : commands_) {
        if (std::find(c.names.begin(), c.names.end(), name) == c.names.end()) continue;
        if (!c.fn) return false;
        try {
            c.fn(*this, args);
        } catch (const std::exception& e) {
            out_ << e.what() << "\n";
        }
        out_.flush();
        return true;
    }
    out_ << fmt::format("Unknown command {}. Try help.\n", name);
    return true;
}

// Each word once, in the table's order: a function the symbol table and the pclntab both name, or a
// command's alias that is also a symbol, would otherwise be listed twice.
std::vector<std::string> Debugger::completion_words() {
    std::vector<std::string> words;
    std::set<std::string> seen;
    auto add = [&](const std::string& w) {
        if (seen.insert(w).second) words.push_back(w);
    };
    for (const auto& c : commands_)
        for (const auto& n : c.names) add(n);
    for (const auto& w : location_words(code())) add(w);
    for (const char* w : {"g0", "m0", "sched", "allp", "allgs", "allm"}) add(w);
    return words;
}

}  // namespace gostart::stepper
