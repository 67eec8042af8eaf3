#include "gostructs/struct_layouts.h"

namespace gostart::gostructs {

std::optional<FieldLayout> StructLayouts::field(std::string_view type, std::string_view path) const {
    std::string key;
    key.reserve(type.size() + 1 + path.size());
    key.append(type).append(".").append(path);
    if (auto it = fields_.find(key); it != fields_.end()) return it->second;
    if (auto it = aliases_.find(key); it != aliases_.end()) return it->second;
    return std::nullopt;
}

std::optional<uint64_t> StructLayouts::size_of(std::string_view type) const {
    auto it = sizes_.find(std::string(type));
    if (it == sizes_.end()) return std::nullopt;
    return it->second;
}

}  // namespace gostart::gostructs
