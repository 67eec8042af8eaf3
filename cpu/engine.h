// Engine: a small RAII wrapper over one Unicorn x86-64 CPU. It owns registers, the Unicorn memory
// mappings, hooks and the run loop, and it knows nothing of Linux: a `syscall` instruction, a fault or
// an expired instruction budget simply ends `run()` with a StopReason that the layer above handles,
// the way a kernel would handle a trap.
#pragma once

#include "cpu/block_counts.h"
#include "cpu/engine_error.h"
#include "cpu/guest_cpu.h"
#include "cpu/host_memory.h"
#include "cpu/prot.h"
#include "cpu/protection_map.h"
#include "cpu/registers.h"
#include "cpu/snapshot.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

struct uc_struct;
struct uc_context;

namespace gostart::cpu {

// The libraries the engine runs on, as linked: "Unicorn 2.1.1, Capstone 4.0".
std::string engine_libraries();

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
    void set_fp_control(uint16_t x87_control, uint32_t mxcsr) override;

    // Unicorn mappings. Addresses and sizes are page-aligned; the caller (the VMA map) decides.
    void map(guest::Addr addr, uint64_t size, uint32_t prot) override;
    void unmap(guest::Addr addr, uint64_t size) override;
    void protect(guest::Addr addr, uint64_t size, uint32_t prot) override;
    void discard(guest::Addr addr, uint64_t size) override;

    // Guest memory through the mappings. read/write throw EngineError when a byte is not mapped.
    void read(guest::Addr addr, void* dst, size_t n) const;
    void write(guest::Addr addr, const void* src, size_t n);
    bool try_read(guest::Addr addr, void* dst, size_t n) const override;
    bool try_write(guest::Addr addr, const void* src, size_t n) override;
    bool try_read_user(guest::Addr addr, void* dst, size_t n) const override;
    bool try_write_user(guest::Addr addr, const void* src, size_t n) override;

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
    StopReason run_until(uint64_t end) override;
    // From a hook: end the run before the instruction the hook is at (a code hook), or before the
    // block (the block observer); the count stays exact either way.
    void request_stop() override;

    // Instructions executed so far. Exact at every stop: a stop inside a block (a hook's request, a
    // fault, a watch, stop_at_instruction) counts only the instructions that completed. Inside a hook
    // it includes the whole current block: use instructions_before(pc) there.
    uint64_t instructions() const override { return insns_; }
    // Instructions executed before the one at `pc`, for a hook running inside the current block.
    uint64_t instructions_before(uint64_t pc);

    // A debugger's exact stop: runs end with StopReason::Kind::instruction_count when exactly `n`
    // instructions have executed, wherever the code is, even inside a block (nullopt: no such stop).
    // The block holding the stop is translated again with a one-address hook, so stepping costs
    // nothing until the stop is near.
    // The stop is one-shot: reaching it clears it.
    void stop_at_instruction(std::optional<uint64_t> n);

    // Write watches, as gdb's hardware watchpoints: a run ends with StopReason::Kind::watch right after
    // an instruction wrote any byte of [addr, addr + len) — rip at the next instruction, the counts
    // exact. Writes the layer above makes with write()/try_write() (a syscall filling a buffer) are not
    // seen, as the kernel's writes are not seen by a hardware watchpoint. While a watch exists every
    // guest store takes Unicorn's slow path.
    int add_write_watch(uint64_t addr, uint64_t len);
    void remove_write_watch(int id);
    struct WatchHit {
        int id = 0;
        uint64_t pc = 0;                 // the writing instruction
        uint64_t address = 0;            // what it wrote: `size` bytes at `address`
        uint32_t size = 0;
        std::vector<uint8_t> old_bytes;  // the watched range before the instruction
    };
    // Why the last run ended, and the watch that ended it (StopReason::Kind::watch).
    const StopReason& last_stop() const { return last_stop_; }
    const WatchHit& last_watch_hit() const { return watch_hit_; }

    // Checkpoints (cpu/snapshot.h): every register, the instruction count and every mapping with its
    // bytes. The engine remembers the last snapshot taken or restored and which pages the guest has
    // written since (cpu/host_memory.h): a new snapshot shares the other pages with it, and a restore
    // writes only the pages that differ — both cost about the pages written, not all of memory.
    Snapshot take_snapshot();
    void restore_snapshot(const Snapshot& s);

    // A callback at each execution of an instruction in [begin, end]; Unicorn instruments only that
    // range, so an address hook costs nothing elsewhere.
    using CodeHook = std::function<void(uint64_t pc)>;
    int add_code_hook(uint64_t begin, uint64_t end, CodeHook fn);
    void remove_hook(int id);

    // Code in [begin, end] was changed behind the guest's back (a debugger writing memory): translated
    // blocks of it and their instruction counts are dropped so that the new bytes run and are counted.
    void code_changed(uint64_t begin, uint64_t end);

    // Called at the start of every executed block (address, size in bytes), for tracers that follow
    // control flow block by block (cheaper than a hook on every instruction). Empty: none. A
    // request_stop() from the observer stops before the block, which then counts as not run.
    using BlockObserver = std::function<void(uint64_t addr, uint32_t size)>;
    void set_block_observer(BlockObserver fn) { block_observer_ = std::move(fn); }

    // Instruction count of each block seen, decoded once. Only blocks on pages the guest cannot write
    // are remembered, so their code cannot change under the count: unmapping, making writable
    // (protect) and code_changed forget a range's counts; a block on a writable page (self-modifying
    // code, a JIT's) is decoded again each time it runs.
    size_t cached_blocks() const { return blocks_.size(); }

