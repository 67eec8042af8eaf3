// Target: one fresh emulated run for the stepper — a Session set up from the step command's options,
// and the model's check table for the milestones it has reached. The stepper goes backwards by
// launching a new Target and replaying it forward (execution is deterministic), so it must be able
// to make as many as it likes; the app layer, which knows how to build a Session, provides them.
#pragma once

#include "app/session.h"

#include <functional>
#include <memory>
#include <string>

namespace gostart::stepper {

struct Target {
    std::shared_ptr<app::Session> session;
    std::function<std::string()> check_table;  // the model's table at this point ("" when no model)
};

using Launcher = std::function<Target()>;

}  // namespace gostart::stepper
