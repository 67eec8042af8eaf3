#include "cpu/engine.h"
#include "cpu/cpuid.h"
#include "cpu/fault_locator.h"
#include "cpu/unicorn_release.h"

#include <capstone/capstone.h>
#include <unicorn/unicorn.h>

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <string>

namespace gostart::cpu {
namespace {

constexpr int kUcReg[] = {
    UC_X86_REG_RAX, UC_X86_REG_RBX, UC_X86_REG_RCX, UC_X86_REG_RDX, UC_X86_REG_RSI, UC_X86_REG_RDI,
    UC_X86_REG_RBP, UC_X86_REG_RSP, UC_X86_REG_R8,  UC_X86_REG_R9,  UC_X86_REG_R10, UC_X86_REG_R11,
    UC_X86_REG_R12, UC_X86_REG_R13, UC_X86_REG_R14, UC_X86_REG_R15, UC_X86_REG_RIP, UC_X86_REG_RFLAGS,
    UC_X86_REG_FS_BASE, UC_X86_REG_GS_BASE,
};
static_assert(std::size(kUcReg) == static_cast<size_t>(Reg::count));

constexpr int kUcExtra[] = {
    UC_X86_REG_CS, UC_X86_REG_SS, UC_X86_REG_DS, UC_X86_REG_ES, UC_X86_REG_FS, UC_X86_REG_GS,
    UC_X86_REG_ST0, UC_X86_REG_ST1, UC_X86_REG_ST2, UC_X86_REG_ST3,
    UC_X86_REG_ST4, UC_X86_REG_ST5, UC_X86_REG_ST6, UC_X86_REG_ST7,
    UC_X86_REG_FPCW, UC_X86_REG_FPSW, UC_X86_REG_FPTAG, UC_X86_REG_FCS, UC_X86_REG_FIP, UC_X86_REG_FDS,
    UC_X86_REG_FDP, UC_X86_REG_FOP,
    UC_X86_REG_XMM0, UC_X86_REG_XMM1, UC_X86_REG_XMM2, UC_X86_REG_XMM3,
    UC_X86_REG_XMM4, UC_X86_REG_XMM5, UC_X86_REG_XMM6, UC_X86_REG_XMM7,
    UC_X86_REG_XMM8, UC_X86_REG_XMM9, UC_X86_REG_XMM10, UC_X86_REG_XMM11,
    UC_X86_REG_XMM12, UC_X86_REG_XMM13, UC_X86_REG_XMM14, UC_X86_REG_XMM15,
    UC_X86_REG_MXCSR,
};
static_assert(std::size(kUcExtra) == static_cast<size_t>(ExtraReg::count));

constexpr uint64_t kCr4Osfxsr = 1u << 9, kCr4Osxmmexcpt = 1u << 10;

int uc_extra(ExtraReg r) { return kUcExtra[static_cast<size_t>(r)]; }

uint32_t uc_prot(uint32_t prot) {
    uint32_t p = UC_PROT_NONE;
    if (prot & kProtRead) p |= UC_PROT_READ;
    if (prot & kProtWrite) p |= UC_PROT_WRITE;
    if (prot & kProtExec) p |= UC_PROT_EXEC;
    return p;
}

}  // namespace

// The engine's contexts: a uc_context, which knows its own size, so a byte copy is a copy.
struct UcContext final : Context::State {
    uc_engine* uc = nullptr;
    uc_context* ctx = nullptr;
    explicit UcContext(uc_engine* engine) : uc(engine) {
        if (uc_err err = uc_context_alloc(uc, &ctx); err != UC_ERR_OK)
            throw EngineError(std::string("allocating a CPU context: ") + uc_strerror(err));
    }
    UcContext(const UcContext&) = delete;
    ~UcContext() override { uc_context_free(ctx); }
    std::unique_ptr<Context::State> clone() const override {
        auto out = std::make_unique<UcContext>(uc);
        // uc_context_size is the size of the whole allocation, header included.
        std::memcpy(out->ctx, ctx, uc_context_size(uc));
        return out;
    }
};

uc_context* Engine::uc_of(const Context& c) {
    auto* s = dynamic_cast<const UcContext*>(c.state());
    return s ? s->ctx : nullptr;
}

Engine::Engine() {
    uc_engine* uc = nullptr;
    uc_err err = uc_open(UC_ARCH_X86, UC_MODE_64, &uc);
    if (err != UC_ERR_OK) throw EngineError(std::string("cannot open Unicorn: ") + uc_strerror(err));
    uc_ = uc;
    // Unicorn 2.1 executes only the instructions of its CPU model's features, and its default model
    // (qemu64) has neither SSSE3 nor AES, which Go's start-up uses. EPYC executes everything our CPUID
    // reports (cpu/cpuid.h). The model must be chosen before anything else touches the engine.
    if constexpr (kUnicorn21) check(uc_ctl_set_cpu_model(uc_, UC_CPU_X86_EPYC), "choosing the CPU model");
    // CR4 as an OS that supports SSE sets it (OSFXSR, OSXMMEXCPT). Unicorn enables SSE without setting
    // them, and then fxsave and fxrstor leave out MXCSR and the xmm registers (which glibc's lazy binding
    // keeps across the resolver with them, when there is no XSAVE).
    uint64_t cr4 = 0;
    check(uc_reg_read(uc_, UC_X86_REG_CR4, &cr4), "reading CR4");
    cr4 |= kCr4Osfxsr | kCr4Osxmmexcpt;
    check(uc_reg_write(uc_, UC_X86_REG_CR4, &cr4), "writing CR4");
    csh cs = 0;
    if (cs_open(CS_ARCH_X86, CS_MODE_64, &cs) != CS_ERR_OK) throw EngineError("cannot open Capstone");
    disasm_ = reinterpret_cast<void*>(static_cast<uintptr_t>(cs));
    // Before the hooks, which must not see the set-up code run; after any choice of CPU model, since
    // this runs the CPU (engine_user_mode.cpp).
    enter_user_mode();

    uc_hook h;
    check(uc_hook_add(uc_, &h, UC_HOOK_BLOCK, reinterpret_cast<void*>(&Engine::on_block), this, 1, 0),
          "block hook");
    check(uc_hook_add(uc_, &h, UC_HOOK_INSN, reinterpret_cast<void*>(&Engine::on_syscall), this, 1, 0,
                      UC_X86_INS_SYSCALL),
          "syscall hook");
    check(uc_hook_add(uc_, &h, UC_HOOK_INSN, reinterpret_cast<void*>(&Engine::on_cpuid), this, 1, 0,
                      UC_X86_INS_CPUID),
          "cpuid hook");
    check(uc_hook_add(uc_, &h, UC_HOOK_MEM_INVALID, reinterpret_cast<void*>(&Engine::on_invalid_mem), this, 1,
                      0),
          "memory fault hook");
    check(uc_hook_add(uc_, &h, UC_HOOK_INTR, reinterpret_cast<void*>(&Engine::on_interrupt), this, 1, 0),
          "interrupt hook");
    check(uc_hook_add(uc_, &h, UC_HOOK_INSN_INVALID, reinterpret_cast<void*>(&Engine::on_invalid_insn), this,
                      1, 0),
          "invalid instruction hook");
}

std::string engine_libraries() {
    unsigned major = 0, minor = 0;
    unsigned v = uc_version(&major, &minor);  // (major << 24) | (minor << 16) | (patch << 8) | extra
    int cs_major = 0, cs_minor = 0;
    cs_version(&cs_major, &cs_minor);
    return fmt::format("Unicorn {}.{}.{}, Capstone {}.{}", major, minor, (v >> 8) & 0xff, cs_major, cs_minor);
}

Engine::~Engine() {
    if (disasm_) {
        csh cs = static_cast<csh>(reinterpret_cast<uintptr_t>(disasm_));
        cs_close(&cs);
    }
    if (uc_) uc_close(uc_);
}

void Engine::check(int err, const char* what) const {
    if (err != UC_ERR_OK)
        throw EngineError(std::string(what) + ": " + uc_strerror(static_cast<uc_err>(err)));
}

uint64_t Engine::reg(Reg r) const {
    uint64_t v = 0;
    check(uc_reg_read(uc_, kUcReg[static_cast<size_t>(r)], &v), "reading a register");
    return v;
}

void Engine::set_reg(Reg r, uint64_t value) {
    check(uc_reg_write(uc_, kUcReg[static_cast<size_t>(r)], &value), "writing a register");
}

RegisterFile Engine::regs() const {
    RegisterFile rf;
    int ids[static_cast<size_t>(Reg::count)];
    void* ptrs[static_cast<size_t>(Reg::count)];
    for (size_t i = 0; i < rf.v.size(); ++i) {
        ids[i] = kUcReg[i];
        ptrs[i] = &rf.v[i];
    }
    check(uc_reg_read_batch(uc_, ids, ptrs, static_cast<int>(rf.v.size())), "reading registers");
    return rf;
}

void Engine::set_regs(const RegisterFile& rf) {
    // fs_base and gs_base last: writing them through the batch is fine, but keep rip/rflags too.
    for (size_t i = 0; i < rf.v.size(); ++i) set_reg(static_cast<Reg>(i), rf.v[i]);
}

void Engine::map(guest::Addr at, uint64_t size, uint32_t prot) {
    const uint64_t addr = at.addr();
    uint8_t* host = host_.allocate(addr, size);
    uc_err e = uc_mem_map_ptr(uc_, addr, size, uc_prot(prot), host);
    if (e != UC_ERR_OK) {
        host_.release(addr, size);
        check(e, "mapping guest memory");
    }
    prot_.set(addr, size, prot);
}

void Engine::unmap(guest::Addr at, uint64_t size) {
    const uint64_t addr = at.addr();
    forget_code(addr, addr + size);  // first: Unicorn finds the translations through the mapping
    check(uc_mem_unmap(uc_, addr, size), "unmapping guest memory");
    prot_.clear(addr, size);
    host_.release(addr, size);
}

// Code that ran in [begin, end) is gone: another library may be mapped there next (dlopen, dlclose),
// so its instruction counts and Unicorn's translations of it must not be reused.
void Engine::forget_code(uint64_t begin, uint64_t end) {
    // Most unmapping is of data (heaps, stacks): nothing to look through unless code ran in the range.
    if (!forget_counts(begin, end)) return;
    uc_ctl_remove_cache(uc_, begin, end);
}

// Drops the instruction counts (and the #GP instructions) of the blocks that start in [begin, end).
bool Engine::forget_counts(uint64_t begin, uint64_t end) {
    if (!blocks_.forget(begin, end)) return false;
    forget_gp_insns(begin, end);
    return true;
}

void Engine::code_changed(uint64_t begin, uint64_t end) {
    forget_counts(begin, end + 1);
    drop_translations(begin, end);
}
void Engine::protect(guest::Addr at, uint64_t size, uint32_t prot) {
    const uint64_t addr = at.addr();
    check(uc_mem_protect(uc_, addr, size, uc_prot(prot)), "protecting guest memory");
    prot_.set(addr, size, prot);
    // Code the guest may now write: its counts could go stale, so forget them (Unicorn sees the
    // writes itself and translates again). Blocks on writable pages are not remembered (count_block).
    if (prot & kProtWrite) forget_counts(addr, addr + size);
}

void Engine::discard(guest::Addr at, uint64_t size) {
    const uint64_t addr = at.addr();
    // The host pages behind the range go back to the host; the guest reads zeros, as after Linux's
    // MADV_DONTNEED. Memory that is not ours (there is none today) is zeroed by hand.
    if (host_.discard(addr, size)) return;
    static const std::vector<uint8_t> zeros(1 << 16, 0);
    for (uint64_t p = addr; p < addr + size; p += zeros.size())
        try_write(guest::Addr(p), zeros.data(), std::min<uint64_t>(zeros.size(), addr + size - p));
}

void Engine::read(guest::Addr at, void* dst, size_t n) const {
    const uint64_t addr = at.addr();
    uc_err e = uc_mem_read(uc_, addr, dst, n);
    if (e != UC_ERR_OK)
        throw EngineError(fmt::format("reading {} bytes at {:#x}: {}", n, addr, uc_strerror(e)));
}

void Engine::write(guest::Addr at, const void* src, size_t n) {
    const uint64_t addr = at.addr();
    uc_err e = uc_mem_write(uc_, addr, src, n);
    if (e != UC_ERR_OK)
        throw EngineError(fmt::format("writing {} bytes at {:#x}: {}", n, addr, uc_strerror(e)));
}

bool Engine::try_read(guest::Addr at, void* dst, size_t n) const {
    return n == 0 || uc_mem_read(uc_, at.addr(), dst, n) == UC_ERR_OK;
}

bool Engine::try_write(guest::Addr at, const void* src, size_t n) {
    return n == 0 || uc_mem_write(uc_, at.addr(), src, n) == UC_ERR_OK;
}

bool Engine::try_read_user(guest::Addr at, void* dst, size_t n) const {
    return prot_.allows(at.addr(), n, kProtRead) && try_read(at, dst, n);
}

bool Engine::try_write_user(guest::Addr at, const void* src, size_t n) {
    return prot_.allows(at.addr(), n, kProtWrite) && try_write(at, src, n);
}

bool Engine::read_extra(ExtraReg r, RawReg& out) const {
    out.fill(0);
    return uc_reg_read(uc_, uc_extra(r), out.data()) == UC_ERR_OK;
}

void Engine::set_fp_control(uint16_t x87_control, uint32_t mxcsr) {
    uint64_t fcw = x87_control, csr = mxcsr;
    check(uc_reg_write(uc_, UC_X86_REG_FPCW, &fcw), "writing the x87 control word");
    check(uc_reg_write(uc_, UC_X86_REG_MXCSR, &csr), "writing MXCSR");
}

bool Engine::write_extra(ExtraReg r, const RawReg& in) {
    return uc_reg_write(uc_, uc_extra(r), in.data()) == UC_ERR_OK;
}

bool Engine::context_extra(const Context& ctx, ExtraReg r, RawReg& out) const {
    out.fill(0);
    return uc_of(ctx) && uc_context_reg_read(uc_of(ctx), uc_extra(r), out.data()) == UC_ERR_OK;
}

bool Engine::set_context_extra(Context& ctx, ExtraReg r, const RawReg& in) {
    return uc_of(ctx) && uc_context_reg_write(uc_of(ctx), uc_extra(r), in.data()) == UC_ERR_OK;
}

void Engine::set_context_reg(Context& ctx, Reg r, uint64_t value) {
    if (uc_context* c = uc_of(ctx)) check(uc_context_reg_write(c, kUcReg[static_cast<size_t>(r)], &value), "writing a saved register");
}

Context Engine::save() const {
    Context c;
    save(c);
    return c;
}

void Engine::save(Context& into) const {
    if (!uc_of(into)) into = Context(std::make_unique<UcContext>(uc_));
    check(uc_context_save(uc_, uc_of(into)), "saving the CPU context");
}

void Engine::restore(const Context& ctx) {
    uc_context* c = uc_of(ctx);
    if (!c) throw EngineError("restoring a CPU context this engine did not save");
    check(uc_context_restore(uc_, c), "restoring the CPU context");
    resume_partial_ = false;  // another thread, or another place: no block of ours to finish
}

uint64_t Engine::context_reg(const Context& ctx, Reg r) const {
    uint64_t v = 0;
    if (uc_context* c = uc_of(ctx)) check(uc_context_reg_read(c, kUcReg[static_cast<size_t>(r)], &v), "reading a saved register");
    return v;
}

std::optional<uint64_t> Engine::exact_stop() const {
    if (insn_stop_ && internal_stop_) return std::min(*insn_stop_, *internal_stop_);
    return insn_stop_ ? insn_stop_ : internal_stop_;
}

void Engine::refresh_quiet_until() {
    uint64_t q = have_stop_ ? stop_at_ : ~uint64_t(0);
    // A stop already passed never fires (on_block_slow wants target >= insns_): it bounds nothing.
    if (auto target = exact_stop(); target && *target >= insns_) q = std::min(q, *target);
    quiet_until_ = q;
}

void Engine::stop_at_instruction(std::optional<uint64_t> n) {
    insn_stop_ = n;
    refresh_quiet_until();
}

// The block runs: its instructions are counted, and an observer (the tracer) hears of it.
inline void Engine::enter_block(uint64_t addr, uint32_t size, uint32_t insns) {
    resume_partial_ = false;
    block_addr_ = addr;
    block_size_ = size;
    block_base_ = insns_;
    insns_ += insns;
    if (block_observer_) [[unlikely]] {
        in_block_hook_ = true;
        block_observer_(addr, size);
        in_block_hook_ = false;
    }
}

// At the start of every executed block, from the translated code. The common case costs a slot
// lookup and the count; everything else — a block not in the cache, one holding an instruction that
// must fault, a stop that falls inside it, a run already stopping — is on_block_slow's.
void Engine::on_block(uc_struct* uc, uint64_t addr, uint32_t size, void* p) {
    auto* self = static_cast<Engine*>(p);
    const BlockCounts::Entry* e = self->blocks_.hit(addr, size);
    if (!e || e->gp || self->stop_pending_ || self->insns_ + e->insns > self->quiet_until_) [[unlikely]] {
        self->on_block_slow(uc, addr, size);
        return;
    }
    self->enter_block(addr, size, e->insns);
}

void Engine::on_block_slow(uc_struct* uc, uint64_t addr, uint32_t size) {
    if (stop_pending_) return;
    uint32_t n = count_block(addr, size);
    if (!gp_insns_.empty()) {
        stop_before_gp_insn(addr);  // engine_user_mode.cpp
        refresh_quiet_until();
    }
    // An exact stop in this block: stop before it runs. At its first instruction that is the stop;
    // further in, run() translates the block again with a hook at the stopping instruction.
    if (auto target = exact_stop(); target && !step_hook_ && *target >= insns_ && *target < insns_ + n) {
        stop_ = {StopReason::Kind::instruction_count};
        stop_.pc = addr;
        if (*target > insns_) step_hook_at_ = address_of_insn(addr, size, *target - insns_);
        stop_pending_ = stop_before_block_ = true;
        uc_emu_stop(uc);
        return;
    }
    // The budget, checked where blocks start — but not at the rest of a block a debugger stopped in:
    // that block's start was checked when it started, and a run nobody stopped checks no more there.
    bool partial = resume_partial_ && addr == resume_pc_;
    if (!partial && have_stop_ && insns_ >= stop_at_) {
        stop_ = {StopReason::Kind::budget};
        stop_.pc = addr;
        stop_pending_ = stop_before_block_ = true;
        uc_emu_stop(uc);
        return;  // the block does not run: Unicorn exits before its first instruction
    }
    enter_block(addr, size, n);
}

void Engine::on_syscall(uc_struct* uc, void* p) {
    auto* self = static_cast<Engine*>(p);
    self->stop_ = {StopReason::Kind::syscall};
    self->stop_.pc = self->reg(Reg::rip);
    self->stop_pending_ = true;
    uc_emu_stop(uc);
}

// CPUID answers come from our table (cpu/cpuid.h), not from Unicorn's CPU model. Returning 1 tells
// Unicorn the instruction is done; rip moves past it as usual.
int Engine::on_cpuid(uc_struct* uc, void*) {
    uint64_t leaf = 0, sub = 0;
    uc_reg_read(uc, UC_X86_REG_RAX, &leaf);
    uc_reg_read(uc, UC_X86_REG_RCX, &sub);
    CpuidResult r = cpuid(static_cast<uint32_t>(leaf), static_cast<uint32_t>(sub));
    uint64_t a = r.eax, b = r.ebx, c = r.ecx, d = r.edx;  // CPUID zero-extends into the 64-bit registers
    uc_reg_write(uc, UC_X86_REG_RAX, &a);
    uc_reg_write(uc, UC_X86_REG_RBX, &b);
    uc_reg_write(uc, UC_X86_REG_RCX, &c);
    uc_reg_write(uc, UC_X86_REG_RDX, &d);
    return 1;
}

bool Engine::on_invalid_mem(uc_struct* uc, int type, uint64_t addr, int, int64_t, void* p) {
    auto* self = static_cast<Engine*>(p);
    StopReason s{StopReason::Kind::fault};
    s.address = fault_address(addr);
    switch (type) {
        case UC_MEM_READ_UNMAPPED: s.access = StopReason::Access::read; s.unmapped = true; break;
        case UC_MEM_WRITE_UNMAPPED: s.access = StopReason::Access::write; s.unmapped = true; break;
        case UC_MEM_FETCH_UNMAPPED: s.access = StopReason::Access::fetch; s.unmapped = true; break;
        case UC_MEM_READ_PROT: s.access = StopReason::Access::read; break;
        case UC_MEM_WRITE_PROT: s.access = StopReason::Access::write; break;
        case UC_MEM_FETCH_PROT: s.access = StopReason::Access::fetch; break;
        default: break;
    }
    uint64_t pc = 0;
    uc_reg_read(uc, UC_X86_REG_RIP, &pc);
    s.pc = s.access == StopReason::Access::fetch ? s.address : pc;
    self->stop_ = s;
    self->stop_pending_ = true;
    return false;  // let Unicorn stop with the fault
}

void Engine::on_interrupt(uc_struct* uc, uint32_t intno, void* p) {
    auto* self = static_cast<Engine*>(p);
    self->stop_ = {StopReason::Kind::interrupt};
    self->stop_.vector = intno;
    self->stop_.pc = self->reg(Reg::rip);
    self->stop_.software = self->software_interrupt(intno, self->stop_.pc, self->stop_.address);
    self->stop_pending_ = true;
    uc_emu_stop(uc);
}

bool Engine::on_invalid_insn(uc_struct*, void* p) {
    auto* self = static_cast<Engine*>(p);
    self->stop_ = {StopReason::Kind::invalid_insn};
    self->stop_.pc = self->reg(Reg::rip);
    self->stop_pending_ = true;
    return false;
}

void Engine::on_code(uc_struct*, uint64_t addr, uint32_t, void* p) {
    auto* rec = static_cast<CodeHookRec*>(p);
    if (rec->active) rec->fn(addr);
}

// Unicorn decides which instructions call a code hook when it translates a block: blocks translated
// before a hook was added (or removed) must be translated again to see the change.
void Engine::drop_translations(uint64_t begin, uint64_t end) {
    if (begin > end)
        uc_ctl(uc_, UC_CTL_WRITE(UC_CTL_TB_FLUSH, 0));
    else
        uc_ctl_remove_cache(uc_, begin, end + 1);
}

int Engine::add_code_hook(uint64_t begin, uint64_t end, CodeHook fn) {
    auto rec = std::make_unique<CodeHookRec>(CodeHookRec{this, std::move(fn), 0, begin, end});
    uc_hook h;
    check(uc_hook_add(uc_, &h, UC_HOOK_CODE, reinterpret_cast<void*>(&Engine::on_code), rec.get(), begin, end),
          "code hook");
    rec->handle = h;
    int id = next_hook_id_++;
    code_hooks_.emplace(id, std::move(rec));
    drop_translations(begin, end);
    return id;
}

void Engine::remove_hook(int id) {
    auto it = code_hooks_.find(id);
    if (it == code_hooks_.end() || !it->second->active) return;
    it->second->active = false;
    uc_hook_del(uc_, it->second->handle);
    drop_translations(it->second->begin, it->second->end);
}

void Engine::request_stop() {
    if (!stop_pending_) {
        stop_ = {StopReason::Kind::requested};
        stop_pending_ = true;
        if (in_block_hook_) {
            // From the block observer: the block has been counted but will not run.
            stop_before_block_ = true;
            stop_.pc = block_addr_;
            insns_ = block_base_;
        }
    }
    uc_emu_stop(uc_);
}

void Engine::on_step_hook(uc_struct* uc, uint64_t addr, uint32_t, void* p) {
    auto* self = static_cast<Engine*>(p);
    if (self->stop_pending_ || addr != self->step_hook_at_) return;
    auto target = self->exact_stop();
    if (!target || self->instructions_before(addr) != *target) return;
    self->stop_ = {StopReason::Kind::instruction_count};
    self->stop_.pc = addr;
    self->stop_pending_ = true;
    uc_emu_stop(uc);
}

// One uc_emu_start, and the state made exact afterwards: rip where the stop is, the count of what ran.
StopReason Engine::run_once() {
    stop_pending_ = stop_before_block_ = false;
    stop_ = {StopReason::Kind::requested};
    refresh_quiet_until();
    uint64_t pc = reg(Reg::rip);
    uc_err err = uc_emu_start(uc_, pc, 0, 0, 0);
    if (err != UC_ERR_OK && !stop_pending_) {
        // An error no hook saw (e.g. an unsupported instruction Unicorn rejects outright).
        StopReason s{StopReason::Kind::invalid_insn};
        s.pc = reg(Reg::rip);
        return s;
    }
    finish_stop();
    return stop_;
}

void Engine::finish_stop() {
    if (!stop_pending_) {
        stop_.pc = reg(Reg::rip);
        return;
    }
    auto in_block = [this](uint64_t pc) { return pc >= block_addr_ && pc < block_addr_ + block_size_; };
    auto stopped_inside = [this, &in_block](uint64_t pc) {
        if (!in_block(pc)) return;
        insns_ = instructions_before(pc);
        resume_partial_ = pc != block_addr_;
        resume_pc_ = pc;
    };
    if (stop_before_block_) {
        // Unicorn 2.0.1 leaves a stale rip when a block hook stops a chained block: the block we
        // stopped before never ran, so resume exactly there.
        set_reg(Reg::rip, stop_.pc);
        return;
    }
    switch (stop_.kind) {
        case StopReason::Kind::fault:
            // In the memory hook rip may still be the block's start; find the faulting instruction.
            if (stop_.access != StopReason::Access::fetch) {
                uint8_t code[4096];
                size_t len = block_size_ < sizeof code ? block_size_ : sizeof code;
                stop_.pc = block_addr_;
                if (block_size_ != 0 && uc_mem_read(uc_, block_addr_, code, len) == UC_ERR_OK) {
                    if (auto pc = locate_fault(std::span<const uint8_t>(code, len), block_addr_, regs(), stop_.address))
                        stop_.pc = *pc;
                }
                set_reg(Reg::rip, stop_.pc);
                // The faulting instruction did not complete (a signal handler may run it again).
                if (in_block(stop_.pc)) insns_ = instructions_before(stop_.pc);
            }
            break;
        case StopReason::Kind::watch:
            // Unicorn abandons the writing instruction right after its store, with rip at the block's
            // start: put the bytes back, so the state is the one before the instruction, and point rip there.
            try_write(guest::Addr(stop_.address), undo_bytes_.data(), undo_bytes_.size());
            set_reg(Reg::rip, stop_.pc);
            stopped_inside(stop_.pc);
            break;
        case StopReason::Kind::requested:
        case StopReason::Kind::instruction_count:
            // From a code hook: rip is the instruction the hook was at, which did not run.
            stop_.pc = reg(Reg::rip);
            stopped_inside(stop_.pc);
            break;
        case StopReason::Kind::interrupt:
            // A software interrupt ends its block, whose count is whole. An exception leaves rip at the
            // faulting instruction, which did not complete: count what ran before it.
            if (stop_.software) break;
            forget_exception();
            if (in_block(stop_.pc)) insns_ = instructions_before(stop_.pc);
            break;
        case StopReason::Kind::invalid_insn:
            // The block's count (Unicorn's) includes the instruction Unicorn could not run.
            if (in_block(stop_.pc)) insns_ = instructions_before(stop_.pc);
            break;
        default:
            break;  // syscall: the block ended there, its count is whole
    }
}

// Runs once more after an exact stop inside a block was found: the block is translated again with a
// one-address hook at the stopping instruction, and run from its start.
StopReason Engine::run_exact() {
    for (;;) {
        StopReason r = run_once();
        if (step_hook_) {
            uc_hook_del(uc_, step_hook_);
            step_hook_ = 0;
            drop_translations(step_hook_at_, step_hook_at_);
            step_hook_at_ = 0;
        } else if (step_hook_at_) {
            uc_hook h = 0;
            check(uc_hook_add(uc_, &h, UC_HOOK_CODE, reinterpret_cast<void*>(&Engine::on_step_hook), this,
                              step_hook_at_, step_hook_at_),
                  "step hook");
            step_hook_ = h;
            drop_translations(step_hook_at_, step_hook_at_);
            continue;
        }
        return r;
    }
}

StopReason Engine::run(uint64_t budget) { return run_until(budget ? insns_ + budget : 0); }

StopReason Engine::run_until(uint64_t end) {
    have_stop_ = end != 0;
    stop_at_ = end;
    StopReason r = gp_insn_fault(run_exact());
    if (r.kind == StopReason::Kind::watch) r = step_over_watched_write();
    if (r.kind == StopReason::Kind::instruction_count && insn_stop_ && insns_ == *insn_stop_) insn_stop_.reset();
    last_stop_ = r;
    return r;
}


}  // namespace gostart::cpu
