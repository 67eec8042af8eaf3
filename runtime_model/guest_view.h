// GuestView: what the runtime model may see of the emulated program — bytes of guest memory and the
// thread's FS base — and nothing of how it is emulated (no Unicorn here).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

namespace gostart::model {

class GuestView {
public:
    virtual ~GuestView() = default;
    virtual bool read(uint64_t addr, void* dst, size_t n) const = 0;
    virtual uint64_t fs_base() const = 0;

    std::optional<uint64_t> read_uint(uint64_t addr, size_t size) const {
        uint64_t v = 0;
        if (size > 8 || !read(addr, &v, size)) return std::nullopt;
        return v;
    }
};

}  // namespace gostart::model
