// Where an ELF image goes in the guest's address space: the places Linux's execve picks on x86-64 with
// address-space randomisation off (`setarch -R`, what gdb does), so that every run puts every byte at
// the same address and addresses look as they do under a debugger. Pure arithmetic on the image.
#pragma once

#include "loader/binary_view.h"

#include <cstdint>

namespace gostart::loader {

// ELF_ET_DYN_BASE: a position-independent program's first segment goes at two thirds of the 47-bit
// user space (0x555555554aaa), rounded down to the segments' alignment.
inline constexpr uint64_t kPieBase = 0x555555554aaa;
// mmap_base: the top of user space less the 128 MiB minimum stack gap (RLIMIT_STACK 8 MiB is below
// the minimum). The interpreter is mmap'd top-down from here; Linux puts the vDSO above it first, but
// we give the guest no vDSO, so ld.so ends right at this line.
inline constexpr uint64_t kInterpreterTop = 0x7ffff7fff000;

// Lowest page and one past the highest page of the PT_LOAD segments (link addresses).
uint64_t load_start(const BinaryView& v);
uint64_t load_end(const BinaryView& v);

// What to add to a link address to get the guest address. 0 for ET_EXEC (placed at its link addresses).
uint64_t program_load_bias(const BinaryView& v, bool is_pie);
uint64_t interpreter_load_bias(const BinaryView& interp);

}  // namespace gostart::loader
