// kafkasim lag-eval FILE: Burrow's verdict on a JSON offset history
// (SCENARIOS.md "lag-eval"; the rules are monitor/burrow.hpp's).
#include <iostream>
#include <string>

#include <boost/program_options.hpp>

#include "cli/commands.hpp"
#include "cli/parse.hpp"
#include "kafkasim/errors.hpp"
#include "monitor/burrow.hpp"
#include "runner/lag_case.hpp"

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
    std::string http;
    std::string cluster;
    std::string group;
    visible.add_options()("help,h", "show this help")(
        "http", po::value<std::string>(&http),
        "print Burrow's HTTP response instead: \"status\" (/v3/kafka/CLUSTER/consumer/GROUP/status, "
        "partitions not OK) or \"lag\" (.../lag, every partition)")(
        "cluster", po::value<std::string>(&cluster)->default_value("local"), "the cluster name in --http output")(
        "group", po::value<std::string>(&group)->default_value("group"), "the group name in --http output");
    std::string file;
    po::variables_map vm;
    if (!parse_file_command(args, visible, "kafkasim lag-eval FILE", file, vm)) return kExitOk;

    if (!http.empty() && http != "status" && http != "lag") {
        throw InputError("--http: expected \"status\" or \"lag\", got \"" + http + "\"");
    }
    const ks::runner::LagCase c = ks::runner::load_lag_case(file);
    const monitor::BurrowGroupStatus status = monitor::evaluate_group(c.partitions, c.time_now_ms, c.options);
    if (http.empty()) {
        std::cout << ks::runner::burrow_group_json(status).dump(2) << "\n";
    } else {
        const auto endpoint = http == "status" ? ks::runner::BurrowEndpoint::status : ks::runner::BurrowEndpoint::lag;
        std::cout << ks::runner::burrow_http_json(status, cluster, group, endpoint).dump(2) << "\n";
    }
    return kExitOk;
}

}  // namespace ks::cli
