// Reader of the Go runtime's function table (`runtime.pclntab`, section .gopclntab): function names
// and entry addresses, pc -> file:line, pc -> stack-frame size, and inlined frames. Works on stripped
// binaries, which keep this table because the runtime itself needs it for tracebacks and GC.
//
// Supported layouts (by header magic):
//   0xfffffffb  Go 1.2-1.15   offsets relative to the table start; one global file table
//   0xfffffffa  Go 1.16-1.17  header of sub-table offsets; per-compilation-unit file index (cutab)
//   0xfffffff0  Go 1.18-1.19  as 1.16, plus textStart; entries are 32-bit offsets from textStart
//   0xfffffff1  Go 1.20+      as 1.18; _func gains startLine and the inline-tree entry changes shape
// Inlined frames are decoded for 1.16+ (see frames_at); 1.2-1.15 report the physical frame only.
//
// The table keeps string_views into the view's file bytes and a pointer to the view (to read inline
// trees through bytes_at): the BinaryView and its bytes must outlive it.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "loader/binary_view.h"

namespace gostart::loader::go {

enum class PclnEra { Go12, Go116, Go118, Go120 };

struct GoFunction {
    std::string_view name;  // "runtime.rt0_go", "main.main"
    uint64_t entry = 0;     // first instruction
    uint64_t end = 0;       // next function's entry (or the table's end PC for the last one)
};

struct SourceLine {
    std::string_view file;
    int32_t line = 0;
};

// One logical frame at a pc: inlined calls first (innermost), the physical function last.
struct InlineFrame {
    std::string_view function;
    std::string_view file;
    int32_t line = 0;
    bool inlined = false;
};

class Pclntab {
public:
    // Locates the table (.gopclntab, .data.rel.ro.gopclntab, else a header scan of non-executable
    // PT_LOADs) and decodes its function table. Throws GoFormatError when absent or malformed.
    static Pclntab parse(const BinaryView& view);
    // Decodes a table already located at `vaddr` whose bytes are `table` (a subspan of view.file or
    // of any buffer that outlives the result). Used by parse and by tests with synthetic tables.
    static Pclntab parse_at(const BinaryView& view, std::span<const uint8_t> table, uint64_t vaddr);

    // A position-independent program runs at a load bias (loader/load_bias.h): from then on every pc
    // this table takes or returns (functions' entry and end, pc lookups) is a guest address. Table
    // addresses (vaddr, text_start, gofunc) stay link addresses: they are read from the file.
    void relocate(uint64_t bias);
    uint64_t load_bias() const { return bias_; }

    uint32_t magic() const { return magic_; }
    PclnEra era_id() const { return era_; }
    std::string_view era() const;  // "1.2-1.15", "1.16-1.17", "1.18-1.19", "1.20+"
    uint64_t vaddr() const { return vaddr_; }
    uint64_t text_start() const { return text_start_; }  // 1.18+ base of entry offsets; else 0
    unsigned ptr_size() const { return ptrsize_; }

    const std::vector<GoFunction>& functions() const { return funcs_; }
    const GoFunction* find_function(uint64_t pc) const;         // binary search; null outside all
    // Exact name; null when absent. Names are not unique: an ABI wrapper (".abi0" in .symtab) has its
    // target's plain name here; the lowest-addressed function of that name is returned.
    const GoFunction* find_by_name(std::string_view name) const;

    // file:line at pc; nullopt when pc is in no function or the function has no line table.
    // Throws GoFormatError when the tables it reads are corrupt.
    std::optional<SourceLine> line_for_pc(uint64_t pc) const;
    // The SP delta at pc (bytes the function has pushed below its entry SP, return address excluded):
    // the caller's return address is at SP + delta. nullopt outside functions / without a table.
    std::optional<int32_t> frame_size_at(uint64_t pc) const;
    // Logical frames at pc, innermost first, the physical function last; empty outside functions.
    std::vector<InlineFrame> frames_at(uint64_t pc) const;
    // The address inline-tree offsets are relative to (1.18+: moduledata.gofunc), 0 when not found.
    uint64_t gofunc() const { return gofunc_; }

private:
    struct FuncRec {
        uint64_t off;  // offset of the _func record inside funcdata_
    };
    using Bytes = std::span<const uint8_t>;

    uint32_t func_field(size_t idx, unsigned field) const;  // the n-th uint32 after the entry field
    std::optional<int32_t> pcvalue(uint32_t off, uint64_t entry, uint64_t target) const;
    std::optional<int32_t> pcdata_value(size_t idx, uint32_t table, uint64_t pc) const;
    std::optional<uint64_t> funcdata_addr(size_t idx, uint32_t slot) const;
    std::optional<SourceLine> line_in(size_t idx, uint64_t pc) const;
    std::string_view file_name(size_t idx, int32_t fileno) const;
    void find_gofunc(const BinaryView& view);

    const BinaryView* view_ = nullptr;
    uint32_t magic_ = 0;
    PclnEra era_ = PclnEra::Go12;
    unsigned quantum_ = 1, ptrsize_ = 8;
    uint64_t vaddr_ = 0, text_start_ = 0, gofunc_ = 0;
    uint64_t bias_ = 0;
    uint64_t nfiletab_ = 0;
    Bytes table_, funcnametab_, cutab_, filetab_, pctab_, funcdata_;
    std::vector<GoFunction> funcs_;
    std::vector<FuncRec> recs_;
    std::unordered_map<std::string_view, size_t> by_name_;
};

}  // namespace gostart::loader::go
