// Bytes as a file: ElfImage (LIEF) and libdw read a path or a descriptor, not a buffer, so the targets
// that feed them whole files put the bytes in an anonymous memory file (memfd) and hand over its
// /proc/self/fd path. Nothing touches the disk, and the code under test is exactly what the CLI runs.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace gostart::fuzz {

class MemFile {
public:
    explicit MemFile(std::span<const uint8_t> bytes);  // throws std::runtime_error when memfd fails
    ~MemFile();
    MemFile(const MemFile&) = delete;
    MemFile& operator=(const MemFile&) = delete;
    const std::string& path() const { return path_; }

private:
    int fd_ = -1;
    std::string path_;
};

}  // namespace gostart::fuzz
