// fuzz-replay TARGET FILE...: runs a fuzz target's function over files, as the libFuzzer binary would,
// in any build (no clang needed) and prints what the target made of each. To reproduce a crash from
// `tools/fuzz` in a debugger or under the ASan build without libFuzzer.
#include "fuzz/targets.h"

#include <fstream>
#include <iostream>
#include <vector>

int main(int argc, char** argv) {
    const auto* target = argc >= 2 ? gostart::fuzz::find_fuzz_target(argv[1]) : nullptr;
    if (!target) {
        std::cerr << "usage: fuzz-replay TARGET FILE...\ntargets:\n";
        for (const auto& t : gostart::fuzz::fuzz_targets()) std::cerr << "  " << t.name << "  " << t.input << "\n";
        return 2;
    }
    for (int i = 2; i < argc; ++i) {
        std::ifstream in(argv[i], std::ios::binary);
        if (!in) {
            std::cerr << "fuzz-replay: " << argv[i] << ": cannot open\n";
            return 1;
        }
        std::vector<uint8_t> bytes;
        in.seekg(0, std::ios::end);
        bytes.resize(static_cast<size_t>(in.tellg()));
        in.seekg(0);
        in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
        std::cout << argv[i] << ": " << target->run(bytes) << "\n";
    }
    return 0;
}
