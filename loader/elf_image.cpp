#include "loader/elf_image.h"

#include "loader/elf_sanity.h"
#include "loader/load_error.h"

#include <LIEF/ELF.hpp>
#include <LIEF/ELF/DynamicEntryLibrary.hpp>
#include <LIEF/logging.hpp>
#include <elf.h>
#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <fcntl.h>
#include <malloc.h>
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
    // The program headers come from our own checked reading of the bytes, not LIEF's: LIEF reads the
    // file again, and exec must map exactly what was checked.
    std::vector<Segment> segments = check_elf_headers(path, bytes);
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
    v.entry = eh.e_entry;
    v.segments = std::move(segments);
    for (const auto& seg : v.segments)
        if (seg.type == PT_INTERP) img.has_interp_ = true;
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
        e.is_tls = static_cast<int>(s.type()) == 6;       // STT_TLS
        e.defined = s.shndx() != 0;                       // SHN_UNDEF
        v.symbols.push_back(std::move(e));
    }

    if (img.has_interp_) {
        // PT_INTERP holds a path whose last byte is NUL (the kernel's test); the path ends at the first NUL.
        const Segment* in = v.segment(PT_INTERP);
        if (in->offset > bytes.size() || in->filesz > bytes.size() - in->offset || in->filesz < 2 || in->filesz > 4096)
            cannot_run(path, "corrupt ELF: the interpreter path (PT_INTERP) is outside the file or of absurd length");
        auto raw = bytes.subspan(in->offset, in->filesz);
        if (raw.back() != 0) cannot_run(path, "corrupt ELF: the interpreter path (PT_INTERP) does not end with NUL");
        v.interpreter.assign(reinterpret_cast<const char*>(raw.data()));
        if (v.interpreter.empty()) cannot_run(path, "corrupt ELF: the interpreter path (PT_INTERP) is empty");
    }
    try {
        for (const auto& d : bin->dynamic_entries())
            if (const auto* lib = dynamic_cast<const LIEF::ELF::DynamicEntryLibrary*>(&d)) v.needed.push_back(lib->name());
    } catch (const std::exception&) {
        // A dynamic section LIEF cannot read: the interpreter will say what it thinks of it.
    }
    // LIEF's copies of the file (two or three of its size, in the heap: app/heap_setup.cpp) are free
    // now but still resident: hand those pages back, or a 10 MB program costs 20-30 MB of peak RSS.
    bin.reset();
    malloc_trim(0);
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
