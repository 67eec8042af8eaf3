// VirtualTsc: makes RDTSC/RDTSCP deterministic. Unicorn 2.0 cannot hook RDTSC as an instruction, so
// we find the RDTSC instructions of `runtime.cputicks` (the runtime's only user) with Capstone and hook
// the instruction after each one, overwriting EDX:EAX with ticks from the process clock.
#pragma once

#include <cstdint>
#include <functional>

namespace gostart::cpu { class Engine; }
namespace gostart::loader { class SymbolTable; }

namespace gostart::session {

// Returns how many RDTSC sites were hooked. `now_ticks` gives the value to return.
int install_virtual_tsc(cpu::Engine& engine, const loader::SymbolTable& symbols, std::function<uint64_t()> now_ticks);

}  // namespace gostart::session
