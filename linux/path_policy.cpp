#include "linux/path_policy.h"

#include <climits>
#include <cstdlib>
#include <stdexcept>

namespace gostart::linux {
namespace {

std::string canonical(const std::string& p) {
    char buf[PATH_MAX];
    if (!::realpath(p.c_str(), buf)) return {};
    return buf;
}

// The canonical form of a path that may not exist yet: resolve the deepest existing ancestor and
// append the rest only when that rest has no `..` or `.` left to play tricks with.
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
        auto slash = existing.find_last_of('/');
        if (slash == std::string::npos || slash == 0) return {};
        rest = existing.substr(slash) + rest;
        existing = existing.substr(0, slash);
    }
}

}  // namespace

void PathPolicy::allow_write(const std::string& dir) {
    std::string c = canonical(dir);
    if (c.empty()) throw std::runtime_error(dir + ": --allow-write directory does not exist");
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
