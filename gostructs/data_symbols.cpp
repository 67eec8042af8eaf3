#include "gostructs/data_symbols.h"

#include <capstone/capstone.h>
#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <set>

namespace gostart::gostructs {

namespace {

// One RIP-relative memory operand of one instruction.
struct DataRef {
    uint64_t pc = 0;
    uint64_t target = 0;
    unsigned size = 0;         // bytes accessed (0 for LEA)
    bool lea = false;
    bool store = false;        // the memory operand is written
    std::optional<int64_t> imm;  // the immediate stored, for `MOV [mem], imm`
};

class FunctionRefs {
public:
    FunctionRefs(const loader::BinaryView& view, const loader::SymbolTable& fns, std::string_view name) {
        auto entry = fns.find(name);
        if (!entry) return;
        const loader::Symbol* f = fns.function_at(*entry);
        uint64_t size = f && f->addr == *entry && f->size ? f->size : 4096;
        auto code = view.bytes_at(*entry, size);
        if (code.empty()) return;
        decode(code, *entry);
    }
    const std::vector<DataRef>& refs() const { return refs_; }

    // The first reference matching `pred`, or nullopt.
    template <class Pred>
    std::optional<DataRef> first(Pred pred) const {
        for (const auto& r : refs_)
            if (pred(r)) return r;
        return std::nullopt;
    }

private:
    void decode(std::span<const uint8_t> code, uint64_t addr) {
        csh h;
        if (cs_open(CS_ARCH_X86, CS_MODE_64, &h) != CS_ERR_OK) return;
        cs_option(h, CS_OPT_DETAIL, CS_OPT_ON);
        cs_insn* insn = nullptr;
        size_t n = cs_disasm(h, code.data(), code.size(), addr, 0, &insn);
        for (size_t i = 0; i < n; ++i) add(insn[i]);
        if (n) cs_free(insn, n);
        cs_close(&h);
    }

    void add(const cs_insn& in) {
        const cs_x86& x = in.detail->x86;
        std::optional<int64_t> imm;
        for (uint8_t k = 0; k < x.op_count; ++k)
            if (x.operands[k].type == X86_OP_IMM) imm = x.operands[k].imm;
        for (uint8_t k = 0; k < x.op_count; ++k) {
            const cs_x86_op& op = x.operands[k];
            if (op.type != X86_OP_MEM || op.mem.base != X86_REG_RIP || op.mem.index != X86_REG_INVALID) continue;
            DataRef r;
            r.pc = in.address;
            r.target = in.address + in.size + static_cast<uint64_t>(op.mem.disp);
            r.lea = in.id == X86_INS_LEA;
            r.size = r.lea ? 0 : op.size;
            // Intel operand order: the destination is operand 0; XCHG writes both.
            r.store = !r.lea && (k == 0 || in.id == X86_INS_XCHG) && in.id != X86_INS_CMP && in.id != X86_INS_TEST;
            if (r.store) r.imm = imm;
            refs_.push_back(r);
        }
    }

    std::vector<DataRef> refs_;
};

class Recoverer {
public:
    Recoverer(const loader::BinaryView& view, const loader::SymbolTable& fns, const StructLayouts& l)
        : view_(view), fns_(fns), layouts_(l) {}

    void add(std::string name, std::optional<DataRef> r, uint64_t minus, std::string_view how) {
        if (!r || r->target < minus) return;
        out.push_back({std::move(name), r->target - minus, fmt::format("{} at {:#x}", how, r->pc)});
    }
    FunctionRefs refs(std::string_view fn) const { return FunctionRefs(view_, fns_, fn); }
    std::optional<uint64_t> offset(std::string_view type, std::string_view path) const {
        auto f = layouts_.field(type, path);
        return f ? std::optional<uint64_t>(f->offset) : std::nullopt;
    }

