#include "linux/guest_memory.h"

#include "cpu/prot.h"

#include <fmt/format.h>

#include <cerrno>
#include <stdexcept>

namespace gostart::linux {

using cpu::page_down;
using cpu::page_up;

const Vma* GuestMemory::find(uint64_t addr) const {
    auto it = vmas_.upper_bound(addr);
    if (it == vmas_.begin()) return nullptr;
    --it;
    return addr < it->second.end ? &it->second : nullptr;
}

bool GuestMemory::is_free(uint64_t start, uint64_t end) const {
    auto it = vmas_.lower_bound(start);
    if (it != vmas_.end() && it->second.start < end) return false;
    if (it != vmas_.begin() && std::prev(it)->second.end > start) return false;
    return true;
}

std::vector<Vma> GuestMemory::vmas() const {
    std::vector<Vma> out;
    for (const auto& [_, v] : vmas_) out.push_back(v);
    return out;
}

void GuestMemory::account(int64_t delta) {
    committed_ += delta;
    if (committed_ > peak_committed_) peak_committed_ = committed_;
}

void GuestMemory::split_at(uint64_t addr) {
    auto it = vmas_.upper_bound(addr);
    if (it == vmas_.begin()) return;
    --it;
    Vma& v = it->second;
    if (addr <= v.start || addr >= v.end) return;
    Vma hi = v;
    hi.start = addr;
    v.end = addr;
    vmas_.emplace(addr, hi);
}

void GuestMemory::remove_range(uint64_t start, uint64_t end) {
    split_at(start);
    split_at(end);
    for (auto it = vmas_.lower_bound(start); it != vmas_.end() && it->second.start < end;) {
        const Vma& v = it->second;
        if (v.in_engine) {
            cpu_->unmap(v.start, v.end - v.start);
            account(-static_cast<int64_t>(v.end - v.start));
        }
        it = vmas_.erase(it);
    }
}

void GuestMemory::insert(uint64_t start, uint64_t end, uint32_t prot, const std::string& name) {
    Vma v{start, end, prot, prot != cpu::kProtNone, name};
    if (v.in_engine) {
        cpu_->map(start, end - start, prot);
        account(static_cast<int64_t>(end - start));
    }
    vmas_.emplace(start, v);
}

void GuestMemory::map_fixed(uint64_t start, uint64_t end, uint32_t prot, const std::string& name) {
    // The loader's mappings count against --max-memory too: a program whose .bss alone is larger stops
    // here, with the reason, instead of failing inside Unicorn.
    if (prot != cpu::kProtNone && committed_ + (end - start) > max_committed_) {
        limit_reached_ = true;
        throw std::runtime_error(fmt::format("guest memory limit reached: {:#x}-{:#x} ({}) needs {} bytes, {} already "
                                             "committed, --max-memory {}", start, end, name, end - start, committed_,
                                             max_committed_));
    }
    remove_range(start, end);
    insert(start, end, prot, name);
}

std::optional<uint64_t> GuestMemory::find_free(uint64_t len) const {
    // Top-down from kMmapBase, like Linux's default mmap layout, skipping what is taken.
    uint64_t top = kMmapBase;
    auto it = vmas_.lower_bound(top);
    while (true) {
        if (top < len + kMmapMin) return std::nullopt;
        uint64_t cand = top - len;
        if (it == vmas_.begin()) return cand;
        auto prev = std::prev(it);
        if (prev->second.end <= cand) return cand;
        top = std::min(top, prev->second.start);
        it = prev;
    }
}

int64_t GuestMemory::mmap(uint64_t hint, uint64_t len, uint32_t prot, bool fixed, bool noreplace,
                          const std::string& name) {
    if (len == 0) return -EINVAL;
    len = page_up(len);
    if (len == 0 || len > kUserTop) return -ENOMEM;
    uint64_t addr = 0;
    if (fixed || noreplace) {
        if (hint & (cpu::kPageSize - 1)) return -EINVAL;
        if (hint < kMmapMin || hint + len > kUserTop || hint + len < hint) return -ENOMEM;
        if (noreplace && !is_free(hint, hint + len)) return -EEXIST;
        addr = hint;
    } else {
        uint64_t h = page_down(hint);
        if (h >= kMmapMin && h + len <= kUserTop && h + len > h && is_free(h, h + len)) {
            addr = h;  // Linux honours a free hint exactly; Go relies on it for the 0xc000000000 arena
        } else {
            auto f = find_free(len);
            if (!f) return -ENOMEM;
            addr = *f;
        }
    }
    if (prot != cpu::kProtNone && committed_ + len > max_committed_) {
        limit_reached_ = true;
        refused_bytes_ = len;
        return -ENOMEM;
    }
    remove_range(addr, addr + len);
    insert(addr, addr + len, prot, name);
    return static_cast<int64_t>(addr);
}

int64_t GuestMemory::munmap(uint64_t addr, uint64_t len) {
    if ((addr & (cpu::kPageSize - 1)) || len == 0) return -EINVAL;
    remove_range(addr, addr + page_up(len));
    return 0;
}

int64_t GuestMemory::mprotect(uint64_t addr, uint64_t len, uint32_t prot) {
    if (addr & (cpu::kPageSize - 1)) return -EINVAL;
    uint64_t end = addr + page_up(len);
    if (end == addr) return 0;
    // Linux fails with ENOMEM when any page in the range is unmapped, before changing anything.
    for (uint64_t a = addr; a < end;) {
        const Vma* v = find(a);
        if (!v) return -ENOMEM;
        a = v->end;
    }
    split_at(addr);
    split_at(end);
    for (auto it = vmas_.lower_bound(addr); it != vmas_.end() && it->second.start < end; ++it) {
        Vma& v = it->second;
        if (v.in_engine) {
            cpu_->protect(v.start, v.end - v.start, prot);
        } else if (prot != cpu::kProtNone) {
            // A reservation becomes accessible: only now does it cost memory. Its content is zero,
            // as the never-touched pages of a fresh anonymous mapping are.
            if (committed_ + (v.end - v.start) > max_committed_) {
                limit_reached_ = true;
                refused_bytes_ = v.end - v.start;
                return -ENOMEM;
            }
            cpu_->map(v.start, v.end - v.start, prot);
            account(static_cast<int64_t>(v.end - v.start));
            v.in_engine = true;
        }
        v.prot = prot;
    }
    return 0;
}

int64_t GuestMemory::madvise_dontneed(uint64_t addr, uint64_t len) {
    // MADV_DONTNEED on private anonymous memory reads back as zeros. Zeroing the committed pages in
    // place keeps the Unicorn mappings as they are (unmapping and mapping again is slow in Unicorn 2.0).
    uint64_t end = addr + page_up(len);
    static const std::vector<uint8_t> zeros(1 << 16, 0);
    for (uint64_t a = addr; a < end;) {
        const Vma* v = find(a);
        if (!v) {
            a += cpu::kPageSize;
            continue;
        }
        uint64_t stop = std::min(end, v->end);
        if (v->in_engine && (v->prot & cpu::kProtWrite))
            for (uint64_t p = a; p < stop; p += zeros.size())
                cpu_->try_write(p, zeros.data(), std::min<uint64_t>(zeros.size(), stop - p));
        a = stop;
    }
    return 0;
}

int64_t GuestMemory::brk(uint64_t addr) {
    if (addr <= brk_base_) return static_cast<int64_t>(brk_cur_);
    uint64_t old_top = page_up(brk_cur_);
    uint64_t new_top = page_up(addr);
    if (new_top > old_top) {
        if (!is_free(old_top, new_top)) return static_cast<int64_t>(brk_cur_);
        insert(old_top, new_top, cpu::kProtRead | cpu::kProtWrite, "[heap]");
    } else if (new_top < old_top) {
        remove_range(new_top, old_top);
    }
    brk_cur_ = addr;
    return static_cast<int64_t>(brk_cur_);
}

}  // namespace gostart::linux
