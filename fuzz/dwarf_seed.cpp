// minimal_dwarf_elf: the DWARF the layouts reader needs, and nothing else, as a small uncompressed ELF.
// A Go binary's .debug_info is hundreds of KiB, zlib-compressed; the reader looks only at the runtime's
// six structs in one compile unit. We keep that unit's header and root DIE, the top-level DIEs of the six
// structs and of every type they reach (following DW_FORM_ref_addr references), and renumber the
// references for the DIEs' new offsets. The copy is byte-for-byte otherwise, so it is real Go DWARF.
#include "fuzz/elf_writer.h"
#include "fuzz/seeds.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <fcntl.h>
#include <gelf.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <map>
#include <optional>
#include <set>
#include <string_view>

namespace gostart::fuzz {
namespace {

constexpr std::array<std::string_view, 6> kStructs = {"runtime.g", "runtime.m", "runtime.p", "runtime.schedt",
                                                      "runtime.gobuf", "runtime.stack"};

struct Fd {
    int fd;
    explicit Fd(const std::string& path) : fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC)) {}
    ~Fd() { if (fd >= 0) ::close(fd); }
};

// The uncompressed bytes of the first section named one of `names` (libelf inflates both
// SHF_COMPRESSED and .zdebug sections).
std::vector<uint8_t> section_bytes(Elf* elf, std::initializer_list<std::string_view> names) {
    size_t shstrndx;
    if (elf_getshdrstrndx(elf, &shstrndx) != 0) return {};
    for (Elf_Scn* scn = elf_nextscn(elf, nullptr); scn; scn = elf_nextscn(elf, scn)) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh)) continue;
        const char* n = elf_strptr(elf, shstrndx, sh.sh_name);
        if (!n || std::find(names.begin(), names.end(), std::string_view(n)) == names.end()) continue;
        if (sh.sh_flags & SHF_COMPRESSED) {
            if (elf_compress(scn, 0, 0) < 0) return {};
        } else if (std::string_view(n).starts_with(".zdebug")) {
            if (elf_compress_gnu(scn, 0, 0) < 0) return {};
        }
        Elf_Data* d = elf_getdata(scn, nullptr);
        if (!d || !d->d_buf) return {};
        auto* p = static_cast<const uint8_t*>(d->d_buf);
        return std::vector<uint8_t>(p, p + d->d_size);
    }
    return {};
}

struct Walk {
    uint64_t base_addr = 0;                  // host address of .debug_info offset 0 in libdw's copy
    std::vector<uint64_t> starts;            // top-level DIE offsets of the unit, ascending
    std::set<size_t> keep;                   // indices into `starts`
    std::vector<std::pair<uint64_t, uint64_t>> refs;  // (where the ref_addr is, the DIE it names)
    bool bad_form = false;

    size_t top_of(uint64_t off) const {
        auto it = std::upper_bound(starts.begin(), starts.end(), off);
        return static_cast<size_t>(it - starts.begin()) - 1;
    }
};

int note_ref(Dwarf_Attribute* a, void* arg) {
    auto* w = static_cast<Walk*>(arg);
    switch (dwarf_whatform(a)) {
        case DW_FORM_ref_addr: {
            Dwarf_Die target;
            if (!dwarf_formref_die(a, &target)) break;
            w->refs.emplace_back(reinterpret_cast<uint64_t>(a->valp) - w->base_addr, dwarf_dieoffset(&target));
            break;
        }
        case DW_FORM_ref1: case DW_FORM_ref2: case DW_FORM_ref4: case DW_FORM_ref8: case DW_FORM_ref_udata:
            w->bad_form = true;  // not emitted by Go; a unit-relative form would need its own renumbering
            break;
        default:
            break;
    }
    return DWARF_CB_OK;
}

void walk_tree(Dwarf_Die* die, Walk& w) {
    dwarf_getattrs(die, note_ref, &w, 0);
    Dwarf_Die child;
    if (dwarf_child(die, &child) != 0) return;
    do walk_tree(&child, w);
    while (dwarf_siblingof(&child, &child) == 0);
}

}  // namespace

