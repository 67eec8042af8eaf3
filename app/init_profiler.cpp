#include "app/init_profiler.h"

#include "app/engine_view.h"

#include "cpu/disassembler.h"
#include "linux/syscall_table.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <span>
#include <sys/syscall.h>

namespace gostart::app {
namespace {

struct CallSite {
    uint64_t at = 0, next = 0;
    uint64_t target = 0;          // direct calls
    std::optional<cpu::Reg> reg;  // `call REG`
};

// Every call instruction of the function at `fn`, decoded from guest memory.
std::vector<CallSite> calls_in(const cpu::Engine& engine, const loader::SymbolTable& symbols, uint64_t fn) {
    std::vector<CallSite> out;
    const loader::Symbol* sym = symbols.function_at(fn);
    size_t len = sym && sym->size ? std::min<size_t>(sym->size, 1 << 16) : 4096;
    std::vector<uint8_t> code(len);
    if (!engine.try_read(guest::Addr(fn), code.data(), code.size())) return out;
    cpu::Disassembler dis;
    for (size_t off = 0; off < len;) {
        auto insn = dis.decode(fn + off, std::span<const uint8_t>(code.data() + off, len - off));
        if (insn.size == 0) break;
        CallSite c{fn + off, fn + off + insn.size, 0, std::nullopt};
        off += insn.size;
        if (!insn.is_call) continue;
        if (insn.operands.rfind("0x", 0) == 0) {
            c.target = std::strtoull(insn.operands.c_str(), nullptr, 16);
        } else {
            for (int r = 0; r < 16; ++r)
                if (insn.operands == cpu::kRegNames[r]) c.reg = static_cast<cpu::Reg>(r);
            if (!c.reg) continue;  // through memory: not the calls we look for
        }
        out.push_back(c);
    }
    return out;
}

}  // namespace

InitProfiler::InitProfiler(session::Session& session) : s_(session), e_(session.engine()) {
    session::Program& prog = s_.program();
    int minor = prog.go && prog.go->number ? prog.go->number->minor : 0;
    register_abi_ = minor >= 17;
    malloc_header_ = minor >= 22;
    layout_ = model::init_task_layout_for(minor);
    const loader::SymbolTable& syms = prog.symbols;
    linux::Process& proc = s_.process();

    auto previous_switch = proc.on_thread_switch;
    proc.on_thread_switch = [this, previous_switch](int from, int to) {
        clock_.switched(from, to, e_.instructions());
        if (previous_switch) previous_switch(from, to);
    };
    proc.on_syscall = [this](int tid, int nr) {
        ThreadCounters& t = threads_[tid];
        ++t.syscalls;
        if (nr == SYS_clone || nr == SYS_clone3) ++t.threads;
        if (!reached_main_) syscalls_before_main_.emplace_back(nr < 0 ? "int 0x80" : linux::syscall_name(nr));
    };

    // Phases bracketed by calls.
    if (auto rt0 = syms.find("runtime.rt0_go")) {
        // rt0_go is assembly: its call may reach schedinit through an ABI wrapper, so match by plain name.
        for (const auto& c : calls_in(e_, syms, *rt0)) {
            const loader::Symbol* callee = c.target ? syms.function_at(c.target) : nullptr;
            if (callee && callee->addr == c.target && loader::plain_name(callee->name) == "runtime.schedinit")
                hook_call_span(c.at, c.next, [this](uint64_t) { return phase_row("schedinit"); });
        }
    }
    if (auto rtmain = syms.find("runtime.main")) {
        // go1.21+ inlines doInit (a loop over a module's tasks) into runtime.main, which then calls
        // doInit1 itself: once in the loop over the runtime's tasks, once in the main module's.
        auto do_init = syms.find("runtime.doInit"), do_init1 = syms.find("runtime.doInit1");
        auto gcenable = syms.find("runtime.gcenable");
        bool first = true;
        for (const auto& c : calls_in(e_, syms, *rtmain)) {
            if ((do_init && c.target == *do_init) || (do_init1 && c.target == *do_init1)) {
                std::string name = first ? "runtime inits" : "main inits";
                first = false;
                hook_call_span(c.at, c.next, [this, name](uint64_t) {
                    init_g_ = current_g();
                    return phase_row(name);
                });
            } else if (gcenable && c.target == *gcenable) {
                hook_call_span(c.at, c.next, [this](uint64_t) { return phase_row("gcenable"); });
            }
        }
    }
    if (auto main_main = syms.find("main.main")) {
        e_.add_code_hook(*main_main, *main_main, [this](uint64_t pc) {
            if (reached_main_) return;
            reached_main_ = true;
            enter(phase_row("main.main"), s_.process().current_tid(), e_.instructions_before(pc));
        });
    }

    // Package init tasks: the task read on entry, each init function's call bracketed.
    const char* runner = layout_ == model::InitTaskLayout::fns_only ? "runtime.doInit1" : "runtime.doInit";
    if (auto fn = syms.find(runner)) {
        e_.add_code_hook(*fn, *fn, [this](uint64_t) { on_task(arg(0)); });
        for (const auto& c : calls_in(e_, syms, *fn)) {
            if (!c.reg) continue;
            cpu::Reg reg = *c.reg;
            hook_call_span(c.at, c.next, [this, reg](uint64_t) { return package_row(e_.reg(reg)); });
        }
    }
    if (auto malloc = syms.find("runtime.mallocgc")) {
        e_.add_code_hook(*malloc, *malloc, [this](uint64_t pc) { on_malloc(pc); });
        // From go1.27 the compiler calls mallocgc's clones specialised per size class directly
        // (mallocgcSmallNoScanSC2 ...; same arguments); mallocgc also dispatches to them for small
        // sizes, and those calls were counted at mallocgc's entry already.
        const loader::Symbol* mallocgc = syms.function_at(*malloc);
        if (prog.pclntab)
            for (const auto& fn : prog.pclntab->functions()) {
                std::string_view n = fn.name;
                bool specialised = n.rfind("runtime.mallocgc", 0) == 0 && n.find("SC") != std::string_view::npos &&
                                   n.find("SlowPath") == std::string_view::npos;
                if (!specialised) continue;
                uint64_t entry = fn.entry;  // the table is relocated to guest addresses
                e_.add_code_hook(entry, entry, [this, &syms, mallocgc](uint64_t pc) {
                    uint64_t ret = 0;
                    e_.try_read(guest::Addr(e_.reg(cpu::Reg::rsp)), &ret, 8);
                    if (syms.function_at(ret) != mallocgc) on_malloc(pc);
                });
            }
    }
}

uint64_t InitProfiler::arg(int n) const {
    static constexpr cpu::Reg kArgs[] = {cpu::Reg::rax, cpu::Reg::rbx, cpu::Reg::rcx};
    if (register_abi_) return e_.reg(kArgs[n]);
    uint64_t v = 0;
    e_.try_read(guest::Ptr<uint64_t>(e_.reg(cpu::Reg::rsp)) + 1 + static_cast<uint64_t>(n), &v, 8);
    return v;
}

void InitProfiler::on_task(uint64_t task_addr) {
    EngineView view(e_);
    auto task = model::read_init_task(view, task_addr, layout_);
    if (!task || task->state != 0 || task->fns.empty()) return;
    const loader::Symbol* first = s_.program().symbols.function_at(task->fns.front());
    if (!first) return;
    std::string pkg(model::function_package(loader::plain_name(first->name)));
    for (uint64_t fn : task->fns) task_of_fn_[fn] = pkg;
}

void InitProfiler::on_malloc(uint64_t) {
    uint64_t size = arg(0), typ = arg(1);
    if (size == 0) return;
    uint64_t ptrdata = 0;  // _type.ptrdata (abi.Type.PtrBytes): the second word in every release
    bool noscan = typ == 0 || (e_.try_read(guest::Addr(typ + 8), &ptrdata, 8) && ptrdata == 0);
    ThreadCounters& t = threads_[s_.process().current_tid()];
    uint64_t bytes = model::inittrace_counted_bytes(size, noscan, t.tiny, malloc_header_);
    ++t.allocs;
    t.bytes += bytes;
    if (init_g_ && current_g() == init_g_) ++t.g_allocs, t.g_bytes += bytes;
}

uint64_t InitProfiler::current_g() const {
    // Go code keeps g in R14 from go1.17 (the register ABI); before, in the TLS slot at -8(FS).
    if (register_abi_) return e_.reg(cpu::Reg::r14);
    uint64_t g = 0;
    e_.try_read(guest::Addr(e_.reg(cpu::Reg::fs_base) - 8), &g, 8);
    return g;
}

bool InitProfiler::is_package(const InitRow* row) const { return !row->phase.empty(); }

InitRow* InitProfiler::phase_row(const std::string& name) {
    for (auto& r : phases_)
        if (r->name == name) return r.get();
    phases_.push_back(std::make_unique<InitRow>(InitRow{name, "", 0, {}}));
    return phases_.back().get();
}

InitRow* InitProfiler::package_row(uint64_t fn) {
    std::string pkg;
    if (auto it = task_of_fn_.find(fn); it != task_of_fn_.end()) {
        pkg = it->second;
    } else if (const loader::Symbol* s = s_.program().symbols.function_at(fn)) {
        pkg = std::string(model::function_package(loader::plain_name(s->name)));
    } else {
        pkg = fmt::format("{:#x}", fn);
    }
    auto [it, added] = package_by_name_.try_emplace(pkg, nullptr);
    if (added) {
        packages_.push_back(std::make_unique<InitRow>(InitRow{pkg, current_phase_, 0, {}}));
        it->second = packages_.back().get();
    }
    ++it->second->fns;
    return it->second;
}

InitCost InitProfiler::counters(int tid, uint64_t now, bool goroutine_only) const {
    InitCost c;
    c.insns = clock_.at(tid, s_.process().current_tid(), now);
    if (auto it = threads_.find(tid); it != threads_.end()) {
        const ThreadCounters& t = it->second;
        c.bytes = goroutine_only ? t.g_bytes : t.bytes, c.allocs = goroutine_only ? t.g_allocs : t.allocs;
        c.syscalls = t.syscalls, c.threads = t.threads;
    }
    return c;
}

void InitProfiler::enter(InitRow* row, int tid, uint64_t now) {
    if (row->phase.empty() && row->name != "main.main") current_phase_ = row->name;
    open_.push_back({row, tid, counters(tid, now, is_package(row))});
}

void InitProfiler::leave(int tid, uint64_t now) {
    // The innermost row this thread entered (rows of other threads stay open).
    auto it = std::find_if(open_.rbegin(), open_.rend(), [tid](const Open& o) { return o.tid == tid; });
    if (it == open_.rend()) return;
    InitCost now_c = counters(tid, now, is_package(it->row)), d;
    d.insns = now_c.insns - it->at.insns, d.bytes = now_c.bytes - it->at.bytes, d.allocs = now_c.allocs - it->at.allocs;
    d.syscalls = now_c.syscalls - it->at.syscalls, d.threads = now_c.threads - it->at.threads;
    it->row->cost += d;
    open_.erase(std::next(it).base());
}

void InitProfiler::hook_call_span(uint64_t call, uint64_t next, std::function<InitRow*(uint64_t)> row) {
    e_.add_code_hook(call, call, [this, row](uint64_t pc) {
        enter(row(pc), s_.process().current_tid(), e_.instructions_before(pc));
    });
    e_.add_code_hook(next, next, [this](uint64_t pc) { leave(s_.process().current_tid(), e_.instructions_before(pc)); });
}

InitProfile InitProfiler::finish(const linux::ExitInfo& exit) {
    // What is still open (main.main, a phase the program exited in) ends with the run.
    while (!open_.empty()) leave(open_.back().tid, e_.instructions());
    InitProfile p;
    session::Program& prog = s_.program();
    p.program = prog.path();
    p.go_version = prog.go ? prog.go->version : "";
    p.task_layout = std::string(model::init_task_layout_name(layout_));
    for (const char* name : kInitPhases)
        for (const auto& r : phases_)
            if (r->name == name) p.phases.push_back(*r);
    for (const auto& r : packages_) p.packages.push_back(*r);
    p.reached_main = reached_main_;
    p.syscalls_before_main = syscalls_before_main_;
    for (const auto& h : s_.milestones().hits()) {
        p.milestones.push_back({h.name, h.insn, h.thread});
        if (h.name == "main.main") p.main_main_insn = h.insn;
    }
    p.exit_status = exit.exit_status();
    return p;
}

}  // namespace gostart::app
