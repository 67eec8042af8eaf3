// ElfImage: one program file read into memory and parsed with LIEF into a BinaryView. It checks what
// we can run (64-bit little-endian x86-64 ELF, executable) before LIEF sees the bytes, so that bad
// input gets a precise one-line reason instead of a library exception.
#pragma once

#include "loader/binary_view.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace gostart::loader {

// A file mapped read-only into memory (unmapped when the last holder goes).
struct MappedFile {
    const uint8_t* data = nullptr;
    size_t size = 0;
    MappedFile() = default;
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;
    ~MappedFile();
};

class ElfImage {
public:
    // Throws LoadError naming the file and the reason.
    static ElfImage open(const std::string& path);

    const BinaryView& view() const { return view_; }
    const std::string& path() const { return view_.path; }
    uint64_t entry() const { return view_.entry; }
    // Dynamically linked: the kernel would start PT_INTERP (ld.so), not the program.
    bool is_dynamic() const { return has_interp_; }
    const std::string& interpreter() const { return view_.interpreter; }
    // Position-independent (ET_DYN): placed at a load bias (loader/load_bias.h), not at its link addresses.
    bool is_pie() const { return elf_type_ == 3 /*ET_DYN*/; }
    uint16_t elf_type() const { return elf_type_; }
    uint64_t phdr_offset() const { return phoff_; }
    uint16_t phent_size() const { return phentsize_; }
    uint16_t phnum() const { return phnum_; }
    // Where the program headers are in guest memory (for AT_PHDR).
    uint64_t phdr_vaddr() const;

    ElfImage(ElfImage&& o) noexcept;
    ElfImage& operator=(ElfImage&&) = delete;
    ElfImage(const ElfImage&) = delete;

private:
    ElfImage() = default;
    std::shared_ptr<const MappedFile> file_;
    BinaryView view_;
    bool has_interp_ = false;
    uint16_t elf_type_ = 0;
    uint64_t phoff_ = 0;
    uint16_t phentsize_ = 0;
    uint16_t phnum_ = 0;
};

}  // namespace gostart::loader
