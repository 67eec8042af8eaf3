// Target: the emulated run the stepper drives — a Session set up from the step command's options,
// and the state the app keeps beside it (the model's check table for the milestones reached). The
// app layer, which knows how to build a Session, provides it; the stepper checkpoints and restores
// both halves to go backwards.
#pragma once

#include "session/session.h"

#include <any>
#include <functional>
#include <memory>
#include <string>

namespace gostart::stepper {

struct Target {
    std::shared_ptr<session::Session> session;
    std::function<std::string()> check_table;  // the model's table at this point ("" when no model)
    // The app's state beside the session, as a value for a checkpoint, and back (empty: none).
    std::function<std::any()> save_extra;
    std::function<void(const std::any&)> restore_extra;
};

using Launcher = std::function<Target()>;

}  // namespace gostart::stepper
