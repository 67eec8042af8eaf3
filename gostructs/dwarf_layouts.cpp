#include "gostructs/dwarf_layouts.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <map>
#include <vector>

namespace gostart::gostructs {

namespace {

constexpr unsigned kGoKind = 0x2900;           // DW_AT_go_kind: the type's reflect.Kind, Go's vendor attribute
constexpr unsigned kGoEmbeddedField = 0x2903;  // DW_AT_go_embedded_field, Go's vendor attribute
constexpr Dwarf_Word kGoKindStruct = 25;       // reflect.Struct
constexpr int kMaxDepth = 4;                   // g.sched.sp is depth 2; deeper paths serve nobody
// Hostile DWARF can make the walk explode: a struct whose members are all of its own type, or of a type
// whose members are all of a third type, has members^depth paths (found by fuzz/ dwarf_layouts). A Go
// struct cannot contain itself, so a type already on the path is not entered again, and the whole read
// stops recording at a budget ~40 times what a real runtime needs (go1.19's six structs: ~310 fields).
constexpr size_t kMaxFields = 1 << 14;
// For the same reason a member name is a Go identifier, not a megabyte of .debug_str shared by every member.
constexpr size_t kMaxNameLength = 1024;
constexpr std::array<std::string_view, 6> kStructs = {"g", "m", "p", "schedt", "gobuf", "stack"};

struct DwarfFile {
    int fd = -1;
    Dwarf* dbg = nullptr;
    explicit DwarfFile(const std::string& path) {
        fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd >= 0) dbg = dwarf_begin(fd, DWARF_C_READ);
    }
    ~DwarfFile() {
        if (dbg) dwarf_end(dbg);
        if (fd >= 0) ::close(fd);
    }
    DwarfFile(const DwarfFile&) = delete;
    DwarfFile& operator=(const DwarfFile&) = delete;
};

std::string_view die_name(Dwarf_Die* die) {
    const char* n = dwarf_diename(die);
    return n ? std::string_view(n) : std::string_view();
}

std::optional<Dwarf_Die> type_of(Dwarf_Die* die) {
    Dwarf_Attribute attr;
    Dwarf_Die t;
    if (!dwarf_attr_integrate(die, DW_AT_type, &attr) || !dwarf_formref_die(&attr, &t)) return std::nullopt;
    return t;
}

class Flattener {
public:
    explicit Flattener(StructLayouts& out) : out_(out) {}

    void add_struct(std::string_view type, Dwarf_Die* die) {
        Dwarf_Word size = 0;
        Dwarf_Attribute attr;
        if (dwarf_attr(die, DW_AT_byte_size, &attr) && dwarf_formudata(&attr, &size) == 0)
            out_.set_size(std::string(type), size);
        promoted_.clear();
        path_types_ = {dwarf_dieoffset(die)};
        walk(std::string(type), "", die, 0, 0);
        // Promoted names never shadow a field the struct has itself (Go's rule: shallower wins).
        const std::string key = std::string(type) + ".";
        for (const auto& [path, f] : promoted_)
            if (!out_.all_fields().count(key + path)) out_.add_alias(std::string(type), path, f);
    }

private:
    void walk(const std::string& type, const std::string& prefix, Dwarf_Die* st, uint64_t base, int depth) {
        Dwarf_Die child;
        if (depth > kMaxDepth || dwarf_child(st, &child) != 0) return;
        do {
            if (out_.all_fields().size() >= kMaxFields) return;
            if (dwarf_tag(&child) != DW_TAG_member) continue;
            std::string_view name = die_name(&child);
            if (name.empty() || name == "_" || name.size() > kMaxNameLength) continue;
            Dwarf_Attribute attr;
            Dwarf_Word off = 0;
            if (!dwarf_attr(&child, DW_AT_data_member_location, &attr) || dwarf_formudata(&attr, &off) != 0) continue;
            auto t = type_of(&child);
            if (!t) continue;
            Dwarf_Die peeled;
            if (dwarf_peel_type(&*t, &peeled) != 0) continue;
            Dwarf_Word size = 0;
            if (dwarf_aggregate_size(&peeled, &size) != 0) continue;
            std::string path = prefix + std::string(name);
            FieldLayout f{base + off, size};
            out_.add_field(type, path, f);
            bool embedded = is_embedded(&child);
            Dwarf_Off peeled_at = dwarf_dieoffset(&peeled);
            if (is_go_struct(&peeled) &&
                std::find(path_types_.begin(), path_types_.end(), peeled_at) == path_types_.end()) {
                path_types_.push_back(peeled_at);
                walk(type, path + ".", &peeled, base + off, depth + 1);
                path_types_.pop_back();
                if (embedded) promote(type, prefix, path);
            }
        } while (dwarf_siblingof(&child, &child) == 0);
    }

