// The targets that read a BinaryView in view_codec format: buildinfo and pclntab.
#include "fuzz/exercise.h"
#include "fuzz/targets.h"
#include "fuzz/view_codec.h"

namespace gostart::fuzz {

std::string run_buildinfo(std::span<const uint8_t> input) {
    auto view = decode_view(input);
    if (!view) return "rejected: not a view";
    return exercise_identity(*view);
}

std::string run_pclntab(std::span<const uint8_t> input) {
    auto view = decode_view(input);
    if (!view) return "rejected: not a view";
    return exercise_pclntab(*view);
}

}  // namespace gostart::fuzz
