// Test-only: a minimal ELF64 little-endian reader that fills a BinaryView (sections, segments, .symtab)
// from a real Go binary, so the Go readers are tested without the LIEF loader. Trusts its input
// (the binaries are ones the build just produced) beyond basic size checks.
#pragma once

#include <elf.h>

#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "loader/binary_view.h"

namespace gostart::test {

struct ElfFixture {
    std::vector<uint8_t> bytes;
    loader::BinaryView view;

    // Loads `path`; `bytes` may later be patched and `view` rebuilt with reindex().
    explicit ElfFixture(const std::string& path) : bytes(read(path)) {
        view.path = path;
        reindex();
    }
    explicit ElfFixture(std::vector<uint8_t> data) : bytes(std::move(data)) { reindex(); }

    void reindex() {
        view.file = std::span<const uint8_t>(bytes.data(), bytes.size());
        view.sections.clear();
        view.segments.clear();
        view.symbols.clear();
        Elf64_Ehdr eh;
        if (bytes.size() < sizeof eh) throw std::runtime_error("elf_fixture: too small");
        std::memcpy(&eh, bytes.data(), sizeof eh);
        if (std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64)
            throw std::runtime_error("elf_fixture: not ELF64");
        view.entry = eh.e_entry;
        for (unsigned i = 0; i < eh.e_phnum; ++i) {
            auto ph = at<Elf64_Phdr>(eh.e_phoff + uint64_t(i) * eh.e_phentsize);
            view.segments.push_back({ph.p_type, ph.p_flags, ph.p_offset, ph.p_vaddr, ph.p_filesz, ph.p_memsz, ph.p_align});
        }
        std::vector<Elf64_Shdr> sh;
        for (unsigned i = 0; i < eh.e_shnum; ++i) sh.push_back(at<Elf64_Shdr>(eh.e_shoff + uint64_t(i) * eh.e_shentsize));
        if (sh.empty()) return;
        const Elf64_Shdr& names = sh.at(eh.e_shstrndx);
        for (const auto& s : sh)
            view.sections.push_back({str(names.sh_offset + s.sh_name), s.sh_type, s.sh_flags, s.sh_addr, s.sh_offset, s.sh_size});
        for (const auto& s : sh) {
            if (s.sh_type != SHT_SYMTAB) continue;
            const Elf64_Shdr& strtab = sh.at(s.sh_link);
            for (uint64_t off = 0; off + sizeof(Elf64_Sym) <= s.sh_size; off += sizeof(Elf64_Sym)) {
                auto sym = at<Elf64_Sym>(s.sh_offset + off);
                view.symbols.push_back({str(strtab.sh_offset + sym.st_name), sym.st_value, sym.st_size,
                                        ELF64_ST_TYPE(sym.st_info) == STT_FUNC});
            }
        }
    }

private:
    static std::vector<uint8_t> read(const std::string& path) {
        std::ifstream in(path, std::ios::binary);
        if (!in) throw std::runtime_error("elf_fixture: cannot open " + path);
        in.seekg(0, std::ios::end);
        std::vector<uint8_t> out(static_cast<size_t>(in.tellg()));
        in.seekg(0);
        in.read(reinterpret_cast<char*>(out.data()), static_cast<std::streamsize>(out.size()));
        return out;
    }
    template <class T>
    T at(uint64_t off) const {
        if (off > bytes.size() || sizeof(T) > bytes.size() - off) throw std::runtime_error("elf_fixture: truncated");
        T v;
        std::memcpy(&v, bytes.data() + off, sizeof v);
        return v;
    }
    std::string str(uint64_t off) const {
        if (off >= bytes.size()) throw std::runtime_error("elf_fixture: bad string offset");
        return std::string(reinterpret_cast<const char*>(bytes.data() + off), strnlen(reinterpret_cast<const char*>(bytes.data() + off), bytes.size() - off));
    }
};

}  // namespace gostart::test