    // Go's DWARF describes strings, slices and interfaces as structures too (`str`/`len`,
    // `array`/`len`/`cap`, `tab`/`data`); in Go they have no fields, so their members are no paths.
    // DWARF without DW_AT_go_kind (not Go's linker) is taken as it says.
    static bool is_go_struct(Dwarf_Die* type) {
        if (dwarf_tag(type) != DW_TAG_structure_type) return false;
        Dwarf_Attribute attr;
        Dwarf_Word kind = 0;
        if (!dwarf_attr(type, kGoKind, &attr)) return true;
        return dwarf_formudata(&attr, &kind) == 0 && kind == kGoKindStruct;
    }

    // Go's linker gives every member DW_AT_go_embedded_field, 1 for an embedded one and 0 for the rest:
    // the attribute's presence says nothing.
    static bool is_embedded(Dwarf_Die* member) {
        Dwarf_Attribute attr;
        bool flag = false;
        return dwarf_attr(member, kGoEmbeddedField, &attr) && dwarf_formflag(&attr, &flag) == 0 && flag;
    }

    // Records "prefix.x" as an alias of "prefix.Embedded.x" for every x below the embedded field,
    // its own fields and those it promotes itself (an embedded struct inside it).
    void promote(const std::string& type, const std::string& prefix, const std::string& embedded) {
        const std::string from = type + "." + embedded + ".";
        const auto& all = out_.all_fields();
        std::vector<std::pair<std::string, FieldLayout>> found;
        for (auto it = all.lower_bound(from); it != all.end() && it->first.starts_with(from); ++it)
            found.emplace_back(prefix + it->first.substr(from.size()), it->second);
        const std::string inner = embedded + ".";
        for (auto it = promoted_.lower_bound(inner); it != promoted_.end() && it->first.starts_with(inner); ++it)
            found.emplace_back(prefix + it->first.substr(inner.size()), it->second);
        for (auto& [path, f] : found)
            if (promoted_.size() < kMaxFields) promoted_.emplace(std::move(path), f);
    }

    StructLayouts& out_;
    std::map<std::string, FieldLayout> promoted_;
    std::vector<Dwarf_Off> path_types_;  // the struct types from the outermost to the one being walked
};

// The runtime's structure DIEs are children of the "runtime" compile unit; scanning only that unit's top
// level keeps this fast on large binaries. Falls back to every unit when the compiler names units otherwise.
bool collect(Dwarf* dbg, StructLayouts& out, bool runtime_unit_only, std::string* error) {
    Flattener flat(out);
    bool found = false;
    Dwarf_Off off = 0, next = 0;
    size_t hsize = 0;
    int r;
    while ((r = dwarf_nextcu(dbg, off, &next, &hsize, nullptr, nullptr, nullptr)) == 0) {
        Dwarf_Die cu, child;
        bool ok = dwarf_offdie(dbg, off + hsize, &cu) && (!runtime_unit_only || die_name(&cu) == "runtime");
        off = next;
        if (!ok || dwarf_child(&cu, &child) != 0) continue;
        do {
            if (dwarf_tag(&child) != DW_TAG_structure_type) continue;
            std::string_view name = die_name(&child);
            if (!name.starts_with("runtime.")) continue;
            name.remove_prefix(8);
            for (auto s : kStructs)
                if (name == s && !out.size_of(s)) {
                    flat.add_struct(s, &child);
                    found = true;
                }
        } while (dwarf_siblingof(&child, &child) == 0);
        if (runtime_unit_only && found) break;
    }
    if (r < 0 && error) *error = dwarf_errmsg(-1);  // -1: a unit header libdw could not read (1 is the end)
    return found;
}

}  // namespace

std::optional<StructLayouts> read_dwarf_layouts(const std::string& path, std::string* error) {
    DwarfFile f(path);
    if (!f.dbg) {
        if (error && f.fd >= 0) *error = dwarf_errmsg(-1);
        return std::nullopt;
    }
    StructLayouts out;
    out.set_source("dwarf");
    if (!collect(f.dbg, out, true, error) && !collect(f.dbg, out, false, error)) return std::nullopt;
    if (!out.size_of("g")) return std::nullopt;
    return out;
}

}  // namespace gostart::gostructs
