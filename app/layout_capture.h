// LayoutCapture: draws the memory-layout picture (picture/) at one milestone point of a Session's run —
// by default after `call runtime.osinit` returns in rt0_go, the end of the article's steps 1–3: g0's
// stack is set, g0 and m0 point at each other, TLS works, argc/argv are copied and parsed, and
// schedinit has not yet started allocating. Used by `layout` and by the HTML report.
#pragma once

#include "gostructs/struct_layouts.h"
#include "picture/picture.h"
#include "session/session.h"

#include <optional>
#include <string>

namespace gostart::app {

inline constexpr const char* kDefaultLayoutPoint = "runtime.osinit";

class LayoutCapture {
public:
    // `milestone`: a call of rt0_go (state after it returns), runtime.mstart (at runtime.main's entry),
    // runtime.main or main.main (on entry). Throws UsageError for other names. `pause`: stop the run there.
    LayoutCapture(session::Session& session, const gostructs::StructLayouts& layouts, const std::string& milestone, bool pause);
    const std::optional<picture::Picture>& picture() const { return picture_; }

private:
    void capture(uint64_t pc);

    session::Session& session_;
    const gostructs::StructLayouts& layouts_;
    std::string milestone_, where_;  // the milestone's function name, and where it is drawn
    size_t order_ = 0;              // its place in model::kMilestones
    bool pause_;
    std::optional<picture::Picture> picture_;
};

}  // namespace gostart::app
