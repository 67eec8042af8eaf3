#include "loader/symbol_table.h"
#include "loader/printable.h"

#include <fmt/format.h>

#include <algorithm>

namespace gostart::loader {

std::string_view plain_name(std::string_view name) {
    constexpr std::string_view kAbi0 = ".abi0";
    if (name.size() > kAbi0.size() && name.substr(name.size() - kAbi0.size()) == kAbi0)
        name.remove_suffix(kAbi0.size());
    return name;
}

void SymbolTable::add(Symbol s) {
    // A name keeps its first address (the pclntab gives an ABI wrapper its target's plain name), but
    // every function stays findable by address.
    by_name_.emplace(s.name, s.addr);
    if (s.is_function) pending_.push_back(std::move(s));
}

void SymbolTable::finish() {
    for (auto& s : pending_) by_addr_.push_back(std::move(s));
    pending_.clear();
    std::stable_sort(by_addr_.begin(), by_addr_.end(), [](const Symbol& a, const Symbol& b) { return a.addr < b.addr; });
    // Keep the first name at each address (Go emits X and X.abi0 at distinct addresses, but be safe).
    by_addr_.erase(std::unique(by_addr_.begin(), by_addr_.end(),
                               [](const Symbol& a, const Symbol& b) { return a.addr == b.addr; }),
                   by_addr_.end());
}

std::optional<uint64_t> SymbolTable::find(std::string_view name) const {
    auto it = by_name_.find(std::string(name));
    if (it != by_name_.end()) return it->second;
    it = by_name_.find(std::string(name) + ".abi0");
    if (it != by_name_.end()) return it->second;
    return std::nullopt;
}

const Symbol* SymbolTable::function_at(uint64_t addr) const {
    if (addr < begin_ || addr >= end_) return nullptr;
    auto it = std::upper_bound(by_addr_.begin(), by_addr_.end(), addr,
                               [](uint64_t a, const Symbol& s) { return a < s.addr; });
    if (it == by_addr_.begin()) return nullptr;
    --it;
    if (it->size != 0 && addr >= it->addr + it->size) return nullptr;
    return &*it;
}

std::string SymbolTable::describe(uint64_t addr) const {
    const Symbol* s = function_at(addr);
    if (!s) return fmt::format("{:#x}", addr);
    std::string name = printable(plain_name(s->name));  // for messages: no raw bytes of the binary's
    if (addr == s->addr) return name;
    return fmt::format("{}+{:#x}", name, addr - s->addr);
}

}  // namespace gostart::loader
