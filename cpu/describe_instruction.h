// One instruction of guest memory as a line of text, for messages about a trap or a fault: what
// Capstone reads at pc, or why nothing could be read or decoded there.
#pragma once

#include "cpu/guest_cpu.h"

#include <cstdint>
#include <string>

namespace gostart::cpu {

// The instruction at pc as Capstone reads it ("ud2", "vpaddd zmm0, zmm1, zmm2"), with its bytes.
std::string describe_instruction(const GuestCpu& cpu, uint64_t pc);

}  // namespace gostart::cpu
