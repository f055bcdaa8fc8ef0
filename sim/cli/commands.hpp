// The subcommands of the kafkasim command. Each parses its own arguments
// (Boost.Program_options), calls into the library, prints, and returns an exit
// code; bad input is reported by throwing ks::InputError (exit 2).
#pragma once

#include <string>
#include <vector>

namespace ks::cli {

using Args = std::vector<std::string>;

struct Command {
    const char* name;
    const char* synopsis;
    int (*run)(const Args& args);
};

// The table of implemented subcommands, in the order --help lists them.
const std::vector<Command>& commands();

}  // namespace ks::cli
