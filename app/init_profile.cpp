#include "app/init_profile.h"

#include "picture/xml_escape.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace gostart::app {
using picture::xml_escape;

InitCost& InitCost::operator+=(const InitCost& o) {
    insns += o.insns, bytes += o.bytes, allocs += o.allocs, syscalls += o.syscalls, threads += o.threads;
    return *this;
}

InitCost InitProfile::packages_total() const {
    InitCost t;
    for (const auto& r : packages) t += r.cost;
    return t;
}

namespace {

nlohmann::ordered_json row_json(const InitRow& r, bool package) {
    nlohmann::ordered_json j = {{"name", r.name},          {"insns", r.cost.insns},   {"bytes", r.cost.bytes},
                        {"allocs", r.cost.allocs}, {"syscalls", r.cost.syscalls}, {"threads", r.cost.threads}};
    if (package) j["phase"] = r.phase, j["fns"] = r.fns;
    return j;
}

InitRow row_from(const nlohmann::json& j) {
    InitRow r;
    r.name = j.at("name").get<std::string>();
    r.phase = j.value("phase", "");
    r.fns = j.value("fns", uint64_t{0});
    r.cost = {j.at("insns").get<uint64_t>(), j.value("bytes", uint64_t{0}), j.value("allocs", uint64_t{0}),
              j.value("syscalls", uint64_t{0}), j.value("threads", uint64_t{0})};
    return r;
}

std::string with_commas(uint64_t v) {
    std::string digits = std::to_string(v), s;
    for (size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) s += ',';
        s += digits[i];
    }
    return s;
}

void write_row(std::ostream& out, const std::string& name, const InitCost& c, size_t width) {
    out << fmt::format("  {:<{}}  {:>14}  {:>10}  {:>7}  {:>8}  {:>7}\n", name, width, with_commas(c.insns),
                       with_commas(c.bytes), c.allocs, c.syscalls, c.threads);
}

std::vector<const InitRow*> largest_first(const std::vector<InitRow>& rows) {
    std::vector<const InitRow*> v;
    for (const auto& r : rows) v.push_back(&r);
    // Stable: equal costs keep the order they ran in, so the table is the same on every run.
    std::stable_sort(v.begin(), v.end(), [](const InitRow* a, const InitRow* b) { return a->cost.insns > b->cost.insns; });
    return v;
}


}  // namespace

nlohmann::ordered_json profile_to_json(const InitProfile& p) {
    nlohmann::ordered_json j;
    j["program"] = p.program;
    j["go_version"] = p.go_version;
    j["init_task_layout"] = p.task_layout;
    j["exit_status"] = p.exit_status;
    j["reached_main"] = p.reached_main;
    j["main_main_insn"] = p.main_main_insn;
    j["phases"] = nlohmann::ordered_json::array();
    for (const auto& r : p.phases) j["phases"].push_back(row_json(r, false));
    j["packages"] = nlohmann::ordered_json::array();
    for (const auto& r : p.packages) j["packages"].push_back(row_json(r, true));
    InitCost t = p.packages_total();
    j["packages_total"] = row_json({"total", "", 0, t}, false);
    j["syscalls_before_main"] = p.syscalls_before_main;
    j["milestones"] = nlohmann::ordered_json::array();
    for (const auto& m : p.milestones)
        j["milestones"].push_back(nlohmann::ordered_json{{"name", m.name}, {"insn", m.insn}, {"thread", m.thread}});
    return j;
}

