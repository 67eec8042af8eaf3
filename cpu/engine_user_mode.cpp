// The guest is a user process: the emulated CPU runs it at CPL 3, with Linux's user code and data
// segments (CS 0x33, SS 0x2b), so that the CPU itself refuses what a user process may not do — moves
// to and from control and debug registers, in/out, hlt, cli/sti, rdmsr/wrmsr, lgdt/lidt/lldt/ltr,
// invlpg, wbinvd, clts, swapgs ... each raises #GP (or #UD) as on real hardware, and the run stops
// with an interrupt that the layer above turns into the signal Linux would send. Costs nothing per
// instruction: QEMU checks the privilege level when it translates a block, as it checks the mode.
//
// Four Unicorn facts shape this file (2.0.1 and 2.1.x alike):
// - Unicorn starts a 64-bit CPU at CPL 0 and offers no register for the privilege level (writing CS or
//   SS in 64-bit mode sets only the selector). The CPU gets to CPL 3 as a kernel sends it there: an
//   `iretq` to a user code segment, run once on a scratch page with a scratch GDT before any guest
//   memory exists. Afterwards the GDT is empty (limit 0), so the guest can load no selector but null.
// - Unicorn hands exceptions to our hook and never delivers them through the IDT, so QEMU's record of
//   the "exception in flight" is never cleared: the second #GP or #DE of a run would be taken as a
//   double fault, the third as a triple fault that halts the CPU for good. forget_exception() clears it
//   by restoring the CPU state saved right after entering user mode and putting back every register.
// - `uc_emu_start(begin, until)` stops when execution reaches `until`, and there is no value meaning
//   "never": a run from `until` itself (begin == until, e.g. a jump to address 0 with until 0) runs
//   nothing at all. With Unicorn's exit list switched on and left empty, no address ends a run.
// - Unicorn removes QEMU's I/O permission check ("allow all I/O instructions"): in/out/ins/outs run at
//   any privilege level. And without the SYSCALL MSRs (Unicorn's EFER refuses SCE) sysret is #UD where
//   Linux's CPU gives #GP. A new block whose bytes could hold one of these is decoded (count_block);
//   a block that does hold one gets an exact stop at it, which becomes the #GP the CPU would have
//   raised. Other blocks pay nothing.
#include "cpu/engine.h"

#include <capstone/capstone.h>
#include <unicorn/unicorn.h>

#include <array>
#include <cstring>

