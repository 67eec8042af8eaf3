// GuestMemory: the guest's address space as Linux sees it — a map of VMAs with protections — and the
// one place that decides what Unicorn actually maps. Go reserves hundreds of MiB with PROT_NONE and
// commits pieces later, so a PROT_NONE mapping stays a reservation here and reaches the engine only
// when part of it becomes accessible; that keeps a hello run's memory small.
#pragma once

#include "cpu/guest_cpu.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace gostart::linux {

struct Vma {
    uint64_t start = 0;
    uint64_t end = 0;
    uint32_t prot = 0;
    bool in_engine = false;  // backed by a Unicorn mapping (false: a PROT_NONE reservation)
    std::string name;        // "[stack]", "[heap]", the ELF path, "" for anonymous
};

class GuestMemory {
public:
    // Where mmap without a usable hint starts looking (downwards), as Linux's mmap_base would.
    static constexpr uint64_t kMmapBase = 0x7f0000000000;
    static constexpr uint64_t kMmapMin = 0x10000;         // vm.mmap_min_addr
    static constexpr uint64_t kUserTop = 0x7ffffffff000;  // end of the user half

    GuestMemory(cpu::GuestCpu& cpu, uint64_t max_committed) : cpu_(&cpu), max_committed_(max_committed) {}
    // Copies are plain values (checkpoints keep one): the VMA map and the counters. Assigning one
    // back changes no engine mapping — the engine's snapshot restores those.
    GuestMemory(const GuestMemory&) = default;
    GuestMemory& operator=(const GuestMemory&) = default;

    // Linux-shaped operations; results are addresses or negative errno values.
    int64_t mmap(uint64_t hint, uint64_t len, uint32_t prot, bool fixed, bool noreplace, const std::string& name);
    int64_t munmap(uint64_t addr, uint64_t len);
    int64_t mprotect(uint64_t addr, uint64_t len, uint32_t prot);
    int64_t madvise_dontneed(uint64_t addr, uint64_t len);
    int64_t brk(uint64_t addr);
    void set_brk_base(uint64_t base) { brk_base_ = brk_cur_ = base; }

    // Used by the loader: map [start, end) with `prot` at a fixed place (no hint search).
    void map_fixed(uint64_t start, uint64_t end, uint32_t prot, const std::string& name);

    const Vma* find(uint64_t addr) const;
    bool is_free(uint64_t start, uint64_t end) const;
    std::vector<Vma> vmas() const;
    uint64_t committed_bytes() const { return committed_; }
    uint64_t peak_committed_bytes() const { return peak_committed_; }
    // Set when a request was refused because of the committed-memory cap (--max-memory).
    bool limit_reached() const { return limit_reached_; }
    uint64_t limit() const { return max_committed_; }
    uint64_t refused_bytes() const { return refused_bytes_; }  // the request that hit the cap

private:
    void remove_range(uint64_t start, uint64_t end);  // unmaps from the engine what was there
    void split_at(uint64_t addr);
    void insert(uint64_t start, uint64_t end, uint32_t prot, const std::string& name);
    std::optional<uint64_t> find_free(uint64_t len) const;
    void account(int64_t delta);

    cpu::GuestCpu* cpu_;
    std::map<uint64_t, Vma> vmas_;  // keyed by start
    uint64_t committed_ = 0;
    uint64_t peak_committed_ = 0;
    uint64_t max_committed_;
    bool limit_reached_ = false;
    uint64_t refused_bytes_ = 0;
    uint64_t brk_base_ = 0;
    uint64_t brk_cur_ = 0;
};

}  // namespace gostart::linux
