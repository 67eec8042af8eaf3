#include "cpu/host_memory.h"

#include "cpu/engine_error.h"
#include "cpu/prot.h"

#include <fmt/format.h>

#include <algorithm>
#include <csignal>
#include <cstring>
#include <sys/mman.h>

namespace gostart::cpu {

// The SIGSEGV handler's view: the instances that track writes. Changed only outside the handler, by
// the one thread that runs the engines, so the handler never sees it half-changed.
struct HostMemoryFaults {
    static std::vector<HostMemory*>& tracked() {
        static std::vector<HostMemory*> v;
        return v;
    }
    static struct sigaction& previous() {
        static struct sigaction p {};
        return p;
    }
    static void handler(int, siginfo_t* info, void*) {
        for (HostMemory* m : tracked())
            if (m->on_fault(info->si_addr)) return;
        // Not a tracked page: a real crash. Put the previous action back; the fault repeats under it.
        sigaction(SIGSEGV, &previous(), nullptr);
    }
    // Whenever tracking starts: someone may have replaced the handler since (a test framework does).
    static void install() {
        struct sigaction current {};
        sigaction(SIGSEGV, nullptr, &current);
        if ((current.sa_flags & SA_SIGINFO) && current.sa_sigaction == handler) return;
        struct sigaction sa {};
        sa.sa_sigaction = handler;
        sa.sa_flags = SA_SIGINFO | SA_NODEFER;
        sigemptyset(&sa.sa_mask);
        if (sigaction(SIGSEGV, &sa, &previous()) != 0) throw EngineError("cannot install the write-tracking handler");
    }
};

namespace {

size_t words_for(uint64_t size) { return (size / kPageSize + 63) / 64; }

}  // namespace

HostMemory::~HostMemory() {
    std::erase(HostMemoryFaults::tracked(), this);
    for (auto& [guest, b] : blocks_) ::munmap(b.host, b.end - guest);
}

uint8_t* HostMemory::allocate(uint64_t guest, uint64_t size) {
    void* p = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) throw EngineError(fmt::format("no host memory for {:#x} bytes of guest memory", size));
    // While tracking, a fresh block is tracked from the start: its pages are known to be zero until
    // written, so a snapshot need not even read them.
    Block b{guest + size, static_cast<uint8_t*>(p), std::vector<uint64_t>(words_for(size), 0)};
    if (tracking_ && ::mprotect(p, size, PROT_READ) != 0) {
        ::munmap(p, size);
        throw EngineError("cannot protect guest memory for tracking");
    }
    blocks_[guest] = std::move(b);
    return static_cast<uint8_t*>(p);
}

void HostMemory::release(uint64_t guest, uint64_t size) {
    uint64_t end = guest + size;
    auto it = blocks_.upper_bound(guest);
    if (it != blocks_.begin()) --it;
    while (it != blocks_.end() && it->first < end) {
        uint64_t b_start = it->first;
        Block b = std::move(it->second);
        it = blocks_.erase(it);
        if (b.end <= guest) continue;
        uint64_t cut_lo = std::max(guest, b_start), cut_hi = std::min(end, b.end);
        auto piece = [&](uint64_t lo, uint64_t hi) {  // keep [lo, hi) of b
            Block k{hi, b.host + (lo - b_start), std::vector<uint64_t>(words_for(hi - lo), 0)};
            for (uint64_t pg = 0; pg < (hi - lo) / kPageSize; ++pg) {
                uint64_t from = (lo - b_start) / kPageSize + pg;
                if (b.dirty[from / 64] >> (from % 64) & 1) k.dirty[pg / 64] |= uint64_t(1) << (pg % 64);
            }
            blocks_[lo] = std::move(k);
        };
        if (b_start < cut_lo) piece(b_start, cut_lo);
        if (cut_hi < b.end) piece(cut_hi, b.end);
        ::munmap(b.host + (cut_lo - b_start), cut_hi - cut_lo);
        it = blocks_.lower_bound(cut_hi);
    }
}

bool HostMemory::discard(uint64_t guest, uint64_t size) {
    uint64_t end = guest + size;
    for (uint64_t at = guest; at < end;) {  // all of it first: nothing changes unless all is ours
        auto it = blocks_.upper_bound(at);
        if (it == blocks_.begin() || std::prev(it)->second.end <= at) return false;
        at = std::prev(it)->second.end;
    }
    for (uint64_t at = guest; at < end;) {
        auto it = std::prev(blocks_.upper_bound(at));
        Block& b = it->second;
        uint64_t stop = std::min(end, b.end);
        if (::madvise(b.host + (at - it->first), stop - at, MADV_DONTNEED) != 0)
            throw EngineError("cannot give guest memory back to the host");
        for (uint64_t pg = (at - it->first) / kPageSize; pg < (stop - it->first) / kPageSize; ++pg)
            b.dirty[pg / 64] |= uint64_t(1) << (pg % 64);
        at = stop;
    }
    return true;
}

uint8_t* HostMemory::host(uint64_t guest) const {
    auto it = blocks_.upper_bound(guest);
    if (it == blocks_.begin()) return nullptr;
    --it;
    return guest < it->second.end ? it->second.host + (guest - it->first) : nullptr;
}

void HostMemory::start_tracking() {
    HostMemoryFaults::install();
    for (auto& [guest, b] : blocks_) {
        std::fill(b.dirty.begin(), b.dirty.end(), 0);
        if (::mprotect(b.host, b.end - guest, PROT_READ) != 0) throw EngineError("cannot protect guest memory for tracking");
    }
    if (!tracking_) HostMemoryFaults::tracked().push_back(this);
    tracking_ = true;
}

bool HostMemory::written(uint64_t guest_page) const {
    if (!tracking_) return true;  // nothing known: everything may have changed
    auto it = blocks_.upper_bound(guest_page);
    if (it == blocks_.begin()) return true;
    --it;
    if (guest_page >= it->second.end) return true;
    uint64_t pg = (guest_page - it->first) / kPageSize;
    return it->second.dirty[pg / 64] >> (pg % 64) & 1;
}

bool HostMemory::written_in(uint64_t begin, uint64_t end) const {
    if (!tracking_) return true;
    auto it = blocks_.upper_bound(begin);
    if (it != blocks_.begin()) --it;
    uint64_t at = begin;
    for (; at < end && it != blocks_.end(); ++it) {
        if (it->second.end <= at) continue;
        if (it->first > at) return true;  // a gap: not ours to vouch for
        uint64_t first = (at - it->first) / kPageSize, last = (std::min(end, it->second.end) - it->first) / kPageSize;
        for (uint64_t pg = first; pg < last;) {
            uint64_t word = it->second.dirty[pg / 64] >> (pg % 64);
            uint64_t span = std::min<uint64_t>(64 - pg % 64, last - pg);
            if (span < 64) word &= (uint64_t(1) << span) - 1;
            if (word) return true;
            pg += span;
        }
        at = std::min(end, it->second.end);
    }
    return at < end;
}

// In the SIGSEGV handler: only lookups, a bit set and mprotect (async-signal-safe).
bool HostMemory::on_fault(void* addr) {
    auto* a = static_cast<uint8_t*>(addr);
    for (auto& [guest, b] : blocks_) {
        if (a < b.host || a >= b.host + (b.end - guest)) continue;
        uint64_t pg = static_cast<uint64_t>(a - b.host) / kPageSize;
        if (::mprotect(b.host + pg * kPageSize, kPageSize, PROT_READ | PROT_WRITE) != 0) return false;
        b.dirty[pg / 64] |= uint64_t(1) << (pg % 64);
        return true;
    }
    return false;
}

}  // namespace gostart::cpu
