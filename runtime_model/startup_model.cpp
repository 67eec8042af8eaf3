#include "runtime_model/startup_model.h"

#include <fmt/format.h>

#include <cstdlib>
#include <cstring>

namespace gostart::model {

const char* milestone_name(Milestone m) {
    switch (m) {
        case Milestone::settls: return "runtime.settls";
        case Milestone::check: return "runtime.check";
        case Milestone::args: return "runtime.args";
        case Milestone::osinit: return "runtime.osinit";
        case Milestone::schedinit: return "runtime.schedinit";
        case Milestone::newproc: return "runtime.newproc";
        case Milestone::mstart: return "runtime.mstart";
        case Milestone::runtime_main: return "runtime.main";
        case Milestone::main_main: return "main.main";
        case Milestone::exit: return "exit";
    }
    return "?";
}

std::vector<Milestone> all_milestones() {
    return {Milestone::settls, Milestone::check, Milestone::args, Milestone::osinit, Milestone::schedinit,
            Milestone::newproc, Milestone::mstart, Milestone::runtime_main, Milestone::main_main, Milestone::exit};
}

StartupModel::StartupModel(ModelInputs in) : in_(std::move(in)), rules_(rules_for(in_.version)) {}

uint64_t StartupModel::g0_stack_hi() const {
    // _rt0_amd64 passes argv = entry_sp + 8 and jumps to rt0_go with SP = entry_sp (no call pushed).
    return (in_.entry_sp - rules_.rt0_frame) & ~uint64_t(15);
}

uint64_t StartupModel::g0_stack_lo() const { return g0_stack_hi() - rules_.g0_stack_span; }

int StartupModel::gomaxprocs() const {
    // schedinit: procs := ncpu; if n, ok := atoi32(gogetenv("GOMAXPROCS")); ok && n > 0 { procs = n }
    if (in_.gomaxprocs_env) {
        const std::string& s = *in_.gomaxprocs_env;
        char* end = nullptr;
        long n = std::strtol(s.c_str(), &end, 10);
        if (!s.empty() && end && *end == 0 && n > 0 && n <= 1 << 20) return static_cast<int>(n);
    }
    return in_.cpus;
}

namespace {

// Small builders so each prediction reads as one line.
FieldRef field(std::string object, std::string type, std::string path) {
    std::string label = object + "." + path;
    return FieldRef{std::move(object), std::move(type), std::move(path), 8, 0, std::move(label)};
}
FieldRef var(const std::string& name, uint64_t size, uint64_t offset = 0, std::string label = {}) {
    return FieldRef{"var:" + name, "", "", size, offset, label.empty() ? name : label};
}
Expected num(uint64_t v) { return Expected{v, {}, false}; }
Expected addr(uint64_t v) { return Expected{v, {}, true}; }
Expected addr_of(std::string object) { return Expected{std::nullopt, std::move(object), true}; }

}  // namespace

std::vector<Expectation> StartupModel::predict(Milestone m) const {
    std::vector<Expectation> out;
    const VersionRules& r = rules_;
    auto sym = [&](const char* n) { return in_.symbol(n).value_or(0); };
    uint64_t m0 = sym("runtime.m0"), g0 = sym("runtime.g0");
    uint64_t hi = g0_stack_hi(), lo = g0_stack_lo();
    int procs = gomaxprocs();

    switch (m) {
        case Milestone::settls: {
            out.push_back({field("g0", "g", "stack.hi"), addr(hi),
                           fmt::format("SP at rt0_go's entry ({:#x}, the loader's stack pointer) less the frame, "
                                       "16-aligned: {}", in_.entry_sp, r.rt0_frame_why)});
            out.push_back({field("g0", "g", "stack.lo"), addr(lo), "stack.hi less the g0 stack: " + r.g0_stack_why});
            out.push_back({field("g0", "g", "stackguard0"), addr(lo), "rt0_go: MOVQ BX, g_stackguard0(DI) with BX = stack.lo"});
            out.push_back({field("g0", "g", "stackguard1"), addr(lo), "rt0_go: MOVQ BX, g_stackguard1(DI) with BX = stack.lo"});
            out.push_back({FieldRef{"fs", "", "", 8, 0, "fs_base"}, Expected{std::nullopt, "&m0.tls+8", true},
                           "settls(&m0.tls) adds 8 and calls arch_prctl(ARCH_SET_FS): g lives at -8(FS) = m0.tls[0]"});
            break;
        }
        case Milestone::check:
            out.push_back({field("m0", "m", "tls"), addr(g0), "rt0_go: get_tls(BX); MOVQ CX, g(BX) with CX = &g0"});
            out.push_back({FieldRef{"curg", "", "", 8, 0, "-8(FS)"}, addr(g0),
                           "the same store seen through the FS base: g is at -8(FS)"});
            out.push_back({field("m0", "m", "g0"), addr(g0), "rt0_go: MOVQ CX, m_g0(AX) — m0.g0 = &g0"});
            out.push_back({field("g0", "g", "m"), addr(m0), "rt0_go: MOVQ AX, g_m(CX) — g0.m = &m0"});
            break;
        case Milestone::args: {
            out.push_back({var("runtime.argc", 4), num(in_.argc), "args(argc, argv) stores the argc the kernel put at the entry SP"});
            out.push_back({var("runtime.argv", 8), addr(in_.argv), "args stores argv = entry SP + 8"});
            out.push_back({var("runtime.physPageSize", 8), num(in_.page_size), "sysargs → sysauxv: AT_PAGESZ"});
            out.push_back({var(r.random_var, 8, 0, r.random_var + ".ptr"), addr(in_.random_addr),
                           "sysauxv: AT_RANDOM points at 16 random bytes the kernel (here: --seed) provided"});
            out.push_back({var(r.random_var, 8, 8, r.random_var + ".len"), num(16), "AT_RANDOM is 16 bytes"});
            uint64_t lo8 = 0, hi8 = 0;
            std::memcpy(&lo8, in_.random.data(), 8);
            std::memcpy(&hi8, in_.random.data() + 8, 8);
            out.push_back({FieldRef{fmt::format("mem:{:#x}", in_.random_addr), "", "", 8, 0, "random[0:8]"}, addr(lo8),
                           "the bytes at AT_RANDOM are the loader's, derived from --seed"});
            out.push_back({FieldRef{fmt::format("mem:{:#x}", in_.random_addr), "", "", 8, 8, "random[8:16]"}, addr(hi8),
                           "the bytes at AT_RANDOM are the loader's, derived from --seed"});
            break;
        }
        case Milestone::osinit:
            out.push_back({var(r.ncpu_var, 4), num(static_cast<uint64_t>(in_.cpus)),
                           "osinit: getproccount() counts the bits sched_getaffinity returned (--cpus)"});
            out.push_back({var("runtime.physHugePageSize", 8), num(in_.huge_page_size),
                           "osinit: read from /sys/kernel/mm/transparent_hugepage/hpage_pmd_size"});
            break;
        case Milestone::schedinit: {
            out.push_back({field("sched", "schedt", "maxmcount"), num(r.max_mcount), "schedinit: sched.maxmcount = 10000"});
            out.push_back({field("m0", "m", "id"), num(0), "mcommoninit(m0): the first M id from mReserveID"});
            out.push_back({field("sched", "schedt", "mnext"), num(1), "mReserveID: sched.mnext++ after m0 took id 0"});
            out.push_back({var("runtime.gomaxprocs", 4), num(static_cast<uint64_t>(procs)),
                           in_.gomaxprocs_env ? "schedinit: procs = GOMAXPROCS from the environment"
                                              : "schedinit: procs = ncpu (GOMAXPROCS not set)"});
            out.push_back({var("runtime.allp", 8, 8, "len(allp)"), num(static_cast<uint64_t>(procs)),
                           "procresize(procs) grows allp to procs Ps"});
            out.push_back({field("allp[0]", "p", "status"), num(r.p_running), "procresize: acquirep(allp[0]) — m0 runs on P 0"});
            out.push_back({field("allp[0]", "p", "m"), addr(m0), "acquirep wires allp[0].m = &m0"});
            out.push_back({field("m0", "m", "p"), addr_of("allp[0]"), "acquirep wires m0.p = allp[0]"});
            for (int i = 1; i < procs; ++i) {
                std::string pi = fmt::format("allp[{}]", i);
                out.push_back({field(pi, "p", "status"), num(r.p_idle), "procresize: every P but m0's is put idle"});
                out.push_back({field(pi, "p", "id"), num(static_cast<uint64_t>(i)), "procresize: pp.init(i) sets id = index"});
                // The idle list runs allp[1] -> allp[2] -> ... (until 1.25) or allp[n-1] -> allp[n-2] -> ... (1.26+).
                int next = r.idle_ps_ascending ? i - 1 : i + 1;
                out.push_back({field(pi, "p", "link"),
                               next >= 1 && next < procs ? addr_of(fmt::format("allp[{}]", next)) : addr(0), r.idle_ps_why});
            }
            out.push_back({field("sched", "schedt", "npidle"), num(static_cast<uint64_t>(procs - 1)),
                           "procresize: pidleput for each of the procs-1 idle Ps"});
            int head = r.idle_ps_ascending ? procs - 1 : 1;
            out.push_back({field("sched", "schedt", "pidle"), procs > 1 ? addr_of(fmt::format("allp[{}]", head)) : addr(0),
                           fmt::format("pidleput pushes on the front: allp[{}] was put last", head)});
            out.push_back({field("g0", "g", "atomicstatus"), num(r.g_idle), "g0's status is never set: it stays _Gidle (0)"});
            out.push_back({var("runtime.allglen", 8), num(0), "no goroutine has been created yet"});
            break;
        }
        case Milestone::newproc: {
            out.push_back({var("runtime.allglen", 8), num(1), "newproc1 → allgadd(newg): the first goroutine"});
            out.push_back({field("allp[0]", "p", "runnext"), addr_of("g1"), "runqput(pp, newg, next=true) in newproc"});
            out.push_back({field("g1", "g", "goid"), num(1), "the first goid of the first batch (sched.goidgen was 0)"});
            out.push_back({field("g1", "g", "atomicstatus"), num(r.g_runnable), "newproc1: casgstatus(newg, _Gdead, _Grunnable)"});
            out.push_back({field("g1", "g", "startpc"), addr(sym("runtime.main")), "newproc(mainPC): startpc = runtime.main"});
            out.push_back({field("g1", "g", "sched.pc"), addr(sym("runtime.main")), "gostartcallfn: buf.pc = fn"});
            out.push_back({FieldRef{"deref:g1.sched.sp", "", "", 8, 0, "*g1.sched.sp"}, addr(sym("runtime.goexit") + 1),
                           "gostartcall pushes goexit+PCQuantum as the return address"});
            out.push_back({field("g1", "g", "stack.hi"), Expected{std::nullopt, "g1.stack.lo+" + std::to_string(r.fixed_stack), true},
                           fmt::format("malg(_StackMin): a {}-byte stack", r.fixed_stack)});
            out.push_back({field("g1", "g", "stackguard0"),
                           Expected{std::nullopt, "g1.stack.lo+" + std::to_string(r.stack_guard), true},
                           "malg: stackguard0 = stack.lo + " + r.stack_guard_why});
            out.push_back({field("sched", "schedt", "goidgen"), num(r.goid_batch),
                           "newproc1: p.goidcache refilled with a batch of _GoidCacheBatch goids"});
            out.push_back({field("allp[0]", "p", "goidcache"), num(2), "goid 1 taken from the batch [1, 17)"});
            out.push_back({field("allp[0]", "p", "goidcacheend"), num(r.goid_batch + 1), "the batch ends at goidgen + 1"});
            break;
        }
        case Milestone::mstart:
            // mstart never returns: its effects are checked when runtime.main is entered on g1.
            out.push_back({field("g0", "g", "stackguard0"), addr(lo + r.stack_guard), "mstart0: stackguard0 = stack.lo + " + r.stack_guard_why});
            out.push_back({field("g0", "g", "stackguard1"), addr(lo + r.stack_guard), "mstart0: stackguard1 = stackguard0"});
            out.push_back({field("m0", "m", "procid"), num(static_cast<uint64_t>(in_.main_tid)), "mstart1 → minit: procid = gettid() of the main thread"});
            break;
        case Milestone::runtime_main:
            out.push_back({field("m0", "m", "curg"), addr_of("g1"), "schedule → execute(g1): m0.curg = g1"});
            out.push_back({field("g1", "g", "m"), addr(m0), "execute: g1.m = m0"});
            out.push_back({field("g1", "g", "atomicstatus"), num(r.g_running), "execute: casgstatus(g1, _Grunnable, _Grunning)"});
            out.push_back({field("allp[0]", "p", "runnext"), addr(0), "runqget took g1 from runnext"});
            out.push_back({FieldRef{"curg", "", "", 8, 0, "-8(FS)"}, addr_of("g1"), "gogo(&g1.sched) installs g1 as the current g"});
            break;
        case Milestone::main_main: {
            out.push_back({var("runtime.mainStarted", 1), num(1), "runtime.main: mainStarted = true before starting sysmon"});
            out.push_back({FieldRef{"deref:m[id=1].mstartfn", "", "", 8, 0, "*m[id=1].mstartfn"}, addr(sym("runtime.sysmon")),
                           "runtime.main: newm(sysmon, nil, -1) — the first M after m0 gets id 1; mstartfn is a funcval"});
            out.push_back({FieldRef{"curg", "", "", 8, 0, "-8(FS)"}, addr_of("g1"), "main.main runs on the main goroutine"});
            out.push_back({field("g1", "g", "goid"), num(1), "the main goroutine keeps goid 1"});
            out.push_back({field("m0", "m", "curg"), addr_of("g1"), "main.main runs on m0"});
            break;
        }
        case Milestone::exit:
            break;
    }
    return out;
}

std::vector<Expectation> StartupModel::predict_exit(ExitPath path) const {
    FieldRef status{"exit", "", "", 4, 0, "exit status"};
    switch (path) {
        case ExitPath::main_returned:
            return {{status, num(0), "main.main returned: runtime.main calls exit(0)"}};
        case ExitPath::fatal_panic:
            return {{status, num(2), "an unrecovered panic: fatalpanic → exit(2)"}};
        case ExitPath::other:
            return {};
    }
    return {};
}

}  // namespace gostart::model
