#include "loader/elf_image.h"

#include "loader/load_error.h"

#include <LIEF/ELF.hpp>
#include <LIEF/logging.hpp>
#include <elf.h>
#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace gostart::loader {
namespace {

[[noreturn]] void cannot_run(const std::string& path, const std::string& why) {
    throw LoadError(LoadError::Kind::cannot_run, path, why);
}

// The file, mapped read-only: the loader and the Go readers look at it in place, without a copy.
std::shared_ptr<const MappedFile> map_file(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        if (errno == ENOENT || errno == ENOTDIR) throw LoadError(LoadError::Kind::not_found, path, "no such file");
        cannot_run(path, std::strerror(errno));
    }
    if (S_ISDIR(st.st_mode)) cannot_run(path, "is a directory");
    if (!S_ISREG(st.st_mode)) cannot_run(path, "not a regular file");
    auto m = std::make_shared<MappedFile>();
    if (st.st_size == 0) return m;
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) cannot_run(path, std::string("cannot open: ") + std::strerror(errno));
    void* p = ::mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
    int err = errno;
    ::close(fd);
    if (p == MAP_FAILED) cannot_run(path, std::string("cannot map: ") + std::strerror(err));
    m->data = static_cast<const uint8_t*>(p);
    m->size = static_cast<size_t>(st.st_size);
    return m;
}

// The checks LIEF does not make for us, in the order a reader would make them.
void check_header(const std::string& path, std::span<const uint8_t> b) {
    if (b.empty()) cannot_run(path, "empty file");
    if (b.size() < 4 || std::memcmp(b.data(), ELFMAG, SELFMAG) != 0) {
        if (b.size() >= 2 && b[0] == '#' && b[1] == '!') cannot_run(path, "a script, not an ELF executable");
        cannot_run(path, "not an ELF file");
    }
    if (b.size() < sizeof(Elf64_Ehdr)) cannot_run(path, "truncated ELF header");
    if (b[EI_CLASS] != ELFCLASS64) cannot_run(path, "32-bit ELF; only x86-64 (ELFCLASS64) is supported");
    if (b[EI_DATA] != ELFDATA2LSB) cannot_run(path, "big-endian ELF; only x86-64 is supported");
    Elf64_Ehdr eh;
    std::memcpy(&eh, b.data(), sizeof eh);
    if (eh.e_machine != EM_X86_64) {
        const char* arch = eh.e_machine == EM_AARCH64 ? "arm64" : eh.e_machine == EM_386 ? "386"
                         : eh.e_machine == EM_ARM ? "arm" : eh.e_machine == EM_RISCV ? "riscv64"
                         : eh.e_machine == EM_PPC64 ? "ppc64" : eh.e_machine == EM_S390 ? "s390x" : nullptr;
        cannot_run(path, arch ? fmt::format("wrong architecture: {} (only amd64 is supported)", arch)
                              : fmt::format("wrong architecture: ELF machine {} (only amd64 is supported)",
                                            eh.e_machine));
    }
    if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN) cannot_run(path, "not an executable (ELF type "
                                                                    + std::to_string(eh.e_type) + ")");
    if (eh.e_phentsize != sizeof(Elf64_Phdr)) cannot_run(path, "corrupt ELF: bad program header entry size");
    if (eh.e_phnum == 0) cannot_run(path, "corrupt ELF: no program headers");
    if (eh.e_phoff > b.size() || uint64_t(eh.e_phnum) * eh.e_phentsize > b.size() - eh.e_phoff)
        cannot_run(path, "truncated ELF: program headers run past the end of the file");
}

// What LIEF 0.9 trusts: for every section and segment with file bytes it grows one zero-filled buffer to
// offset + size (up to 1 GiB) before it looks at the file, and reads the bytes there without a bounds
// check. A header pointing far past the end costs a gigabyte and seconds per file, or reads out of
// bounds when offset + size wraps (found by fuzz/ elf_image). So every range with bytes must be in the
// file. Sections without bytes (.bss) lie past the end in real binaries, but not past the end of the
// image the PT_LOADs describe; LIEF reserves those too, so they must stay inside it.
void check_ranges_inside_file(const std::string& path, std::span<const uint8_t> b) {
    Elf64_Ehdr eh;
    std::memcpy(&eh, b.data(), sizeof eh);
    auto inside = [](uint64_t off, uint64_t size, uint64_t end) { return off <= end && size <= end - off; };
    uint64_t image_end = b.size();
    for (unsigned i = 0; i < eh.e_phnum; ++i) {
        Elf64_Phdr ph;
        std::memcpy(&ph, b.data() + eh.e_phoff + uint64_t(i) * sizeof ph, sizeof ph);
        if (!inside(ph.p_offset, ph.p_filesz, b.size())) {
            if (ph.p_type == PT_LOAD) cannot_run(path, "truncated ELF: a loadable segment runs past the end of the file");
            cannot_run(path, fmt::format("truncated ELF: segment {} runs past the end of the file", i));
        }
        if (ph.p_type != PT_LOAD) continue;
        if (ph.p_memsz > ~uint64_t(0) - ph.p_offset) cannot_run(path, "corrupt ELF: a segment has an absurd size");
        image_end = std::max(image_end, ph.p_offset + ph.p_memsz);
    }
    if (eh.e_shnum == 0) return;  // no section headers (allowed: the kernel never reads them)
    if (eh.e_shentsize != sizeof(Elf64_Shdr)) cannot_run(path, "corrupt ELF: bad section header entry size");
    if (!inside(eh.e_shoff, uint64_t(eh.e_shnum) * sizeof(Elf64_Shdr), b.size()))
        cannot_run(path, "truncated ELF: section headers run past the end of the file");
    for (unsigned i = 0; i < eh.e_shnum; ++i) {
        Elf64_Shdr sh;
        std::memcpy(&sh, b.data() + eh.e_shoff + uint64_t(i) * sizeof sh, sizeof sh);
        if (!inside(sh.sh_offset, sh.sh_size, sh.sh_type == SHT_NOBITS ? image_end : b.size()))
            cannot_run(path, fmt::format("corrupt ELF: section {} runs past the end of the file", i));
    }
}

}  // namespace

