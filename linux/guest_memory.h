// GuestMemory: the guest's address space as Linux sees it — a map of VMAs with protections — and the
// one place that decides what Unicorn actually maps. Go reserves hundreds of MiB with PROT_NONE and
// commits pieces later, so a PROT_NONE mapping stays a reservation here and reaches the engine only
// when part of it becomes accessible; that keeps a hello run's memory small.
//
// Every operation checks its arguments as Linux does (mm/mmap.c, mm/vma.c, mm/mprotect.c,
// mm/madvise.c, mm/mremap.c, mm/mlock.c, mm/msync.c, mm/mincore.c of a current kernel, for an
// unprivileged x86-64 process with 4-level paging): the same checks in the same order, so that a bad
// call gets the kernel's errno and changes nothing. Where Linux applies a call piece by piece and
// stops at a hole (mprotect, mlock, madvise), so do we. docs/security.md lists what still differs.
#pragma once

#include "cpu/guest_cpu.h"

#include <array>
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
    uint32_t max_prot = 7;   // what mprotect may grant (Linux's VM_MAY*): not write for a shared file mapping
    bool in_engine = false;  // backed by a Unicorn mapping (false: a PROT_NONE reservation)
    bool file = false;       // a file's private copy (name is its path); else anonymous
    bool shared = false;     // MAP_SHARED
    bool locked = false;     // VM_LOCKED: mlock, MAP_LOCKED, mlockall
    bool lock_on_fault = false;
    bool grows_down = false;  // MAP_GROWSDOWN
    std::string name;        // "[stack]", "[heap]", the file's path, "" for anonymous
};

// The limits that bound an address space (RLIMIT_MEMLOCK, RLIMIT_AS, RLIMIT_DATA, in bytes; ~0 is
// RLIM_INFINITY). The process owns them (setrlimit); the memory syscalls pass them in.
struct MemoryLimits {
    uint64_t memlock = 8ull << 20;
    uint64_t as = ~uint64_t(0);
    uint64_t data = ~uint64_t(0);
};

// What the kernel knows about the file behind a file mapping.
struct MappedFile {
    std::string path;
    bool readable = true;   // the descriptor was opened for reading (FMODE_READ)
    bool writable = false;  // ... and for writing (FMODE_WRITE)
    bool noexec = false;    // on a filesystem mounted noexec
    bool mappable = true;   // a regular file: it has an mmap operation (else ENODEV)
    bool refuses_sync = false;  // its filesystem's mmap refuses MAP_SYNC (ext4, xfs without DAX)
};

// Who changed the address space: the syscall being handled (set by the Process before each one), so
// that a guest that dies of what it unmapped itself is told which call did it.
struct MemoryActor {
    int nr = -1;  // -1: the loader, not the guest
    std::array<uint64_t, 6> args{};
    int tid = 0;
    uint64_t pc = 0;
};

// A range the guest took away from itself: unmapped, or left with less access than it had.
struct MemoryChange {
    uint64_t start = 0, end = 0;
    bool unmapped = true;  // false: its protection was reduced (mprotect)
    MemoryActor by;
};

class GuestMemory {
public:
    // Where mmap without a usable hint starts looking (downwards), as Linux's mmap_base would.
    static constexpr uint64_t kMmapBase = 0x7f0000000000;
    static constexpr uint64_t kMmapMin = 0x10000;         // vm.mmap_min_addr (Debian's default)
    static constexpr uint64_t kUserTop = 0x7ffffffff000;  // TASK_SIZE: the end of the user half
    static constexpr uint64_t kMaxMapCount = 65530;       // vm.max_map_count

    GuestMemory(cpu::GuestCpu& cpu, uint64_t max_committed) : cpu_(&cpu), max_committed_(max_committed) {}
    // Copies are plain values (checkpoints keep one): the VMA map and the counters. Assigning one
    // back changes no engine mapping — the engine's snapshot restores those.
    GuestMemory(const GuestMemory&) = default;
    GuestMemory& operator=(const GuestMemory&) = default;

    // The syscalls, with their raw arguments; results are what the syscall returns (an address, 0, or
    // a negative errno; brk returns the break). `file` is null for an anonymous mapping.
    int64_t mmap(uint64_t addr, uint64_t len, uint64_t prot, uint64_t flags, uint64_t offset,
                 const MappedFile* file, const MemoryLimits& limits);
    int64_t munmap(uint64_t addr, uint64_t len);
    int64_t mprotect(uint64_t addr, uint64_t len, uint64_t prot);
    int64_t madvise(uint64_t addr, uint64_t len, int advice);
    int64_t mremap(uint64_t addr, uint64_t old_len, uint64_t new_len, uint64_t flags, uint64_t new_addr,
                   const MemoryLimits& limits);
    int64_t brk(uint64_t addr, const MemoryLimits& limits);
    int64_t msync(uint64_t addr, uint64_t len, uint64_t flags);
    int64_t mincore(uint64_t addr, uint64_t len, uint64_t vec);  // writes the vector through the CPU
    int64_t mlock(uint64_t addr, uint64_t len, uint64_t flags, const MemoryLimits& limits);  // mlock2's flags
    int64_t munlock(uint64_t addr, uint64_t len);
    int64_t mlockall(uint64_t flags, const MemoryLimits& limits);
    int64_t munlockall();

