// kafkasim assign FILE: runs one of Kafka's consumer assignors on a JSON case
// (SCENARIOS.md "assign"; the algorithms are kafka/assignor.hpp's).
#include <iostream>
#include <string>

#include <boost/program_options.hpp>

#include "cli/commands.hpp"
#include "cli/parse.hpp"
#include "kafkasim/errors.hpp"
#include "runner/assign_case.hpp"

namespace ks::cli {

int run_assign(const Args& args) {
    namespace po = boost::program_options;
    po::options_description visible(
        "usage: kafkasim assign FILE\n\n"
        "Runs a consumer partition assignor exactly as Kafka's Java client (3.5-3.9)\n"
        "computes it and prints {\"assignment\": {MEMBER: [\"TOPIC-N\", ...]}}.\n"
        "Input: {\"strategy\": \"range\" | \"roundrobin\" | \"sticky\" | \"cooperative-sticky\",\n"
        "\"topics\": {\"orders\": 3}, \"members\": [{\"member_id\": \"c1\", \"group_instance_id\": null,\n"
        "\"topics\": [\"orders\"], \"owned_partitions\": [\"orders-0\"], \"generation\": 1}]}\n"
        "Members are in JoinGroup order.\n\n"
        "options");
    visible.add_options()("help,h", "show this help");
    std::string file;
    po::variables_map vm;
    if (!parse_file_command(args, visible, "kafkasim assign FILE", file, vm)) return kExitOk;

    const ks::runner::AssignCase c = ks::runner::load_assign_case(file);
    std::cout << ks::runner::assignment_json(ks::runner::run_assign_case(c)).dump(2) << "\n";
    return kExitOk;
}

}  // namespace ks::cli
