#include "gostructs/version_tables.h"

namespace gostart::gostructs {

const VersionTable* version_table(int minor) {
    for (auto era : {tables_go113_go118(), tables_go119_go127()})
        for (const auto& t : era)
            if (t.minor == minor) return &t;
    return nullptr;
}

std::optional<StructLayouts> table_layouts(int minor) {
    const VersionTable* t = version_table(minor);
    if (!t) return std::nullopt;
    StructLayouts out;
    out.set_source("table");
    for (const auto& r : t->rows) {
        auto dot = r.path.find('.');
        if (dot == std::string_view::npos)
            out.set_size(std::string(r.path), r.size);
        else
            out.add_field(std::string(r.path.substr(0, dot)), std::string(r.path.substr(dot + 1)), {r.offset, r.size});
    }
    return out;
}

}  // namespace gostart::gostructs