    // The block Unicorn translates at `addr` — its instruction count and size as TCG translated it,
    // the count a new block takes (engine_block_count.cpp) — translating it now if it is not in the
    // cache (outside a run, a full cache then crashes Unicorn: tests translate less than it holds).
    struct TranslatedBlock {
        uint32_t insns, size;
    };
    std::optional<TranslatedBlock> translated_block(uint64_t addr);
    // Capstone's count of the instructions in [addr, addr + size), for holding the two to each other.
    uint32_t decoded_insns(uint64_t addr, uint32_t size);

private:
    static void on_block(uc_struct* uc, uint64_t addr, uint32_t size, void* self);
    void on_block_slow(uc_struct* uc, uint64_t addr, uint32_t size);
    void enter_block(uint64_t addr, uint32_t size, uint32_t insns);
    void refresh_quiet_until();
    static void on_syscall(uc_struct* uc, void* self);
    static int on_cpuid(uc_struct* uc, void* self);
    static bool on_invalid_mem(uc_struct* uc, int type, uint64_t addr, int size, int64_t value, void* self);
    static void on_interrupt(uc_struct* uc, uint32_t intno, void* self);
    static bool on_invalid_insn(uc_struct* uc, void* self);
    static void on_code(uc_struct* uc, uint64_t addr, uint32_t size, void* hook);
    static void on_step_hook(uc_struct* uc, uint64_t addr, uint32_t size, void* self);
    static void on_watched_write(uc_struct* uc, int type, uint64_t addr, int size, int64_t value, void* watch);
    // User mode (engine_user_mode.cpp): the guest runs at CPL 3, and exceptions leave no trace.
    void enter_user_mode();
    void forget_exception();
    bool software_interrupt(uint32_t vector, uint64_t rip, uint64_t& insn);
    static bool needs_gp_check(unsigned capstone_id);
    void stop_before_gp_insn(uint64_t block);
    StopReason gp_insn_fault(const StopReason& r);
    void forget_gp_insns(uint64_t begin, uint64_t end);
    bool forget_counts(uint64_t begin, uint64_t end);
    uint32_t count_block(uint64_t addr, uint32_t size);
    uint32_t decode_block(const uint8_t* code, size_t len, uint64_t addr, std::optional<uint32_t>* first_gp);
    uint64_t address_of_insn(uint64_t block, uint32_t size, uint64_t k);
    void check(int err, const char* what) const;
    static uc_context* uc_of(const Context& c);  // the engine's own part of a context (null: none)
    StopReason run_once();
    StopReason run_exact();
    void finish_stop();
    StopReason step_over_watched_write();
    std::optional<uint64_t> exact_stop() const;

    ProtectionMap prot_;  // mirrors every map/unmap/protect, for the *_user accesses

    struct CodeHookRec {
        Engine* engine;
        CodeHook fn;
        size_t handle;
        uint64_t begin, end;
        bool active = true;  // Unicorn 2.0.1 may still call a deleted hook: records live until ~Engine
    };
    void drop_translations(uint64_t begin, uint64_t end);
    void forget_code(uint64_t begin, uint64_t end);

    HostMemory host_;  // what backs the mappings; outlives uc_, which ~Engine closes first
    std::vector<MappedRegion> sync_;  // what memory held at the last snapshot taken or restored
    uc_struct* uc_ = nullptr;
    Context user_mode_;  // the CPU just after entering user mode: no exception in flight
    uint64_t insns_ = 0;
    uint64_t block_addr_ = 0;    // the block being executed and insns_ before it
    uint64_t block_base_ = 0;
    uint32_t block_size_ = 0;
    uint64_t stop_at_ = 0;       // insns_ value at which the budget runs out (0: none)
    bool have_stop_ = false;
    bool stop_pending_ = false;  // a hook has decided why this run ends
    bool stop_before_block_ = false;  // ... and the current block must not count (it did not run)
    bool in_block_hook_ = false;
    StopReason stop_{};
    StopReason last_stop_{};

    // A stop inside a block leaves a partial block to run first on resume: it is the rest of a block
    // whose start already passed the budget check, so that check is not made again (see run_until).
    bool resume_partial_ = false;
    uint64_t resume_pc_ = 0;

    // Exact stops: the user's (stop_at_instruction) and the engine's own one-instruction step over a
    // watched write. When the stop falls inside a block, the block is abandoned before it runs and
    // translated again with a hook at the stopping instruction (`step_hook_`).
    std::optional<uint64_t> insn_stop_;
    std::optional<uint64_t> internal_stop_;
    uint64_t step_hook_at_ = 0;
    size_t step_hook_ = 0;

    struct WriteWatch {
        Engine* engine;
        int id;
        uint64_t addr, len;
        size_t handle;
        bool active = true;  // records live until ~Engine, as code hook records do
    };
    std::unordered_map<int, std::unique_ptr<WriteWatch>> watches_;
    int next_watch_id_ = 1;
    bool watches_suspended_ = false;  // while the engine re-executes the writing instruction
    std::vector<uint8_t> undo_bytes_;  // what the watched write overwrote, to put back before re-executing
    WatchHit watch_hit_;
    BlockCounts blocks_;
    // A block that ends with insns_ at most this needs none of the checks of on_block_slow: no exact
    // stop or budget falls in it (the least of them, recomputed whenever one is set).
    uint64_t quiet_until_ = ~uint64_t(0);
    std::unordered_map<uint64_t, uint32_t> gp_insns_;  // blocks holding in/out, sysret ...: index of the first
    bool gp_insn_stop_ = false;  // internal_stop_ is the #GP of such an instruction
    std::unordered_map<int, std::unique_ptr<CodeHookRec>> code_hooks_;
    BlockObserver block_observer_;
    int next_hook_id_ = 1;
    void* disasm_ = nullptr;  // a Capstone handle, for instruction boundaries (engine_block_count.cpp)
};

}  // namespace gostart::cpu
