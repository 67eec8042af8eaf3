// The registers one instruction changed, as `--regs` prints them: "rax=0x1 rsp=0x7fffffffe6c0".
#pragma once

#include "cpu/registers.h"

#include <fmt/format.h>

#include <string>

namespace gostart::trace {

inline std::string regs_changed(const cpu::RegisterFile& before, const cpu::RegisterFile& after) {
    std::string out;
    for (size_t i = 0; i < before.v.size(); ++i) {
        auto r = static_cast<cpu::Reg>(i);
        if (r == cpu::Reg::rip || before.v[i] == after.v[i]) continue;
        if (!out.empty()) out += ' ';
        fmt::format_to(std::back_inserter(out), "{}={:#x}", cpu::reg_name(r), after.v[i]);
    }
    return out;
}

}  // namespace gostart::trace
