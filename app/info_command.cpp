// `gostart-emu info [--json] PROGRAM`: what the binary is (issue 3 fills this in).
#include "app/commands.h"
#include "app/program.h"

#include <fmt/format.h>

#include <iostream>
#include <memory>

namespace gostart::app {

Command register_info(CLI::App& app) {
    auto path = std::make_shared<std::string>();
    auto json = std::make_shared<bool>(false);
    Command c;
    c.cli = app.add_subcommand("info", "what the binary is: Go version, layout, milestones' addresses");
    c.cli->add_flag("--json", *json, "one JSON object (schema in CLI.md)");
    c.cli->add_option("PROGRAM", *path, "the program file")->required();
    c.run = [path, json]() {
        auto prog = open_program(*path, false);
        std::cout << fmt::format("{}: {}\n", *path, prog->go ? prog->go->version : "not a Go binary");
        return 0;
    };
    return c;
}

}  // namespace gostart::app
