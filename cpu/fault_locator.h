// FaultLocator: which instruction of a block caused a memory fault. Unicorn 2.0.1 reports a fault
// with rip still at the start of the translated block (the other registers are already those of the
// faulting instruction), but the kernel's signal frame — which Go's sigpanic relies on — must name
// the faulting instruction itself. We decode the block and pick the first instruction whose memory
// operand, computed from the current registers, covers the faulting address.
#pragma once

#include "cpu/registers.h"

#include <cstdint>
#include <optional>
#include <span>

namespace gostart::cpu {

// `code` holds the block's bytes starting at `block`; returns the faulting instruction's address.
std::optional<uint64_t> locate_fault(std::span<const uint8_t> code, uint64_t block, const RegisterFile& regs,
                                     uint64_t fault_addr);

}  // namespace gostart::cpu
