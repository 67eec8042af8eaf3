// Argument parsing shared by the server's files: the protocol's hex fields.
#pragma once

#include "gdbstub/hex.h"

#include <cstdint>
#include <optional>
#include <string_view>

namespace gostart::gdbstub::args {

inline bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// "ADDR,LEN" (both hex), with whatever follows LEN after `stop` returned in `rest`.
inline bool addr_len(std::string_view args, uint64_t& addr, uint64_t& len, std::string_view* rest = nullptr,
                     char stop = ':') {
    auto comma = args.find(',');
    if (comma == std::string_view::npos) return false;
    auto end = args.find(stop, comma);
    auto a = parse_hex(args.substr(0, comma));
    auto l = parse_hex(args.substr(comma + 1, end == std::string_view::npos ? std::string_view::npos : end - comma - 1));
    if (!a || !l) return false;
    addr = *a;
    len = *l;
    if (rest) *rest = end == std::string_view::npos ? std::string_view() : args.substr(end + 1);
    return true;
}

// A thread id as gdb writes it: hex, or -1 (all), 0 (any).
inline std::optional<int> thread_id(std::string_view s) {
    if (s == "-1") return -1;
    auto v = parse_hex(s);
    if (!v || *v > 0x7fffffff) return std::nullopt;
    return static_cast<int>(*v);
}

}  // namespace gostart::gdbstub::args
