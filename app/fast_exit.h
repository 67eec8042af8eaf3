// Leaving without tearing down: after `run` has said everything, freeing Unicorn's translation
// buffers, the guest's memory and LIEF's copies of the file is ~4% of a hello run and changes nothing
// anyone can see (compilers skip their final frees for the same reason). Sanitizer builds tear down as
// usual, so that LeakSanitizer still checks every path.
#pragma once

#include <unistd.h>

#include <cstdio>
#include <iostream>

namespace gostart::app {

#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kSkipTeardown = false;
#else
inline constexpr bool kSkipTeardown = true;
#endif

// Flushes every stream of ours and ends the process with `status`, when kSkipTeardown; else returns.
inline void exit_without_teardown(int status) {
    if (!kSkipTeardown) return;
    std::cout.flush();
    std::cerr.flush();
    std::fflush(nullptr);
    _exit(status);
}

}  // namespace gostart::app
