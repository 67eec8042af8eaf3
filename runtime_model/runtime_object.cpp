#include "runtime_model/runtime_object.h"

#include <fmt/format.h>

#include <algorithm>

namespace gostart::model {

std::string RuntimeObject::name() const {
    switch (kind) {
        case Kind::g0: return "g0";
        case Kind::m0: return "m0";
        case Kind::sched: return "sched";
        case Kind::allp: return fmt::format("allp[{}]", index);
        case Kind::allgs: return index == 0 ? "g1" : fmt::format("allgs[{}]", index);
        case Kind::m_by_id: return fmt::format("m[id={}]", index);
        case Kind::curg: return "curg";
    }
    return "?";
}

std::string_view RuntimeObject::type() const {
    switch (kind) {
        case Kind::g0: case Kind::allgs: case Kind::curg: return "g";
        case Kind::m0: case Kind::m_by_id: return "m";
        case Kind::sched: return "schedt";
        case Kind::allp: return "p";
    }
    return {};
}

std::optional<uint64_t> ObjectLocator::slice_len(RuntimeObject::Kind k) const {
    auto s = symbol_(k == RuntimeObject::Kind::allp ? "runtime.allp" : "runtime.allgs");
    return s ? guest_.read_uint(guest::Addr(*s + 8), 8) : std::nullopt;
}

std::optional<guest::Addr> ObjectLocator::slice_element(const char* slice, uint64_t index) const {
    // A Go slice header: the array pointer, then len.
    auto s = symbol_(slice);
    if (!s) return std::nullopt;
    auto ptr = guest_.read_ptr(guest::Addr(*s));
    auto len = guest_.read_uint(guest::Addr(*s + 8), 8);
    if (!ptr || !len || index >= *len) return std::nullopt;
    return guest_.read_ptr(ptr->cast<uint64_t>() + index);
}

std::optional<guest::Addr> ObjectLocator::address(const RuntimeObject& o) const {
    auto symbol = [&](std::string_view name) -> std::optional<guest::Addr> {
        auto a = symbol_(name);
        return a ? std::optional(guest::Addr(*a)) : std::nullopt;
    };
    switch (o.kind) {
        case RuntimeObject::Kind::g0: return symbol("runtime.g0");
        case RuntimeObject::Kind::m0: return symbol("runtime.m0");
        case RuntimeObject::Kind::sched: return symbol("runtime.sched");
        case RuntimeObject::Kind::allp: return slice_element("runtime.allp", o.index);
        case RuntimeObject::Kind::allgs: return slice_element("runtime.allgs", o.index);
        case RuntimeObject::Kind::curg: return guest_.read_ptr(g_slot());
        case RuntimeObject::Kind::m_by_id: {
            auto allm = symbol("runtime.allm");
            auto id_f = layouts_.field("m", "id"), link_f = layouts_.field("m", "alllink");
            if (!allm || !id_f || !link_f) return std::nullopt;
            auto mp = guest_.read_ptr(*allm);
            for (int n = 0; mp && !mp->is_null() && n < 10000; ++n) {  // bounded: a corrupt list must not hang the check
                auto mid = guest_.read_uint(mp->plus_bytes(id_f->offset), 8);
                if (mid && *mid == o.index) return mp;
                mp = guest_.read_ptr(mp->plus_bytes(link_f->offset));
            }
            return std::nullopt;
        }
    }
    return std::nullopt;
}

std::optional<guest::Addr> ObjectLocator::field_address(const RuntimeObject& o, std::string_view path) const {
    auto base = address(o);
    auto f = layouts_.field(o.type(), path);
    if (!base || !f) return std::nullopt;
    return base->plus_bytes(f->offset);
}

std::optional<uint64_t> ObjectLocator::field_value(const RuntimeObject& o, std::string_view path) const {
    auto a = field_address(o, path);
    auto f = layouts_.field(o.type(), path);
    if (!a || !f) return std::nullopt;
    return guest_.read_uint(*a, std::min<uint64_t>(f->size, 8));
}

}  // namespace gostart::model