namespace gostart::cpu {
namespace {

constexpr uint64_t kScratch = 0x1000;             // code page, then stack page, then the GDT page
constexpr uint64_t kScratchCode = kScratch;
constexpr uint64_t kScratchStack = kScratch + 0x1000;
constexpr uint64_t kScratchGdt = kScratch + 0x2000;
constexpr uint64_t kScratchSize = 0x3000;
constexpr uint64_t kUserCs = 0x33, kUserSs = 0x2b;  // Linux's __USER_CS (GDT entry 6) and __USER_DS (5), RPL 3
// Flat descriptors as Linux's GDT has them: 64-bit code (L), and data, both DPL 3, present, accessed.
constexpr uint64_t kUserCodeDescriptor = 0x00affb000000ffff;
constexpr uint64_t kUserDataDescriptor = 0x00cff3000000ffff;
constexpr uint8_t kIretq[] = {0x48, 0xcf};

}  // namespace

bool Engine::needs_gp_check(unsigned capstone_id) {
    switch (capstone_id) {
        case X86_INS_IN: case X86_INS_OUT:
        case X86_INS_INSB: case X86_INS_INSW: case X86_INS_INSD:
        case X86_INS_OUTSB: case X86_INS_OUTSW: case X86_INS_OUTSD:
        case X86_INS_SYSRET: case X86_INS_SYSEXIT:
            return true;
        default:
            return false;
    }
}

void Engine::stop_before_gp_insn(uint64_t block) {
    auto it = gp_insns_.find(block);
    if (it == gp_insns_.end() || internal_stop_) return;
    internal_stop_ = insns_ + it->second;
    gp_insn_stop_ = true;
}

StopReason Engine::gp_insn_fault(const StopReason& r) {
    if (!gp_insn_stop_) return r;
    bool reached = r.kind == StopReason::Kind::instruction_count && internal_stop_ && insns_ == *internal_stop_;
    gp_insn_stop_ = false;
    internal_stop_.reset();  // reached or not: a stop for something else first must not leave it armed
    if (!reached) return r;
    StopReason gp{StopReason::Kind::interrupt};
    gp.vector = 13;
    gp.pc = r.pc;
    return gp;
}

void Engine::forget_gp_insns(uint64_t begin, uint64_t end) {
    std::erase_if(gp_insns_, [&](const auto& kv) { return kv.first >= begin && kv.first < end; });
}

void Engine::enter_user_mode() {
    check(uc_mem_map(uc_, kScratch, kScratchSize, UC_PROT_ALL), "mapping the user-mode set-up page");
    std::array<uint64_t, 7> gdt{};
    gdt[kUserSs >> 3] = kUserDataDescriptor;
    gdt[kUserCs >> 3] = kUserCodeDescriptor;
    const uint64_t user_rip = kScratchCode + 0x100;  // where iretq lands: the run stops there
    const uint64_t frame[5] = {user_rip, kUserCs, 0x202 /*IF*/, kScratchStack + 0x800, kUserSs};
    check(uc_mem_write(uc_, kScratchCode, kIretq, sizeof kIretq), "writing the user-mode set-up code");
    check(uc_mem_write(uc_, kScratchGdt, gdt.data(), sizeof gdt), "writing the user-mode GDT");
    check(uc_mem_write(uc_, kScratchStack, frame, sizeof frame), "writing the user-mode iret frame");
    uc_x86_mmr gdtr{0, kScratchGdt, static_cast<uint32_t>(sizeof gdt - 1), 0};
    check(uc_reg_write(uc_, UC_X86_REG_GDTR, &gdtr), "loading the user-mode GDT");
    set_reg(Reg::rsp, kScratchStack);
    check(uc_emu_start(uc_, kScratchCode, user_rip, 0, 0), "entering user mode");
    uint64_t cs = 0;
    check(uc_reg_read(uc_, UC_X86_REG_CS, &cs), "reading CS");
    if (cs != kUserCs || reg(Reg::rip) != user_rip) throw EngineError("Unicorn did not enter user mode (CPL 3)");

    uc_x86_mmr no_gdt{0, 0, 0, 0};
    check(uc_reg_write(uc_, UC_X86_REG_GDTR, &no_gdt), "emptying the GDT");
    check(uc_mem_unmap(uc_, kScratch, kScratchSize), "unmapping the user-mode set-up page");
    check(uc_ctl_remove_cache(uc_, kScratch, kScratch + kScratchSize), "forgetting the set-up code");
    // A new process's registers: all zero, rflags IF only (Process::start sets its own).
    RegisterFile zero;
    zero[Reg::rflags] = 0x202;
    set_regs(zero);
    check(uc_ctl_exits_enable(uc_), "switching off the end address of uc_emu_start");
    save(user_mode_);
}

void Engine::forget_exception() {
    // Everything a user-mode program can change is in the general registers and the x87/SSE state;
    // the rest (segments, control registers, descriptor tables) is as user_mode_ has it. The x87
    // status word goes first: it holds the stack top that st0..st7 are relative to.
    RegisterFile rf = regs();
    std::array<RawReg, static_cast<size_t>(ExtraReg::count)> extra{};
    for (size_t i = static_cast<size_t>(ExtraReg::st0); i < extra.size(); ++i) read_extra(static_cast<ExtraReg>(i), extra[i]);
    check(uc_context_restore(uc_, uc_of(user_mode_)), "restoring the user-mode CPU state");
    write_extra(ExtraReg::fstat, extra[static_cast<size_t>(ExtraReg::fstat)]);
    for (size_t i = static_cast<size_t>(ExtraReg::st0); i < extra.size(); ++i) write_extra(static_cast<ExtraReg>(i), extra[i]);
    set_regs(rf);
}

// An interrupt the guest raised with an instruction (`int n`, `int3`) rather than a CPU exception: the
// instruction ends its block (a software interrupt always does) and rip is past it, where an exception
// leaves rip at the faulting instruction, inside the block. Sets `insn` to where the instruction starts.
bool Engine::software_interrupt(uint32_t vector, uint64_t rip, uint64_t& insn) {
    if (rip != block_addr_ + block_size_ || block_size_ == 0) return false;
    uint32_t n = count_block(block_addr_, block_size_);
    insn = address_of_insn(block_addr_, block_size_, n - 1);
    uint8_t bytes[2] = {};
    size_t len = rip - insn >= 2 ? 2 : 1;
    if (uc_mem_read(uc_, rip - len, bytes, len) != UC_ERR_OK) return false;
    if (len == 2 && bytes[0] == 0xcd && bytes[1] == vector) return true;  // int imm8
    return vector == 3 && bytes[len - 1] == 0xcc;                          // int3
}

}  // namespace gostart::cpu