std::vector<uint8_t> minimal_dwarf_elf(const std::string& path) {
    Fd fd(path);
    if (fd.fd < 0) return {};
    elf_version(EV_CURRENT);
    Elf* elf = elf_begin(fd.fd, ELF_C_READ, nullptr);
    if (!elf) return {};
    std::vector<uint8_t> info = section_bytes(elf, {".debug_info", ".zdebug_info"});
    std::vector<uint8_t> abbrev = section_bytes(elf, {".debug_abbrev", ".zdebug_abbrev"});
    elf_end(elf);
    Dwarf* dbg = dwarf_begin(fd.fd, DWARF_C_READ);
    if (!dbg || info.empty() || abbrev.empty()) {
        if (dbg) dwarf_end(dbg);
        return {};
    }

    // The unit holding runtime.g, and its top-level DIEs.
    Walk w;
    Dwarf_Off next = 0, found_cu = 0, found_next = 0;
    size_t hsize = 0, found_hsize = 0;
    for (Dwarf_Off off = 0; dwarf_nextcu(dbg, off, &next, &hsize, nullptr, nullptr, nullptr) == 0; off = next) {
        Dwarf_Die cu, child;
        if (!dwarf_offdie(dbg, off + hsize, &cu) || dwarf_child(&cu, &child) != 0) continue;
        bool has_g = false;
        std::vector<uint64_t> starts;
        do {
            starts.push_back(dwarf_dieoffset(&child));
            const char* n = dwarf_diename(&child);
            if (n && dwarf_tag(&child) == DW_TAG_structure_type && std::string_view(n) == "runtime.g") has_g = true;
        } while (dwarf_siblingof(&child, &child) == 0);
        if (!has_g) continue;
        w.starts = std::move(starts);
        w.base_addr = reinterpret_cast<uint64_t>(cu.addr) - dwarf_dieoffset(&cu);
        found_cu = off, found_next = next, found_hsize = hsize;
        break;
    }
    // ref_addr is 4 bytes only in 32-bit DWARF 3+ (Go writes version 4); anything else is not copied.
    uint32_t unit_length = 0;
    uint16_t version = 0;
    if (found_cu + 6 <= info.size()) {
        std::memcpy(&unit_length, info.data() + found_cu, 4);
        std::memcpy(&version, info.data() + found_cu + 4, 2);
    }
    if (w.starts.empty() || found_next > info.size() || w.starts.front() < found_cu + found_hsize ||
        unit_length == 0xffffffff || version < 3 || version > 4) {
        dwarf_end(dbg);
        return {};
    }
    // Which top-level DIEs to keep: the six structs, then everything their subtrees refer to.
    std::vector<size_t> todo;
    for (size_t i = 0; i < w.starts.size(); ++i) {
        Dwarf_Die d;
        if (!dwarf_offdie(dbg, w.starts[i], &d)) continue;
        const char* n = dwarf_diename(&d);
        if (n && dwarf_tag(&d) == DW_TAG_structure_type &&
            std::find(kStructs.begin(), kStructs.end(), std::string_view(n)) != kStructs.end())
            todo.push_back(i);
    }
    while (!todo.empty()) {
        size_t i = todo.back();
        todo.pop_back();
        if (!w.keep.insert(i).second) continue;
        Dwarf_Die d;
        if (!dwarf_offdie(dbg, w.starts[i], &d)) continue;
        size_t before = w.refs.size();
        walk_tree(&d, w);
        for (size_t r = before; r < w.refs.size(); ++r) {
            uint64_t target = w.refs[r].second;
            if (target >= w.starts.front() && target < found_next) todo.push_back(w.top_of(target));
        }
    }
    dwarf_end(dbg);
    if (w.bad_form) return {};

    // The new unit: header and root DIE as they were, then the kept DIEs in their old order, then the
    // terminating null entry. The last top-level DIE ends where the unit's null terminator is.
    std::vector<uint8_t> out(info.begin() + static_cast<long>(found_cu), info.begin() + static_cast<long>(w.starts.front()));
    std::map<uint64_t, uint64_t> moved;  // old top-level start -> new start
    for (size_t i : w.keep) {
        uint64_t end = i + 1 < w.starts.size() ? w.starts[i + 1] : found_next - 1;
        moved[w.starts[i]] = out.size();
        out.insert(out.end(), info.begin() + static_cast<long>(w.starts[i]), info.begin() + static_cast<long>(end));
    }
    out.push_back(0);
    auto new_offset = [&](uint64_t old) -> std::optional<uint64_t> {
        uint64_t top = w.starts[w.top_of(old)];
        auto it = moved.find(top);
        if (it == moved.end()) return std::nullopt;
        return it->second + (old - top);
    };
    for (auto [at, target] : w.refs) {
        auto where = new_offset(at);
        auto to = target >= w.starts.front() && target < found_next ? new_offset(target) : std::nullopt;
        if (!where) continue;
        auto v = static_cast<uint32_t>(to.value_or(0));  // 0: the unit header, which the reader skips
        std::memcpy(out.data() + *where, &v, 4);
    }
    unit_length = static_cast<uint32_t>(out.size() - 4);
    std::memcpy(out.data(), &unit_length, 4);

    ElfSpec e;
    e.sections = {{".debug_abbrev", SHT_PROGBITS, 0, 0, 0, std::move(abbrev), 0, 0, 0},
                  {".debug_info", SHT_PROGBITS, 0, 0, 0, std::move(out), 0, 0, 0}};
    return write_elf(e);
}

}  // namespace gostart::fuzz
