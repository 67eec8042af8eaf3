// Engine write watches (gdb's hardware watchpoints): a Unicorn memory-write hook over the watched
// range, and a one-instruction re-run so that the stop comes right after the writing instruction.
#include "cpu/engine.h"

#include <unicorn/unicorn.h>

namespace gostart::cpu {

int Engine::add_write_watch(uint64_t addr, uint64_t len) {
    if (len == 0) throw EngineError("a write watch needs at least one byte");
    int id = next_watch_id_++;
    auto rec = std::make_unique<WriteWatch>(WriteWatch{this, id, addr, len, 0});
    // Unicorn matches a hook's range against the first byte written: start early enough to see a
    // store that begins below the range and reaches into it (at most 64 bytes wide); the hook
    // filters exactly.
    uint64_t begin = addr > 63 ? addr - 63 : 0;
    uc_hook h = 0;
    check(uc_hook_add(uc_, &h, UC_HOOK_MEM_WRITE, reinterpret_cast<void*>(&Engine::on_watched_write), rec.get(), begin,
                      addr + len - 1),
          "write watch");
    rec->handle = h;
    watches_.emplace(id, std::move(rec));
    return id;
}

void Engine::remove_write_watch(int id) {
    auto it = watches_.find(id);
    if (it == watches_.end() || !it->second->active) return;
    it->second->active = false;
    uc_hook_del(uc_, it->second->handle);
}

void Engine::on_watched_write(uc_struct* uc, int, uint64_t addr, int size, int64_t, void* p) {
    auto* w = static_cast<WriteWatch*>(p);
    Engine* self = w->engine;
    if (!w->active || self->watches_suspended_ || self->stop_pending_) return;
    if (addr + static_cast<uint64_t>(size) <= w->addr || addr >= w->addr + w->len) return;
    // The hook runs before the store: memory still holds the old bytes. rip names the writing
    // instruction here (Unicorn syncs it for memory hooks), unlike after the run has ended.
    WatchHit& h = self->watch_hit_;
    h = WatchHit{w->id, 0, addr, static_cast<uint32_t>(size), std::vector<uint8_t>(w->len)};
    uc_reg_read(uc, UC_X86_REG_RIP, &h.pc);
    uc_mem_read(uc, w->addr, h.old_bytes.data(), w->len);
    self->undo_bytes_.resize(static_cast<size_t>(size));
    uc_mem_read(uc, addr, self->undo_bytes_.data(), self->undo_bytes_.size());
    self->stop_ = {StopReason::Kind::watch};
    self->stop_.pc = h.pc;
    self->stop_.address = addr;
    self->stop_.access = StopReason::Access::write;
    self->stop_.watch_id = w->id;
    self->stop_pending_ = true;
    uc_emu_stop(uc);
}

// After a watched write: the state is the one before the writing instruction. Run exactly that one
// instruction with the watches quiet, so the stop is right after it, as a hardware watchpoint's.
StopReason Engine::step_over_watched_write() {
    StopReason watch_stop = stop_;
    internal_stop_ = insns_ + 1;
    watches_suspended_ = true;
    StopReason r = run_exact();
    watches_suspended_ = false;
    bool stepped = r.kind == StopReason::Kind::instruction_count && insns_ == *internal_stop_;
    internal_stop_.reset();
    if (!stepped) return r;  // the instruction stopped for something else (a fault): report that
    return watch_stop;
}

}  // namespace gostart::cpu