InitProfile profile_from_json(const nlohmann::json& j) {
    if (!j.is_object()) throw std::runtime_error("not a JSON object");
    if (!j.contains("milestones")) throw std::runtime_error("no \"milestones\": not the JSON of inittrace --json or check --json");
    InitProfile p;
    p.program = j.value("program", "");
    p.go_version = j.value("go_version", "");
    p.task_layout = j.value("init_task_layout", "");
    p.exit_status = j.value("exit_status", 0);
    for (const auto& m : j.at("milestones")) {
        InitProfile::Milestone ms{m.at("name").get<std::string>(), m.at("insn").get<uint64_t>(), m.value("thread", 0), {}};
        if (m.contains("checks"))
            for (const auto& c : m.at("checks"))
                ms.fields.emplace_back(c.at("field").get<std::string>(), c.value("actual", ""));
        p.milestones.push_back(std::move(ms));
    }
    for (const auto& m : p.milestones)
        if (m.name == "main.main") p.reached_main = true, p.main_main_insn = m.insn;
    p.has_inits = j.contains("packages");
    if (j.contains("phases"))
        for (const auto& r : j.at("phases")) p.phases.push_back(row_from(r));
    if (j.contains("packages"))
        for (const auto& r : j.at("packages")) p.packages.push_back(row_from(r));
    if (j.contains("syscalls_before_main")) p.syscalls_before_main = j.at("syscalls_before_main").get<std::vector<std::string>>();
    return p;
}

void write_profile_table(const InitProfile& p, std::ostream& out) {
    size_t width = 14;
    for (const auto& r : p.packages) width = std::max(width, r.name.size());
    out << fmt::format("inittrace {} ({}, init tasks {})\n", p.program, p.go_version, p.task_layout);
    auto header = [&](const char* what) {
        out << fmt::format("  {:<{}}  {:>14}  {:>10}  {:>7}  {:>8}  {:>7}\n", what, width, "instructions", "bytes",
                           "allocs", "syscalls", "threads");
    };
    header("phase");
    for (const auto& r : p.phases) write_row(out, r.name, r.cost, width);
    out << "\n";
    header("package init");
    for (const InitRow* r : largest_first(p.packages)) write_row(out, r->name, r->cost, width);
    write_row(out, fmt::format("total ({} packages)", p.packages.size()), p.packages_total(), width);
    if (p.reached_main) out << fmt::format("main.main reached after {} instructions\n", with_commas(p.main_main_insn));
    else out << "main.main not reached\n";
}

void write_profile_folded(const InitProfile& p, std::ostream& out) {
    for (const auto& phase : p.phases) {
        uint64_t inner = 0;
        for (const auto& r : p.packages) {
            if (r.phase != phase.name) continue;
            inner += r.cost.insns;
            if (r.cost.insns) out << fmt::format("start-up;{};{} {}\n", phase.name, r.name, r.cost.insns);
        }
        uint64_t self = phase.cost.insns > inner ? phase.cost.insns - inner : 0;
        if (self) out << fmt::format("start-up;{} {}\n", phase.name, self);
    }
}

void write_profile_svg(const InitProfile& p, std::ostream& out) {
    struct Bar {
        std::string label;
        uint64_t insns;
        bool phase;
    };
    std::vector<Bar> bars;
    for (const auto& r : p.phases) bars.push_back({r.name, r.cost.insns, true});
    for (const InitRow* r : largest_first(p.packages)) bars.push_back({r->name, r->cost.insns, false});
    uint64_t most = 1;
    for (const auto& b : bars) most = std::max(most, b.insns);
    const int row = 18, label_w = 260, bar_w = 520, top = 40;
    int height = top + static_cast<int>(bars.size()) * row + 20;
    out << fmt::format("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" font-family=\"monospace\" "
                       "font-size=\"12\">\n",
                       label_w + bar_w + 140, height);
    out << fmt::format("<text x=\"8\" y=\"20\" font-size=\"14\">start-up of {} ({}): instructions per phase and "
                       "package init</text>\n",
                       xml_escape(p.program), xml_escape(p.go_version));
    int y = top;
    for (const auto& b : bars) {
        int w = static_cast<int>(static_cast<double>(b.insns) / static_cast<double>(most) * bar_w);
        out << fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>", label_w - 6, y + 13, xml_escape(b.label));
        out << fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"><title>{}: {} "
                           "instructions</title></rect>",
                           label_w, y + 2, std::max(w, 1), row - 4, b.phase ? "#7a9cc6" : "#e08b3e", xml_escape(b.label),
                           b.insns);
        out << fmt::format("<text x=\"{}\" y=\"{}\">{}</text>\n", label_w + std::max(w, 1) + 6, y + 13, with_commas(b.insns));
        y += row;
    }
    out << "</svg>\n";
}

}  // namespace gostart::app
