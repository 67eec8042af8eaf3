// The commands that go by source line and by frame, as Delve's and gdb's: `step` and `next` run to the
// next line (into calls, or over them), `list` shows the source around a frame's line, `frame N`
// (`up`, `down`) selects a frame of the backtrace for `list`. Lines come from the pclntab; the source
// files are read from the host, at the paths the compiler recorded.
#include "stepper/debugger.h"
#include "loader/printable.h"
#include "stepper/location.h"

#include "cpu/disassembler.h"

#include <fmt/format.h>

#include <fstream>
#include <map>
#include <stdexcept>

namespace gostart::stepper {
namespace {

using Line = trace::CodeInfo::Line;

bool same_line(const Line& a, const Line& b) { return a.line == b.line && a.path == b.path; }

// Where no line is known (ld.so, C code, a function without a line table) a source-line step is an
// instruction step, as gdb's `step` in code without debug information.
bool no_lines(Debugger& d, uint64_t pc, bool over) {
    if (d.code().line(pc)) return false;
    d.out() << "No line information here: one instruction.\n";
    d.execute(over ? "nexti" : "stepi");
    return true;
}

// `step`: to the first instruction, on this thread, of another line — in a callee too.
void do_step(Debugger& d, std::string_view) {
    uint64_t pc = d.engine().reg(cpu::Reg::rip);
    if (no_lines(d, pc, false)) return;
    Line start = *d.code().line(pc);
    auto& proc = d.ctl().session().process();
    int tid = proc.current_tid();
    Controller::Until until{1, 0, [&](uint64_t at) {  // begin > end: every instruction (Unicorn)
                                if (proc.current_tid() != tid) return false;
                                auto l = d.code().line(at);
                                return l && !same_line(*l, start);
                            }};
    d.report(d.ctl().run_until(until, std::nullopt));
    d.after_move();
}

// `next`: to another line of this function in this frame (its canonical frame address, the caller's
// SP, is the same), over calls; or back in the caller when the function returns.
void do_next(Debugger& d, std::string_view) {
    uint64_t pc = d.engine().reg(cpu::Reg::rip), sp = d.engine().reg(cpu::Reg::rsp);
    auto frame = d.code().frame_size(pc);
    int id = d.code().function_id(pc);
    auto range = id >= 0 ? d.code().find(d.code().function_name(id)) : std::nullopt;
    if (no_lines(d, pc, true)) return;
    if (!frame || !range) {
        d.out() << "No frame information here: one instruction, over calls.\n";
        d.execute("nexti");
        return;
    }
    Line start = *d.code().outer_line(pc);
    uint64_t cfa = sp + static_cast<uint64_t>(*frame), ret = 0;
    if (!d.engine().try_read(guest::Addr(cfa), &ret, 8)) throw std::runtime_error("cannot read the return address");
    auto& proc = d.ctl().session().process();
    int tid = proc.current_tid();
    cpu::Engine& e = d.engine();
    Controller::Until until{range->entry, range->end - 1, [&](uint64_t at) {
                                if (proc.current_tid() != tid) return false;
                                auto fs = d.code().frame_size(at);
                                if (!fs || e.reg(cpu::Reg::rsp) + static_cast<uint64_t>(*fs) != cfa) return false;
                                auto l = d.code().outer_line(at);
                                return l && !same_line(*l, start);
                            }};
    d.report(d.ctl().run_until(until, ret));
    d.after_move();
}

// The host's copy of a source file, by the path the compiler recorded; cached for the session.
const std::vector<std::string>& source_file(const std::string& path) {
    static std::map<std::string, std::vector<std::string>> cache;
    auto it = cache.find(path);
    if (it != cache.end()) return it->second;
    std::ifstream in(path);
    if (!in) throw std::runtime_error(fmt::format("{}: not on this host (the pclntab names it; list reads the host's files)", path));
    std::vector<std::string> lines;
    for (std::string l; std::getline(in, l);) lines.push_back(l);
    return cache.emplace(path, std::move(lines)).first->second;
}

// `list [LOCATION]`: five lines either side of the selected frame's line, or of LOCATION's; the
// frame's line is marked `=>` as Delve marks it.
void do_list(Debugger& d, std::string_view a) {
    std::optional<Line> line;
    std::optional<int> mark;
    if (a.empty()) {
        auto frames = d.backtrace();
        if (frames.empty()) throw std::runtime_error("no frame");
        size_t n = std::min(d.selected_frame(), frames.size() - 1);
        line = frames[n].line;
        if (!line) throw std::runtime_error(fmt::format("no line information for {}", d.where(frames[n].pc)));
        mark = line->line;
    } else {
        uint64_t at = d.location(a);
        line = d.code().line(at);
        if (!line) throw std::runtime_error(fmt::format("{}: no line information for {}", a, d.where(at)));
        if (auto here = d.code().line(d.engine().reg(cpu::Reg::rip)); here && same_line(*here, *line)) mark = line->line;
    }
    const auto& text = source_file(line->path);
    int first = std::max(1, line->line - 5), last = std::min<int>(static_cast<int>(text.size()), line->line + 5);
    d.out() << fmt::format("{}:\n", loader::printable(line->file));
    for (int n = first; n <= last; ++n)
        d.out() << fmt::format("{}{:>5}\t{}\n", mark && *mark == n ? "=>" : "  ", n, text[static_cast<size_t>(n - 1)]);
}

void show_frame(Debugger& d, const std::vector<trace::BacktraceFrame>& frames) {
    size_t n = d.selected_frame();
    d.out() << trace::format_frame(n, frames[n]) << "\n";
}

// `frame [N]`: select frame N of `bt` (and show it); `up`/`down [N]` move the selection outwards/inwards.
void select(Debugger& d, std::string_view a, int direction) {
    auto frames = d.backtrace();
    if (frames.empty()) throw std::runtime_error("no frame");
    int64_t n = static_cast<int64_t>(d.selected_frame());
    if (direction == 0) {
        if (!a.empty()) {
            auto v = parse_number(a);
            if (!v) throw std::runtime_error(fmt::format("{}: not a frame number", a));
            n = static_cast<int64_t>(*v);
        }
    } else {
        auto v = a.empty() ? std::optional<uint64_t>(1) : parse_number(a);
        if (!v) throw std::runtime_error(fmt::format("{}: not a count", a));
        n += direction * static_cast<int64_t>(*v);
    }
    if (n < 0 || n >= static_cast<int64_t>(frames.size()))
        throw std::runtime_error(fmt::format("No frame {}: bt has frames 0 to {}.", n, frames.size() - 1));
    d.select_frame(static_cast<size_t>(n));
    show_frame(d, frames);
}

}  // namespace

std::vector<Command> source_commands() {
    return {
        {{"step", "s"}, "step", "run to the next source line, into calls (in code without lines: stepi)", do_step},
        {{"next", "n"}, "next", "run to the next source line of this function, over calls (or to its caller)", do_next},
        {{"list", "l"}, "list [LOCATION]", "the source around the selected frame's line (or LOCATION's), read from the host", do_list},
        {{"frame", "f"}, "frame [N]", "select frame N of bt for list (0: where the program is); show it",
         [](Debugger& d, std::string_view a) { select(d, a, 0); }},
        {{"up"}, "up [N]", "select the frame N (default 1) outwards, towards the caller",
         [](Debugger& d, std::string_view a) { select(d, a, 1); }},
        {{"down"}, "down [N]", "select the frame N (default 1) inwards",
         [](Debugger& d, std::string_view a) { select(d, a, -1); }},
    };
}

}  // namespace gostart::stepper
