// The model's window onto the guest: memory and the FS base, read through the engine. The runtime model
// knows nothing of Unicorn; the commands that run it (check, inittrace) give it this view.
#pragma once

#include "cpu/engine.h"
#include "runtime_model/guest_view.h"

namespace gostart::app {

class EngineView final : public model::GuestView {
public:
    explicit EngineView(cpu::Engine& e) : e_(e) {}
    bool read(guest::Addr addr, void* dst, size_t n) const override { return e_.try_read(addr, dst, n); }
    uint64_t fs_base() const override { return e_.reg(cpu::Reg::fs_base); }

private:
    cpu::Engine& e_;
};

}  // namespace gostart::app
