// RuntimeObject: a runtime object the model names and the checker (and the stepper) locate — g0, m0,
// sched, allp[N], allgs[N] (the main goroutine is allgs[0]), the M with a given id, the current g —
// as a value the compiler checks, not a string parsed while checking. ObjectLocator is the one place
// that knows how each is found in guest memory (symbols, slices, the allm list, g's TLS slot).
#pragma once

#include "gostructs/struct_layouts.h"
#include "runtime_model/guest_view.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace gostart::model {

struct RuntimeObject {
    enum class Kind {
        g0,      // runtime.g0
        m0,      // runtime.m0
        sched,   // runtime.sched
        allp,    // *allp[index]
        allgs,   // *allgs[index]: allgs[0] is the main goroutine (the first g newproc creates)
        m_by_id, // the M whose id is `index`, on the allm list
        curg,    // the g in g's TLS slot on the checking thread
    };
    Kind kind = Kind::g0;
    uint64_t index = 0;

    static constexpr RuntimeObject g0() { return {Kind::g0, 0}; }
    static constexpr RuntimeObject m0() { return {Kind::m0, 0}; }
    static constexpr RuntimeObject sched() { return {Kind::sched, 0}; }
    static constexpr RuntimeObject allp(uint64_t i) { return {Kind::allp, i}; }
    static constexpr RuntimeObject g1() { return {Kind::allgs, 0}; }
    static constexpr RuntimeObject m_with_id(uint64_t id) { return {Kind::m_by_id, id}; }
    static constexpr RuntimeObject curg() { return {Kind::curg, 0}; }

    // As reports write it: "g0", "allp[2]", "g1" (allgs[0]), "allgs[3]", "m[id=1]", "curg".
    std::string name() const;
    // The runtime struct type: "g", "m", "schedt" or "p".
    std::string_view type() const;
    bool operator==(const RuntimeObject&) const = default;
};

class ObjectLocator {
public:
    using SymbolLookup = std::function<std::optional<uint64_t>(std::string_view)>;
    // `g_tls_offset`: where the current g is relative to the FS base (StartupModel::g_tls_offset).
    ObjectLocator(const GuestView& guest, const gostructs::StructLayouts& layouts, SymbolLookup symbol,
                  int64_t g_tls_offset = -8)
        : guest_(guest), layouts_(layouts), symbol_(std::move(symbol)), g_tls_offset_(g_tls_offset) {}

    // The object's address; nullopt when the binary lacks the symbol or memory does not hold it yet.
    std::optional<guest::Addr> address(const RuntimeObject& o) const;
    // The address of a field of the object (`path` in its type's layout), and its value (up to 8 bytes).
    std::optional<guest::Addr> field_address(const RuntimeObject& o, std::string_view path) const;
    std::optional<uint64_t> field_value(const RuntimeObject& o, std::string_view path) const;
    // Where g's TLS slot is: FS + g_tls_offset.
    guest::Ptr<uint64_t> g_slot() const {
        return guest::Ptr<uint64_t>(guest_.fs_base() + static_cast<uint64_t>(g_tls_offset_));
    }
    // The length of allp or allgs (the slice's len), for a caller that indexes them.
    std::optional<uint64_t> slice_len(RuntimeObject::Kind k) const;

    const GuestView& guest() const { return guest_; }
    const gostructs::StructLayouts& layouts() const { return layouts_; }
    std::optional<uint64_t> symbol(std::string_view name) const { return symbol_(name); }

private:
    std::optional<guest::Addr> slice_element(const char* slice, uint64_t index) const;

    const GuestView& guest_;
    const gostructs::StructLayouts& layouts_;
    SymbolLookup symbol_;
    int64_t g_tls_offset_;
};

}  // namespace gostart::model
