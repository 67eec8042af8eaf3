// HostMemory: the host memory behind the engine's mappings, and which of its pages the guest wrote.
// The engine maps guest ranges with uc_mem_map_ptr onto blocks allocated here (Unicorn 2.0.1 and 2.1.1
// keep them when they split a mapping), so a checkpoint can read pages in place and copy only the ones
// written since the previous checkpoint. Unicorn tells nothing about writes, so the tracking is the
// host's: start_tracking() makes every block read-only on the host; the first store to a page then
// faults, and a SIGSEGV handler marks the page written and makes it writable again, so each page
// costs one fault per checkpoint interval and nothing after. Without tracking (plain runs) nothing
// is protected and no handler is installed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <vector>

namespace gostart::cpu {

class HostMemory {
public:
    HostMemory() = default;
    HostMemory(const HostMemory&) = delete;
    HostMemory& operator=(const HostMemory&) = delete;
    ~HostMemory();

    // Fresh zero pages for the page-aligned guest range [guest, guest + size); throws EngineError.
    uint8_t* allocate(uint64_t guest, uint64_t size);
    // Frees what backs [guest, guest + size) (any part of one or more blocks).
    void release(uint64_t guest, uint64_t size);
    // [guest, guest + size) (page-aligned) reads back as zeros and its host pages are given back
    // (MADV_DONTNEED); false, and nothing done, unless blocks hold all of it. While tracking, the pages
    // count as written.
    bool discard(uint64_t guest, uint64_t size);
    // The host address of a guest byte, or nullptr when no block holds it.
    uint8_t* host(uint64_t guest) const;

    // From now on, record the pages written (start_tracking again starts a new record).
    void start_tracking();
    bool tracking() const { return tracking_; }
    // Written since start_tracking (always true when not tracking). A page allocated since and not
    // written is zero.
    bool written(uint64_t guest_page) const;
    // Any page of [begin, end) written (or not tracked) since start_tracking.
    bool written_in(uint64_t begin, uint64_t end) const;

private:
    struct Block {
        uint64_t end = 0;            // guest end
        uint8_t* host = nullptr;     // host address of the block's guest start
        std::vector<uint64_t> dirty; // one bit a page
    };
    bool on_fault(void* addr);  // in the SIGSEGV handler: true when the page is ours
    friend struct HostMemoryFaults;

    std::map<uint64_t, Block> blocks_;  // keyed by guest start
    bool tracking_ = false;
};

}  // namespace gostart::cpu
