#include "app/commands.h"
namespace gostart::app {
Command register_layout(CLI::App& app) {
    Command c;
    c.cli = app.add_subcommand("layout", "memory-layout picture after rt0_go's set-up");
    c.run = [] { return 2; };
    return c;
}
}  // namespace gostart::app
