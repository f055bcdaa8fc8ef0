// Argument parsing shared by the subcommands that take one FILE.
#pragma once

#include <string>
#include <string_view>

#include <boost/program_options.hpp>

#include "cli/commands.hpp"

namespace ks::cli {

// Parses `args` against `visible` plus one positional FILE. Returns false when
// --help was asked for (it has been printed: the command exits 0). Bad usage
// or a missing FILE throws ks::InputError naming `usage`.
// REQUIRES: `visible` declares "help".
bool parse_file_command(const Args& args, const boost::program_options::options_description& visible,
                        std::string_view usage, std::string& file, boost::program_options::variables_map& vm);

}  // namespace ks::cli
