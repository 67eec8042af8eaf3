// The targets that read a whole file, as the CLI does: the ELF loader (LIEF) and the DWARF layouts (libdw).
#include "fuzz/exercise.h"
#include "fuzz/mem_file.h"
#include "fuzz/targets.h"
#include "gostructs/dwarf_layouts.h"
#include "gostructs/layouts_for.h"
#include "loader/elf_image.h"
#include "loader/load_error.h"

namespace gostart::fuzz {

std::string run_elf_image(std::span<const uint8_t> input) {
    MemFile file(input);
    try {
        auto img = loader::ElfImage::open(file.path());
        (void)img.phdr_vaddr();
        // The Go readers on a view LIEF made: sections and segments as a real loader reports them.
        std::string pcln = exercise_pclntab(img.view());
        std::string id = exercise_identity(img.view());
        return "ok: " + std::to_string(img.view().segments.size()) + " segments, " +
               std::to_string(img.view().sections.size()) + " sections; " + pcln + "; " + id;
    } catch (const loader::LoadError& e) {
        return std::string("rejected: ") + e.what();
    }
}

std::string run_dwarf_layouts(std::span<const uint8_t> input) {
    MemFile file(input);
    auto layouts = gostructs::read_dwarf_layouts(file.path());
    if (!layouts) return "rejected: no DWARF layouts";
    return "ok: " + std::to_string(layouts->all_fields().size()) + " fields, " +
           std::to_string(gostructs::missing_fields(*layouts).size()) + " model fields missing";
}

}  // namespace gostart::fuzz