    std::vector<DataSymbol> out;

private:
    const loader::BinaryView& view_;
    const loader::SymbolTable& fns_;
    const StructLayouts& layouts_;
};

// rt0_go: `MOVQ $runtime·g0(SB), DI` is its first data reference in every release; m0 is the address t
// such that both t (`LEAQ runtime·m0(SB)`) and t + m_tls (`LEAQ runtime·m0+m_tls(SB)` for settls) occur.
void from_rt0_go(Recoverer& r) {
    auto fn = r.refs("runtime.rt0_go");
    r.add("runtime.g0", fn.first([](const DataRef& d) { return d.lea; }), 0, "rt0_go's first LEAQ");
    auto tls = r.offset("m", "tls");
    if (!tls) return;
    std::set<uint64_t> leas;
    for (const auto& d : fn.refs())
        if (d.lea || d.size == 8) leas.insert(d.target);
    r.add("runtime.m0", fn.first([&](const DataRef& d) { return d.lea && leas.count(d.target + *tls); }), 0,
          "rt0_go's LEAQ m0, paired with m0+m_tls");
}

void from_scheduler(Recoverer& r, uint64_t sched_size) {
    // schedinit: `sched.maxmcount = 10000`, an immediate store in every release.
    if (auto maxm = r.offset("schedt", "maxmcount"))
        r.add("runtime.sched", r.refs("runtime.schedinit").first([](const DataRef& d) {
            return d.store && d.size == 4 && d.imm == 10000; }), *maxm, "schedinit's sched.maxmcount = 10000");
    std::optional<uint64_t> sched;
    for (const auto& s : r.out)
        if (s.name == "runtime.sched") sched = s.addr;
    auto outside_sched = [&](uint64_t t) { return !sched || t < *sched || t >= *sched + sched_size; };

    // procresize begins with `old := gomaxprocs`; allp is the slice whose ptr, len and cap it all touches.
    auto pr = r.refs("runtime.procresize");
    r.add("runtime.gomaxprocs", pr.first([&](const DataRef& d) { return !d.lea && !d.store && d.size == 4 &&
          outside_sched(d.target); }), 0, "procresize's first 4-byte load");
    std::set<uint64_t> t;
    for (const auto& d : pr.refs()) t.insert(d.target);
    r.add("runtime.allp", pr.first([&](const DataRef& d) { return d.size == 8 && t.count(d.target + 8) &&
          t.count(d.target + 16) && outside_sched(d.target); }), 0, "procresize's slice header (ptr, len, cap)");

    // mcommoninit: `mp.alllink = allm; atomicstorep(&allm, mp)`: loaded, then its address taken.
    auto mc = r.refs("runtime.mcommoninit");
    std::set<uint64_t> lea_targets;
    for (const auto& d : mc.refs())
        if (d.lea) lea_targets.insert(d.target);
    r.add("runtime.allm", mc.first([&](const DataRef& d) { return !d.lea && !d.store && d.size == 8 &&
          lea_targets.count(d.target) && outside_sched(d.target); }), 0, "mcommoninit's load and LEAQ of allm");
}

void from_allgadd(Recoverer& r) {
    // allgadd: `lock(&allglock); allgs = append(allgs, gp); [allgptr = &allgs[0]]; allglen = len(allgs);
    // unlock(&allglock)`. allgs is the slice header it touches whole; allglock the first LEAQ (lock's argument);
    // allgptr (1.16+) the other 8-byte global it compares; allglen the one left, stored plainly (1.13-1.15)
    // or through a LEAQ for atomic.Storeuintptr's XCHGQ (1.16+).
    auto ag = r.refs("runtime.allgadd");
    std::set<uint64_t> at;
    for (const auto& d : ag.refs()) at.insert(d.target);
    auto allgs = ag.first([&](const DataRef& d) { return d.size == 8 && at.count(d.target + 8) && at.count(d.target + 16); });
    auto lock = ag.first([](const DataRef& d) { return d.lea; });
    if (!allgs || !lock) return;
    r.add("runtime.allgs", allgs, 0, "allgadd's slice header (ptr, len, cap)");
    auto in_allgs = [&](uint64_t t) { return t >= allgs->target && t < allgs->target + 24; };
    std::set<uint64_t> compared;  // allgptr: loaded by `&allgs[0] != allgptr`, never stored plainly
    for (const auto& d : ag.refs())
        if (!d.lea && !d.store && d.size == 8 && !in_allgs(d.target)) compared.insert(d.target);
    // The last candidate before unlock's LEAQ of allglock (code after it is cold paths: throw's string, growslice).
    std::optional<DataRef> len;
    for (const auto& d : ag.refs()) {
        if (d.lea && d.target == lock->target && d.pc != lock->pc) break;
        if ((d.lea || (d.store && d.size == 8)) && !in_allgs(d.target) && d.target != lock->target &&
            !compared.count(d.target))
            len = d;
    }
    r.add("runtime.allglen", len, 0, "allgadd's allglen = len(allgs)");
}

void from_start_up(Recoverer& r, int go_minor) {
    // args: `argc = c; argv = v`.
    auto args = r.refs("runtime.args");
    r.add("runtime.argc", args.first([](const DataRef& d) { return d.store && d.size == 4; }), 0, "args' argc = c");
    r.add("runtime.argv", args.first([](const DataRef& d) { return d.store && d.size == 8; }), 0, "args' argv = v");
    // osinit: `ncpu = getproccount(); physHugePageSize = getHugePageSize()` (numCPUStartup from 1.25).
    auto os = r.refs("runtime.osinit");
    r.add(go_minor >= 25 ? "runtime.numCPUStartup" : "runtime.ncpu",
          os.first([](const DataRef& d) { return d.store && d.size == 4; }), 0, "osinit's first 4-byte store");
    r.add("runtime.physHugePageSize", os.first([](const DataRef& d) { return d.store && d.size == 8; }), 0,
          "osinit's first 8-byte store");
    // sysauxv (sysargs when it is inlined): `startupRandomData = (*[16]byte)(unsafe.Pointer(val))[:]` stores the
    // constant 16 into the slice's len and cap; `physPageSize = val` is the one other 8-byte global store.
    auto aux = r.refs("runtime.sysauxv");
    if (aux.refs().empty()) aux = r.refs("runtime.sysargs");
    auto rand_len = aux.first([](const DataRef& d) { return d.store && d.size == 8 && d.imm == 16; });
    if (rand_len) {
        uint64_t rand = rand_len->target - 8;
        r.add(go_minor >= 22 ? "runtime.startupRand" : "runtime.startupRandomData", rand_len, 8,
              "sysauxv's len = 16 of the AT_RANDOM slice");
        r.add("runtime.physPageSize", aux.first([&](const DataRef& d) {
            return d.store && d.size == 8 && !d.imm && (d.target < rand || d.target >= rand + 24); }), 0,
            "sysauxv's physPageSize = val");
    }
    // runtime.main: `mainStarted = true` is its first byte store of 1.
    r.add("runtime.mainStarted", r.refs("runtime.main").first([](const DataRef& d) {
        return d.store && d.size == 1 && d.imm == 1; }), 0, "runtime.main's mainStarted = true");
}

}  // namespace

std::vector<DataSymbol> recover_data_symbols(const loader::BinaryView& view, const loader::SymbolTable& functions,
                                             const StructLayouts& layouts, int go_minor) {
    Recoverer r(view, functions, layouts);
    from_rt0_go(r);
    from_scheduler(r, layouts.size_of("schedt").value_or(0));
    from_allgadd(r);
    from_start_up(r, go_minor);
    return std::move(r.out);
}

}  // namespace gostart::gostructs
