// kafkasim lag-eval FILE: Burrow's verdict on a JSON offset history
// (SCENARIOS.md "lag-eval"; the rules are monitor/burrow.hpp's).
#include <iostream>
#include <string>

#include <boost/program_options.hpp>

#include "cli/commands.hpp"
#include "kafkasim/errors.hpp"
#include "monitor/burrow.hpp"
#include "scenario/lag_case.hpp"

namespace ks::cli {

int run_lag_eval(const Args& args) {
    namespace po = boost::program_options;
    po::options_description visible(
        "usage: kafkasim lag-eval FILE\n\n"
        "Evaluates a JSON offset history with Burrow's consumer-lag rules and prints\n"
        "Burrow's group status as JSON. Input: {\"time_now_s\": 600, \"allowed_lag\": 0,\n"
        "\"partitions\": [{\"topic\": \"orders\", \"partition\": 0, \"window\": [{\"offset\": 1000,\n"
        "\"timestamp_ms\": 100000, \"lag\": 0}], \"broker_offsets\": [5200], \"current_lag\": 200}]}\n\n"
        "options");
    visible.add_options()("help,h", "show this help");
    po::options_description hidden;
    hidden.add_options()("file", po::value<std::string>(), "the JSON case");
    po::options_description all;
    all.add(visible).add(hidden);
    po::positional_options_description positional;
    positional.add("file", 1);

    po::variables_map vm;
    try {
        po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        throw InputError(std::string(e.what()) + " (usage: kafkasim lag-eval FILE)");
    }
    if (vm.count("help") != 0) {
        std::cout << visible << "\n";
        return kExitOk;
    }
    if (vm.count("file") == 0) throw InputError("missing FILE (usage: kafkasim lag-eval FILE)");

    const scenario::LagCase c = scenario::load_lag_case(vm["file"].as<std::string>());
    const monitor::BurrowGroupStatus status =
        monitor::evaluate_group(c.partitions, c.time_now_ms, c.options);
    std::cout << scenario::burrow_group_json(status).dump(2) << "\n";
    return kExitOk;
}

}  // namespace ks::cli
