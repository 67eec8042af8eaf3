#include "app/check_html.h"

#include "app/layout_capture.h"
#include "gostructs/layouts_for.h"
#include "session/session.h"
#include "trace/call_tree.h"
#include "trace/code_cache.h"
#include "trace/events.h"
#include "trace/flow_tracer.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <fstream>
#include "picture/xml_escape.h"
#include <iostream>
#include <sstream>

namespace gostart::app {
namespace {

using picture::xml_escape;
std::string esc(std::string_view s) { return xml_escape(s); }

// What the second run saw.
struct RunFacts {
    std::vector<session::MilestoneHit> milestones;
    uint64_t total = 0;
    size_t threads = 0;
    std::string picture_svg, picture_error;
    trace::CallTree tree;
    std::vector<std::string> syscalls;
};

// The guest writes to the real fds 1 and 2; for the second run they point at /dev/null.
class QuietStdio {
public:
    QuietStdio() {
        std::cout.flush(), std::cerr.flush();
        int null = ::open("/dev/null", O_WRONLY);
        for (int fd : {1, 2}) saved_[fd - 1] = ::dup(fd), ::dup2(null, fd);
        ::close(null);
    }
    ~QuietStdio() {
        for (int fd : {1, 2}) ::dup2(saved_[fd - 1], fd), ::close(saved_[fd - 1]);
    }

private:
    int saved_[2];
};

void second_run(const session::RunOptions& opts, RunFacts& f) {
    session::RunOptions run = opts;
    run.strace = true;
    run.progress = false;  // its stdio is /dev/null (QuietStdio)
    std::ostringstream log;
    auto program = session::open_program(run.program, true);
    std::optional<gostructs::StructLayouts> layouts;
    try {
        if (program->go) layouts = program->require_layouts();
    } catch (const std::exception& e) {
        f.picture_error = e.what();
    }
    session::Session session(run, std::move(program), log);
    session::Program& prog = session.program();
    trace::CodeInfo code(prog.symbols, prog.pclntab ? &*prog.pclntab : nullptr);
    trace::CodeCache cache(session.engine(), code, cpu::Disassembler::Syntax::intel, false);
    std::ostringstream unused;
    trace::Sink sink(unused);
    trace::EventWriter w(sink, trace::Format::text);
    trace::FlowSettings s;
    s.print = false;
    s.calls = &f.tree;
    linux::Process& proc = session.process();
    trace::FlowTracer flow(session.engine(), cache, w, [&proc] { return proc.current_tid(); }, s);
    std::unique_ptr<LayoutCapture> capture;
    if (layouts) capture = std::make_unique<LayoutCapture>(session, *layouts, kDefaultLayoutPoint, false);
    {
        QuietStdio quiet;
        session.run();
    }
    f.milestones = session.milestones().hits();
    f.total = session.engine().instructions();
    f.threads = proc.threads().size();
    if (capture && capture->picture()) f.picture_svg = picture::to_svg(*capture->picture());
    std::istringstream lines(log.str());
    for (std::string l; std::getline(lines, l);)
        if (!l.empty() && l[0] == '[') f.syscalls.push_back(l);
}

const char* kStyle = R"css(
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px 32px;color:#0f172a;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #cbd5e1;padding-bottom:4px}
.sub{color:#475569;margin-bottom:12px}.ok{color:#15803d}.bad{color:#b91c1c;font-weight:bold}
table{border-collapse:collapse;font-size:12.5px}td,th{padding:3px 8px;border-bottom:1px solid #e2e8f0;text-align:left;vertical-align:top}
th{background:#f1f5f9}td.n{text-align:right;font-family:ui-monospace,monospace}code,.mono{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:12px}
.bar{display:flex;height:34px;border:1px solid #94a3b8;border-radius:4px;overflow:hidden;margin:6px 0 10px}
.bar div{height:100%;min-width:3px;border-right:1px solid #fff}
.sw{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:6px}
.why{color:#475569;max-width:560px}.tree td.f{white-space:pre;font-family:ui-monospace,monospace}
svg{max-width:100%;height:auto}
.meter{background:#c7d2fe;height:10px;display:inline-block}pre{font-size:11.5px;background:#f8fafc;padding:8px;border:1px solid #e2e8f0;max-height:520px;overflow:auto}
)css";

constexpr const char* kColours[] = {"#1d4ed8", "#0891b2", "#059669", "#65a30d", "#ca8a04", "#ea580c",
                                    "#dc2626", "#db2777", "#9333ea", "#4f46e5", "#64748b"};

void timeline(std::ostream& o, const RunFacts& f) {
    o << "<h2>Start-up timeline: instructions per phase</h2>\n";
    if (f.milestones.empty() || f.total == 0) return void(o << "<p>No milestone was reached.</p>\n");
    struct Phase { std::string name; uint64_t from, to; };
    std::vector<Phase> ph;
    for (size_t i = 0; i < f.milestones.size(); ++i)
        ph.push_back({f.milestones[i].name, f.milestones[i].insn, i + 1 < f.milestones.size() ? f.milestones[i + 1].insn : f.total});
    o << "<div class=\"bar\">";
    for (size_t i = 0; i < ph.size(); ++i)
        o << fmt::format("<div title=\"{}: {} instructions\" style=\"flex-grow:{};background:{}\"></div>", esc(ph[i].name),
                         ph[i].to - ph[i].from, ph[i].to - ph[i].from, kColours[i % std::size(kColours)]);
    o << "</div>\n<table><tr><th>phase (from the milestone to the next)</th><th>thread</th><th>starts at insn</th><th>instructions</th><th>share</th></tr>\n";
    for (size_t i = 0; i < ph.size(); ++i) {
        uint64_t n = ph[i].to - ph[i].from;
        o << fmt::format("<tr><td><span class=\"sw\" style=\"background:{}\"></span><code>{}</code></td><td class=\"n\">{}</td>"
                         "<td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{:.1f} %</td></tr>\n",
                         kColours[i % std::size(kColours)], esc(ph[i].name), f.milestones[i].thread, ph[i].from, n,
                         100.0 * static_cast<double>(n) / static_cast<double>(f.total));
    }
    o << fmt::format("</table>\n<p class=\"sub\">{} instructions in all, {} threads.</p>\n", f.total, f.threads);
}

void model_table(std::ostream& o, const CheckSummary& s) {
    o << "<h2>The runtime model against emulated memory</h2>\n<table><tr><th>milestone</th><th>field</th><th>expected</th>"
         "<th>actual</th><th></th><th>why</th></tr>\n";
    for (const auto& r : *s.reports) {
        bool first = true;
        for (const auto& c : r.checks) {
            o << "<tr><td>" << (first ? fmt::format("<code>{}</code><br><span class=\"sub\">insn {}, thread {}</span>", esc(r.name), r.insn, r.thread) : "")
              << fmt::format("</td><td><code>{}</code></td><td class=\"mono\">{}</td><td class=\"mono\">{}</td><td class=\"{}\">{}</td>"
                             "<td class=\"why\">{}</td></tr>\n",
                             esc(c.field), esc(c.expected), esc(c.actual), c.ok ? "ok" : "bad", c.ok ? "✓" : "✗ diverges", esc(c.why));
            first = false;
        }
    }
    o << "</table>\n";
}

void tree_rows(std::ostream& o, const trace::CallNode& n, int depth, uint64_t total) {
    uint64_t incl = n.inclusive();
    if (depth > 5 || incl * 200 < total) return;  // five levels, paths of at least 0.5 %
    double share = 100.0 * static_cast<double>(incl) / static_cast<double>(total);
    o << fmt::format("<tr><td class=\"f\">{:{}}{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td><span class=\"meter\" style=\"width:{}px\"></span> {:.1f} %</td></tr>\n",
                     "", depth * 2, esc(n.name), n.calls ? std::to_string(n.calls) : "-", incl, static_cast<int>(share * 2), share);
    for (const auto& c : n.children) tree_rows(o, *c, depth + 1, total);
}

void call_tree(std::ostream& o, const RunFacts& f) {
    o << "<h2 id=\"calls\">Call tree per thread (paths of ≥ 0.5 % of the thread's instructions, five levels)</h2>\n";
    o << "<p class=\"sub\">Full tree: <code>gostart-emu trace --calls PROGRAM</code>; flame graph input: <code>--calls --format folded</code>.</p>\n";
    for (const auto& [tid, root] : f.tree.roots()) {
        uint64_t total = root->inclusive();
        o << fmt::format("<h3>thread {} — {} instructions</h3>\n<table class=\"tree\"><tr><th>function</th><th>calls</th><th>instructions</th><th>share</th></tr>\n", tid, total);
        for (const auto& c : root->children) tree_rows(o, *c, 0, total);
        o << "</table>\n";
    }
}

}  // namespace

void write_check_html(const std::string& path, const CheckSummary& s, const session::RunOptions& run) {
    RunFacts f;
    second_run(run, f);
    std::ofstream o(path, std::ios::trunc);
    if (!o) throw std::runtime_error(path + ": cannot open for writing");
    std::string name = s.program.substr(s.program.find_last_of('/') + 1);
    o << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>gostart-emu check: " << esc(name)
      << "</title>\n<style>" << kStyle << "</style></head><body>\n";
    o << fmt::format("<h1>{} — Go runtime start-up</h1>\n<div class=\"sub\">{} · {} · exit status {} · model: {}</div>\n",
                     esc(s.program), esc(s.go_version), fmt::format("{} instructions", f.total), s.exit_status,
                     s.ok() ? "<span class=\"ok\">every check agrees</span>"
                            : "<span class=\"bad\">divergences (see the table)</span>");
    timeline(o, f);
    model_table(o, s);
    o << "<h2 id=\"layout\">Memory after rt0_go's steps 1–3 (after <code>call runtime.osinit</code> returns)</h2>\n";
    o << "<p class=\"sub\">The article's third figure, from the real run: <code>gostart-emu layout --svg FILE PROGRAM</code>.</p>\n";
    if (!f.picture_svg.empty()) o << "<div>" << f.picture_svg << "</div>\n";
    else o << "<p class=\"bad\">No picture: " << esc(f.picture_error.empty() ? "the run never got there" : f.picture_error) << "</p>\n";
    call_tree(o, f);
    o << fmt::format("<h2 id=\"syscalls\">System calls ({})</h2>\n<pre>", f.syscalls.size());
    for (const auto& l : f.syscalls) o << esc(l) << "\n";
    o << "</pre>\n<p class=\"sub\">Generated by gostart-emu check --html.</p>\n</body></html>\n";
}

}  // namespace gostart::app
