#include "fuzz/seeds.h"

#include "fuzz/elf_writer.h"
#include "fuzz/view_codec.h"
#include "loader/elf_image.h"
#include "loader/go/byte_reader.h"
#include "tests/support/synthetic_pclntab.h"

#include <elf.h>

#include <algorithm>
#include <cstring>
#include <optional>

namespace gostart::fuzz {
namespace {

using loader::BinaryView;

constexpr uint64_t kMaxGofuncBytes = 128 * 1024;  // inline trees of the first functions, not all funcdata
constexpr uint64_t kModuledataBytes = 8 * 48;     // every field the readers look at (gofunc is word 38/40)
// A fuzzer wants inputs it can run many times a second: bigger seeds (the corpus's 4-11 MB esbuilds, their
// 2 MB pclntabs) would spend the run copying bytes. The hand-made seeds cover what those would add.
constexpr size_t kMaxSeedBytes = 2 << 20;

// A range of the program's address space to keep, with its segment's permissions.
struct Piece {
    uint64_t vaddr = 0, size = 0;
    uint32_t flags = 0;
};

uint32_t flags_at(const BinaryView& v, uint64_t addr) {
    for (const auto& s : v.segments)
        if (s.type == PT_LOAD && addr >= s.vaddr && addr - s.vaddr < s.memsz) return s.flags;
    return PF_R;
}

Piece piece(const BinaryView& v, uint64_t vaddr, uint64_t size) { return {vaddr, size, flags_at(v, vaddr)}; }

// A view holding only `pieces` of `full` (each its own PT_LOAD at its own address), the headers of the
// sections named (offsets moved to where their bytes now are, or past the end when not kept) and the
// symbols named. Encoded in view_codec format.
std::vector<uint8_t> cut(const BinaryView& full, std::vector<Piece> pieces, const std::vector<std::string>& sections,
                         const std::vector<std::string>& symbols) {
    std::sort(pieces.begin(), pieces.end(), [](const Piece& a, const Piece& b) { return a.vaddr < b.vaddr; });
    std::vector<uint8_t> file;
    BinaryView v;
    for (const auto& p : pieces) {
        if (!v.segments.empty()) {  // merge a piece overlapping the last one
            auto& last = v.segments.back();
            if (p.vaddr <= last.vaddr + last.filesz) {
                uint64_t end = std::max(last.vaddr + last.filesz, p.vaddr + p.size);
                auto more = full.bytes_at(last.vaddr + last.filesz, end - (last.vaddr + last.filesz));
                file.insert(file.end(), more.begin(), more.end());
                last.filesz = last.memsz = last.filesz + more.size();
                continue;
            }
        }
        auto b = full.bytes_at(p.vaddr, p.size);
        if (b.empty()) {
            // Zero-filled in the program (.bss): a segment without file bytes, as the program has.
            if (full.zero_filled(p.vaddr, p.size))
                v.segments.push_back({PT_LOAD, p.flags, file.size(), p.vaddr, 0, p.size, 0x1000});
            continue;
        }
        while (file.size() % 16 != p.vaddr % 16) file.push_back(0);  // keep the readers' alignment scans exact
        v.segments.push_back({PT_LOAD, p.flags, file.size(), p.vaddr, b.size(), b.size(), 0x1000});
        file.insert(file.end(), b.begin(), b.end());
    }
    for (const auto& name : sections) {
        const auto* s = full.section(name);
        if (!s) continue;
        loader::Section c = *s;
        c.offset = file.size() + 0x1000;  // not kept: the bytes are "past the end of the file"
        for (const auto& seg : v.segments)
            if (s->addr >= seg.vaddr && s->addr - seg.vaddr + s->size <= seg.filesz) c.offset = seg.offset + (s->addr - seg.vaddr);
        v.sections.push_back(std::move(c));
    }
    for (const auto& sym : full.symbols)
        if (std::find(symbols.begin(), symbols.end(), sym.name) != symbols.end()) v.symbols.push_back(sym);
    v.entry = full.entry;
    v.file = file;
    return encode_view(v);
}

std::optional<uint64_t> u64_at(const BinaryView& v, uint64_t addr) {
    auto b = v.bytes_at(addr, 8);
    if (b.size() < 8) return std::nullopt;
    uint64_t x;
    std::memcpy(&x, b.data(), 8);
    return x;
}

// A Go string header (ptr, len) at `addr`: the header and the bytes it points to.
void add_go_string(const BinaryView& v, uint64_t addr, std::vector<Piece>& out) {
    if (v.zero_filled(addr, 16)) {  // a string left zero (go1.13's modinfo outside module mode): empty
        out.push_back(piece(v, addr, 16));
        return;
    }
    auto ptr = u64_at(v, addr), len = u64_at(v, addr + 8);
    if (!ptr || !len || *len > 1 << 20) return;
    out.push_back(piece(v, addr, 16));
    out.push_back(piece(v, *ptr, *len));
}

std::vector<Seed> buildinfo_seeds(const BinaryView& v, const std::string& label) {
    std::vector<Seed> out;
    std::vector<Piece> blob, version;
    if (const auto* s = v.section(".go.buildinfo")) {
        blob.push_back(piece(v, s->addr, s->size));
        auto head = v.bytes_at(s->addr, 32);
        if (head.size() == 32 && !(head[15] & 2)) {  // pointer format: two string headers elsewhere
            for (uint64_t at : {uint64_t(16), uint64_t(24)})
                if (auto p = u64_at(v, s->addr + at)) add_go_string(v, *p, blob);
        }
    }
    for (const auto& sym : v.symbols)
        if (sym.name == "runtime.buildVersion") add_go_string(v, sym.value, version);
    const std::vector<std::string> secs = {".go.buildinfo", ".rodata"};
    const std::vector<std::string> syms = {"runtime.buildVersion"};
    if (!blob.empty()) {
        std::vector<Piece> all = blob;
        all.insert(all.end(), version.begin(), version.end());
        out.push_back({label + ".buildinfo", cut(v, all, secs, syms)});
        out.push_back({label + ".buildinfo-nosections", cut(v, blob, {}, {})});
    }
    if (!version.empty()) {
        out.push_back({label + ".buildversion-symbol", cut(v, version, {}, syms)});
        out.push_back({label + ".buildversion-scan", cut(v, version, {}, {})});
    }
    return out;
}

// runtime.firstmoduledata: a word equal to the pclntab's address in writable data (as find_gofunc looks).
std::optional<uint64_t> find_moduledata(const BinaryView& v, uint64_t pclntab) {
    for (const auto& seg : v.segments) {
        if (seg.type != PT_LOAD || !(seg.flags & PF_W)) continue;
        auto data = v.bytes_at(seg.vaddr, seg.filesz);
        for (uint64_t off = (8 - seg.vaddr % 8) % 8; off + kModuledataBytes <= data.size(); off += 8) {
            uint64_t w;
            std::memcpy(&w, data.data() + off, 8);
            if (w == pclntab) return seg.vaddr + off;
        }
    }
    return std::nullopt;
}

std::vector<Seed> pclntab_seeds(const BinaryView& v, const std::string& label) {
    const auto* s = v.section(".gopclntab");
    if (!s) return {};
    std::vector<Piece> pieces = {piece(v, s->addr, s->size)};
    std::optional<uint64_t> gofunc;
    for (const auto& sym : v.symbols)
        if (sym.name == "go:func.*" || sym.name == "go.func.*") gofunc = sym.value;
    if (auto md = find_moduledata(v, s->addr)) {
        pieces.push_back(piece(v, *md, kModuledataBytes));
        if (!gofunc) gofunc = u64_at(v, *md + 8 * 38);  // go1.18-1.19; 1.20+ moved it to 40
    }
    if (gofunc) pieces.push_back(piece(v, *gofunc, kMaxGofuncBytes));
    const std::vector<std::string> secs = {".gopclntab", ".text"};
    const std::vector<std::string> syms = {"go:func.*", "go.func.*"};
    return {{label + ".pclntab", cut(v, pieces, secs, syms)},
            {label + ".pclntab-nosections", cut(v, pieces, {}, {})}};
}

// A tiny Go-like program: a page of code, a hand-made go1.18-era pclntab with its inline tree, a
// buildinfo blob and a symbol table. Small enough for LIEF to parse thousands of times a second.
std::vector<uint8_t> tiny_go_elf() {
    using test::kImage;
    using test::kText;
    test::Built pcln = test::build(loader::go::PclnEra::Go118);
    const uint64_t kData = 0x600000;
    std::vector<uint8_t> code(0x90, 0xcc);
    std::vector<uint8_t> blob(32, 0);
    const char magic[] = "\xff Go buildinf:";
    std::memcpy(blob.data(), magic, 14);
    blob[14] = 8;
    blob[15] = 2;  // inline strings
    auto varstr = [&](const std::string& s) { blob.push_back(uint8_t(s.size())); blob.insert(blob.end(), s.begin(), s.end()); };
    std::string sentinel(16, '\x01');
    varstr("go1.19.8");
    varstr(sentinel + "path\tcommand-line-arguments\nbuild\tGOAMD64=v1\n" + sentinel);

    std::vector<uint8_t> strtab(1, 0), symtab(sizeof(Elf64_Sym), 0);
    auto sym = [&](const std::string& name, uint64_t value, uint64_t size, uint8_t type, uint16_t shndx) {
        Elf64_Sym s{};
        s.st_name = static_cast<uint32_t>(strtab.size());
        strtab.insert(strtab.end(), name.begin(), name.end());
        strtab.push_back(0);
        s.st_info = ELF64_ST_INFO(STB_GLOBAL, type);
        s.st_shndx = shndx;
        s.st_value = value;
        s.st_size = size;
        auto at = symtab.size();
        symtab.resize(at + sizeof s);
        std::memcpy(symtab.data() + at, &s, sizeof s);
    };
    sym("runtime.rt0_go", kText, 0x40, STT_FUNC, 1);
    sym("main.main", kText + 0x60, 0x30, STT_FUNC, 1);
    sym("go.func.*", kImage + 0x1000, 0, STT_OBJECT, 2);

    ElfSpec e;
    e.entry = kText;
    e.segments = {{kText, PF_R | PF_X, code, 0}, {kImage, PF_R, pcln.bytes, 0}, {kData, PF_R | PF_W, blob, 0}};
    const auto& tab = pcln.view.sections.at(0);
    e.sections = {
        {".text", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, kText, code.size(), {}, 0, 0, 0},
        {".gopclntab", SHT_PROGBITS, SHF_ALLOC, tab.addr, tab.size, {}, 0, 0, 0},
        {".go.buildinfo", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, kData, blob.size(), {}, 0, 0, 0},
        {".symtab", SHT_SYMTAB, 0, 0, 0, symtab, 5, 1, sizeof(Elf64_Sym)},
        {".strtab", SHT_STRTAB, 0, 0, 0, strtab, 0, 0, 0},
    };
    return write_elf(e);
}

}  // namespace

std::vector<Seed> seeds_from_binary(std::string_view target, const std::string& path, const std::string& label) {
    if (target == "dwarf_layouts") {
        auto b = minimal_dwarf_elf(path);
        if (b.empty()) return {};
        return {{label + ".dwarf", std::move(b)}};
    }
    auto img = loader::ElfImage::open(path);
    const auto& v = img.view();
    std::vector<Seed> out;
    if (target == "elf_image") out = {{label, std::vector<uint8_t>(v.file.begin(), v.file.end())}};
    if (target == "buildinfo") out = buildinfo_seeds(v, label);
    if (target == "pclntab") out = pclntab_seeds(v, label);
    std::erase_if(out, [](const Seed& s) { return s.bytes.size() > kMaxSeedBytes; });
    return out;
}

std::vector<Seed> synthetic_seeds(std::string_view target) {
    std::vector<Seed> out;
    if (target == "elf_image") out.push_back({"tiny-go-elf", tiny_go_elf()});
    if (target == "pclntab") {
        using loader::go::PclnEra;
        const std::pair<PclnEra, const char*> eras[] = {
            {PclnEra::Go12, "go1.2"}, {PclnEra::Go116, "go1.16"}, {PclnEra::Go118, "go1.18"}, {PclnEra::Go120, "go1.20"}};
        for (auto [era, name] : eras) {
            test::Built b = test::build(era);
            out.push_back({std::string("synthetic-") + name, encode_view(b.view)});
        }
    }
    return out;
}

}  // namespace gostart::fuzz
