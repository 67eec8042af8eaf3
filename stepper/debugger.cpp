#include "stepper/debugger.h"

#include "stepper/location.h"

#include <fmt/format.h>

#include <stdexcept>

namespace gostart::stepper {

Debugger::Debugger(Controller& ctl, std::ostream& out) : ctl_(ctl), out_(out) {
    commands_ = moving_commands();
    for (auto& c : looking_commands()) commands_.push_back(std::move(c));
    commands_.push_back({{"help", "h"}, "help [COMMAND]", "list the commands, or explain one",
                         [](Debugger& d, std::string_view a) { d.help(a); }});
    commands_.push_back({{"quit", "q", "exit"}, "quit", "leave the stepper", nullptr});
}

void Debugger::refresh() {
    if (for_session_ == &ctl_.session()) return;
    cache_.reset();
    app::Program& p = program();
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
    app::Program& p = program();
    return Evaluator(engine(), p.symbols, p.layouts ? &*p.layouts : nullptr);
}

uint64_t Debugger::location(std::string_view loc) {
    std::string err;
    if (auto a = resolve_location(code(), loc, err)) return *a;
    throw std::runtime_error(err);
}

void Debugger::show_position() {
    if (ctl_.exited()) return;
    uint64_t pc = engine().reg(cpu::Reg::rip);
    out_ << "=> " << cache().insn(pc).text;
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

std::vector<std::string> Debugger::completion_words() {
    std::vector<std::string> words;
    for (const auto& c : commands_) words.insert(words.end(), c.names.begin(), c.names.end());
    auto locs = location_words(code());
    words.insert(words.end(), locs.begin(), locs.end());
    for (const char* w : {"g0", "m0", "sched", "allp", "allgs", "allm"}) words.emplace_back(w);
    return words;
}

}  // namespace gostart::stepper
