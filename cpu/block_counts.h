// BlockCounts: the instruction count of every translated block the engine has decoded, for the block
// hook, which runs at every executed block (a hundred million times a second of guest work). The hook
// asks `hit` first: one array index and two compares in a direct-mapped cache keyed by the block's
// address. Only a miss (a block seen for the first time, or its slot taken by another block since)
// goes to the map behind it, which holds every count and never evicts; a block never seen is decoded
// by the engine and `insert`ed. `forget` drops the blocks of a range from both (code unmapped, made
// writable or changed by a debugger), so that new code at the same address is decoded again.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

namespace gostart::cpu {

class BlockCounts {
public:
    struct Entry {
        uint64_t addr = ~uint64_t(0);  // no block starts there: an empty slot matches nothing
        uint32_t size = 0;             // bytes, as Unicorn reports the block
        uint16_t insns = 0;            // a block is at most 4 KiB here, so at most 4096 instructions
        bool gp = false;               // it holds an instruction that must raise #GP (engine_user_mode.cpp)
    };

    // The slots: a power of two. 65536 × 16 bytes = 1 MiB of address space, of which only the slots of
    // blocks that ran are touched. esbuild minifying lodash runs 27,000 distinct blocks; 32768 slots
    // missed 148,000 times in its 30 million blocks, 65536 miss 73,000 times, 131072 43,000 times.
    static constexpr size_t kSlots = 65536;

    // The hot path: the cached entry for the block (addr, size), or nullptr.
    const Entry* hit(uint64_t addr, uint32_t size) const {
        const Entry& e = slots_[slot(addr)];
        return e.addr == addr && e.size == size ? &e : nullptr;
    }
    // The cold path: the count remembered for the block at `addr`, put into its slot for next time.
    // The map is keyed by address alone, as the engine's counts always were (the first decoding of an
    // address stands until forgotten), so that every count stays what earlier releases printed.
    std::optional<Entry> find(uint64_t addr, uint32_t size);
    // A block just decoded; it takes its slot from whichever block had it.
    void insert(uint64_t addr, uint32_t size, uint16_t insns, bool gp);
    // Drops every block that starts in [begin, end); true when there was one.
    bool forget(uint64_t begin, uint64_t end);

    size_t size() const { return all_.size(); }
    // Any block starting in [begin, end)? Cheap when code lies elsewhere (most unmapping is of data).
    bool any_in(uint64_t begin, uint64_t end) const { return end > lo_ && begin < hi_ && !all_.empty(); }
    static size_t slot(uint64_t addr) { return (addr ^ (addr >> 16)) & (kSlots - 1); }

private:
    struct Count {
        uint16_t insns;
        bool gp;
    };
    std::vector<Entry> slots_ = std::vector<Entry>(kSlots);
    std::unordered_map<uint64_t, Count> all_;
    uint64_t lo_ = ~uint64_t(0), hi_ = 0;  // where the blocks of all_ start, at most
};

}  // namespace gostart::cpu