MappedFile::~MappedFile() {
    if (data) ::munmap(const_cast<uint8_t*>(data), size);
}

ElfImage::ElfImage(ElfImage&& o) noexcept
    : file_(std::move(o.file_)), view_(std::move(o.view_)), has_interp_(o.has_interp_), elf_type_(o.elf_type_),
      phoff_(o.phoff_), phentsize_(o.phentsize_), phnum_(o.phnum_) {}

ElfImage ElfImage::open(const std::string& path) {
    ElfImage img;
    img.file_ = map_file(path);
    std::span<const uint8_t> bytes(img.file_->data, img.file_->size);
    check_header(path, bytes);
    check_ranges_inside_file(path, bytes);
    Elf64_Ehdr eh;
    std::memcpy(&eh, bytes.data(), sizeof eh);
    img.elf_type_ = eh.e_type;
    img.phoff_ = eh.e_phoff;
    img.phentsize_ = eh.e_phentsize;
    img.phnum_ = eh.e_phnum;

    std::unique_ptr<LIEF::ELF::Binary> bin;
    try {
        LIEF::Logger::disable();
        bin = LIEF::ELF::Parser::parse(path);  // LIEF reads the file itself: one copy, LIEF's
    } catch (const std::exception& e) {
        cannot_run(path, std::string("corrupt ELF: ") + e.what());
    }
    if (!bin) cannot_run(path, "corrupt ELF: the parser rejected it");

    BinaryView& v = img.view_;
    v.path = path;
    v.file = bytes;
    v.entry = bin->entrypoint();
    for (const auto& s : bin->segments()) {
        Segment seg;
        seg.type = static_cast<uint32_t>(s.type());
        seg.flags = static_cast<uint32_t>(s.flags());
        seg.offset = s.file_offset();
        seg.vaddr = s.virtual_address();
        seg.filesz = s.physical_size();
        seg.memsz = s.virtual_size();
        seg.align = s.alignment();
        if (seg.type == PT_INTERP) img.has_interp_ = true;
        v.segments.push_back(seg);
    }
    for (const auto& s : bin->sections()) {
        Section sec;
        sec.name = s.name();
        sec.type = static_cast<uint32_t>(s.type());
        sec.flags = s.flags();
        sec.addr = s.virtual_address();
        sec.offset = s.offset();
        sec.size = s.size();
        v.sections.push_back(std::move(sec));
    }
    for (const auto& s : bin->static_symbols()) {
        if (s.name().empty()) continue;
        SymbolEntry e;
        e.name = s.name();
        e.value = s.value();
        e.size = s.size();
        e.is_function = static_cast<int>(s.type()) == 2;  // STT_FUNC (elf.h defines it as a macro)
        v.symbols.push_back(std::move(e));
    }

    // Checks that keep the loader honest on hostile files.
    bool entry_in_segment = false;
    for (const auto& seg : v.segments) {
        if (seg.type != PT_LOAD) continue;
        if (seg.filesz > seg.memsz) cannot_run(path, "corrupt ELF: a segment's file size exceeds its memory size");
        if (seg.vaddr + seg.memsz < seg.vaddr || seg.memsz > (uint64_t(1) << 40))
            cannot_run(path, "corrupt ELF: a segment has an absurd size");
        if ((seg.flags & PF_X) && v.entry >= seg.vaddr && v.entry < seg.vaddr + seg.memsz) entry_in_segment = true;
    }
    if (!entry_in_segment) cannot_run(path, fmt::format("corrupt ELF: entry point {:#x} is outside every executable segment", v.entry));
    return img;
}

uint64_t ElfImage::phdr_vaddr() const {
    for (const auto& seg : view_.segments)
        if (seg.type == PT_PHDR) return seg.vaddr;
    // No PT_PHDR (Go's static binaries have one, but be tolerant): the headers sit in the first
    // PT_LOAD that covers their file offset.
    for (const auto& seg : view_.segments)
        if (seg.type == PT_LOAD && phoff_ >= seg.offset && phoff_ < seg.offset + seg.filesz)
            return seg.vaddr + (phoff_ - seg.offset);
    return 0;
}

}  // namespace gostart::loader