    // The program's break starts at `base`; `data_size` is its data segment's (RLIMIT_DATA counts both).
    void set_brk_base(uint64_t base, uint64_t data_size = 0) {
        brk_base_ = brk_cur_ = base;
        data_segment_ = data_size;
    }
    uint64_t brk_base() const { return brk_base_; }
    // Used by the loader: map [start, end) with `prot` at a fixed place (no hint search).
    void map_fixed(uint64_t start, uint64_t end, uint32_t prot, const std::string& name);
    // The syscall being handled from now on (Process::dispatch_syscall), or the loader (nr -1).
    void set_actor(const MemoryActor& a) { actor_ = a; }

    const Vma* find(uint64_t addr) const;
    // What the guest last did to take `addr` away from itself, if it did (for a fault report).
    const MemoryChange* change_at(uint64_t addr) const;
    // For an address in a file mapping: the file's path and the offset from the file's lowest mapping
    // (where a shared library was loaded). nullopt for anonymous memory and unmapped addresses.
    std::optional<std::pair<std::string, uint64_t>> file_offset(uint64_t addr) const;
    bool is_free(uint64_t start, uint64_t end) const;
    std::vector<Vma> vmas() const;
    uint64_t committed_bytes() const { return committed_; }
    uint64_t peak_committed_bytes() const { return peak_committed_; }
    uint64_t locked_bytes() const { return locked_vm_; }
    uint64_t total_bytes() const { return total_vm_; }  // every VMA, reservations too (Linux's total_vm)
    // Set when a request was refused because of the committed-memory cap (--max-memory).
    bool limit_reached() const { return limit_reached_; }
    uint64_t limit() const { return max_committed_; }
    uint64_t refused_bytes() const { return refused_bytes_; }  // the request that hit the cap

private:
    using Map = std::map<uint64_t, Vma>;
    // The address Linux's get_unmapped_area gives (or a negative errno).
    int64_t unmapped_area(uint64_t addr, uint64_t len, bool fixed, bool below_2g) const;
    std::optional<uint64_t> find_free_topdown(uint64_t len, uint64_t low, uint64_t high) const;
    std::optional<uint64_t> find_free_bottomup(uint64_t len, uint64_t low, uint64_t high) const;
    // The VMA holding addr, or the first after it (Linux's find_vma).
    Map::iterator vma_from(uint64_t addr);
    Map::const_iterator vma_from(uint64_t addr) const;
    void split_at(uint64_t addr);
    void remove_range(uint64_t start, uint64_t end);  // unmaps from the engine what was there
    void insert(Vma v);
    void erase(Map::iterator it);
    // Changes the attributes of [start, end) (already split there) by `fn`, keeping the counters right.
    template <class Fn>
    void modify(uint64_t start, uint64_t end, Fn fn);
    void merge_around(uint64_t start, uint64_t end);  // joins neighbours with the same attributes, as Linux
    void count(const Vma& v, int sign);
    bool over_cap(uint64_t more);  // committing `more` bytes would pass --max-memory (and says so)
    void note_removed(uint64_t start, uint64_t end, bool unmapped);
    void note_mapped(uint64_t start, uint64_t end);
    uint64_t pages_in(uint64_t start, uint64_t end, bool (*which)(const Vma&)) const;
    int64_t may_expand(const Vma& attrs, uint64_t more, const MemoryLimits& limits) const;
    void discard(const Vma& v, uint64_t start, uint64_t end);  // MADV_DONTNEED: reads back as zeros
    int64_t set_locked(uint64_t addr, uint64_t len, bool locked, bool on_fault);  // mlock and munlock
    int64_t move(Map::iterator vma, uint64_t addr, uint64_t old_len, uint64_t new_len, uint64_t new_addr,
                 bool dont_unmap);

    cpu::GuestCpu* cpu_;
    Map vmas_;  // keyed by start
    uint64_t committed_ = 0;
    uint64_t peak_committed_ = 0;
    uint64_t total_vm_ = 0, data_vm_ = 0, locked_vm_ = 0;
    uint64_t max_committed_;
    bool limit_reached_ = false;
    uint64_t refused_bytes_ = 0;
    uint64_t brk_base_ = 0;
    uint64_t brk_cur_ = 0;
    uint64_t data_segment_ = 0;
    bool lock_future_ = false, lock_future_on_fault_ = false;  // mlockall(MCL_FUTURE[|MCL_ONFAULT])
    MemoryActor actor_;
    std::map<uint64_t, MemoryChange> changes_;  // keyed by start, non-overlapping
};

}  // namespace gostart::linux
