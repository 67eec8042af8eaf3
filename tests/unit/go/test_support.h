// Shared by the Go readers' tests: where the fixture binaries are, and loading them once.
#pragma once

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/unit/go/elf_fixture.h"

namespace gostart::test {

inline std::string env_or_skip(const char* name) {
    const char* v = std::getenv(name);
    if (!v || !*v) throw std::runtime_error(std::string("environment variable ") + name + " is not set (run via meson test)");
    return v;
}

inline const ElfFixture& hello() {
    static ElfFixture f(env_or_skip("GO_HELLO"));
    return f;
}
inline const ElfFixture& hello_stripped() {
    static ElfFixture f(env_or_skip("GO_HELLO_STRIPPED"));
    return f;
}

// The 1-based line of the first line in hello.go that contains `needle`, or 0.
inline int source_line_of(const std::string& needle) {
    std::ifstream in(env_or_skip("GO_HELLO_SRC"));
    std::string line;
    for (int n = 1; std::getline(in, line); ++n)
        if (line.find(needle) != std::string::npos) return n;
    return 0;
}

}  // namespace gostart::test
