#include "gdbstub/symbol_file.h"

#include <elf.h>

#include <algorithm>
#include <cstring>
#include <tuple>

namespace gostart::gdbstub {
namespace {

template <class T>
void put(std::string& out, const T& v) {
    out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

// Offsets of names in a string table (ELF: NUL-separated, starting with an empty name).
struct StringTable {
    std::string bytes{'\0'};
    uint32_t add(const std::string& s) {
        auto at = static_cast<uint32_t>(bytes.size());
        bytes += s;
        bytes += '\0';
        return at;
    }
};

}  // namespace

std::string symbol_file_bytes(std::vector<SymbolFileEntry> symbols) {
    std::sort(symbols.begin(), symbols.end(), [](const auto& a, const auto& b) {
        return std::tie(a.addr, a.name, a.size) < std::tie(b.addr, b.name, b.size);
    });
    // Section indexes: 1 .text and 2 .data span the symbols of each kind.
    enum : uint16_t { kNull, kText, kData, kSymtab, kStrtab, kShstrtab, kCount };
    uint64_t lo[2] = {UINT64_MAX, UINT64_MAX}, hi[2] = {0, 0};
    for (const auto& s : symbols) {
        int k = s.function ? 0 : 1;
        lo[k] = std::min(lo[k], s.addr);
        hi[k] = std::max(hi[k], s.addr + std::max<uint64_t>(s.size, 1));
    }
    for (int k = 0; k < 2; ++k)
        if (lo[k] > hi[k]) lo[k] = hi[k] = 0;

    StringTable strtab, shstrtab;
    std::string symtab;
    put(symtab, Elf64_Sym{});
    for (const auto& s : symbols) {
        Elf64_Sym e{};
        e.st_name = strtab.add(s.name);
        e.st_info = static_cast<unsigned char>(ELF64_ST_INFO(STB_GLOBAL, s.function ? STT_FUNC : STT_OBJECT));
        e.st_shndx = s.function ? kText : kData;
        e.st_value = s.addr;
        e.st_size = s.size;
        put(symtab, e);
    }

    // Layout: header, then the three tables, then the section headers (8-byte aligned).
    std::string out(sizeof(Elf64_Ehdr), '\0');
    auto place = [&](const std::string& bytes) {
        while (out.size() % 8) out += '\0';
        uint64_t at = out.size();
        out += bytes;
        return at;
    };
    Elf64_Shdr sh[kCount]{};
    auto section = [&](int i, const char* name, uint32_t type, uint64_t flags) {
        sh[i].sh_name = shstrtab.add(name);
        sh[i].sh_type = type;
        sh[i].sh_flags = flags;
    };
    section(kText, ".text", SHT_NOBITS, SHF_ALLOC | SHF_EXECINSTR);
    sh[kText].sh_addr = lo[0];
    sh[kText].sh_size = hi[0] - lo[0];
    sh[kText].sh_addralign = 16;
    section(kData, ".data", SHT_NOBITS, SHF_ALLOC | SHF_WRITE);
    sh[kData].sh_addr = lo[1];
    sh[kData].sh_size = hi[1] - lo[1];
    sh[kData].sh_addralign = 8;
    section(kSymtab, ".symtab", SHT_SYMTAB, 0);
    section(kStrtab, ".strtab", SHT_STRTAB, 0);
    section(kShstrtab, ".shstrtab", SHT_STRTAB, 0);
    sh[kSymtab].sh_offset = place(symtab);
    sh[kSymtab].sh_size = symtab.size();
    sh[kSymtab].sh_link = kStrtab;
    sh[kSymtab].sh_info = 1;  // the first global symbol: all but the null one
    sh[kSymtab].sh_entsize = sizeof(Elf64_Sym);
    sh[kSymtab].sh_addralign = 8;
    sh[kStrtab].sh_offset = place(strtab.bytes);
    sh[kStrtab].sh_size = strtab.bytes.size();
    sh[kStrtab].sh_addralign = 1;
    std::string names = shstrtab.bytes;  // complete now: every section is named
    sh[kShstrtab].sh_offset = place(names);
    sh[kShstrtab].sh_size = names.size();
    sh[kShstrtab].sh_addralign = 1;
    for (auto& s : sh) s.sh_offset = s.sh_type == SHT_NOBITS ? 0 : s.sh_offset;
    uint64_t shoff = place({});
    for (const auto& s : sh) put(out, s);

    Elf64_Ehdr eh{};
    std::memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS64;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    eh.e_ident[EI_OSABI] = ELFOSABI_SYSV;
    eh.e_type = ET_EXEC;
    eh.e_machine = EM_X86_64;
    eh.e_version = EV_CURRENT;
    eh.e_shoff = shoff;
    eh.e_ehsize = sizeof(Elf64_Ehdr);
    eh.e_shentsize = sizeof(Elf64_Shdr);
    eh.e_shnum = kCount;
    eh.e_shstrndx = kShstrtab;
    std::memcpy(out.data(), &eh, sizeof eh);
    return out;
}

}  // namespace gostart::gdbstub
