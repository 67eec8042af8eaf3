#include "session/session.h"

#include "cpu/describe_instruction.h"
#include "linux/exec.h"
#include "loader/load_bias.h"
#include "session/option_error.h"
#include "session/virtual_tsc.h"

#include <fmt/format.h>

#include <unistd.h>

extern char** environ;

namespace gostart::session {

std::vector<std::string> guest_environment(const RunOptions& opts) {
    std::vector<std::string> env;
    if (opts.clean_env) {
        env = {"PATH=/usr/local/bin:/usr/bin:/bin", "HOME=/", "LANG=C.UTF-8"};
    } else {
        for (char** e = environ; *e; ++e) env.emplace_back(*e);
    }
    for (const auto& kv : opts.env) {
        auto eq = kv.find('=');
        std::string name = kv.substr(0, eq);
        std::erase_if(env, [&](const std::string& e) { return e.compare(0, name.size() + 1, name + "=") == 0; });
        env.push_back(eq == std::string::npos ? kv + "=" : kv);
    }
    return env;
}

Session::Session(const RunOptions& opts, std::unique_ptr<Program> program, std::ostream& out)
    : opts_(opts), program_(std::move(program)) {
    linux::ProcessOptions po;
    po.cpus = opts.cpus;
    po.clock = opts.clock == "host" ? linux::Clock::Mode::host : linux::Clock::Mode::virtual_time;
    po.seed = opts.seed;
    po.max_insns = opts.max_insns;
    po.max_memory = opts.max_memory;
    po.max_idle_ns = opts.max_idle * 1000000000ull;
    po.strace = opts.strace ? &out : nullptr;
    po.strace_string_limit = opts.string_limit;
    po.stdout_host_fd = opts.guest_stdout_on_stderr ? 2 : 1;
    po.diag = &out;
    Program* prog = program_.get();
    // Messages name a pc as "symbol+offset (file:line)" when the pclntab knows the line; the offset is
    // written even when 0, so that a reader never wonders whether it was left out. A pc in a shared
    // library (ld.so, libc) is "libc.so.6+0x1234", from the guest's memory map.
    uint64_t lo = loader::load_start(prog->image->view()) + prog->load_bias;
    uint64_t hi = loader::load_end(prog->image->view()) + prog->load_bias;
    po.describe_pc = [this, prog, lo, hi](uint64_t pc) {
        if (pc < lo || pc >= hi) {
            if (auto where = process_ ? process_->memory().file_offset(pc) : std::nullopt)
                return fmt::format("{}+{:#x}", where->first.substr(where->first.rfind('/') + 1), where->second);
            return fmt::format("{:#x}", pc);  // not the program's: its symbols would only mislead
        }
        std::string where = prog->describe(pc);
        if (const loader::Symbol* s = prog->symbols.function_at(pc); s && s->addr == pc) where += "+0x0";
        std::string line = prog->source_line(pc);
        return line.empty() ? where : where + " (" + line + ")";
    };
    cpu::Engine* engine = &engine_;
    po.describe_insn = [engine](uint64_t pc) { return cpu::describe_instruction(*engine, pc); };
    char cwd[4096];
    po.cwd = ::getcwd(cwd, sizeof cwd) ? cwd : "/";
    char real[4096];
    po.exe_path = ::realpath(opts.program.c_str(), real) ? real : opts.program;
    process_ = std::make_unique<linux::Process>(engine_, po);
    for (const auto& dir : opts.allow_write) {
        try {
            process_->paths().allow_write(dir);
        } catch (const std::runtime_error& e) {
            throw OptionError(e.what());  // the user's mistake, not the program's: status 2
        }
    }

    env_ = guest_environment(opts);
    linux::ExecInputs in;
    in.argv.push_back(opts.program);
    in.argv.insert(in.argv.end(), opts.args.begin(), opts.args.end());
    in.envp = env_;
    in.execfn = opts.program;
    linux::ExecImages images{program_->image.get(), program_->load_bias, program_->interpreter.get(),
                             program_->interpreter_bias};
    stack_ = linux::exec_program(*process_, images, in);

    linux::Process* proc = process_.get();
    if (po.clock == linux::Clock::Mode::virtual_time)
        install_virtual_tsc(engine_, program_->symbols, [proc] { return proc->now_ns(); });
    milestones_ = std::make_unique<MilestoneTracker>(
        engine_, program_->symbols, [proc] { return proc->current_tid(); },
        [this](const MilestoneHit& h) {
            if (on_milestone) on_milestone(h);
        });
    if (opts.progress && !opts.quiet) progress_ = Progress::on_terminal(*this);
}

linux::ExitInfo Session::run() {
    linux::ExitInfo r = process_->run();
    if (progress_) progress_->erase();
    return r;
}

std::unique_ptr<SessionCheckpoint> Session::checkpoint() {
    return std::unique_ptr<SessionCheckpoint>(
        new SessionCheckpoint{engine_.instructions(), engine_.take_snapshot(), process_->snapshot(), milestones_->hits()});
}

void Session::restore(const SessionCheckpoint& c) {
    engine_.restore_snapshot(c.cpu);
    process_->restore(c.process);
    milestones_->set_hits(c.milestones);
}

}  // namespace gostart::session
