// Where the emulator's own output goes: stderr, or the file given with -o.
#pragma once

#include <fstream>
#include <iostream>
#include <memory>
#include <string>

namespace gostart::app {

class Output {
public:
    explicit Output(const std::string& path) {
        if (!path.empty()) {
            file_ = std::make_unique<std::ofstream>(path, std::ios::binary | std::ios::trunc);
            if (!*file_) throw std::runtime_error(path + ": cannot open for writing");
        }
    }
    std::ostream& stream() { return file_ ? static_cast<std::ostream&>(*file_) : std::cerr; }

private:
    std::unique_ptr<std::ofstream> file_;
};

}  // namespace gostart::app
