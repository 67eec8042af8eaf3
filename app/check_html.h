// `check --html FILE`: one self-contained HTML page (inline CSS and SVG, nothing fetched) with the
// milestone timeline, the model table, the layout picture, the call tree and the syscall list.
#pragma once

#include "app/check_report.h"
#include "session/run_options.h"

#include <string>

namespace gostart::app {

// Writes the report for `s` (the check run's reports) to `path`. The picture, the call tree and the
// syscalls come from a second, identical run of the program (runs are deterministic), made with the
// guest's stdout and stderr pointed at /dev/null so the program's output is not printed twice.
void write_check_html(const std::string& path, const CheckSummary& s, const session::RunOptions& run);

}  // namespace gostart::app
