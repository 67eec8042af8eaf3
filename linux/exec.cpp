#include "linux/exec.h"

#include "cpu/prot.h"
#include "loader/load_bias.h"

#include <algorithm>
#include <elf.h>
#include <stdexcept>

namespace gostart::linux {

using cpu::page_down;
using cpu::page_up;

namespace {

// Maps each PT_LOAD of `image` at link address + bias, with the file's bytes and zeros past them
// (.bss), as private memory: the host file never changes. Returns the end of the highest segment.
uint64_t map_segments(Process& proc, const loader::ElfImage& image, uint64_t bias) {
    const auto& view = image.view();
    uint64_t end_all = 0;
    for (const auto& seg : view.segments) {
        if (seg.type != PT_LOAD || seg.memsz == 0) continue;
        uint32_t prot = 0;
        if (seg.flags & PF_R) prot |= cpu::kProtRead;
        if (seg.flags & PF_W) prot |= cpu::kProtWrite;
        if (seg.flags & PF_X) prot |= cpu::kProtExec;
        uint64_t start = page_down(seg.vaddr + bias), end = page_up(seg.vaddr + bias + seg.memsz);
        // As elf_map: whole pages of the file from the page holding the segment's first byte (so a
        // page two segments share holds the file's bytes either way), zeros past its file size.
        // Mapped writable to copy the bytes in, then given the segment's protection.
        proc.memory().map_fixed(start, end, cpu::kProtRead | cpu::kProtWrite, image.path());
        uint64_t lead = (seg.vaddr % cpu::kPageSize) == (seg.offset % cpu::kPageSize) ? seg.offset % cpu::kPageSize : 0;
        auto bytes = view.file.subspan(seg.offset - lead, std::min<uint64_t>(seg.filesz + lead, view.file.size() - (seg.offset - lead)));
        if (!bytes.empty() && !proc.cpu().try_write(guest::Addr(seg.vaddr + bias - lead), bytes.data(), bytes.size()))
            throw std::runtime_error("cannot write a segment into guest memory");
        proc.memory().mprotect(start, end - start, prot);
        end_all = std::max(end_all, end);
    }
    return end_all;
}

}  // namespace

loader::InitialStack exec_program(Process& proc, const ExecImages& images, const ExecInputs& in) {
    const loader::ElfImage& image = *images.program;
    uint64_t brk = map_segments(proc, image, images.program_bias);
    // RLIMIT_DATA counts the break and the data segment, as load_elf_binary measures it: from the
    // highest segment's start to the end of its file bytes.
    uint64_t start_data = 0, end_data = 0;
    for (const auto& seg : image.view().segments) {
        if (seg.type != PT_LOAD) continue;
        start_data = std::max(start_data, seg.vaddr);
        end_data = std::max(end_data, seg.vaddr + seg.filesz);
    }
    proc.memory().set_brk_base(brk, end_data > start_data ? end_data - start_data : 0);
    uint64_t start_pc = image.entry() + images.program_bias;
    uint64_t interp_base = 0;
    if (images.interpreter) {
        // ld.so runs first; it finds the program through AT_PHDR/AT_ENTRY and itself through AT_BASE.
        map_segments(proc, *images.interpreter, images.interpreter_bias);
        interp_base = images.interpreter_bias + loader::load_start(images.interpreter->view());
        start_pc = images.interpreter->entry() + images.interpreter_bias;
    }

    // The stack: 8 MiB reserved as Linux's RLIMIT_STACK would allow, the top 1 MiB committed.
    proc.memory().map_fixed(kStackTop - kStackReserve, kStackTop - kStackCommitted, cpu::kProtNone, "[stack]");
    proc.memory().map_fixed(kStackTop - kStackCommitted, kStackTop, cpu::kProtRead | cpu::kProtWrite, "[stack]");

    loader::StackInputs si;
    si.stack_top = kStackTop;
    si.argv = in.argv;
    si.envp = in.envp;
    si.execfn = in.execfn;
    proc.random().fill(si.random.data(), si.random.size());
    si.phdr = image.phdr_vaddr() + images.program_bias;
    si.phent = image.phent_size();
    si.phnum = image.phnum();
    si.entry = image.entry() + images.program_bias;
    si.base = interp_base;
    loader::InitialStack st = loader::build_initial_stack(si);
    if (st.bytes.size() > kStackCommitted / 2) throw std::runtime_error("arguments and environment are too large");
    proc.cpu().try_write(guest::Addr(st.sp), st.bytes.data(), st.bytes.size());
    proc.start(start_pc, st.sp);
    return st;
}

}  // namespace gostart::linux
