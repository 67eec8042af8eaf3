#include "linux/guest_memory.h"

#include "cpu/prot.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <stdexcept>
#include <sys/mman.h>

namespace gostart::linux {

using cpu::kPageSize;
using cpu::page_down;
using cpu::page_up;

namespace {

constexpr uint64_t kPageMask = kPageSize - 1;
// Where x86-64 Linux looks bottom-up when the top-down search fails (TASK_UNMAPPED_BASE), and the
// window MAP_32BIT allocates in.
constexpr uint64_t kUnmappedBase = (GuestMemory::kUserTop / 3 + kPageMask) & ~kPageMask;
constexpr uint64_t k32BitLow = 0x40000000, k32BitHigh = 0x80000000;
// The mmap flags a MAP_SHARED_VALIDATE file mapping may carry (include/linux/mman.h, LEGACY_MAP_MASK).
constexpr uint64_t kLegacyMapMask = MAP_SHARED | MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS | MAP_DENYWRITE |
                                    MAP_EXECUTABLE | 0x4000000 /*MAP_UNINITIALIZED*/ | MAP_GROWSDOWN | MAP_LOCKED |
                                    MAP_NORESERVE | MAP_POPULATE | MAP_NONBLOCK | MAP_STACK | MAP_HUGETLB | MAP_32BIT |
                                    (uint64_t(21) << MAP_HUGE_SHIFT) | (uint64_t(30) << MAP_HUGE_SHIFT);
constexpr uint64_t kProtSem = 0x8;
constexpr uint64_t kMremapMayMove = 1, kMremapFixed = 2, kMremapDontUnmap = 4;

// x86 page tables cannot say write-only or execute-only: a writable or executable page is readable.
uint32_t hw_prot(uint32_t p) { return (p & (cpu::kProtWrite | cpu::kProtExec)) ? p | cpu::kProtRead : p; }

// Linux's is_data_mapping: private, writable, not a stack.
bool is_data(const Vma& v) { return (v.prot & cpu::kProtWrite) && !v.shared && !v.grows_down && v.name != "[stack]"; }
bool any_vma(const Vma&) { return true; }
bool in_engine(const Vma& v) { return v.in_engine; }

// Neighbours Linux would have merged into one VMA (vma_merge): anonymous, the same flags throughout.
bool mergeable(const Vma& a, const Vma& b) {
    return a.end == b.start && !a.file && !b.file && a.prot == b.prot && a.max_prot == b.max_prot &&
           a.in_engine == b.in_engine && a.shared == b.shared && a.locked == b.locked &&
           a.lock_on_fault == b.lock_on_fault && a.grows_down == b.grows_down && a.name == b.name;
}

// Takes [start, end) out of a map of non-overlapping ranges keyed by start.
void carve(std::map<uint64_t, MemoryChange>& m, uint64_t start, uint64_t end) {
    auto it = m.upper_bound(start);
    if (it != m.begin()) --it;
    while (it != m.end() && it->first < end) {
        MemoryChange c = it->second;
        if (c.end <= start) {
            ++it;
            continue;
        }
        it = m.erase(it);
        if (c.start < start) {
            MemoryChange lo = c;
            lo.end = start;
            m.emplace(lo.start, lo);
        }
        if (c.end > end) {
            MemoryChange hi = c;
            hi.start = end;
            it = m.emplace(hi.start, hi).first;
            ++it;
        }
    }
}

}  // namespace

// ---------------------------------------------------------------------------------------- lookups

GuestMemory::Map::const_iterator GuestMemory::vma_from(uint64_t addr) const {
    auto it = vmas_.upper_bound(addr);
    if (it != vmas_.begin() && std::prev(it)->second.end > addr) return std::prev(it);
    return it;
}

GuestMemory::Map::iterator GuestMemory::vma_from(uint64_t addr) {
    auto it = vmas_.upper_bound(addr);
    if (it != vmas_.begin() && std::prev(it)->second.end > addr) return std::prev(it);
    return it;
}

const Vma* GuestMemory::find(uint64_t addr) const {
    auto it = vma_from(addr);
    return it != vmas_.end() && it->second.start <= addr ? &it->second : nullptr;
}

const MemoryChange* GuestMemory::change_at(uint64_t addr) const {
    auto it = changes_.upper_bound(addr);
    if (it == changes_.begin()) return nullptr;
    --it;
    return addr < it->second.end ? &it->second : nullptr;
}

std::optional<std::pair<std::string, uint64_t>> GuestMemory::file_offset(uint64_t addr) const {
    const Vma* v = find(addr);
    if (!v || !v->file) return std::nullopt;
    uint64_t base = v->start;
    for (const auto& [start, other] : vmas_)
        if (other.file && other.name == v->name) {
            base = start;
            break;
        }
    return std::make_pair(v->name, addr - base);
}

bool GuestMemory::is_free(uint64_t start, uint64_t end) const {
    auto it = vma_from(start);
    return it == vmas_.end() || it->second.start >= end;
}

std::vector<Vma> GuestMemory::vmas() const {
    std::vector<Vma> out;
    for (const auto& [_, v] : vmas_) out.push_back(v);
    return out;
}

uint64_t GuestMemory::pages_in(uint64_t start, uint64_t end, bool (*which)(const Vma&)) const {
    uint64_t n = 0;
    for (auto it = vma_from(start); it != vmas_.end() && it->second.start < end; ++it)
        if (which(it->second)) n += std::min(end, it->second.end) - std::max(start, it->second.start);
    return n;
}

// ------------------------------------------------------------------------------ the VMA map itself

void GuestMemory::count(const Vma& v, int sign) {
    uint64_t n = v.end - v.start;
    auto add = [sign, n](uint64_t& c) { c = sign > 0 ? c + n : c - n; };
    add(total_vm_);
    if (is_data(v)) add(data_vm_);
    if (v.locked) add(locked_vm_);
    if (v.in_engine) {
        add(committed_);
        peak_committed_ = std::max(peak_committed_, committed_);
    }
}

bool GuestMemory::over_cap(uint64_t more) {
    if (committed_ + more <= max_committed_) return false;
    limit_reached_ = true;
    refused_bytes_ = more;
    return true;
}

void GuestMemory::split_at(uint64_t addr) {
    auto it = vma_from(addr);
    if (it == vmas_.end() || addr <= it->second.start) return;
    Vma hi = it->second;
    hi.start = addr;
    it->second.end = addr;
    vmas_.emplace(addr, hi);
}

void GuestMemory::insert(Vma v) {
    v.in_engine = v.prot != cpu::kProtNone || v.file;  // a file mapping keeps its bytes even while PROT_NONE
    if (v.in_engine) cpu_->map(guest::Addr(v.start), v.end - v.start, hw_prot(v.prot));
    count(v, +1);
    note_mapped(v.start, v.end);
    vmas_.emplace(v.start, std::move(v));
}

void GuestMemory::erase(Map::iterator it) {
    const Vma& v = it->second;
    if (v.in_engine) cpu_->unmap(guest::Addr(v.start), v.end - v.start);
    count(v, -1);
    vmas_.erase(it);
}

void GuestMemory::remove_range(uint64_t start, uint64_t end) {
    split_at(start);
    split_at(end);
    for (auto it = vmas_.lower_bound(start); it != vmas_.end() && it->second.start < end;) {
        auto next = std::next(it);
        note_removed(it->second.start, it->second.end, true);
        erase(it);
        it = next;
    }
}

template <class Fn>
void GuestMemory::modify(uint64_t start, uint64_t end, Fn fn) {
    split_at(start);
    split_at(end);
    for (auto it = vmas_.lower_bound(start); it != vmas_.end() && it->second.start < end; ++it) {
        count(it->second, -1);
        fn(it->second);
        count(it->second, +1);
    }
}

void GuestMemory::merge_around(uint64_t start, uint64_t end) {
    auto it = vma_from(start == 0 ? 0 : start - 1);
    while (it != vmas_.end() && it->second.start <= end) {
        auto next = std::next(it);
        if (next == vmas_.end()) break;
        if (mergeable(it->second, next->second)) {
            it->second.end = next->second.end;  // counters are per byte: unchanged
            vmas_.erase(next);
        } else {
            it = next;
        }
    }
}

void GuestMemory::note_removed(uint64_t start, uint64_t end, bool unmapped) {
    if (actor_.nr < 0) return;
    carve(changes_, start, end);
    if (changes_.size() > 4096) changes_.erase(changes_.begin(), std::next(changes_.begin(), 2048));
    changes_.emplace(start, MemoryChange{start, end, unmapped, actor_});
}

void GuestMemory::note_mapped(uint64_t start, uint64_t end) {
    if (!changes_.empty()) carve(changes_, start, end);
}

void GuestMemory::discard(const Vma& v, uint64_t start, uint64_t end) {
    // Private anonymous memory reads back as zeros; a file's private copy and shared memory keep their
    // bytes (Linux would read the file again, or the shared pages back).
    if (v.in_engine && !v.file && !v.shared) cpu_->discard(guest::Addr(start), end - start);
}

int64_t GuestMemory::may_expand(const Vma& attrs, uint64_t more, const MemoryLimits& limits) const {
    // may_expand_vm: RLIMIT_AS counts every page, RLIMIT_DATA the private writable ones.
    if ((total_vm_ + more) >> 12 > limits.as >> 12) return -ENOMEM;
    if (is_data(attrs) && (data_vm_ + more) >> 12 > limits.data >> 12) return -ENOMEM;
    return 0;
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
    Vma v;
    v.start = start;
    v.end = end;
    v.prot = prot;
    v.file = !name.empty() && name[0] == '/';
    v.name = name;
    insert(v);
}

// --------------------------------------------------------------------------------- free space

std::optional<uint64_t> GuestMemory::find_free_topdown(uint64_t len, uint64_t low, uint64_t high) const {
    auto it = vmas_.lower_bound(high);
    uint64_t top = high;
    while (top > low) {
        auto prev = it == vmas_.begin() ? vmas_.end() : std::prev(it);
        uint64_t bottom = prev == vmas_.end() ? low : std::max(low, prev->second.end);
        if (top > bottom && top - bottom >= len) return top - len;
        if (prev == vmas_.end()) break;
        top = std::min(top, prev->second.start);
        it = prev;
    }
    return std::nullopt;
}

std::optional<uint64_t> GuestMemory::find_free_bottomup(uint64_t len, uint64_t low, uint64_t high) const {
    uint64_t cand = low;
    auto it = vma_from(low);
    for (;; ++it) {
        uint64_t gap_end = it == vmas_.end() ? high : std::min(high, it->second.start);
        if (gap_end > cand && gap_end - cand >= len) return cand;
        if (it == vmas_.end() || it->second.start >= high) return std::nullopt;
        cand = std::max(cand, it->second.end);
    }
}

int64_t GuestMemory::unmapped_area(uint64_t addr, uint64_t len, bool fixed, bool below_2g) const {
    // __get_unmapped_area and x86's arch_get_unmapped_area(_topdown), for anonymous memory.
    if (len > kUserTop) return -ENOMEM;
    std::optional<uint64_t> found;
    if (fixed) {
        found = addr;
    } else if (below_2g) {
        // MAP_32BIT: the legacy bottom-up layout between 1 and 2 GiB.
        if (len > k32BitHigh) return -ENOMEM;
        if (addr && k32BitHigh - len >= addr && is_free(addr, addr + len)) found = addr;
        else found = find_free_bottomup(len, k32BitLow, k32BitHigh);
    } else {
        // A free hint is honoured exactly (Go relies on it for its 0xc000000000 arena); else top-down
        // below mmap_base, and bottom-up above TASK_UNMAPPED_BASE when that fails.
        if (addr && kUserTop - len >= addr && is_free(addr, addr + len)) found = addr;
        if (!found) found = find_free_topdown(len, kMmapMin, kMmapBase);
        if (!found) found = find_free_bottomup(len, kUnmappedBase, kUserTop);
    }
    if (!found) return -ENOMEM;
    uint64_t a = *found;
    if (a > kUserTop - len) return -ENOMEM;
    if (a & kPageMask) return -EINVAL;
    if (a < kMmapMin) return -EPERM;  // security_mmap_addr, for a process without CAP_SYS_RAWIO
    return static_cast<int64_t>(a);
}

// ---------------------------------------------------------------------------------------- mmap

int64_t GuestMemory::mmap(uint64_t addr, uint64_t len, uint64_t prot, uint64_t flags, uint64_t offset,
                          const MappedFile* file, const MemoryLimits& limits) {
    // do_mmap, in its order.
    if (len == 0) return -EINVAL;
    bool noreplace = flags & MAP_FIXED_NOREPLACE;
    bool fixed = (flags & MAP_FIXED) || noreplace;
    if (!fixed) {
        addr &= ~kPageMask;  // round_hint_to_min
        if (addr && addr < kMmapMin) addr = kMmapMin;
    }
    len = page_up(len);
    if (len == 0) return -ENOMEM;
    uint64_t pgoff = offset >> 12;
    if (pgoff + (len >> 12) < pgoff) return -EOVERFLOW;
    if (vmas_.size() > kMaxMapCount) return -ENOMEM;

    Vma v;
    v.prot = static_cast<uint32_t>(prot & 7);  // mmap ignores other bits
    v.locked = (flags & MAP_LOCKED) || lock_future_;
    v.lock_on_fault = lock_future_on_fault_;
    v.grows_down = flags & MAP_GROWSDOWN;

    int64_t a = unmapped_area(addr, len, fixed, flags & MAP_32BIT);
    if (a < 0) return a;
    addr = static_cast<uint64_t>(a);
    if (noreplace && !is_free(addr, addr + len)) return -EEXIST;
    if ((flags & MAP_LOCKED) && limits.memlock == 0) return -EPERM;  // can_do_mlock
    if (v.locked && (len >> 12) + (locked_vm_ >> 12) > limits.memlock >> 12) return -EAGAIN;

    if (file) {
        // file_mmap_ok: a regular file's offsets stop at MAX_LFS_FILESIZE; other files' do not.
        uint64_t max_size = file->mappable ? uint64_t(INT64_MAX) : ~uint64_t(0);
        if (len > max_size || pgoff > (max_size - len) >> 12) return -EOVERFLOW;
        switch (flags & MAP_TYPE) {
            case MAP_SHARED:
                flags &= kLegacyMapMask;  // plain MAP_SHARED ignores unknown flags
                [[fallthrough]];
            case MAP_SHARED_VALIDATE:
                if (flags & ~kLegacyMapMask) return -EOPNOTSUPP;
                if ((prot & PROT_WRITE) && !file->writable) return -EACCES;
                v.shared = true;
                v.max_prot &= ~uint32_t(cpu::kProtWrite);
                [[fallthrough]];
            case MAP_PRIVATE:
                if (!file->readable) return -EACCES;
                if (file->noexec) {
                    if (prot & PROT_EXEC) return -EPERM;
                    v.max_prot &= ~uint32_t(cpu::kProtExec);
                }
                if (!file->mappable) return -ENODEV;
                if (v.grows_down) return -EINVAL;
                // The sandbox: the mapping is a private copy, so a shared one may never be written
                // (that would have to reach the host file).
                if (v.shared && (prot & PROT_WRITE)) return -EACCES;
                break;
            default:
                return -EINVAL;
        }
        v.file = true;
        v.name = file->path;
    } else {
        switch (flags & MAP_TYPE) {
            case MAP_SHARED:
                if (v.grows_down) return -EINVAL;
                v.shared = true;
                break;
            case MAP_PRIVATE:
                break;
            default:  // MAP_SHARED_VALIDATE too: no anonymous memory validates flags
                return -EINVAL;
        }
    }

    // mmap_region: limits count only what MAP_FIXED does not replace.
    v.start = addr;
    v.end = addr + len;
    uint64_t replaced = fixed ? pages_in(addr, addr + len, any_vma) : 0;
    if (int64_t e = may_expand(v, len - replaced, limits)) return e;
    uint64_t replaced_committed = fixed ? pages_in(addr, addr + len, in_engine) : 0;
    bool commits = v.prot != cpu::kProtNone || v.file;
    if (commits && committed_ - replaced_committed + len > max_committed_) {
        limit_reached_ = true;
        refused_bytes_ = len;
        return -ENOMEM;
    }
    // The filesystem's mmap operation has the last word (and MAP_SYNC needs DAX).
    if (file && (flags & MAP_SYNC) && file->refuses_sync) return -EOPNOTSUPP;
    remove_range(addr, addr + len);
    insert(v);
    merge_around(addr, addr + len);
    return static_cast<int64_t>(addr);
}

// -------------------------------------------------------------------------------------- munmap

int64_t GuestMemory::munmap(uint64_t addr, uint64_t len) {
    // do_vmi_munmap: the range must lie in the user half without wrapping.
    if ((addr & kPageMask) || addr > kUserTop || len > kUserTop - addr) return -EINVAL;
    uint64_t end = addr + page_up(len);
    if (end == addr) return -EINVAL;
    auto it = vma_from(addr);
    if (it != vmas_.end() && it->second.start < addr && end < it->second.end && vmas_.size() >= kMaxMapCount)
        return -ENOMEM;  // splitting one VMA in two would pass vm.max_map_count
    remove_range(addr, end);
    return 0;
}

// ------------------------------------------------------------------------------------ mprotect

int64_t GuestMemory::mprotect(uint64_t addr, uint64_t len, uint64_t prot) {
    uint64_t grows = prot & (PROT_GROWSDOWN | PROT_GROWSUP);
    prot &= ~uint64_t(PROT_GROWSDOWN | PROT_GROWSUP);
    if (grows == (PROT_GROWSDOWN | PROT_GROWSUP)) return -EINVAL;
    if (addr & kPageMask) return -EINVAL;
    if (len == 0) return 0;
    len = page_up(len);
    uint64_t end = addr + len;
    if (end <= addr) return -ENOMEM;
    if (prot & ~uint64_t(PROT_READ | PROT_WRITE | PROT_EXEC | kProtSem)) return -EINVAL;

    auto it = vma_from(addr);
    if (it == vmas_.end()) return -ENOMEM;
    if (grows & PROT_GROWSDOWN) {
        if (it->second.start >= end) return -ENOMEM;
        addr = it->second.start;
        if (!it->second.grows_down) return -EINVAL;
    } else {
        if (it->second.start > addr) return -ENOMEM;
        if (grows & PROT_GROWSUP) return -EINVAL;  // x86 has no VM_GROWSUP mappings
    }

    // VMA by VMA, as Linux: a hole or a refused piece ends the call with what was done so far kept.
    uint32_t p = static_cast<uint32_t>(prot & 7);
    int64_t error = 0;
    uint64_t at = addr;
    while (at < end) {
        it = vma_from(at);
        if (it == vmas_.end() || it->second.start > at) {
            error = -ENOMEM;
            break;
        }
        const Vma& v = it->second;
        uint64_t stop = std::min(end, v.end);
        if (p & ~v.max_prot) {
            error = -EACCES;
            break;
        }
        if (!v.in_engine && p != cpu::kProtNone && over_cap(stop - at)) {
            error = -ENOMEM;
            break;
        }
        if (v.prot & ~p) note_removed(at, stop, false);
        modify(at, stop, [this, p](Vma& m) {
            if (m.in_engine) {
                cpu_->protect(guest::Addr(m.start), m.end - m.start, hw_prot(p));
            } else if (p != cpu::kProtNone) {
                // A reservation becomes accessible: only now does it cost memory. Its content is
                // zero, as the never-touched pages of a fresh anonymous mapping are.
                cpu_->map(guest::Addr(m.start), m.end - m.start, hw_prot(p));
                m.in_engine = true;
            }
            m.prot = p;
        });
        at = stop;
    }
    merge_around(addr, end);
    return error;
}

// ------------------------------------------------------------------------------------- madvise

int64_t GuestMemory::madvise(uint64_t addr, uint64_t len, int advice) {
    switch (advice) {  // madvise_behavior_valid, with Debian's configuration (KSM, THP, memory failure)
        case MADV_NORMAL: case MADV_RANDOM: case MADV_SEQUENTIAL: case MADV_WILLNEED: case MADV_DONTNEED:
        case MADV_FREE: case MADV_REMOVE: case MADV_DONTFORK: case MADV_DOFORK: case MADV_MERGEABLE:
        case MADV_UNMERGEABLE: case MADV_HUGEPAGE: case MADV_NOHUGEPAGE: case MADV_DONTDUMP: case MADV_DODUMP:
        case MADV_WIPEONFORK: case MADV_KEEPONFORK: case MADV_COLD: case MADV_PAGEOUT: case MADV_POPULATE_READ:
        case MADV_POPULATE_WRITE: case 24 /*MADV_DONTNEED_LOCKED*/: case 25 /*MADV_COLLAPSE*/:
        case MADV_HWPOISON: case 101 /*MADV_SOFT_OFFLINE*/:
            break;
        default:
            return -EINVAL;
    }
    if (addr & kPageMask) return -EINVAL;
    uint64_t plen = page_up(len);
    if (len && !plen) return -EINVAL;
    uint64_t end = addr + plen;
    if (end < addr) return -EINVAL;
    if (end == addr) return 0;
    if (advice == MADV_HWPOISON || advice == 101 /*MADV_SOFT_OFFLINE*/) return -EPERM;  // needs CAP_SYS_ADMIN

    // madvise_walk_vmas: holes are skipped but make the result ENOMEM; a refused VMA ends the walk.
    int64_t unmapped = 0;
    auto it = vma_from(addr);
    for (;;) {
        if (it == vmas_.end()) return -ENOMEM;
        const Vma& v = it->second;
        if (addr < v.start) {
            unmapped = -ENOMEM;
            addr = v.start;
            if (addr >= end) break;
        }
        uint64_t stop = std::min(end, v.end);
        switch (advice) {
            case MADV_DONTNEED:
            case 24:
            case MADV_FREE:
                if (v.locked && advice != 24) return -EINVAL;
                if (advice == MADV_FREE && (v.file || v.shared)) return -EINVAL;  // anonymous memory only
                discard(v, addr, stop);
                break;
            case MADV_REMOVE:
                if (v.locked) return -EINVAL;
                if (!v.file && !v.shared) return -EINVAL;  // needs a file (shmem) behind it
                if (!v.shared || !(v.prot & cpu::kProtWrite)) return -EACCES;
                if (!v.file && v.in_engine) cpu_->discard(guest::Addr(addr), stop - addr);  // a hole punched in shmem
                break;
            case MADV_COLD:
            case MADV_PAGEOUT:
                if (v.locked) return -EINVAL;
                break;
            case MADV_POPULATE_READ:
            case MADV_POPULATE_WRITE:
                if (v.prot == cpu::kProtNone) return -EINVAL;
                if (advice == MADV_POPULATE_WRITE && !(v.prot & cpu::kProtWrite)) return -EINVAL;
                break;
            case MADV_WIPEONFORK:
                if (v.file || v.shared) return -EINVAL;
                break;
            case 25: {  // MADV_COLLAPSE: only a VMA that can hold an aligned huge page
                constexpr uint64_t kHuge = 2 << 20;
                uint64_t first = (v.start + kHuge - 1) & ~(kHuge - 1);
                if (v.file || v.grows_down || first + kHuge > v.end || first < v.start) return -EINVAL;
                break;
            }
            default:
                break;  // hints: nothing to do in an emulator
        }
        addr = stop;
        if (addr >= end) break;
        ++it;
    }
    return unmapped;
}

// -------------------------------------------------------------------------------------- mremap

int64_t GuestMemory::move(Map::iterator vma, uint64_t addr, uint64_t old_len, uint64_t new_len, uint64_t new_addr,
                          bool dont_unmap) {
    Vma n = vma->second;
    bool commits = n.in_engine;
    if (commits && over_cap(dont_unmap || new_len > old_len ? new_len - (dont_unmap ? 0 : old_len) : 0))
        return -ENOMEM;
    remove_range(new_addr, new_addr + new_len);
    n.start = new_addr;
    n.end = new_addr + new_len;
    insert(n);
    if (commits) {
        // The bytes move with the mapping (in pieces: a mapping may be as large as --max-memory).
        std::vector<uint8_t> buf(std::min<uint64_t>(std::min(old_len, new_len), 1 << 20));
        for (uint64_t done = 0; done < std::min(old_len, new_len); done += buf.size()) {
            size_t n_bytes = static_cast<size_t>(std::min<uint64_t>(buf.size(), std::min(old_len, new_len) - done));
            if (cpu_->try_read(guest::Addr(addr + done), buf.data(), n_bytes))
                cpu_->try_write(guest::Addr(new_addr + done), buf.data(), n_bytes);
        }
    }
    if (dont_unmap) {
        // The old range stays mapped, emptied of its pages, and no longer locked.
        auto old = vma_from(addr);
        discard(old->second, addr, addr + old_len);
        modify(addr, addr + old_len, [](Vma& m) { m.locked = m.lock_on_fault = false; });
        merge_around(addr, addr + old_len);
    } else {
        remove_range(addr, addr + old_len);
    }
    merge_around(new_addr, new_addr + new_len);
    return static_cast<int64_t>(new_addr);
}

int64_t GuestMemory::mremap(uint64_t addr, uint64_t old_len, uint64_t new_len, uint64_t flags, uint64_t new_addr,
                            const MemoryLimits& limits) {
    // do_mremap and check_mremap_params: the lengths rounded, then the arguments alone.
    old_len = page_up(old_len);
    new_len = page_up(new_len);
    bool fixed = flags & kMremapFixed, dont_unmap = flags & kMremapDontUnmap, may_move = flags & kMremapMayMove;
    bool wants_addr = fixed || dont_unmap;
    if (flags & ~(kMremapMayMove | kMremapFixed | kMremapDontUnmap)) return -EINVAL;
    if (addr & kPageMask) return -EINVAL;
    if (new_len == 0) return -EINVAL;  // a zero old length is the "duplicate a shared mapping" case
    if (new_len > kUserTop) return -EINVAL;
    if (wants_addr) {
        if (new_addr > kUserTop - new_len) return -EINVAL;
        if (new_addr & kPageMask) return -EINVAL;
        if (!may_move) return -EINVAL;
        if (dont_unmap && old_len != new_len) return -EINVAL;
        if (addr + old_len > new_addr && new_addr + new_len > addr) return -EINVAL;  // overlapping
    }
    if (vmas_.size() + 4 >= kMaxMapCount) return -ENOMEM;

    // check_prep_vma: what the VMA at addr allows.
    auto prep = [&](uint64_t a, uint64_t olen, uint64_t nlen) -> int64_t {
        auto it = vma_from(a);
        if (it == vmas_.end() || it->second.start > a) return -EFAULT;
        bool expands = nlen > olen;
        if (!expands && !wants_addr) return 0;  // a shrink or no change needs nothing more
        const Vma& v = it->second;
        if (!olen && !v.shared) return -EINVAL;  // "duplicating" private memory makes no sense
        uint64_t span = nlen < olen ? nlen : olen;  // a shrink may cross VMAs: only what stays counts
        if (span > v.end - a) return -EFAULT;    // across the end of the VMA
        if (nlen == olen) return 0;
        if (nlen < olen) return 0;
        uint64_t more = nlen - olen;
        if (v.locked && (more >> 12) + (locked_vm_ >> 12) > limits.memlock >> 12) return -EAGAIN;
        return may_expand(v, more, limits);
    };
    // mremap_to, for one VMA's piece.
    auto move_to = [&](uint64_t a, uint64_t olen, uint64_t nlen, uint64_t target) -> int64_t {
        if (fixed) {
            if (int64_t e = munmap(target, nlen)) return e;
            auto it = vma_from(a);
            if (it == vmas_.end() || it->second.start > a) return -EFAULT;
        }
        if (olen > nlen) {
            if (int64_t e = munmap(a + nlen, olen - nlen)) return e;
            olen = nlen;
        }
        auto it = vma_from(a);
        if (dont_unmap && may_expand(it->second, olen, limits)) return -ENOMEM;
        int64_t at = unmapped_area(target, nlen, fixed, false);
        if (at < 0) return at;
        return move(it, a, olen, nlen, static_cast<uint64_t>(at), dont_unmap);
    };

    if (fixed && old_len == new_len) {
        // remap_move: a pure move may span several VMAs; each lands at the same distance from the
        // first as in the source, and the range must start in a VMA.
        int64_t first = -EFAULT;
        uint64_t end = addr + old_len, target = new_addr, cursor = addr;
        for (bool seen = false; cursor < end;) {
            auto it = vma_from(cursor);  // what DONTUNMAP left behind may have merged: go by position
            if (it == vmas_.end() || it->second.start >= end) break;
            if (!seen && it->second.start > addr) return -EFAULT;
            uint64_t a = std::max(it->second.start, cursor), len = std::min(end, it->second.end) - a;
            uint64_t gap = seen ? a - cursor : 0;
            if (int64_t e = prep(a, len, len)) return e;
            int64_t r = move_to(a, len, len, target + gap);
            if (r < 0) return r;
            if (!seen) first = r;
            seen = true;
            target = static_cast<uint64_t>(r) + len;
            cursor = a + len;
        }
        return first;
    }

    if (int64_t e = prep(addr, old_len, new_len)) return e;
    if (wants_addr) return move_to(addr, old_len, new_len, new_addr);
    if (old_len == new_len) return static_cast<int64_t>(addr);
    if (old_len > new_len) {
        // Always allowed: shrinking just unmaps the tail (whatever is mapped there).
        if (int64_t e = munmap(addr + new_len, old_len - new_len)) return e;
        return static_cast<int64_t>(addr);
    }
    auto it = vma_from(addr);
    const Vma& v = it->second;
    uint64_t grow_end = v.end + (new_len - old_len);
    if (old_len == v.end - addr && grow_end > v.end && is_free(v.end, grow_end) &&
        unmapped_area(v.start, grow_end - v.start, true, false) >= 0) {
        // Grows in place.
        if (v.in_engine && over_cap(grow_end - v.end)) return -ENOMEM;
        Vma ext = v;
        ext.start = v.end;
        ext.end = grow_end;
        insert(ext);
        merge_around(addr, grow_end);
        return static_cast<int64_t>(addr);
    }
    if (!may_move) return -ENOMEM;
    int64_t target = unmapped_area(0, new_len, false, false);
    if (target < 0) return target;
    return move(it, addr, old_len, new_len, static_cast<uint64_t>(target), false);
}

// ----------------------------------------------------------------------------------------- brk

int64_t GuestMemory::brk(uint64_t addr, const MemoryLimits& limits) {
    // Linux answers every refusal with the current break and changes nothing.
    int64_t refused = static_cast<int64_t>(brk_cur_);
    if (addr < brk_base_) return refused;
    if (limits.data != ~uint64_t(0) && (addr - brk_base_) + data_segment_ > limits.data) return refused;
    uint64_t new_top = page_up(addr), old_top = page_up(brk_cur_);
    if (new_top == old_top) {
        brk_cur_ = addr;
        return static_cast<int64_t>(addr);
    }
    if (addr <= brk_cur_) {
        // Shrinking is always allowed, if the heap is still there.
        auto it = vma_from(new_top);
        if (it == vmas_.end() || it->second.start >= old_top) return refused;
        remove_range(new_top, old_top);
        brk_cur_ = addr;
        return static_cast<int64_t>(addr);
    }
    // Growing: check_brk_limits (the range as a MAP_FIXED mapping, and mlockall's limit), a page of
    // room before the next mapping, then the address-space limits and our cap.
    uint64_t len = new_top - old_top;  // wraps for a break near the top of the address space
    if (unmapped_area(old_top, len, true, false) < 0) return refused;
    if (lock_future_ && (len >> 12) + (locked_vm_ >> 12) > limits.memlock >> 12) return refused;
    auto next = vma_from(old_top);
    if (next != vmas_.end() && new_top + kPageSize > next->second.start) return refused;
    Vma v;
    v.start = old_top;
    v.end = new_top;
    v.prot = cpu::kProtRead | cpu::kProtWrite;
    v.locked = lock_future_;
    v.lock_on_fault = lock_future_on_fault_;
    v.name = "[heap]";
    if (may_expand(v, len, limits)) return refused;
    if (over_cap(len)) return refused;  // --max-memory, as for mmap: the run stops with the reason
    insert(v);
    merge_around(old_top, new_top);
    brk_cur_ = addr;
    return static_cast<int64_t>(addr);
}

// ------------------------------------------------------------------------------- msync, mincore

int64_t GuestMemory::msync(uint64_t addr, uint64_t len, uint64_t flags) {
    flags = static_cast<uint32_t>(flags);  // an int
    if (flags & ~uint64_t(MS_ASYNC | MS_INVALIDATE | MS_SYNC)) return -EINVAL;
    if (addr & kPageMask) return -EINVAL;
    if ((flags & MS_ASYNC) && (flags & MS_SYNC)) return -EINVAL;
    len = (len + kPageMask) & ~kPageMask;
    uint64_t end = addr + len;
    if (end < addr) return -ENOMEM;
    if (end == addr) return 0;
    int64_t unmapped = 0;
    for (auto it = vma_from(addr);; ++it) {
        if (it == vmas_.end()) return -ENOMEM;
        const Vma& v = it->second;
        if (addr < v.start) {
            if (flags == MS_ASYNC) return -ENOMEM;
            addr = v.start;
            if (addr >= end) return -ENOMEM;
            unmapped = -ENOMEM;
        }
        if ((flags & MS_INVALIDATE) && v.locked) return -EBUSY;
        addr = v.end;  // nothing to write back: file mappings are private copies
        if (addr >= end) return unmapped;
    }
}

int64_t GuestMemory::mincore(uint64_t addr, uint64_t len, uint64_t vec) {
    auto access_ok = [](uint64_t a, uint64_t n) { return n <= kUserTop && a <= kUserTop - n; };
    if (addr & kPageMask) return -EINVAL;
    if (!access_ok(addr, len)) return -ENOMEM;
    uint64_t pages = (len >> 12) + ((len & kPageMask) != 0);
    if (!access_ok(vec, pages)) return -EFAULT;
    std::vector<uint8_t> buf;
    while (pages) {
        const Vma* v = find(addr);
        if (!v) return -ENOMEM;
        uint64_t n = std::min(pages, (v->end - addr) >> 12);
        buf.assign(static_cast<size_t>(n), v->in_engine ? 1 : 0);  // committed pages count as resident
        if (!cpu_->try_write_user(guest::Addr(vec), buf.data(), buf.size())) return -EFAULT;
        pages -= n;
        vec += n;
        addr += n << 12;
    }
    return 0;
}

// --------------------------------------------------------------------------------------- mlock

int64_t GuestMemory::mlock(uint64_t addr, uint64_t len, uint64_t flags, const MemoryLimits& limits) {
    constexpr uint64_t kOnFault = 1;  // MLOCK_ONFAULT
    if (flags & ~kOnFault) return -EINVAL;
    if (limits.memlock == 0) return -EPERM;
    len = page_up(len + (addr & kPageMask));
    addr &= ~kPageMask;
    uint64_t locked = (len >> 12) + (locked_vm_ >> 12), limit = limits.memlock >> 12;
    if (locked > limit) {
        // What is already locked in the range does not count twice (count_mm_mlocked_page_nr).
        uint64_t already = 0;
        for (auto it = vma_from(addr); it != vmas_.end() && addr + len > it->second.start; ++it) {
            const Vma& v = it->second;
            if (!v.locked) continue;
            already += std::min(addr + len, v.end) - std::max(addr, v.start);
        }
        locked -= already >> 12;
    }
    if (locked > limit) return -ENOMEM;
    bool on_fault = flags & kOnFault;
    if (int64_t e = set_locked(addr, len, true, on_fault)) return e;
    // Faulting the pages in fails at a PROT_NONE piece (EFAULT, which mlock reports as ENOMEM).
    if (!on_fault && pages_in(addr, addr + len, [](const Vma& v) { return v.prot == cpu::kProtNone; })) return -ENOMEM;
    return 0;
}

int64_t GuestMemory::munlock(uint64_t addr, uint64_t len) {
    len = page_up(len + (addr & kPageMask));
    addr &= ~kPageMask;
    return set_locked(addr, len, false, false);
}

int64_t GuestMemory::set_locked(uint64_t addr, uint64_t len, bool locked, bool on_fault) {
    // apply_vma_lock_flags: VMA by VMA from one that holds addr; a hole ends it with ENOMEM, what was
    // done so far kept.
    uint64_t end = addr + len;
    if (end < addr) return -EINVAL;
    if (end == addr) return 0;
    int64_t error = 0;
    for (uint64_t at = addr; at < end;) {
        auto it = vma_from(at);
        if (it == vmas_.end() || it->second.start > at) {
            error = -ENOMEM;
            break;
        }
        uint64_t stop = std::min(end, it->second.end);
        modify(at, stop, [locked, on_fault](Vma& m) {
            m.locked = locked;
            m.lock_on_fault = locked && on_fault;
        });
        at = stop;
    }
    merge_around(addr, end);
    return error;
}

int64_t GuestMemory::mlockall(uint64_t flags, const MemoryLimits& limits) {
    flags = static_cast<uint32_t>(flags);  // an int
    if (!flags || (flags & ~uint64_t(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)) || flags == MCL_ONFAULT) return -EINVAL;
    if (limits.memlock == 0) return -EPERM;
    if ((flags & MCL_CURRENT) && total_vm_ >> 12 > limits.memlock >> 12) return -ENOMEM;
    lock_future_ = flags & MCL_FUTURE;
    lock_future_on_fault_ = (flags & MCL_FUTURE) && (flags & MCL_ONFAULT);
    if (flags & MCL_CURRENT) {
        bool on_fault = flags & MCL_ONFAULT;
        modify(0, ~uint64_t(0), [on_fault](Vma& m) {
            m.locked = true;
            m.lock_on_fault = on_fault;
        });
        merge_around(0, kUserTop);
    }
    return 0;
}

int64_t GuestMemory::munlockall() {
    lock_future_ = lock_future_on_fault_ = false;
    modify(0, ~uint64_t(0), [](Vma& m) { m.locked = m.lock_on_fault = false; });
    merge_around(0, kUserTop);
    return 0;
}

}  // namespace gostart::linux
