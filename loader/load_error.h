// Why a program cannot be loaded, and which exit status that is (CLI.md: 127 not found, 126 cannot run).
#pragma once

#include <stdexcept>
#include <string>

namespace gostart::loader {

class LoadError : public std::runtime_error {
public:
    enum class Kind { not_found, cannot_run };
    LoadError(Kind kind, std::string path, const std::string& reason)
        : std::runtime_error(reason), kind_(kind), path_(std::move(path)) {}
    Kind kind() const { return kind_; }
    const std::string& path() const { return path_; }
    int exit_status() const { return kind_ == Kind::not_found ? 127 : 126; }

private:
    Kind kind_;
    std::string path_;
};

}  // namespace gostart::loader
