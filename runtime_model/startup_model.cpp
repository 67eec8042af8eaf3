#include "runtime_model/startup_model.h"

#include <fmt/format.h>

#include <cstdlib>
#include <cstring>

namespace gostart::model {

std::vector<Milestone> all_milestones() {
    std::vector<Milestone> out;
    for (const MilestoneInfo& m : kMilestones)
        if (m.id) out.push_back(*m.id);
    return out;
}

StartupModel::StartupModel(ModelInputs in) : in_(std::move(in)), rules_(rules_for(in_.version)) {}

uint64_t StartupModel::g0_stack_hi() const {
    // _rt0_amd64 passes argv = entry_sp + 8 and jumps to rt0_go with SP = entry_sp (no call pushed).
    return (in_.entry_sp - rules_.rt0_frame) & ~uint64_t(15);
}

std::vector<Milestone> StartupModel::milestones() const {
    std::vector<Milestone> out;
    for (const MilestoneInfo& m : kMilestones)
        if (m.id && (in_.cgo ? m.cgo_path : m.plain_path)) out.push_back(*m.id);
    return out;
}

uint64_t StartupModel::g0_initial_lo() const { return g0_stack_hi() - rules_.g0_stack_span; }

uint64_t StartupModel::g0_stack_lo() const {
    if (!in_.cgo) return g0_initial_lo();
    // x_cgo_init: the bottom of a default-sized pthread stack whose top is x_cgo_init's own frame.
    // glibc's default pthread stack size is RLIMIT_STACK rounded up to pages (ARCH_STACK_DEFAULT_SIZE,
    // 2 MiB on x86-64, when unlimited).
    uint64_t size = in_.stack_rlimit == ~uint64_t(0) ? (2ull << 20) : (in_.stack_rlimit + in_.page_size - 1) & ~(in_.page_size - 1);
    return g0_stack_hi() - rules_.cgo_frame_below_hi - size + rules_.cgo_stack_pad;
}

int64_t StartupModel::g_tls_offset() const {
    if (!in_.cgo) return -8;
    // glibc, TLS variant II (x86-64): the executable's block is the first below the thread pointer, at
    // off = roundup(memsz - firstbyte, align) + firstbyte with firstbyte = -vaddr mod align (elf/dl-tls.c
    // _dl_determine_tlsoffset, in size_t arithmetic); a TLS symbol is at tp - off + its value.
    uint64_t align = in_.tls_align ? in_.tls_align : 1;
    uint64_t firstbyte = (0 - in_.tls_vaddr) & (align - 1);
    uint64_t off = (in_.tls_memsz - firstbyte + align - 1) / align * align + firstbyte;
    return static_cast<int64_t>(in_.tlsg_value) - static_cast<int64_t>(off);
}

int StartupModel::m_id_of_sysmon() const { return in_.cgo ? 2 : 1; }

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
using O = RuntimeObject;
FieldRef field(RuntimeObject object, std::string path) {
    std::string label = object.name() + "." + path;
    return FieldRef{place::Field{object, std::move(path)}, std::move(label)};
}
FieldRef var(const std::string& name, uint64_t size, uint64_t offset = 0, std::string label = {}) {
    return FieldRef{place::Global{name, size, offset}, label.empty() ? name : label};
}
Expected num(uint64_t v) { return Expected{expect::Value{v}, false}; }
Expected addr(uint64_t v) { return Expected{expect::Value{v}, true}; }
Expected addr_of(RuntimeObject object) { return Expected{expect::AddressOf{object}, true}; }
Expected field_plus(RuntimeObject object, std::string path, uint64_t plus) {
    return Expected{expect::FieldPlus{object, std::move(path), plus}, true};
}

}  // namespace

