#include "loader/elf_sanity.h"

#include "loader/load_error.h"

#include <elf.h>
#include <fmt/format.h>

#include <algorithm>
#include <cstring>

namespace gostart::loader {
namespace {

[[noreturn]] void cannot_run(const std::string& path, const std::string& why) {
    throw LoadError(LoadError::Kind::cannot_run, path, why);
}

// True when [off, off + len) lies inside a file of `size` bytes (without overflowing).
bool inside(uint64_t size, uint64_t off, uint64_t len) { return off <= size && len <= size - off; }

const char* arch_name(uint16_t machine) {
    switch (machine) {
        case EM_AARCH64: return "arm64";
        case EM_386: return "386";
        case EM_ARM: return "arm";
        case EM_RISCV: return "riscv64";
        case EM_PPC64: return "ppc64";
        case EM_S390: return "s390x";
        case EM_MIPS: return "mips";
        case 258 /*EM_LOONGARCH*/: return "loong64";
        case EM_X86_64: return "amd64";
        default: return nullptr;
    }
}

std::string machine_words(uint16_t machine) {
    const char* a = arch_name(machine);
    return a ? a : fmt::format("ELF machine {}", machine);
}

// The file header, in the order a reader would look at it.
Elf64_Ehdr check_file_header(const std::string& path, std::span<const uint8_t> b) {
    if (b.empty()) cannot_run(path, "empty file");
    if (b.size() < SELFMAG || std::memcmp(b.data(), ELFMAG, SELFMAG) != 0) {
        if (b.size() >= 2 && b[0] == '#' && b[1] == '!') cannot_run(path, "a script, not an ELF executable");
        cannot_run(path, "not an ELF file");
    }
    if (b.size() <= EI_DATA) cannot_run(path, "truncated ELF header");
    if (b[EI_CLASS] == ELFCLASS32) {
        // e_machine is at the same offset in both classes: say which machine the file is for.
        uint16_t machine = 0;
        if (b.size() >= 20 && b[EI_DATA] == ELFDATA2LSB) std::memcpy(&machine, b.data() + 18, 2);
        cannot_run(path, machine ? fmt::format("32-bit ELF for {}; only 64-bit amd64 (x86-64) is supported",
                                               machine_words(machine))
                                 : "32-bit ELF; only 64-bit amd64 (x86-64) is supported");
    }
    if (b[EI_CLASS] != ELFCLASS64) cannot_run(path, fmt::format("corrupt ELF: unknown class {}", b[EI_CLASS]));
    if (b[EI_DATA] != ELFDATA2LSB) cannot_run(path, "big-endian ELF; only amd64 (x86-64, little-endian) is supported");
    if (b.size() < sizeof(Elf64_Ehdr)) cannot_run(path, "truncated ELF header");
    Elf64_Ehdr eh;
    std::memcpy(&eh, b.data(), sizeof eh);
    if (eh.e_machine != EM_X86_64)
        cannot_run(path, fmt::format("wrong architecture: {} (only amd64 is supported)", machine_words(eh.e_machine)));
    if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN)
        cannot_run(path, fmt::format("not an executable (ELF type {}{})", eh.e_type,
                                     eh.e_type == ET_REL ? ", an object file" : eh.e_type == ET_CORE ? ", a core dump" : ""));
    return eh;
}

std::vector<Elf64_Phdr> read_program_headers(const std::string& path, std::span<const uint8_t> b, const Elf64_Ehdr& eh) {
    if (eh.e_phentsize != sizeof(Elf64_Phdr)) cannot_run(path, "corrupt ELF: bad program header entry size");
    if (eh.e_phnum == 0) cannot_run(path, "corrupt ELF: no program headers");
    if (!inside(b.size(), eh.e_phoff, uint64_t(eh.e_phnum) * sizeof(Elf64_Phdr)))
        cannot_run(path, "truncated ELF: program headers run past the end of the file");
    std::vector<Elf64_Phdr> out(eh.e_phnum);
    std::memcpy(out.data(), b.data() + eh.e_phoff, out.size() * sizeof(Elf64_Phdr));
    return out;
}

void check_segments(const std::string& path, uint64_t file_size, const Elf64_Ehdr& eh,
                    const std::vector<Elf64_Phdr>& phdrs) {
    struct Range {
        uint64_t begin, end;
        size_t index;
    };
    std::vector<Range> loads;
    bool entry_in_code = false;
    for (size_t i = 0; i < phdrs.size(); ++i) {
        const Elf64_Phdr& p = phdrs[i];
        if (p.p_filesz && !inside(file_size, p.p_offset, p.p_filesz))
            cannot_run(path, fmt::format("truncated ELF: {}segment {} runs past the end of the file",
                                         p.p_type == PT_LOAD ? "loadable " : "", i));
        if (p.p_type != PT_LOAD) continue;
        if (p.p_filesz > p.p_memsz) cannot_run(path, "corrupt ELF: a segment's file size exceeds its memory size");
        if (p.p_memsz > (uint64_t(1) << 40) || p.p_vaddr + p.p_memsz < p.p_vaddr)
            cannot_run(path, fmt::format("corrupt ELF: segment {} has an absurd size ({:#x} bytes)", i, p.p_memsz));
        if (p.p_vaddr + p.p_memsz > kHighestSegmentEnd ||
            (eh.e_type == ET_EXEC && p.p_memsz && p.p_vaddr < kLowestSegmentAddress))
            cannot_run(path, fmt::format("corrupt ELF: segment {} at {:#x}-{:#x} lies outside the user address space",
                                         i, p.p_vaddr, p.p_vaddr + p.p_memsz));
        if (p.p_memsz) loads.push_back({p.p_vaddr, p.p_vaddr + p.p_memsz, i});
        if ((p.p_flags & PF_X) && eh.e_entry >= p.p_vaddr && eh.e_entry - p.p_vaddr < p.p_memsz) entry_in_code = true;
    }
    if (loads.empty()) cannot_run(path, "corrupt ELF: no loadable segment");
    // Each loadable segment gets its own addresses; two claiming the same bytes would overwrite each other.
    std::sort(loads.begin(), loads.end(), [](const Range& a, const Range& b) { return a.begin < b.begin; });
    for (size_t i = 1; i < loads.size(); ++i)
        if (loads[i].begin < loads[i - 1].end)
            cannot_run(path, fmt::format("corrupt ELF: segments {} ({:#x}-{:#x}) and {} ({:#x}-{:#x}) overlap",
                                         loads[i - 1].index, loads[i - 1].begin, loads[i - 1].end, loads[i].index,
                                         loads[i].begin, loads[i].end));
    if (!entry_in_code)
        cannot_run(path, fmt::format("corrupt ELF: entry point {:#x} is outside every executable segment", eh.e_entry));
}

// Section headers matter to us (symbols, .gopclntab, DWARF) though not to Linux: a table or a section
// outside the file is a damaged file, refused before LIEF or libdw read past its end. Sections without
// bytes (.bss) lie past the file's end in real binaries, but not past the end of the image the PT_LOADs
// describe: LIEF 0.9 zero-fills a buffer up to every section's end before reading (up to 1 GiB, seconds
// per file; found by fuzz/ elf_image), so those must stay inside the image.
void check_sections(const std::string& path, std::span<const uint8_t> b, const Elf64_Ehdr& eh,
                    const std::vector<Elf64_Phdr>& phdrs) {
    if (eh.e_shnum == 0) return;  // no table (or extended numbering, which Go never uses)
    if (eh.e_shentsize != sizeof(Elf64_Shdr)) cannot_run(path, "corrupt ELF: bad section header entry size");
    if (!inside(b.size(), eh.e_shoff, uint64_t(eh.e_shnum) * sizeof(Elf64_Shdr)))
        cannot_run(path, "truncated ELF: section headers run past the end of the file");
    if (eh.e_shstrndx >= eh.e_shnum) cannot_run(path, "corrupt ELF: the section name table index is out of range");
    std::vector<Elf64_Shdr> sh(eh.e_shnum);
    std::memcpy(sh.data(), b.data() + eh.e_shoff, sh.size() * sizeof(Elf64_Shdr));
    uint64_t image_end = b.size();
    for (const auto& p : phdrs)
        // memsz is at most 2^40 (check_segments) and the offset inside the file here: no wrap.
        if (p.p_type == PT_LOAD && p.p_offset <= b.size()) image_end = std::max(image_end, p.p_offset + p.p_memsz);
    for (size_t i = 0; i < sh.size(); ++i) {
        if (sh[i].sh_type == SHT_NULL) continue;
        if (sh[i].sh_type == SHT_NOBITS) {
            if (!inside(image_end, sh[i].sh_offset, sh[i].sh_size))
                cannot_run(path, fmt::format("corrupt ELF: section {} (no file bytes) lies past the end of the image", i));
            continue;
        }
        if (!inside(b.size(), sh[i].sh_offset, sh[i].sh_size))
            cannot_run(path, fmt::format("truncated ELF: section {} runs past the end of the file", i));
        if (sh[i].sh_name >= sh[eh.e_shstrndx].sh_size)
            cannot_run(path, fmt::format("corrupt ELF: section {}'s name is outside the section name table", i));
    }
}

}  // namespace

std::vector<Segment> check_elf_headers(const std::string& path, std::span<const uint8_t> bytes) {
    Elf64_Ehdr eh = check_file_header(path, bytes);
    auto phdrs = read_program_headers(path, bytes, eh);
    check_segments(path, bytes.size(), eh, phdrs);
    check_sections(path, bytes, eh, phdrs);
    std::vector<Segment> out;
    for (const auto& p : phdrs)
        out.push_back(Segment{p.p_type, p.p_flags, p.p_offset, p.p_vaddr, p.p_filesz, p.p_memsz, p.p_align});
    return out;
}

}  // namespace gostart::loader
