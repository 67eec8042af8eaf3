#include "app/startup_checker.h"

#include "app/engine_view.h"
#include "loader/printable.h"

#include "cpu/engine.h"
#include "linux/exec.h"
#include "loader/load_error.h"
#include "runtime_model/milestone_table.h"
#include "runtime_model/version_rules.h"

#include <fmt/format.h>

#include <cstring>
#include <stdexcept>

namespace gostart::app {
namespace {

// Every symbol the model and the checker use.
constexpr const char* kModelSymbols[] = {
    "runtime.g0", "runtime.m0", "runtime.sched", "runtime.allp", "runtime.allgs", "runtime.allglen",
    "runtime.allm", "runtime.gomaxprocs", "runtime.ncpu", "runtime.numCPUStartup", "runtime.argc",
    "runtime.argv", "runtime.physPageSize", "runtime.physHugePageSize", "runtime.startupRandomData",
    "runtime.startupRand", "runtime.mainStarted", "runtime.main", "runtime.goexit", "runtime.sysmon",
    "runtime.iscgo",
};

}  // namespace

model::ModelInputs model_inputs(session::Session& session) {
    model::ModelInputs in;
    const session::Program& prog = session.program();
    if (prog.go && prog.go->number) in.version = *prog.go->number;
    const loader::InitialStack& st = session.initial_stack();
    in.entry_sp = st.sp;
    in.argc = st.argc;
    in.argv = st.argv_addr;
    in.page_size = 4096;
    in.random_addr = st.random_addr;
    std::memcpy(in.random.data(), st.bytes.data() + (st.random_addr - st.sp), 16);
    in.cpus = session.process().options().cpus;
    in.huge_page_size = linux::kHugePageSize;
    in.main_tid = linux::Process::kPid;
    // cgo: where g lives comes from the program's PT_TLS and runtime.tlsg (stripped: assumed at the
    // block's start, where Go's linker puts it); the pthread stack size from the RLIMIT_STACK we report.
    in.cgo = prog.cgo;
    const auto& view = prog.image->view();
    if (const loader::Segment* tls = view.segment(7 /*PT_TLS*/)) {
        in.tls_vaddr = tls->vaddr;
        in.tls_memsz = tls->memsz;
        in.tls_align = tls->align;
    }
    for (const auto& s : view.symbols)
        if (s.is_tls && s.name == "runtime.tlsg") in.tlsg_value = s.value;
    in.stack_rlimit = linux::kStackReserve;
    for (const auto& kv : session.guest_env())
        if (kv.rfind("GOMAXPROCS=", 0) == 0) in.gomaxprocs_env = kv.substr(11);
    for (const char* name : kModelSymbols)
        if (auto a = prog.symbols.find(name)) in.symbols[name] = *a;
    return in;
}

void require_model_support(const session::Program& prog) {
    const std::string& path = prog.image->view().path;
    if (!prog.go || !prog.go->number || !model::model_supports(*prog.go->number))
        throw loader::LoadError(loader::LoadError::Kind::cannot_run, path,
                                fmt::format("the runtime model does not support {}", prog.go ? loader::printable(prog.go->version) : "this program"));
    if (prog.cgo && !model::rules_for(*prog.go->number).cgo_modelled)
        throw loader::LoadError(loader::LoadError::Kind::cannot_run, path,
                                fmt::format("a cgo program of {}: the runtime model knows the cgo start-up "
                                            "(x_cgo_init's stack rule) of go1.19 only", prog.go->version));
}

StartupChecker::StartupChecker(session::Session& session, std::unique_ptr<gostructs::StructLayouts> layouts,
                               const CheckDebug& debug)
    : session_(session), layouts_(std::move(layouts)), debug_(debug) {
    // `check` has refused such a program before running anything; `run` and `step` learn it here
    // and go on without model checks.
    require_model_support(session.program());
    inputs_ = model_inputs(session);
    // Test-only perturbations: the model is told something other than what the guest got.
    if (debug.model_cpus) inputs_.cpus = *debug.model_cpus;
    if (debug.model_gomaxprocs) inputs_.gomaxprocs_env = *debug.model_gomaxprocs;
    inputs_.entry_sp += static_cast<uint64_t>(debug.model_sp_shift);
    model_ = std::make_unique<model::StartupModel>(inputs_);
    view_ = std::make_unique<EngineView>(session.engine());
    checker_ = std::make_unique<model::Checker>(*view_, *layouts_, inputs_, model_->g_tls_offset());

    cpu::Engine& engine = session.engine();
    session::MilestonePoints points = session::find_milestone_points(engine, session.program().symbols);
    auto rt0 = session.program().symbols.find("runtime.rt0_go");
    if (inputs_.cgo && rt0) {
        // With cgo, C code (crt1's _start, __libc_start_main) runs between the loader and rt0_go: the
        // SP that rt0_go starts from is an input observed at its entry (a register, not runtime state).
        int64_t shift = debug.model_sp_shift;
        engine.add_code_hook(*rt0, *rt0, [this, &engine, shift](uint64_t) {
            if (rt0_seen_) return;
            rt0_seen_ = true;
            inputs_.entry_sp = engine.reg(cpu::Reg::rsp) + static_cast<uint64_t>(shift);
            model_ = std::make_unique<model::StartupModel>(inputs_);
        });
    }
    using model::Milestone;
    for (const model::MilestoneInfo& info : model::kMilestones) {
        if (info.checked != model::CheckedAt::after_call) continue;
        auto it = points.after_call.find(info.function);
        if (it == points.after_call.end()) continue;
        engine.add_code_hook(it->second, it->second, [this, m = *info.id](uint64_t pc) { at_point({m}, pc); });
    }
    if (points.runtime_main)
        engine.add_code_hook(*points.runtime_main, *points.runtime_main, [this](uint64_t pc) {
            at_point({Milestone::mstart, Milestone::runtime_main}, pc);
        });
    if (points.main_main)
        engine.add_code_hook(*points.main_main, *points.main_main, [this, &engine](uint64_t pc) {
            if (done_.count("main.main")) return;
            at_point({Milestone::main_main}, pc);
            // main.main is called indirectly; its return address tells us when it returns.
            uint64_t ret = 0;
            if (engine.try_read(guest::Addr(engine.reg(cpu::Reg::rsp)), &ret, 8))
                engine.add_code_hook(ret, ret, [this](uint64_t) { main_returned_ = true; });
        });
    if (points.fatalpanic)
        engine.add_code_hook(*points.fatalpanic, *points.fatalpanic, [this](uint64_t) { fatal_panic_ = true; });
}

void StartupChecker::at_point(const std::vector<model::Milestone>& ms, uint64_t pc) {
    for (auto m : ms) at(m, pc);
}

void StartupChecker::at(model::Milestone m, uint64_t pc) {
    std::string name = model::milestone_name(m);
    if (done_[name]) return;
    done_[name] = true;
    std::vector<model::Expectation> expect = model_->predict(m);
    if (debug_.corrupt_milestone == name) {
        for (const auto& e : expect) {
            if (e.where.label != debug_.corrupt_field) continue;
            if (auto span = checker_->locate(e.where)) session_.engine().try_write(span->addr, &debug_.corrupt_value, span->size);
        }
    }
    MilestoneReport r{name, session_.engine().instructions_before(pc), session_.process().current_tid(),
                      checker_->evaluate(expect)};
    reports_.push_back(r);
    if (on_report) on_report(reports_.back());
}

void StartupChecker::finish(const linux::ExitInfo& exit) {
    using Path = model::StartupModel::ExitPath;
    using Kind = linux::ExitInfo::Kind;
    Path path = main_returned_ ? Path::main_returned : fatal_panic_ ? Path::fatal_panic : Path::other;
    MilestoneReport r{"exit", session_.engine().instructions(), session_.process().current_tid(),
                      checker_->evaluate(model_->predict_exit(path), exit.exit_status())};
    // The model knows the status of two ways out; any other leaves it nothing to predict.
    if (r.checks.empty())
        r.note = exit.kind == Kind::emulator_stop ? "the run was stopped before the program ended"
               : exit.kind == Kind::signaled      ? "the program died of a signal"
                                                  : "main.main did not return (os.Exit or another exit_group)";
    reports_.push_back(r);
    if (on_report) on_report(reports_.back());
}

void StartupChecker::set_state(const State& s) {
    reports_ = s.reports;
    done_ = s.done;
    main_returned_ = s.main_returned;
    fatal_panic_ = s.fatal_panic;
}

bool StartupChecker::ok() const {
    for (const auto& r : reports_)
        if (r.failed()) return false;
    return true;
}

}  // namespace gostart::app
