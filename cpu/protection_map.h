// The protections of mapped guest memory, as the engine set them: what a guest access may touch.
// Unicorn's uc_mem_read/uc_mem_write ignore protections (they are the debugger's view); the Linux layer's
// copy_from_user/copy_to_user must not, so the engine keeps this map beside Unicorn's and consults it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>

namespace gostart::cpu {

class ProtectionMap {
public:
    // [addr, addr+size) now has `prot` (a map or protect); replaces what was there.
    void set(uint64_t addr, uint64_t size, uint32_t prot);
    // [addr, addr+size) is no longer mapped.
    void clear(uint64_t addr, uint64_t size);
    // True when every byte of [addr, addr+n) is mapped with all bits of `need`; n == 0 is always true.
    bool allows(uint64_t addr, size_t n, uint32_t need) const;
    // True when some mapped byte of [addr, addr+n) has any bit of `bits`.
    bool any(uint64_t addr, size_t n, uint32_t bits) const;

private:
    struct Range {
        uint64_t end;
        uint32_t prot;
    };
    void cut(uint64_t addr, uint64_t end);  // removes [addr, end), splitting ranges that straddle it
    std::map<uint64_t, Range> ranges_;       // start -> {end, prot}; non-overlapping
};

}  // namespace gostart::cpu
