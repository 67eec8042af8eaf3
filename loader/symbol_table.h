// SymbolTable: names and addresses of a program's functions and data, from .symtab when the binary
// has one and from the pclntab (functions) otherwise. Lookups follow the Go linker's naming: an
// assembly function is `X.abi0` from Go 1.17 on, so `find("runtime.rt0_go")` tries `X`, then `X.abi0`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace gostart::loader {

struct Symbol {
    std::string name;
    uint64_t addr = 0;
    uint64_t size = 0;   // 0 when unknown
    bool is_function = false;
};

class SymbolTable {
public:
    void add(Symbol s);          // a name already present keeps its address; the function is still indexed
    void finish();               // sorts for address lookups; call after the last add()
    // The program's own address range: function_at() names nothing outside it, so that code in a shared
    // library is not taken for the program's last function (gcc's _fini has no size). Default: all.
    void set_range(uint64_t begin, uint64_t end) { begin_ = begin; end_ = end; }

    std::optional<uint64_t> find(std::string_view name) const;
    // The function containing addr (by size when known, else the nearest below).
    const Symbol* function_at(uint64_t addr) const;
    // "runtime.mstart+0x12", or "0x45aca0" when nothing is known.
    std::string describe(uint64_t addr) const;
    size_t size() const { return by_addr_.size(); }
    const std::vector<Symbol>& functions() const { return by_addr_; }

private:
    std::unordered_map<std::string, uint64_t> by_name_;
    std::vector<Symbol> pending_;
    std::vector<Symbol> by_addr_;  // functions only, sorted
    uint64_t begin_ = 0, end_ = UINT64_MAX;
};

// The display name of a symbol: without the `.abi0` suffix.
std::string_view plain_name(std::string_view name);

}  // namespace gostart::loader
