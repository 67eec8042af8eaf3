// Hand-assembled pclntabs for every era (test support): three functions in two files, one of them with an
// inlined call (1.16+ eras), in a 4 KiB image with the table at kTableOff and the inline tree at +0x1000.
// The layouts follow golang/go's cmd/link/internal/ld/pcln.go and runtime/symtab.go for each era.
// Used by the Go readers' unit tests and as seeds of the pclntab fuzz target (fuzz/seeds.cpp).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "loader/binary_view.h"
#include "loader/go/pclntab.h"

namespace gostart::test {

constexpr uint64_t kText = 0x401000, kImage = 0x500000, kTableOff = 0x100;

struct Span { int32_t value; uint32_t until; };  // value holds for pcs below entry+until
struct Fn {
    std::string name;
    uint32_t off, size;
    std::vector<Span> file, line, sp, inl;  // inl: PCDATA_InlTreeIndex (empty: none)
};

// The image bytes and a view of them; `view.file` points into `bytes` (moving keeps it valid).
struct Built {
    std::vector<uint8_t> bytes;
    loader::BinaryView view;
};

// runtime.rt0_go, main.helper and main.main (which inlines main.helper).
const std::vector<Fn>& sample();

// Builds a table of `era` into an image; the inline tree (if any) sits after the table and is
// reached through a go.func.* / go:func.* symbol (1.18+) or an absolute pointer (1.16-1.17).
Built build(loader::go::PclnEra era, std::vector<Fn> fns = sample());

}  // namespace gostart::test
