#include "fuzz/elf_writer.h"

#include <elf.h>

#include <cstring>

namespace gostart::fuzz {
namespace {

constexpr uint64_t kPage = 0x1000;

template <class T>
void put(std::vector<uint8_t>& out, uint64_t at, const T& v) {
    if (out.size() < at + sizeof v) out.resize(at + sizeof v);
    std::memcpy(out.data() + at, &v, sizeof v);
}

void append(std::vector<uint8_t>& out, const std::vector<uint8_t>& b, uint64_t align) {
    while (out.size() % align) out.push_back(0);
    out.insert(out.end(), b.begin(), b.end());
}

}  // namespace

std::vector<uint8_t> write_elf(const ElfSpec& spec) {
    std::vector<uint8_t> out(sizeof(Elf64_Ehdr) + spec.segments.size() * sizeof(Elf64_Phdr), 0);
    std::vector<uint64_t> seg_off;
    for (const auto& s : spec.segments) {
        uint64_t off = (out.size() + kPage - 1) / kPage * kPage + s.vaddr % kPage;
        out.resize(off, 0);
        out.insert(out.end(), s.bytes.begin(), s.bytes.end());
        seg_off.push_back(off);
    }
    auto file_offset = [&](uint64_t addr) -> uint64_t {
        for (size_t i = 0; i < spec.segments.size(); ++i) {
            const auto& s = spec.segments[i];
            if (addr >= s.vaddr && addr <= s.vaddr + s.bytes.size()) return seg_off[i] + (addr - s.vaddr);
        }
        return 0;
    };

    std::vector<Elf64_Shdr> shdrs(1, Elf64_Shdr{});
    std::vector<uint8_t> shstrtab(1, 0);
    auto name_of = [&](const std::string& n) {
        auto at = static_cast<uint32_t>(shstrtab.size());
        shstrtab.insert(shstrtab.end(), n.begin(), n.end());
        shstrtab.push_back(0);
        return at;
    };
    for (const auto& s : spec.sections) {
        Elf64_Shdr h{};
        h.sh_name = name_of(s.name);
        h.sh_type = s.type;
        h.sh_flags = s.flags;
        h.sh_link = s.link;
        h.sh_info = s.info;
        h.sh_entsize = s.entsize;
        h.sh_addralign = 1;
        if (s.flags & SHF_ALLOC) {
            h.sh_addr = s.addr;
            h.sh_offset = file_offset(s.addr);
            h.sh_size = s.size;
        } else {
            append(out, s.bytes, 8);
            h.sh_offset = out.size() - s.bytes.size();
            h.sh_size = s.bytes.size();
        }
        shdrs.push_back(h);
    }
    Elf64_Shdr strh{};
    strh.sh_name = name_of(".shstrtab");
    strh.sh_type = SHT_STRTAB;
    strh.sh_addralign = 1;
    append(out, shstrtab, 1);
    strh.sh_offset = out.size() - shstrtab.size();
    strh.sh_size = shstrtab.size();
    shdrs.push_back(strh);

    while (out.size() % 8) out.push_back(0);
    uint64_t shoff = out.size();
    for (const auto& h : shdrs) put(out, out.size(), h);

    Elf64_Ehdr eh{};
    std::memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS64;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    eh.e_type = spec.type;
    eh.e_machine = EM_X86_64;
    eh.e_version = EV_CURRENT;
    eh.e_entry = spec.entry;
    eh.e_phoff = spec.segments.empty() ? 0 : sizeof(Elf64_Ehdr);
    eh.e_shoff = shoff;
    eh.e_ehsize = sizeof(Elf64_Ehdr);
    eh.e_phentsize = sizeof(Elf64_Phdr);
    eh.e_phnum = static_cast<uint16_t>(spec.segments.size());
    eh.e_shentsize = sizeof(Elf64_Shdr);
    eh.e_shnum = static_cast<uint16_t>(shdrs.size());
    eh.e_shstrndx = static_cast<uint16_t>(shdrs.size() - 1);
    put(out, 0, eh);
    for (size_t i = 0; i < spec.segments.size(); ++i) {
        const auto& s = spec.segments[i];
        Elf64_Phdr ph{};
        ph.p_type = PT_LOAD;
        ph.p_flags = s.flags;
        ph.p_offset = seg_off[i];
        ph.p_vaddr = ph.p_paddr = s.vaddr;
        ph.p_filesz = s.bytes.size();
        ph.p_memsz = s.memsz ? s.memsz : s.bytes.size();
        ph.p_align = kPage;
        put(out, sizeof(Elf64_Ehdr) + i * sizeof(Elf64_Phdr), ph);
    }
    return out;
}

}  // namespace gostart::fuzz
