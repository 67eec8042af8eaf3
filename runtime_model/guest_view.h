// GuestView: what the runtime model may see of the emulated program — bytes of guest memory and the
// thread's FS base — and nothing of how it is emulated (no Unicorn here).
#pragma once

#include "guest/ptr.h"

#include <cstddef>
#include <cstdint>
#include <optional>

namespace gostart::model {

class GuestView {
public:
    virtual ~GuestView() = default;
    virtual bool read(guest::Addr addr, void* dst, size_t n) const = 0;
    virtual uint64_t fs_base() const = 0;

    std::optional<uint64_t> read_uint(guest::Addr addr, size_t size) const {
        uint64_t v = 0;
        if (size > 8 || !read(addr, &v, size)) return std::nullopt;
        return v;
    }
    // A pointer-sized word read as the guest address it holds (a Go pointer field, a slice's array).
    std::optional<guest::Addr> read_ptr(guest::Ptr<uint64_t> at) const {
        auto v = read_uint(at, 8);
        return v ? std::optional(guest::Addr(*v)) : std::nullopt;
    }
    std::optional<guest::Addr> read_ptr(guest::Addr at) const { return read_ptr(at.cast<uint64_t>()); }
};

}  // namespace gostart::model
