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

int run_partition(const Args& args);  // cmd_partition.cpp
int run_lag_eval(const Args& args);   // cmd_lag_eval.cpp
int run_check(const Args& args);
int run_run(const Args& args);
int run_describe(const Args& args);  // cmd_check.cpp
int run_assign(const Args& args);    // cmd_assign.cpp
int run_compare(const Args& args);   // cmd_compare.cpp
int run_merge(const Args& args);     // cmd_merge.cpp
int run_schema(const Args& args);    // cmd_schema.cpp

// The table of implemented subcommands, in the order --help lists them.
const std::vector<Command>& commands();

}  // namespace ks::cli
