// `gostart-emu trace [OPTIONS] PROGRAM [ARGS...]`: the start-up, instruction by instruction (CLI.md).
// By default runtime.rt0_go with its calls stepped over; --func/--depth/--all/--calls choose what else.
// The text trace goes to -o FILE or stderr and the program's own stdout stays the real stdout; a
// machine format (jsonl, folded) goes to -o FILE or stdout, and then the program's stdout to stderr.
#include "app/cli.h"
#include "app/commands.h"
#include "app/output.h"
#include "session/session.h"
#include "trace/call_tree.h"
#include "trace/code_cache.h"
#include "trace/events.h"
#include "trace/flow_tracer.h"
#include "trace/range_tracer.h"
#include "trace/sink.h"

#include <fmt/format.h>

#include <iostream>

namespace gostart::app {
namespace {

struct TraceOptions {
    session::RunOptions run;
    std::vector<std::string> funcs;
    int depth = 0;
    bool all = false, calls = false, syscalls = false, regs = false;
    std::string format = "text", syntax = "intel";
};

int trace_command(const TraceOptions& o) {
    if (o.format == "folded" && !o.calls) throw UsageError("trace: --format folded needs --calls");
    if (o.all && !o.funcs.empty()) throw UsageError("trace: --all and --func exclude each other");
    require_writable(o.run.output, "-o");
    bool machine = o.format != "text", on_stdout = machine && o.run.output.empty();
    session::RunOptions run = o.run;
    run.strace = o.syscalls || o.run.strace;
    run.guest_stdout_on_stderr = on_stdout;
    run.progress = true;
    Output output(o.run.output);
    auto program = session::open_program(o.run.program, true);
    session::warn_about_program(*program, std::cerr);  // not into the trace: JSONL stays JSONL
    trace::Sink sink(on_stdout ? std::cout : output.stream());
    std::ostream text_stream(&sink);
    auto format = o.format == "jsonl" ? trace::Format::jsonl : trace::Format::text;
    trace::EventWriter w(sink, format);
    cpu::Engine* engine = nullptr;
    trace::LineStream strace_lines([&](std::string_view line) { w.syscall(line, engine ? engine->instructions() : 0); });
    std::ostream json_stream(&strace_lines);

    session::Session session(run, std::move(program), format == trace::Format::jsonl ? json_stream : text_stream);
    engine = &session.engine();
    session::Program& prog = session.program();
    trace::CodeInfo code(prog.symbols, prog.pclntab ? &*prog.pclntab : nullptr);
    trace::CodeCache cache(session.engine(), code,
                           o.syntax == "att" ? cpu::Disassembler::Syntax::att : cpu::Disassembler::Syntax::intel,
                           format == trace::Format::jsonl);

    std::vector<trace::FunctionRange> ranges;
    for (const auto& name : o.funcs.empty() ? std::vector<std::string>{"runtime.rt0_go"} : o.funcs) {
        auto r = code.find(name);
        if (!r) throw UsageError(fmt::format("trace: {}: no function {}", o.run.program, name));
        ranges.push_back(*r);
    }
    linux::Process& proc = session.process();
    auto tid = [&proc] { return proc.current_tid(); };
    bool folded = o.format == "folded";
    if (o.syscalls && !folded)
        session.on_milestone = [&w](const session::MilestoneHit& h) { w.milestone(h.name, h.insn, h.thread); };

    std::unique_ptr<trace::RangeTracer> range;
    std::unique_ptr<trace::FlowTracer> flow;
    trace::CallTree tree;
    // --syscalls alone: the strace log and the milestones, no instructions.
    bool instructions = !(o.syscalls && o.funcs.empty() && !o.all && o.depth == 0 && !o.calls && !o.regs);
    if (instructions && (o.all || o.depth > 0 || o.calls)) {
        trace::FlowSettings s;
        s.all = o.all;
        s.print = o.all || !o.funcs.empty() || !o.calls;  // --calls alone: the tree only
        s.depth = o.depth;
        if (!o.all)
            for (const auto& r : ranges) s.targets.insert(code.function_id(r.entry));
        s.regs = o.regs;
        s.calls = o.calls ? &tree : nullptr;
        flow = std::make_unique<trace::FlowTracer>(session.engine(), cache, w, tid, s);
    } else if (instructions) {
        range = std::make_unique<trace::RangeTracer>(session.engine(), cache, w, tid, ranges, o.regs);
        proc.on_thread_switch = [&range](int from, int to) { range->switched(from, to); };
    }

    linux::ExitInfo exit = session.run();
    if (range) range->finish();
    if (flow) flow->finish();
    if (folded) {
        tree.write_folded(sink);
    } else {
        if (o.calls) {
            if (format == trace::Format::text) tree.write_text(sink, o.depth);
        }
        if (!o.syscalls) {
            // Where start-up went: mstart never returns, so the milestones tell the rest.
            w.note(format == trace::Format::text ? "=== start-up, milestone by milestone:" : "milestones");
            for (const auto& h : session.milestones().hits()) w.milestone(h.name, h.insn, h.thread);
        }
        w.exit(exit.exit_status(), session.engine().instructions(), proc.threads().size(),
               exit.kind == linux::ExitInfo::Kind::exited ? "" : exit.message);
    }
    sink.flush();
    std::cout.flush();
    if (!o.run.output.empty() && !o.run.quiet) announce_written(o.run.output, fmt::format("the {} trace", o.format));
    return exit.exit_status();
}

}  // namespace

Command register_trace(CLI::App& app) {
    auto o = std::make_shared<TraceOptions>();
    Command c;
    c.cli = app.add_subcommand("trace", "the start-up instruction by instruction, with source lines and calls");
    c.program = [o] { return o->run.program; };
    add_run_options(*c.cli, o->run);
    c.cli->add_option("--func", o->funcs, "trace this function (repeatable; default runtime.rt0_go)")
        ->type_name("NAME")
        ->allow_extra_args(false);
    c.cli->add_option("--depth", o->depth, "also trace callees N levels deep, 0 to 1000 (default 0: step over)")
        ->type_name("N")
        ->check(CLI::Range(0, 1000).description(""));
    c.cli->add_flag("--all", o->all, "every instruction of the run, each line led by its thread id");
    c.cli->add_flag("--calls", o->calls, "the call tree per thread, with call counts and instructions");
    c.cli->add_flag("--syscalls", o->syscalls, "the strace log interleaved with the milestones");
    c.cli->add_flag("--regs", o->regs, "after each instruction, the registers it changed");
    c.cli->add_option("--format", o->format,
                      "text (default; stderr or -o), jsonl (docs/trace-format.md) or folded (with --calls): "
                      "stdout or -o")
        ->type_name("text|jsonl|folded")
        ->check(CLI::IsMember({"text", "jsonl", "folded"}).description(""));
    c.cli->add_option("--syntax", o->syntax, "intel (default) or att")
        ->type_name("intel|att")
        ->check(CLI::IsMember({"intel", "att"}).description(""));
    c.run = [cli = c.cli, o]() {
        if (!take_program(*cli, o->run)) throw UsageError("trace: no PROGRAM given");
        return trace_command(*o);
    };
    return c;
}

}  // namespace gostart::app
