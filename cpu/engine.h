// Engine: a small RAII wrapper over one Unicorn x86-64 CPU. It owns registers, the Unicorn memory
// mappings, hooks and the run loop, and it knows nothing of Linux: a `syscall` instruction, a fault or
// an expired instruction budget simply ends `run()` with a StopReason that the layer above handles,
// the way a kernel would handle a trap.
#pragma once

#include "cpu/engine_error.h"
#include "cpu/guest_cpu.h"
#include "cpu/prot.h"
#include "cpu/protection_map.h"
#include "cpu/registers.h"

#include <cstdint>
#include <functional>
#include <memory>

#include <unordered_map>
#include <vector>

struct uc_struct;

namespace gostart::cpu {

class Engine final : public GuestCpu {
public:
    Engine();
    ~Engine();
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    // Registers.
    uint64_t reg(Reg r) const override;
    void set_reg(Reg r, uint64_t value) override;
    RegisterFile regs() const override;
    void set_regs(const RegisterFile& rf) override;

    // Unicorn mappings. Addresses and sizes are page-aligned; the caller (the VMA map) decides.
    void map(uint64_t addr, uint64_t size, uint32_t prot) override;
    void unmap(uint64_t addr, uint64_t size) override;
    void protect(uint64_t addr, uint64_t size, uint32_t prot) override;

    // Guest memory through the mappings. read/write throw EngineError when a byte is not mapped.
    void read(uint64_t addr, void* dst, size_t n) const;
    void write(uint64_t addr, const void* src, size_t n);
    bool try_read(uint64_t addr, void* dst, size_t n) const override;
    bool try_write(uint64_t addr, const void* src, size_t n) override;
    bool try_read_user(uint64_t addr, void* dst, size_t n) const override;
    bool try_write_user(uint64_t addr, const void* src, size_t n) override;

    // The selectors, x87 and SSE registers, of the running state or of a saved context (a switched-out
    // thread). False when Unicorn refuses the register (the debugger then shows it as unavailable).
    bool read_extra(ExtraReg r, RawReg& out) const;
    bool write_extra(ExtraReg r, const RawReg& in);
    bool context_extra(const Context& ctx, ExtraReg r, RawReg& out) const;
    bool set_context_extra(Context& ctx, ExtraReg r, const RawReg& in);
    void set_context_reg(Context& ctx, Reg r, uint64_t value);

    Context save() const override;
    void save(Context& into) const override;
    void restore(const Context& ctx) override;
    uint64_t context_reg(const Context& ctx, Reg r) const override;

    // Runs from the current rip until something stops it; at most `budget` more instructions (0 = none).
    StopReason run(uint64_t budget) override;
    void request_stop() override;
    bool inside_block() const override { return inside_block_; }

    // Instructions executed so far, counted block by block (exact at every stop except a fault,
    // where the faulting block's instructions after the fault are not counted either). A stop that a
    // code hook requests inside a block counts only the instructions before the hooked one (and
    // inside_block() says so), so a run that stops and resumes counts what a run without the stop does.
    uint64_t instructions() const override { return insns_; }
    // Instructions executed before the one at `pc`, for a hook running inside the current block.
    uint64_t instructions_before(uint64_t pc);

    // A callback at each execution of an instruction in [begin, end]; Unicorn instruments only that
    // range, so an address hook costs nothing elsewhere.
    using CodeHook = std::function<void(uint64_t pc)>;
    int add_code_hook(uint64_t begin, uint64_t end, CodeHook fn);
    void remove_hook(int id);

    // A callback before each guest instruction's write that touches [begin, end] (the address and size
    // written; the memory still holds the old value). Writes through write()/try_write() — the Linux
    // layer's, for syscalls — do not call it. Removed with remove_hook.
    using WriteWatch = std::function<void(uint64_t addr, uint32_t size)>;
    int add_write_watch(uint64_t begin, uint64_t end, WriteWatch fn);

    // Code in [begin, end] was changed behind the guest's back (a debugger writing memory): translated
    // blocks of it are dropped so that the new bytes run.
    void code_changed(uint64_t begin, uint64_t end) { drop_translations(begin, end); }

    // Called at the start of every executed block (address, size in bytes), for tracers that follow
    // control flow block by block (cheaper than a hook on every instruction). Empty: none. A
    // request_stop() from the observer stops before the block, which then counts as not run.
    using BlockObserver = std::function<void(uint64_t addr, uint32_t size)>;
    void set_block_observer(BlockObserver fn) { block_observer_ = std::move(fn); }

    // Instruction count of each block seen, decoded once (blocks are immutable: Go does not JIT).
    size_t cached_blocks() const { return block_insns_.size(); }

private:
    static void on_block(uc_struct* uc, uint64_t addr, uint32_t size, void* self);
    static void on_syscall(uc_struct* uc, void* self);
    static bool on_invalid_mem(uc_struct* uc, int type, uint64_t addr, int size, int64_t value, void* self);
    static void on_interrupt(uc_struct* uc, uint32_t intno, void* self);
    static bool on_invalid_insn(uc_struct* uc, void* self);
    static void on_code(uc_struct* uc, uint64_t addr, uint32_t size, void* hook);
    static bool on_write(uc_struct* uc, int type, uint64_t addr, int size, int64_t value, void* hook);
    uint32_t count_block(uint64_t addr, uint32_t size);
    void check(int err, const char* what) const;

    ProtectionMap prot_;  // mirrors every map/unmap/protect, for the *_user accesses

    struct HookRec {
        Engine* engine;
        CodeHook fn;         // a code hook, or
        WriteWatch write;    // a write watch
        size_t handle;
        uint64_t begin, end;
        bool active = true;  // Unicorn 2.0.1 may still call a deleted hook: records live until ~Engine
    };
    int keep_hook(std::unique_ptr<HookRec> rec);
    void drop_translations(uint64_t begin, uint64_t end);

    uc_struct* uc_ = nullptr;
    uint64_t insns_ = 0;
    uint64_t block_addr_ = 0;    // the block being executed and insns_ before it
    uint64_t block_base_ = 0;
    uint32_t block_size_ = 0;
    uint64_t stop_at_ = 0;       // insns_ value at which the budget runs out (0: none)
    bool have_stop_ = false;
    bool stop_pending_ = false;  // a hook has decided why this run ends
    bool stop_before_block_ = false;  // the block observer asked to stop: the observed block did not run
    bool code_stop_ = false;     // a code hook asked to stop, before the instruction at code_stop_pc_
    uint64_t code_stop_pc_ = 0;
    bool inside_block_ = false;  // the last run stopped before an instruction inside a block
    StopReason stop_{};
    std::unordered_map<uint64_t, uint32_t> block_insns_;
    struct BlockCount {
        uint64_t addr = ~uint64_t(0);
        uint32_t size = 0, insns = 0;
    };
    static constexpr size_t kBlockCacheSize = 8192;
    std::vector<BlockCount> block_cache_ = std::vector<BlockCount>(kBlockCacheSize);
    std::unordered_map<int, std::unique_ptr<HookRec>> hooks_;
    BlockObserver block_observer_;
    int next_hook_id_ = 1;
    void* disasm_ = nullptr;  // a Capstone handle used only to count instructions in blocks
};

}  // namespace gostart::cpu
