#include "stepper/location.h"

#include "runtime_model/milestone_table.h"


#include <fmt/format.h>

#include <charconv>

namespace gostart::stepper {

std::optional<uint64_t> parse_number(std::string_view s) {
    int base = 10;
    if (s.starts_with("0x") || s.starts_with("0X")) {
        s.remove_prefix(2);
        base = 16;
    }
    uint64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
    if (s.empty() || ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
    return v;
}

std::string milestone_name(std::string_view s) {
    if (const model::MilestoneInfo* m = model::find_milestone(s); m && m->checked != model::CheckedAt::exit)
        return m->function;
    if (s.find('.') != std::string_view::npos) return std::string(s);
    return "runtime." + std::string(s);  // any runtime function by its short name: mallocgc
}

std::vector<std::string> milestone_words() {
    std::vector<std::string> out;
    for (const model::MilestoneInfo& m : model::kMilestones)
        // _cgo_init is a call through a pointer, not a function to stop in; runtime.main and exit have no short name.
        if (m.id != model::Milestone::cgo_init && m.checked != model::CheckedAt::exit && m.short_name != std::string_view(m.function))
            out.emplace_back(m.short_name);
    return out;
}

namespace {

std::string_view base_name(std::string_view f) {
    auto slash = f.find_last_of('/');
    return slash == std::string_view::npos ? f : f.substr(slash + 1);
}

// The lowest pc of a function whose pclntab line is file:line.
std::optional<uint64_t> find_line(const trace::CodeInfo& code, std::string_view file, int line) {
    for (const auto& fn : code.symbols().functions()) {
        auto first = code.line(fn.addr);
        if (!first || base_name(first->file) != base_name(file) || !fn.size) continue;
        for (uint64_t pc = fn.addr; pc < fn.addr + fn.size; ++pc)
            if (auto l = code.line(pc); l && l->line == line && l->file == first->file) return pc;
    }
    return std::nullopt;
}

}  // namespace

std::optional<uint64_t> resolve_location(const trace::CodeInfo& code, std::string_view loc, std::string& err) {
    if (loc.starts_with("*")) {
        if (auto a = parse_number(loc.substr(1))) return a;
        err = fmt::format("{}: not an address (write *0x45e500)", loc);
        return std::nullopt;
    }
    if (auto colon = loc.rfind(':'); colon != std::string_view::npos) {
        auto line = parse_number(loc.substr(colon + 1));
        if (!line) {
            err = fmt::format("{}: not FILE:LINE", loc);
            return std::nullopt;
        }
        if (auto pc = find_line(code, loc.substr(0, colon), static_cast<int>(*line))) return pc;
        err = fmt::format("{}: no code for that line", loc);
        return std::nullopt;
    }
    for (const std::string& name : {std::string(loc), milestone_name(loc)})
        if (auto r = code.find(name)) return r->entry;
    err = fmt::format("{}: no such function or milestone", loc);
    return std::nullopt;
}

std::vector<std::string> location_words(const trace::CodeInfo& code) {
    std::vector<std::string> words = milestone_words();
    for (const auto& fn : code.symbols().functions()) words.emplace_back(loader::plain_name(fn.name));
    return words;
}

}  // namespace gostart::stepper
