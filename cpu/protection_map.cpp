#include "cpu/protection_map.h"

#include <iterator>

namespace gostart::cpu {

void ProtectionMap::cut(uint64_t addr, uint64_t end) {
    auto it = ranges_.lower_bound(addr);
    if (it != ranges_.begin()) {
        auto prev = std::prev(it);
        if (prev->second.end > addr) {  // straddles the start: keep its head, maybe its tail
            Range tail = prev->second;
            prev->second.end = addr;
            if (tail.end > end) ranges_.emplace(end, Range{tail.end, tail.prot});
        }
    }
    it = ranges_.lower_bound(addr);
    while (it != ranges_.end() && it->first < end) {
        if (it->second.end > end) {  // straddles the end: keep its tail
            Range tail = it->second;
            ranges_.erase(it);
            ranges_.emplace(end, tail);
            break;
        }
        it = ranges_.erase(it);
    }
}

void ProtectionMap::set(uint64_t addr, uint64_t size, uint32_t prot) {
    if (size == 0) return;
    cut(addr, addr + size);
    ranges_.emplace(addr, Range{addr + size, prot});
}

void ProtectionMap::clear(uint64_t addr, uint64_t size) {
    if (size != 0) cut(addr, addr + size);
}

bool ProtectionMap::allows(uint64_t addr, size_t n, uint32_t need) const {
    if (n == 0) return true;
    uint64_t end = addr + n;
    if (end < addr) return false;  // wraps around the address space
    auto it = ranges_.upper_bound(addr);
    if (it == ranges_.begin()) return false;
    --it;
    uint64_t at = addr;
    while (at < end) {
        if (it == ranges_.end() || it->first > at || it->second.end <= at) return false;  // a hole
        if ((it->second.prot & need) != need) return false;
        at = it->second.end;
        ++it;
    }
    return true;
}

bool ProtectionMap::any(uint64_t addr, size_t n, uint32_t bits) const {
    uint64_t end = addr + n < addr ? ~uint64_t(0) : addr + n;
    auto it = ranges_.upper_bound(addr);
    if (it != ranges_.begin() && std::prev(it)->second.end > addr) --it;
    for (; it != ranges_.end() && it->first < end; ++it)
        if (it->second.prot & bits) return true;
    return false;
}

}  // namespace gostart::cpu
