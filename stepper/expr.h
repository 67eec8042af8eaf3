// Runtime state by name, for `print`, `x` and `watch`: `g0.stack.hi`, `m0.id`, `sched.maxmcount`,
// `allp[0].status`, `allgs[1].goid`, `g` (the current g, from -8(FS)), `*g`, `m0` (the whole
// structure, a field per line), `$rsp`. Field offsets come from the binary's layouts (DWARF or the
// release's table) by name, never hard-coded. The layouts carry no types, so a value prints as hex
// when it is 8 bytes wide and points into mapped guest memory (pointers, uintptrs), else as decimal.
#pragma once

#include "cpu/engine.h"
#include "gostructs/struct_layouts.h"
#include "loader/symbol_table.h"
#include "runtime_model/guest_view.h"
#include "runtime_model/runtime_object.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gostart::stepper {

// A place in guest memory: `size` bytes at `addr`; `type` set when it is a whole runtime struct.
struct Place {
    uint64_t addr = 0;
    uint64_t size = 8;
    std::string type;
    std::optional<uint64_t> value;  // a value with no address ($reg, g)
};

class Evaluator {
public:
    Evaluator(const cpu::Engine& engine, const loader::SymbolTable& symbols, const gostructs::StructLayouts* layouts);
    Evaluator(const Evaluator&) = delete;  // objects_ refers to guest_: never copied (returned as a prvalue)
    Evaluator& operator=(const Evaluator&) = delete;

    // Throws std::runtime_error with a one-line reason.
    Place resolve(std::string_view expr) const;
    // `NAME = VALUE`, or for a whole struct `NAME = {` then a field per line and `}`. `hex`: every
    // value in hex (gdb's print/x).
    std::string print(std::string_view expr, bool hex = false) const;
    // The integer value of an expression (an address for x), throws like resolve.
    uint64_t value(std::string_view expr) const;
    std::string format(uint64_t v, uint64_t size, bool hex = false) const;
    // A field of the `type` struct at `addr` (up to 8 bytes), by its layout name; nullopt when the
    // layouts or the memory do not have it.
    std::optional<uint64_t> field(uint64_t addr, std::string_view type, std::string_view path) const;
    // The current g (from -8(FS)), or nullopt before the TLS is set up.
    std::optional<uint64_t> g() const;

private:
    uint64_t read(uint64_t addr, uint64_t size) const;
    uint64_t current_g() const;

    // The runtime objects (g0, m0, sched, allp[N], allgs[N]) are found as the model's checker finds
    // them: one locator (runtime_model/runtime_object.h) over this view of the engine.
    class EngineGuest final : public model::GuestView {
    public:
        explicit EngineGuest(const cpu::Engine& e) : e_(e) {}
        bool read(guest::Addr addr, void* dst, size_t n) const override { return e_.try_read(addr, dst, n); }
        uint64_t fs_base() const override { return e_.reg(cpu::Reg::fs_base); }

    private:
        const cpu::Engine& e_;
    };

    const cpu::Engine& engine_;
    const loader::SymbolTable& symbols_;
    const gostructs::StructLayouts* layouts_;
    EngineGuest guest_;
    gostructs::StructLayouts no_layouts_;
    model::ObjectLocator objects_;
};

}  // namespace gostart::stepper
