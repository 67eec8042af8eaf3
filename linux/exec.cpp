#include "linux/exec.h"

#include "cpu/prot.h"

#include <elf.h>
#include <stdexcept>

namespace gostart::linux {

using cpu::page_down;
using cpu::page_up;

loader::InitialStack exec_program(Process& proc, const loader::ElfImage& image, const ExecInputs& in) {
    const auto& view = image.view();
    uint64_t brk = 0;
    for (const auto& seg : view.segments) {
        if (seg.type != PT_LOAD || seg.memsz == 0) continue;
        uint32_t prot = 0;
        if (seg.flags & PF_R) prot |= cpu::kProtRead;
        if (seg.flags & PF_W) prot |= cpu::kProtWrite;
        if (seg.flags & PF_X) prot |= cpu::kProtExec;
        uint64_t start = page_down(seg.vaddr), end = page_up(seg.vaddr + seg.memsz);
        // Map writable first to copy the file bytes in, then set the segment's protection.
        proc.memory().map_fixed(start, end, cpu::kProtRead | cpu::kProtWrite, image.path());
        auto bytes = view.bytes_at(seg.vaddr, seg.filesz);
        if (!bytes.empty() && !proc.cpu().try_write(seg.vaddr, bytes.data(), bytes.size()))
            throw std::runtime_error("cannot write a segment into guest memory");
        proc.memory().mprotect(start, end - start, prot);
        brk = std::max(brk, end);
    }
    proc.memory().set_brk_base(brk);

    // The stack: 8 MiB reserved as Linux's RLIMIT_STACK would allow, the top 1 MiB committed.
    proc.memory().map_fixed(kStackTop - kStackReserve, kStackTop - kStackCommitted, cpu::kProtNone, "[stack]");
    proc.memory().map_fixed(kStackTop - kStackCommitted, kStackTop, cpu::kProtRead | cpu::kProtWrite, "[stack]");

    loader::StackInputs si;
    si.stack_top = kStackTop;
    si.argv = in.argv;
    si.envp = in.envp;
    si.execfn = in.execfn;
    proc.random().fill(si.random.data(), si.random.size());
    si.phdr = image.phdr_vaddr();
    si.phent = image.phent_size();
    si.phnum = image.phnum();
    si.entry = image.entry();
    loader::InitialStack st = loader::build_initial_stack(si);
    if (st.bytes.size() > kStackCommitted / 2) throw std::runtime_error("arguments and environment are too large");
    proc.cpu().try_write(st.sp, st.bytes.data(), st.bytes.size());
    proc.start(image.entry(), st.sp);
    return st;
}

}  // namespace gostart::linux
