#include "linux/path_policy.h"

#include <climits>
#include <cstdlib>
#include <stdexcept>
#include <sys/stat.h>

namespace gostart::linux {
namespace {

std::string canonical(const std::string& p) {
    char buf[PATH_MAX];
    if (!::realpath(p.c_str(), buf)) return {};
    return buf;
}

// The canonical form of a path that may not exist yet: resolve the deepest existing ancestor and
// append the rest only when that rest has no `..` left to play tricks with. A path through a dangling
// symlink has no canonical form: "" (refused).
std::string resolve_for_write(const std::string& path) {
    std::string existing = path, rest;
    while (true) {
        std::string c = canonical(existing);
        if (!c.empty()) {
            if (rest.find("/../") != std::string::npos || rest.rfind("/..", 0) == 0 ||
                (rest.size() >= 3 && rest.compare(rest.size() - 3, 3, "/..") == 0))
                return {};
            return c + rest;
        }
        // Something is there that does not resolve: a dangling symlink. Creating through it would
        // create its target, wherever that is, so it is refused.
        struct stat st {};
        if (::lstat(existing.c_str(), &st) == 0) return {};
        auto slash = existing.find_last_of('/');
        if (slash == std::string::npos || slash == 0) return {};
        rest = existing.substr(slash) + rest;
        existing = existing.substr(0, slash);
    }
}

}  // namespace

void PathPolicy::allow_write(const std::string& dir) {
    std::string c = canonical(dir);
    struct stat st {};
    if (c.empty() || ::stat(c.c_str(), &st) != 0) throw std::runtime_error("--allow-write " + dir + ": no such directory");
    if (!S_ISDIR(st.st_mode)) throw std::runtime_error("--allow-write " + dir + ": not a directory");
    dirs_.push_back(c == "/" ? "" : c);
}

bool PathPolicy::may_write(const std::string& path, const std::string& cwd) const {
    if (dirs_.empty() || path.empty()) return false;
    std::string full = path[0] == '/' ? path : cwd + "/" + path;
    std::string r = resolve_for_write(full);
    if (r.empty()) return false;
    for (const auto& d : dirs_)
        if (r.size() > d.size() && r.compare(0, d.size(), d) == 0 && r[d.size()] == '/') return true;
    return false;
}

}  // namespace gostart::linux
