// kafkasim check FILE [--set PATH=VALUE]...
//
// Loads and validates a scenario (ks::scenario::load_file) without running
// it: warnings go to stderr, one "OK" line describing the scenario to stdout,
// then a line per --set override applied: "  set /json/pointer = VALUE", the
// value as JSON (1 is a number, "1" a string).
// A bad file is an InputError (exit 2, printed by main).
#include <iostream>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "cli/commands.hpp"
#include "cli/parse.hpp"
#include "kafkasim/errors.hpp"
#include "kafkasim/scenario.hpp"

namespace ks::cli {

namespace {

namespace po = boost::program_options;

}  // namespace

int run_check(const Args& args) {
    po::options_description visible(
        "kafkasim check FILE [--set PATH=VALUE]...\n"
        "Validates a scenario file without running it; exit 0 if valid, 2 if not");
    std::vector<std::string> sets;
    visible.add_options()("help,h", "show this help")(
        "set", po::value<std::vector<std::string>>(&sets),
        "override a field, e.g. --set producers.checkout.config.acks=1 (repeatable)");
    std::string file;
    po::variables_map vm;
    if (!parse_file_command(args, visible, "kafkasim check FILE [--set PATH=VALUE]...", file, vm)) return kExitOk;

    const auto loaded = scenario::load_file(file, {.overrides = sets});
    for (const auto& w : loaded.warnings) std::cerr << "warning: " << w << "\n";
    std::cout << "OK " << file << ": " << loaded.scenario.name << ": " << scenario::describe(loaded.scenario) << "\n";
    for (const auto& o : loaded.overrides) std::cout << "  set " << o.pointer << " = " << o.value_json << "\n";
    return kExitOk;
}

}  // namespace ks::cli
