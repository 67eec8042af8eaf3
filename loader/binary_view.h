// The parts of an ELF file that the Go readers and the Linux loader need, as plain data.
// ElfImage (LIEF) fills it; the Go readers (loader/go/) and tests take it without knowing LIEF,
// so a hand-made view can feed them a corrupt table in a unit test or a fuzzer.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace gostart::loader {

struct Segment {
    uint32_t type = 0;   // PT_LOAD, PT_TLS, ...
    uint32_t flags = 0;  // PF_R | PF_W | PF_X
    uint64_t offset = 0;
    uint64_t vaddr = 0;
    uint64_t filesz = 0;
    uint64_t memsz = 0;
    uint64_t align = 0;
};

struct Section {
    std::string name;
    uint32_t type = 0;    // SHT_PROGBITS, SHT_NOBITS, ...
    uint64_t flags = 0;   // SHF_ALLOC, SHF_COMPRESSED, ...
    uint64_t addr = 0;
    uint64_t offset = 0;
    uint64_t size = 0;
};

struct SymbolEntry {
    std::string name;
    uint64_t value = 0;
    uint64_t size = 0;
    bool is_function = false;
    bool is_tls = false;    // STT_TLS: `value` is an offset in the PT_TLS block, not an address
    bool defined = true;    // false for SHN_UNDEF (a dynamic symbol another object provides)
};

// A read-only view of one ELF file. `file` must outlive the view.
struct BinaryView {
    std::string path;
    std::span<const uint8_t> file;
    uint64_t entry = 0;
    std::vector<Segment> segments;
    std::vector<Section> sections;
    std::vector<SymbolEntry> symbols;  // .symtab (empty when stripped)
    std::string interpreter;           // PT_INTERP's path; empty for a static executable
    std::vector<std::string> needed;   // DT_NEEDED libraries, in order

    const Segment* segment(uint32_t type) const {
        for (const auto& s : segments)
            if (s.type == type) return &s;
        return nullptr;
    }

    const Section* section(std::string_view name) const {
        for (const auto& s : sections)
            if (s.name == name) return &s;
        return nullptr;
    }

    // The file bytes of an allocated section, clipped to the file; empty for SHT_NOBITS.
    std::span<const uint8_t> section_bytes(const Section& s) const {
        if (s.type == 8 /*SHT_NOBITS*/ || s.offset >= file.size()) return {};
        uint64_t n = std::min<uint64_t>(s.size, file.size() - s.offset);
        return file.subspan(s.offset, n);
    }

    // Bytes at a virtual address as the file's PT_LOAD segments initialise them. Returns fewer than
    // `len` bytes (possibly none) when the range leaves the segment's file-backed part.
    std::span<const uint8_t> bytes_at(uint64_t vaddr, uint64_t len) const {
        for (const auto& seg : segments) {
            if (seg.type != 1 /*PT_LOAD*/ || vaddr < seg.vaddr || vaddr - seg.vaddr >= seg.filesz) continue;
            uint64_t off = seg.offset + (vaddr - seg.vaddr);
            if (off >= file.size()) return {};
            uint64_t avail = std::min(seg.filesz - (vaddr - seg.vaddr), file.size() - off);
            return file.subspan(off, std::min(len, avail));
        }
        return {};
    }

    // Whether [vaddr, vaddr + len) lies in the zero-filled part of a PT_LOAD (past its file bytes:
    // .bss, .noptrbss), where the variables the linker leaves at zero live.
    bool zero_filled(uint64_t vaddr, uint64_t len) const {
        for (const auto& seg : segments) {
            if (seg.type != 1 /*PT_LOAD*/ || seg.memsz < seg.filesz || vaddr < seg.vaddr + seg.filesz) continue;
            uint64_t at = vaddr - seg.vaddr;
            if (at <= seg.memsz && len <= seg.memsz - at) return true;
        }
        return false;
    }
};

}  // namespace gostart::loader
