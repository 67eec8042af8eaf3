// A small ELF64 x86-64 writer for seeds: headers, loadable segments and sections laid out the way a linker
// would (segment bytes at file offsets congruent to their address modulo the page size), nothing more.
// It makes the tiny Go-like program and the DWARF-only files the seeds need without a toolchain.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace gostart::fuzz {

struct ElfSegmentSpec {
    uint64_t vaddr = 0;
    uint32_t flags = 0;  // PF_R | PF_W | PF_X
    std::vector<uint8_t> bytes;
    uint64_t memsz = 0;  // 0: the size of `bytes`
};

struct ElfSectionSpec {
    std::string name;
    uint32_t type = 1;   // SHT_PROGBITS
    uint64_t flags = 0;  // SHF_ALLOC: the section lies in a segment at `addr`, `bytes` is ignored
    uint64_t addr = 0;
    uint64_t size = 0;   // for allocated sections; else the size of `bytes`
    std::vector<uint8_t> bytes;
    uint32_t link = 0, info = 0;  // section indices count from 1 in the order given (0 is the null section)
    uint64_t entsize = 0;
};

struct ElfSpec {
    uint16_t type = 2;  // ET_EXEC
    uint64_t entry = 0;
    std::vector<ElfSegmentSpec> segments;
    std::vector<ElfSectionSpec> sections;  // .shstrtab is added last
};

std::vector<uint8_t> write_elf(const ElfSpec& spec);

}  // namespace gostart::fuzz
