#include "app/check_report.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "picture/xml_escape.h"
#include "runtime_model/milestone_table.h"

namespace gostart::app {
namespace {

using picture::xml_escape;

}  // namespace

bool CheckSummary::ok() const {
    for (const auto& r : *reports)
        if (r.failed()) return false;
    return true;
}

size_t CheckSummary::total_checks() const {
    size_t n = 0;
    for (const auto& r : *reports) n += r.checks.size();
    return n;
}

std::string milestone_point_label(const std::string& name) {
    const model::MilestoneInfo* m = model::find_milestone(name);
    return m ? model::checked_where(*m) : "at " + name;
}

std::string milestone_line(const MilestoneReport& r) {
    std::string verdict = r.checks.empty() ? (r.note.empty() ? "no checks" : "nothing to check: " + r.note)
                        : r.failed() ? fmt::format("{} of {} checks DIVERGE", r.failed(), r.checks.size())
                                     : fmt::format("{}/{} checks agree", r.checks.size(), r.checks.size());
    return fmt::format("{:>10} insns  thread {}  {:<18} {}", r.insn, r.thread, r.name, verdict);
}

void write_check_table(std::ostream& out, const CheckSummary& s, bool colour) {
    const char* green = colour ? "\x1b[32m" : "";
    const char* red = colour ? "\x1b[31m" : "";
    const char* bold = colour ? "\x1b[1m" : "";
    const char* reset = colour ? "\x1b[0m" : "";
    out << fmt::format("{}: {}, model vs emulated memory\n", s.program, s.go_version);
    for (const auto& r : *s.reports) {
        out << fmt::format("\n{}{}{}  ({}, insn {}, thread {})\n", bold, r.name, reset, milestone_point_label(r.name),
                           r.insn, r.thread);
        if (r.checks.empty() && !r.note.empty()) out << fmt::format("  nothing to check: {}\n", r.note);
        size_t w = 5;
        for (const auto& c : r.checks) w = std::max(w, c.field.size());
        for (const auto& c : r.checks)
            out << fmt::format("  {}{}{} {:<{}}  expected {:<20} actual {:<20} {}\n", c.ok ? green : red,
                               c.ok ? "✓" : "✗", reset, c.field, w, c.expected, c.actual, c.why);
    }
    size_t failed = 0;
    for (const auto& r : *s.reports) failed += r.failed();
    out << fmt::format("\n{}{} checks at {} milestones: {}{}\n", failed ? red : green, s.total_checks(), s.reports->size(),
                       failed ? fmt::format("{} diverge", failed) : "all agree", reset);
}

void write_check_json(std::ostream& out, const CheckSummary& s) {
    nlohmann::ordered_json j;
    j["program"] = s.program;
    j["go_version"] = s.go_version;
    j["ok"] = s.ok();
    j["exit_status"] = s.exit_status;
    j["milestones"] = nlohmann::ordered_json::array();
    for (const auto& r : *s.reports) {
        nlohmann::ordered_json m;
        m["name"] = r.name;
        m["insn"] = r.insn;
        m["thread"] = r.thread;
        m["checks"] = nlohmann::ordered_json::array();
        for (const auto& c : r.checks)
            m["checks"].push_back({{"field", c.field}, {"expected", c.expected}, {"actual", c.actual}, {"ok", c.ok}, {"why", c.why}});
        if (!r.note.empty()) m["note"] = r.note;
        j["milestones"].push_back(m);
    }
    out << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";  // the binary's strings need not be UTF-8
}

void write_check_junit(std::ostream& out, const CheckSummary& s) {
    size_t failures = 0;
    for (const auto& r : *s.reports) failures += r.failed() ? 1 : 0;
    out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    out << fmt::format("<testsuite name=\"gostart-emu check {}\" tests=\"{}\" failures=\"{}\">\n", xml_escape(s.program),
                       s.reports->size(), failures);
    for (const auto& r : *s.reports) {
        out << fmt::format("  <testcase classname=\"{}\" name=\"{}\">\n", xml_escape(s.program), xml_escape(r.name));
        if (r.failed()) {
            std::string text;
            for (const auto& c : r.checks)
                if (!c.ok) text += fmt::format("{}: expected {}, actual {} ({})\n", c.field, c.expected, c.actual, c.why);
            out << fmt::format("    <failure message=\"{} of {} checks diverge\">{}</failure>\n", r.failed(),
                               r.checks.size(), xml_escape(text));
        }
        out << fmt::format("    <system-out>{} checks{}</system-out>\n  </testcase>\n", r.checks.size(),
                           r.note.empty() ? "" : ": nothing to check, " + xml_escape(r.note));
    }
    out << "</testsuite>\n";
}

}  // namespace gostart::app
