// StructLayouts: where the fields of the Go runtime's structures are in memory, by name — `g.sched.sp`,
// `m.tls`, `p.runnext`, `schedt.maxmcount` — as Delve finds them: from the binary's own DWARF when it
// has any, else from per-version tables written from the runtime sources of each release.
// Consumers (the runtime model, the stepper) never hard-code an offset.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace gostart::gostructs {

struct FieldLayout {
    uint64_t offset = 0;  // from the start of the outermost struct
    uint64_t size = 0;    // bytes
};

class StructLayouts {
public:
    // "dwarf" or "table".
    const std::string& source() const { return source_; }
    // A dotted path inside a runtime struct: field("g", "sched.sp"), field("m", "tls"),
    // field("p", "runq"), field("schedt", "pidle"), or a promoted name (an alias). nullopt when the
    // struct or field is unknown.
    std::optional<FieldLayout> field(std::string_view type, std::string_view path) const;
    std::optional<uint64_t> size_of(std::string_view type) const;

    // Building.
    void set_source(std::string s) { source_ = std::move(s); }
    void add_field(const std::string& type, const std::string& path, FieldLayout f) { fields_[type + "." + path] = f; }
    // A field promoted from an embedded struct, as Go selects it (`m.profileTimer` for
    // `m.mOS.profileTimer`): found by field(), but not one of all_fields(), which are each field's one
    // full path — the same set whether the layouts come from DWARF or from a table.
    void add_alias(const std::string& type, const std::string& path, FieldLayout f) { aliases_[type + "." + path] = f; }
    void set_size(const std::string& type, uint64_t size) { sizes_[type] = size; }
    const std::map<std::string, FieldLayout>& all_fields() const { return fields_; }
    const std::map<std::string, FieldLayout>& aliases() const { return aliases_; }

private:
    std::string source_;
    std::map<std::string, FieldLayout> fields_;   // "g.sched.sp" -> layout
    std::map<std::string, FieldLayout> aliases_;  // promoted names: "m.profileTimer" -> layout
    std::map<std::string, uint64_t> sizes_;
};

}  // namespace gostart::gostructs