std::vector<Expectation> StartupModel::predict(Milestone m) const {
    std::vector<Expectation> out;
    const VersionRules& r = rules_;
    auto sym = [&](const char* n) { return in_.symbol(n).value_or(0); };
    uint64_t m0 = sym("runtime.m0"), g0 = sym("runtime.g0");
    uint64_t hi = g0_stack_hi(), lo = g0_stack_lo();
    int procs = gomaxprocs();
    int64_t goff = g_tls_offset();
    // The current g, as the runtime reads it: `MOVQ g(TLS), R` is FS + g_tls_offset.
    FieldRef curg{place::FsRelative{goff}, fmt::format("{}(FS)", goff)};
    std::string g_slot_why = in_.cgo ? fmt::format("g lives at FS{:+} in glibc's static TLS (runtime.tlsg in PT_TLS)", goff)
                                     : std::string("g is at -8(FS)");

    switch (m) {
        case Milestone::settls: {
            out.push_back({field(O::g0(), "stack.hi"), addr(hi),
                           fmt::format("SP at rt0_go's entry ({:#x}, the loader's stack pointer) less the frame, "
                                       "16-aligned: {}", in_.entry_sp, r.rt0_frame_why)});
            out.push_back({field(O::g0(), "stack.lo"), addr(lo), "stack.hi less the g0 stack: " + r.g0_stack_why});
            out.push_back({field(O::g0(), "stackguard0"), addr(lo), "rt0_go: MOVQ BX, g_stackguard0(DI) with BX = stack.lo"});
            out.push_back({field(O::g0(), "stackguard1"), addr(lo), "rt0_go: MOVQ BX, g_stackguard1(DI) with BX = stack.lo"});
            out.push_back({FieldRef{place::FsBase{}, "fs_base"}, Expected{expect::FieldAddress{O::m0(), "tls", 8}, true},
                           "settls(&m0.tls) adds 8 and calls arch_prctl(ARCH_SET_FS): g lives at -8(FS) = m0.tls[0]"});
            if (in_.symbol("runtime.iscgo"))
                out.push_back({var("runtime.iscgo", 1), num(0), "runtime/cgo is not linked: iscgo stays false"});
            break;
        }
        case Milestone::cgo_init: {
            uint64_t lo0 = g0_initial_lo();
            out.push_back({field(O::g0(), "stack.hi"), addr(hi),
                           fmt::format("SP at rt0_go's entry ({:#x}, where glibc's __libc_start_main called main) less the "
                                       "frame, 16-aligned: {}", in_.entry_sp, r.rt0_frame_why)});
            out.push_back({field(O::g0(), "stack.lo"), addr(lo), r.cgo_why});
            out.push_back({field(O::g0(), "stackguard0"), addr(lo0),
                           "rt0_go set stack.lo's first guess (" + r.g0_stack_why + "); it moves the guards only after the call"});
            out.push_back({field(O::g0(), "stackguard1"), addr(lo0), "as stackguard0"});
            out.push_back({FieldRef{place::FsRelative{0}, "*(FS+0)"}, Expected{expect::FsBase{}, true},
                           "ld.so set the thread pointer before the program ran: the x86-64 TLS ABI wants the word at FS:0 to point at itself"});
            out.push_back({curg, addr(0), g_slot_why + ", still zero (.tbss) until rt0_go stores &g0"});
            if (in_.symbol("runtime.iscgo"))
                out.push_back({var("runtime.iscgo", 1), num(1), "runtime/cgo sets iscgo = true (static data)"});
            break;
        }
        case Milestone::check:
            if (in_.cgo) {
                out.push_back({field(O::m0(), "tls"), addr(0), "with cgo settls never runs: m0.tls is not where g lives"});
                out.push_back({curg, addr(g0), "rt0_go: get_tls(BX); MOVQ CX, g(BX) with CX = &g0: " + g_slot_why});
                out.push_back({field(O::g0(), "stackguard0"), addr(lo + r.stack_guard),
                               "rt0_go after _cgo_init: stackguard0 = stack.lo + " + r.stack_guard_why});
                out.push_back({field(O::g0(), "stackguard1"), addr(lo + r.stack_guard), "rt0_go after _cgo_init: as stackguard0"});
            } else {
                out.push_back({field(O::m0(), "tls"), addr(g0), "rt0_go: get_tls(BX); MOVQ CX, g(BX) with CX = &g0"});
                out.push_back({curg, addr(g0), "the same store seen through the FS base: g is at -8(FS)"});
            }
            out.push_back({field(O::m0(), "g0"), addr(g0), "rt0_go: MOVQ CX, m_g0(AX) — m0.g0 = &g0"});
            out.push_back({field(O::g0(), "m"), addr(m0), "rt0_go: MOVQ AX, g_m(CX) — g0.m = &m0"});
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
            out.push_back({FieldRef{place::Memory{guest::Addr(in_.random_addr), 8}, "random[0:8]"}, addr(lo8),
                           "the bytes at AT_RANDOM are the loader's, derived from --seed"});
            out.push_back({FieldRef{place::Memory{guest::Addr(in_.random_addr + 8), 8}, "random[8:16]"}, addr(hi8),
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
            out.push_back({field(O::sched(), "maxmcount"), num(r.max_mcount), "schedinit: sched.maxmcount = 10000"});
            out.push_back({field(O::m0(), "id"), num(0), "mcommoninit(m0): the first M id from mReserveID"});
            out.push_back({field(O::sched(), "mnext"), num(1), "mReserveID: sched.mnext++ after m0 took id 0"});
            out.push_back({var("runtime.gomaxprocs", 4), num(static_cast<uint64_t>(procs)),
                           in_.gomaxprocs_env ? "schedinit: procs = GOMAXPROCS from the environment"
                                              : "schedinit: procs = ncpu (GOMAXPROCS not set)"});
            out.push_back({var("runtime.allp", 8, 8, "len(allp)"), num(static_cast<uint64_t>(procs)),
                           "procresize(procs) grows allp to procs Ps"});
            out.push_back({field(O::allp(0), "status"), num(r.p_running), "procresize: acquirep(allp[0]) — m0 runs on P 0"});
            out.push_back({field(O::allp(0), "m"), addr(m0), "acquirep wires allp[0].m = &m0"});
            out.push_back({field(O::m0(), "p"), addr_of(O::allp(0)), "acquirep wires m0.p = allp[0]"});
            for (int i = 1; i < procs; ++i) {
                out.push_back({field(O::allp(i), "status"), num(r.p_idle), "procresize: every P but m0's is put idle"});
                out.push_back({field(O::allp(i), "id"), num(static_cast<uint64_t>(i)), "procresize: pp.init(i) sets id = index"});
                // The idle list runs allp[1] -> allp[2] -> ... (until 1.25) or allp[n-1] -> allp[n-2] -> ... (1.26+).
                int next = r.idle_ps_ascending ? i - 1 : i + 1;
                out.push_back({field(O::allp(i), "link"),
                               next >= 1 && next < procs ? addr_of(O::allp(static_cast<uint64_t>(next))) : addr(0), r.idle_ps_why});
            }
            out.push_back({field(O::sched(), "npidle"), num(static_cast<uint64_t>(procs - 1)),
                           "procresize: pidleput for each of the procs-1 idle Ps"});
            int head = r.idle_ps_ascending ? procs - 1 : 1;
            out.push_back({field(O::sched(), "pidle"), procs > 1 ? addr_of(O::allp(static_cast<uint64_t>(head))) : addr(0),
                           fmt::format("pidleput pushes on the front: allp[{}] was put last", head)});
            out.push_back({field(O::g0(), "atomicstatus"), num(r.g_idle), "g0's status is never set: it stays _Gidle (0)"});
            out.push_back({var("runtime.allglen", 8), num(0), "no goroutine has been created yet"});
            break;
        }
        case Milestone::newproc: {
            out.push_back({var("runtime.allglen", 8), num(1), "newproc1 → allgadd(newg): the first goroutine"});
            out.push_back({field(O::allp(0), "runnext"), addr_of(O::g1()), "runqput(pp, newg, next=true) in newproc"});
            out.push_back({field(O::g1(), "goid"), num(1), "the first goid of the first batch (sched.goidgen was 0)"});
            out.push_back({field(O::g1(), "atomicstatus"), num(r.g_runnable), "newproc1: casgstatus(newg, _Gdead, _Grunnable)"});
            out.push_back({field(O::g1(), "startpc"), addr(sym("runtime.main")), "newproc(mainPC): startpc = runtime.main"});
            out.push_back({field(O::g1(), "sched.pc"), addr(sym("runtime.main")), "gostartcallfn: buf.pc = fn"});
            out.push_back({FieldRef{place::Deref{O::g1(), "sched.sp"}, "*g1.sched.sp"}, addr(sym("runtime.goexit") + 1),
                           "gostartcall pushes goexit+PCQuantum as the return address"});
            out.push_back({field(O::g1(), "stack.hi"), field_plus(O::g1(), "stack.lo", r.fixed_stack),
                           fmt::format("malg(_StackMin): a {}-byte stack", r.fixed_stack)});
            out.push_back({field(O::g1(), "stackguard0"),
                           field_plus(O::g1(), "stack.lo", r.stack_guard),
                           "malg: stackguard0 = stack.lo + " + r.stack_guard_why});
            out.push_back({field(O::sched(), "goidgen"), num(r.goid_batch),
                           "newproc1: p.goidcache refilled with a batch of _GoidCacheBatch goids"});
            out.push_back({field(O::allp(0), "goidcache"), num(2), "goid 1 taken from the batch [1, 17)"});
            out.push_back({field(O::allp(0), "goidcacheend"), num(r.goid_batch + 1), "the batch ends at goidgen + 1"});
            break;
        }
        case Milestone::mstart:
            // mstart never returns: its effects are checked when runtime.main is entered on g1.
            out.push_back({field(O::g0(), "stackguard0"), addr(lo + r.stack_guard), "mstart0: stackguard0 = stack.lo + " + r.stack_guard_why});
            out.push_back({field(O::g0(), "stackguard1"), addr(lo + r.stack_guard), "mstart0: stackguard1 = stackguard0"});
            out.push_back({field(O::m0(), "procid"), num(static_cast<uint64_t>(in_.main_tid)), "mstart1 → minit: procid = gettid() of the main thread"});
            break;
        case Milestone::runtime_main:
            out.push_back({field(O::m0(), "curg"), addr_of(O::g1()), "schedule → execute(g1): m0.curg = g1"});
            out.push_back({field(O::g1(), "m"), addr(m0), "execute: g1.m = m0"});
            out.push_back({field(O::g1(), "atomicstatus"), num(r.g_running), "execute: casgstatus(g1, _Grunnable, _Grunning)"});
            out.push_back({field(O::allp(0), "runnext"), addr(0), "runqget took g1 from runnext"});
            out.push_back({curg, addr_of(O::g1()), "gogo(&g1.sched) installs g1 as the current g"});
            break;
        case Milestone::main_main: {
            out.push_back({var("runtime.mainStarted", 1), num(1), "runtime.main: mainStarted = true before starting sysmon"});
            int id = m_id_of_sysmon();
            RuntimeObject m = O::m_with_id(static_cast<uint64_t>(id));
            out.push_back({FieldRef{place::Deref{m, "mstartfn"}, "*" + m.name() + ".mstartfn"}, addr(sym("runtime.sysmon")),
                           in_.cgo ? "runtime.main: newm(sysmon, nil, -1) — with cgo, mstart1 → mstartm0 → newextram already "
                                     "took id 1 for the extra M that C callbacks use, so sysmon's M gets id 2; mstartfn is a funcval"
                                   : "runtime.main: newm(sysmon, nil, -1) — the first M after m0 gets id 1; mstartfn is a funcval"});
            out.push_back({curg, addr_of(O::g1()), "main.main runs on the main goroutine"});
            out.push_back({field(O::g1(), "goid"), num(1), "the main goroutine keeps goid 1"});
            out.push_back({field(O::m0(), "curg"), addr_of(O::g1()), "main.main runs on m0"});
            break;
        }
        case Milestone::exit:
            break;
    }
    return out;
}

std::vector<Expectation> StartupModel::predict_exit(ExitPath path) const {
    FieldRef status{place::ExitStatus{}, "exit status"};
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
