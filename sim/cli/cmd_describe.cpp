// kafkasim describe FILE [--seed N] [--at-s T] [--set PATH=VALUE]...
//
// Runs the scenario to T seconds after warm-up and prints the topics as
// `kafka-topics.sh --describe` does.
#include <iostream>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "cli/commands.hpp"
#include "cli/parse.hpp"
#include "kafkasim/errors.hpp"
#include "kafkasim/scenario.hpp"
#include "kafkasim/simulation.hpp"

namespace ks::cli {

namespace po = boost::program_options;

int run_describe(const Args& args) {
    po::options_description visible(
        "kafkasim describe FILE [--seed N] [--at-s T] [--set PATH=VALUE]...\n"
        "Prints the kafka-topics --describe view of the cluster T seconds into the scenario");
    std::vector<std::string> sets;
    std::uint64_t seed = 0;
    double at_s = 0;
    visible.add_options()("help,h", "show this help")(
        "seed", po::value<std::uint64_t>(&seed), "seed (default: the scenario's)")("at-s", po::value<double>(&at_s),
                                                                                   "seconds after warm-up (default 0)")(
        "set", po::value<std::vector<std::string>>(&sets), "override a field (repeatable)");
    std::string file;
    po::variables_map vm;
    if (!parse_file_command(args, visible, "kafkasim describe FILE [--seed N] [--at-s T]", file, vm)) return kExitOk;
    const auto loaded = scenario::load_file(file, {.overrides = sets});
    for (const auto& w : loaded.warnings) std::cerr << "warning: " << w << "\n";
    const Scenario& sc = loaded.scenario;
    if (at_s < 0 || from_seconds(at_s) > sc.duration) {
        throw InputError(file + ": --at-s: expected a time within [0, " + std::to_string(sc.duration.ms() / 1000) +
                         "] seconds, got " + std::to_string(at_s));
    }
    std::cout << describe_at(sc, vm.count("seed") ? seed : sc.seed, from_seconds(at_s));
    return kExitOk;
}

}  // namespace ks::cli
