// PathPolicy: the sandbox's rule for files. The guest may read any host file, but may create, write,
// truncate, rename, delete or chmod only below a directory the user opened with --allow-write.
// Paths are resolved on the host (symlinks followed, `..` collapsed) before they are compared, so a
// symlink or `..` cannot lead out of an allowed directory.
#pragma once

#include <string>
#include <vector>

namespace gostart::linux {

class PathPolicy {
public:
    // Throws std::runtime_error when a directory does not exist.
    void allow_write(const std::string& dir);
    // `path` as the guest gave it, relative to `cwd` when not absolute.
    bool may_write(const std::string& path, const std::string& cwd) const;
    const std::vector<std::string>& writable_dirs() const { return dirs_; }

private:
    std::vector<std::string> dirs_;  // canonical, without trailing slash
};

}  // namespace gostart::linux
