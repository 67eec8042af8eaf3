#include "app/startup_diff.h"

#include "picture/xml_escape.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <stdexcept>

namespace gostart::app {
using picture::xml_escape;

Budget parse_budget(const std::string& spec) {
    Budget b;
    b.spec = spec;
    auto eq = spec.find('=');
    if (eq == std::string::npos || eq == 0) throw std::invalid_argument("a budget is NAME=+N% or NAME=+N");
    b.name = spec.substr(0, eq);
    std::string v = spec.substr(eq + 1);
    if (!v.empty() && v[0] == '+') v.erase(0, 1);
    b.relative = !v.empty() && v.back() == '%';
    if (b.relative) v.pop_back();
    if (v.empty() || v.find_first_not_of("0123456789.") != std::string::npos)
        throw std::invalid_argument(fmt::format("{}: the allowance is +N% or +N instructions", spec));
    try {
        if (b.relative) b.percent = std::stod(v);
        else b.absolute = std::stoull(v);
    } catch (const std::exception&) {
        throw std::invalid_argument(fmt::format("{}: the allowance is +N% or +N instructions", spec));
    }
    return b;
}

bool StartupDiff::changed() const {
    return a_main != b_main || a_main_insn != b_main_insn || !packages.empty() || !phases.empty() ||
           !syscall_edits.empty() || !milestones.empty();
}

bool StartupDiff::within_budgets() const {
    return std::all_of(budgets.begin(), budgets.end(), [](const BudgetResult& r) { return r.ok; });
}

namespace {

bool same(const InitCost& a, const InitCost& b) {
    return a.insns == b.insns && a.bytes == b.bytes && a.allocs == b.allocs && a.syscalls == b.syscalls &&
           a.threads == b.threads;
}

std::vector<RowChange> diff_rows(const std::vector<InitRow>& a, const std::vector<InitRow>& b, size_t* unchanged) {
    std::vector<RowChange> out;
    std::map<std::string, const InitRow*> in_b;
    for (const auto& r : b) in_b[r.name] = &r;
    std::map<std::string, bool> seen;
    for (const auto& r : a) {
        seen[r.name] = true;
        auto it = in_b.find(r.name);
        if (it == in_b.end()) {
            out.push_back({r.name, "removed", r.cost, std::nullopt});
            continue;
        }
        const InitCost& x = r.cost;
        const InitCost& y = it->second->cost;
        if (same(x, y)) {
            if (unchanged) ++*unchanged;
            continue;
        }
        out.push_back({r.name, y.insns > x.insns ? "grown" : y.insns < x.insns ? "shrunk" : "changed", x, y});
    }
    for (const auto& r : b)
        if (!seen.count(r.name)) out.push_back({r.name, "added", std::nullopt, r.cost});
    return out;
}

// The shortest edit script between two name lists (longest common subsequence; start-up makes a few
// hundred syscalls, so the quadratic table is small).
std::vector<SyscallEdit> edit_script(const std::vector<std::string>& a, const std::vector<std::string>& b) {
    size_t n = a.size(), m = b.size();
    std::vector<std::vector<uint32_t>> l(n + 1, std::vector<uint32_t>(m + 1, 0));
    for (size_t i = n; i-- > 0;)
        for (size_t j = m; j-- > 0;) l[i][j] = a[i] == b[j] ? l[i + 1][j + 1] + 1 : std::max(l[i + 1][j], l[i][j + 1]);
    std::vector<SyscallEdit> out;
    size_t i = 0, j = 0;
    while (i < n || j < m) {
        if (i < n && j < m && a[i] == b[j]) ++i, ++j;
        else if (j < m && (i == n || l[i][j + 1] >= l[i + 1][j])) out.push_back({'+', j, b[j]}), ++j;
        else out.push_back({'-', i, a[i]}), ++i;
    }
    return out;
}

std::optional<uint64_t> measure(const StartupDiff& d, const InitProfile& p, const std::string& name, bool is_a) {
    if (name == "main.main") {
        if (!(is_a ? d.a_main : d.b_main)) return std::nullopt;
        return p.main_main_insn;
    }
    if (name == "total") return p.packages_total().insns;
    for (const auto& r : p.phases)
        if (r.name == name) return r.cost.insns;
    for (const auto& r : p.packages)
        if (r.name == name) return r.cost.insns;
    return std::nullopt;
}

std::string signed_percent(uint64_t a, uint64_t b) {
    if (a == 0) return b == 0 ? "+0%" : "new";
    return fmt::format("{:+.2f}%", (static_cast<double>(b) - static_cast<double>(a)) / static_cast<double>(a) * 100.0);
}

std::string delta(uint64_t a, uint64_t b) {
    return fmt::format("{:+}", static_cast<int64_t>(b) - static_cast<int64_t>(a));
}

BudgetResult check_budget(const StartupDiff& d, const InitProfile& a, const InitProfile& b, const Budget& budget) {
    BudgetResult r{budget, true, ""};
    auto x = measure(d, a, budget.name, true), y = measure(d, b, budget.name, false);
    if (!y) {
        r.reason = fmt::format("budget {}: {} not in {}", budget.spec, budget.name, d.b_name);
        r.ok = budget.name != "main.main";  // a program that no longer reaches main.main is over any budget
        return r;
    }
    uint64_t base = x.value_or(0);
    double allowed = budget.relative ? static_cast<double>(base) * (1.0 + budget.percent / 100.0)
                                     : static_cast<double>(base + budget.absolute);
    r.ok = static_cast<double>(*y) <= allowed;
    r.reason = fmt::format("budget {}: {} instructions {} -> {} ({}, {}){}", budget.spec, budget.name, base, *y,
                           delta(base, *y), signed_percent(base, *y), r.ok ? "" : ": exceeded");
    return r;
}

std::string cost_line(const InitCost& c) {
    return fmt::format("{} insns, {} bytes, {} allocs, {} syscalls, {} threads", c.insns, c.bytes, c.allocs, c.syscalls,
                       c.threads);
}

std::string change_line(const RowChange& c) {
    if (!c.a) return fmt::format("+ {:<30} added: {}", c.name, cost_line(*c.b));
    if (!c.b) return fmt::format("- {:<30} removed (was {})", c.name, cost_line(*c.a));
    const InitCost &x = *c.a, &y = *c.b;
    std::string s = fmt::format("~ {:<30} {}: instructions {} -> {} ({}, {})", c.name, c.status, x.insns, y.insns,
                                delta(x.insns, y.insns), signed_percent(x.insns, y.insns));
    if (x.bytes != y.bytes) s += fmt::format(", bytes {} -> {}", x.bytes, y.bytes);
    if (x.allocs != y.allocs) s += fmt::format(", allocs {} -> {}", x.allocs, y.allocs);
    if (x.syscalls != y.syscalls) s += fmt::format(", syscalls {} -> {}", x.syscalls, y.syscalls);
    if (x.threads != y.threads) s += fmt::format(", threads {} -> {}", x.threads, y.threads);
    return s;
}

nlohmann::ordered_json cost_json(const std::optional<InitCost>& c) {
    if (!c) return nullptr;
    return nlohmann::ordered_json{{"insns", c->insns}, {"bytes", c->bytes}, {"allocs", c->allocs}, {"syscalls", c->syscalls}, {"threads", c->threads}};
}


// The edit script in hunks (consecutive calls only in A, or only in B): a short hunk call by call, a
// long one (a thread waiting in a loop of nanosleep and clock_gettime) as its calls counted by name.
void write_syscall_hunks(const std::vector<SyscallEdit>& edits, std::ostream& out) {
    for (size_t i = 0; i < edits.size();) {
        size_t j = i + 1;
        while (j < edits.size() && edits[j].op == edits[i].op && edits[j].index == edits[j - 1].index + 1) ++j;
        if (j - i <= 4) {
            for (size_t k = i; k < j; ++k) out << fmt::format("  {} #{} {}\n", edits[k].op, edits[k].index + 1, edits[k].name);
        } else {
            std::vector<std::pair<std::string, size_t>> counts;  // in order of first appearance
            for (size_t k = i; k < j; ++k) {
                auto it = std::find_if(counts.begin(), counts.end(), [&](const auto& c) { return c.first == edits[k].name; });
                if (it == counts.end()) counts.emplace_back(edits[k].name, 1);
                else ++it->second;
            }
            std::string names;
            for (const auto& [name, n] : counts) names += fmt::format("{}{} x{}", names.empty() ? "" : ", ", name, n);
            out << fmt::format("  {} #{}-#{} ({} calls): {}\n", edits[i].op, edits[i].index + 1, edits[j - 1].index + 1,
                               j - i, names);
        }
        i = j;
    }
}

}  // namespace

StartupDiff diff_profiles(const InitProfile& a, const InitProfile& b, const std::vector<Budget>& budgets) {
    StartupDiff d;
    d.a_name = a.program, d.b_name = b.program;
    d.a_main = a.reached_main, d.b_main = b.reached_main;
    d.a_main_insn = a.main_main_insn, d.b_main_insn = b.main_main_insn;
    // A `check --json` baseline has milestones only: nothing to say of inits it did not measure.
    d.compared_inits = a.has_inits && b.has_inits;
    if (d.compared_inits) {
        d.packages = diff_rows(a.packages, b.packages, &d.unchanged_packages);
        d.phases = diff_rows(a.phases, b.phases, nullptr);
    }
    d.have_syscalls = !a.syscalls_before_main.empty() && !b.syscalls_before_main.empty();
    if (d.have_syscalls) {
        d.a_syscalls = a.syscalls_before_main.size(), d.b_syscalls = b.syscalls_before_main.size();
        d.syscall_edits = edit_script(a.syscalls_before_main, b.syscalls_before_main);
    }
    // check --json records the calls rt0_go makes after they return, inittrace on entry: against a
    // check baseline only the milestones both take on entry compare.
    bool mixed = a.has_inits != b.has_inits;
    auto comparable = [mixed](const std::string& name) { return !mixed || name == "runtime.main" || name == "main.main"; };
    std::map<std::string, const InitProfile::Milestone*> in_b;
    for (const auto& m : b.milestones)
        if (comparable(m.name)) in_b[m.name] = &m;
    for (const auto& m : a.milestones) {
        if (!comparable(m.name)) continue;
        auto it = in_b.find(m.name);
        if (it == in_b.end()) {
            d.milestones.push_back(fmt::format("{}: reached in {} only", m.name, d.a_name));
            continue;
        }
        if (m.insn != it->second->insn)
            d.milestones.push_back(fmt::format("{}: insn {} -> {} ({})", m.name, m.insn, it->second->insn,
                                               delta(m.insn, it->second->insn)));
        if (m.thread != it->second->thread)
            d.milestones.push_back(fmt::format("{}: thread {} -> {}", m.name, m.thread, it->second->thread));
        // Two check --json files: the model's fields whose value in emulated memory differs.
        std::map<std::string, std::string> b_fields(it->second->fields.begin(), it->second->fields.end());
        for (const auto& [field, value] : m.fields)
            if (auto f = b_fields.find(field); f != b_fields.end() && f->second != value)
                d.milestones.push_back(fmt::format("{}: {} {} -> {}", m.name, field, value, f->second));
        in_b.erase(it);
    }
    for (const auto& m : b.milestones)
        if (in_b.count(m.name)) d.milestones.push_back(fmt::format("{}: reached in {} only", m.name, d.b_name));
    for (const auto& budget : budgets) d.budgets.push_back(check_budget(d, a, b, budget));
    return d;
}

void write_diff_text(const StartupDiff& d, std::ostream& out) {
    out << fmt::format("diff {} {}\n", d.a_name, d.b_name);
    if (!d.changed()) out << "no change in start-up\n";
    if (d.a_main && d.b_main)
        out << fmt::format("instructions to main.main: {} -> {} ({}, {})\n", d.a_main_insn, d.b_main_insn,
                           delta(d.a_main_insn, d.b_main_insn), signed_percent(d.a_main_insn, d.b_main_insn));
    else
        out << fmt::format("main.main reached: {} {}, {} {}\n", d.a_name, d.a_main ? "yes" : "no", d.b_name,
                           d.b_main ? "yes" : "no");
    if (d.changed()) {
        size_t added = 0, removed = 0, grown = 0, shrunk = 0, other = 0;
        for (const auto& c : d.packages)
            (c.status == "added" ? added : c.status == "removed" ? removed : c.status == "grown" ? grown
                                         : c.status == "shrunk" ? shrunk : other)++;
        if (d.compared_inits)
            out << fmt::format("package inits: {} added, {} removed, {} grown, {} shrunk, {} otherwise changed, {} unchanged\n",
                               added, removed, grown, shrunk, other, d.unchanged_packages);
        else
            out << "package inits: not compared (a check --json baseline has milestones only)\n";
        for (const auto& c : d.packages) out << "  " << change_line(c) << "\n";
        if (!d.phases.empty()) out << "phases:\n";
        for (const auto& c : d.phases) out << "  " << change_line(c) << "\n";
        if (d.have_syscalls) {
            out << fmt::format("syscalls before main.main: {} -> {}{}\n", d.a_syscalls, d.b_syscalls,
                               d.syscall_edits.empty() ? ", the same sequence" : "");
            write_syscall_hunks(d.syscall_edits, out);
        }
        if (!d.milestones.empty()) out << "milestones:\n";
        for (const auto& m : d.milestones) out << "  " << m << "\n";
    }
    for (const auto& r : d.budgets) out << (r.ok ? "ok: " : "FAIL: ") << r.reason << "\n";
}

nlohmann::ordered_json diff_to_json(const StartupDiff& d) {
    nlohmann::ordered_json j;
    j["a"] = d.a_name, j["b"] = d.b_name, j["changed"] = d.changed(), j["ok"] = d.within_budgets();
    j["main_main"] = {{"a", d.a_main ? nlohmann::ordered_json(d.a_main_insn) : nlohmann::ordered_json()},
                      {"b", d.b_main ? nlohmann::ordered_json(d.b_main_insn) : nlohmann::ordered_json()}};
    for (auto [key, rows] : {std::pair{"packages", &d.packages}, {"phases", &d.phases}}) {
        j[key] = nlohmann::ordered_json::array();
        for (const auto& c : *rows) j[key].push_back({{"name", c.name}, {"status", c.status}, {"a", cost_json(c.a)}, {"b", cost_json(c.b)}});
    }
    j["unchanged_packages"] = d.unchanged_packages;
    j["compared_inits"] = d.compared_inits;
    j["syscalls_before_main"] = {{"a", d.a_syscalls}, {"b", d.b_syscalls}, {"edits", nlohmann::ordered_json::array()}};
    for (const auto& e : d.syscall_edits)
        j["syscalls_before_main"]["edits"].push_back({{"op", std::string(1, e.op)}, {"index", e.index}, {"name", e.name}});
    j["milestones"] = d.milestones;
    j["budgets"] = nlohmann::ordered_json::array();
    for (const auto& r : d.budgets) j["budgets"].push_back({{"budget", r.budget.spec}, {"ok", r.ok}, {"reason", r.reason}});
    return j;
}

void write_diff_junit(const StartupDiff& d, std::ostream& out) {
    size_t failures = 0;
    for (const auto& r : d.budgets) failures += !r.ok;
    size_t tests = std::max<size_t>(d.budgets.size(), 1);
    out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    out << fmt::format("<testsuites><testsuite name=\"gostart-emu diff\" tests=\"{}\" failures=\"{}\">\n", tests, failures);
    if (d.budgets.empty())
        out << fmt::format("  <testcase classname=\"startup\" name=\"{} vs {}\"/>\n", xml_escape(d.a_name), xml_escape(d.b_name));
    for (const auto& r : d.budgets) {
        out << fmt::format("  <testcase classname=\"startup.budget\" name=\"{}\"", xml_escape(r.budget.spec));
        if (r.ok) out << fmt::format("><system-out>{}</system-out></testcase>\n", xml_escape(r.reason));
        else out << fmt::format("><failure message=\"{}\"/></testcase>\n", xml_escape(r.reason));
    }
    out << "</testsuite></testsuites>\n";
}

}  // namespace gostart::app
