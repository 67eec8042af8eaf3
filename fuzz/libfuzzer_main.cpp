// The libFuzzer entry point of one target: compiled once per target with GOSTART_FUZZ_RUN naming its
// function (fuzz/targets.h). The outcome string is for tests; libFuzzer only wants the call to return.
#include "fuzz/targets.h"

#ifndef GOSTART_FUZZ_RUN
#error "define GOSTART_FUZZ_RUN to the target's function, e.g. run_pclntab"
#endif

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    (void)gostart::fuzz::GOSTART_FUZZ_RUN(std::span<const uint8_t>(data, size));
    return 0;
}
