#include "fuzz/exercise.h"

#include "loader/go/build_version.h"
#include "loader/go/buildinfo.h"
#include "loader/go/go_format_error.h"
#include "loader/go/go_version.h"
#include "loader/go/pclntab.h"

#include <algorithm>

namespace gostart::fuzz {
namespace {

using loader::GoFormatError;

// Enough functions to reach every kind of record, few enough that one input stays fast (a go1.19 hello
// has ~1,400 functions; a run costs milliseconds, not a second).
constexpr size_t kSampledFunctions = 256;

template <class F>
void tolerate(F&& f) {
    try {
        f();
    } catch (const GoFormatError&) {
        // A reason, not a crash: what the readers promise.
    }
}

}  // namespace

std::string exercise_pclntab(const loader::BinaryView& view) {
    try {
        auto t = loader::go::Pclntab::parse(view);
        const auto& fns = t.functions();
        size_t step = std::max<size_t>(1, fns.size() / kSampledFunctions);
        for (size_t i = 0; i < fns.size(); i += step) {
            const auto& f = fns[i];
            uint64_t mid = f.entry + (f.end - f.entry) / 2;
            tolerate([&] { (void)t.line_for_pc(f.entry); });
            tolerate([&] { (void)t.line_for_pc(mid); });
            tolerate([&] { (void)t.frame_size_at(mid); });
            tolerate([&] { (void)t.frames_at(mid); });
            tolerate([&] { (void)t.frames_at(f.end > f.entry ? f.end - 1 : f.entry); });
            (void)t.find_function(mid);
            (void)t.find_by_name(f.name);
        }
        (void)t.find_function(0);
        (void)t.find_function(~uint64_t(0));
        return std::to_string(fns.size()) + " functions, era " + std::string(t.era());
    } catch (const GoFormatError& e) {
        return std::string("rejected: ") + e.what();
    }
}

std::string exercise_identity(const loader::BinaryView& view) {
    tolerate([&] { (void)loader::go::read_buildinfo(view); });
    (void)loader::go::find_build_version(view);
    try {
        auto id = loader::go::identify(view);
        return id.version + " from " + id.source;
    } catch (const GoFormatError& e) {
        return std::string("rejected: ") + e.what();
    }
}

}  // namespace gostart::fuzz
