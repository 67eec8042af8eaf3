// fuzz-seeds OUTDIR BINARY...: writes the seed corpus of every fuzz target (fuzz/seeds.h) to
// OUTDIR/TARGET/NAME, cut from the given program files (tools/fuzz passes build/testdata/* and the
// real-world corpus when fetched) plus the hand-made seeds. A file a target cannot use is skipped.
#include "fuzz/seeds.h"
#include "fuzz/targets.h"
#include "loader/load_error.h"

#include <filesystem>
#include <fstream>
#include <iostream>

namespace fs = std::filesystem;

int main(int argc, char** argv) {
    if (argc < 2) {
        std::cerr << "usage: fuzz-seeds OUTDIR [BINARY...]\n";
        return 2;
    }
    const fs::path outdir = argv[1];
    int written = 0;
    for (const auto& t : gostart::fuzz::fuzz_targets()) {
        fs::path dir = outdir / std::string(t.name);
        fs::create_directories(dir);
        std::vector<gostart::fuzz::Seed> seeds = gostart::fuzz::synthetic_seeds(t.name);
        for (int i = 2; i < argc; ++i) {
            fs::path bin = argv[i];
            // corpus/esbuild-0.1.0/esbuild -> esbuild-0.1.0; build/testdata/hello -> hello
            std::string label = bin.filename() == "esbuild" ? bin.parent_path().filename().string() : bin.filename().string();
            try {
                auto more = gostart::fuzz::seeds_from_binary(t.name, bin.string(), label);
                seeds.insert(seeds.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
            } catch (const gostart::loader::LoadError& e) {
                std::cerr << "fuzz-seeds: " << bin.string() << ": " << e.what() << " (skipped)\n";
            }
        }
        for (const auto& s : seeds) {
            std::ofstream out(dir / s.name, std::ios::binary);
            out.write(reinterpret_cast<const char*>(s.bytes.data()), static_cast<std::streamsize>(s.bytes.size()));
            if (!out) {
                std::cerr << "fuzz-seeds: cannot write " << (dir / s.name).string() << "\n";
                return 1;
            }
            ++written;
        }
        std::cout << t.name << ": " << seeds.size() << " seeds in " << dir.string() << "\n";
    }
    return written ? 0 : 1;
}
