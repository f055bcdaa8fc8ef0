// kafkasim describe FILE [--seed N] [--at-s T] [--set PATH=VALUE]...
//                        [--groups [--offsets | --members [--verbose] | --state] [--group G]...]
//
// Runs the scenario (workload, groups, faults: the run itself) to T seconds
// after warm-up and prints the topics as `kafka-topics.sh --describe` does, or
// with --groups the consumer groups as `kafka-consumer-groups.sh --describe`
// does, its stderr messages on stderr.
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

namespace {

// The view the flags ask for; bad combinations are InputErrors naming `file`.
DescribeView view_of(const po::variables_map& vm) {
    const bool groups = vm.count("groups") > 0;
    const int sub = static_cast<int>(vm.count("offsets") + vm.count("members") + vm.count("state"));
    if (!groups) {
        for (const char* o : {"offsets", "members", "state", "verbose", "group"}) {
            if (vm.count(o)) throw InputError(std::string("--") + o + " describes consumer groups: add --groups");
        }
        return DescribeView::topics;
    }
    if (sub > 1) throw InputError("--offsets, --members, --state: at most one of them");
    if (vm.count("members")) return DescribeView::group_members;
    if (vm.count("state")) return DescribeView::group_state;
    return DescribeView::group_offsets;
}

}  // namespace

int run_describe(const Args& args) {
    po::options_description visible(
        "kafkasim describe FILE [--seed N] [--at-s T] [--set PATH=VALUE]...\n"
        "                       [--groups [--offsets | --members [--verbose] | --state] [--group G]...]\n"
        "Runs the scenario (workload, consumer groups, faults) to T seconds after warm-up and prints\n"
        "the topics as kafka-topics --describe does, or with --groups the consumer groups as\n"
        "kafka-consumer-groups --describe does");
    std::vector<std::string> sets;
    std::vector<std::string> groups;
    std::uint64_t seed = 0;
    double at_s = 0;
    visible.add_options()                                                                               //
        ("help,h", "show this help")                                                                    //
        ("seed", po::value<std::uint64_t>(&seed), "seed (default: the scenario's)")                     //
        ("at-s", po::value<double>(&at_s), "seconds after warm-up (default 0)")                         //
        ("set", po::value<std::vector<std::string>>(&sets), "override a field (repeatable)")            //
        ("groups", "the consumer groups (kafka-consumer-groups --describe), by default their offsets")  //
        ("offsets", "with --groups: partitions, offsets and lag (the default)")                         //
        ("members", "with --groups: the members")                                                       //
        ("verbose", "with --groups --members: each member's partitions (ASSIGNMENT)")                   //
        ("state", "with --groups: coordinator, assignment strategy, state")                             //
        ("group", po::value<std::vector<std::string>>(&groups),
         "with --groups: only this group (repeatable; default every group of the scenario)");
    std::string file;
    po::variables_map vm;
    if (!parse_file_command(args, visible, "kafkasim describe FILE [--seed N] [--at-s T] [--groups ...]", file, vm))
        return kExitOk;
    const DescribeView view = view_of(vm);
    const auto loaded = scenario::load_file(file, {.overrides = sets});
    for (const auto& w : loaded.warnings) std::cerr << "warning: " << w << "\n";
    const Scenario& sc = loaded.scenario;
    if (at_s < 0 || from_seconds(at_s) > sc.duration) {
        throw InputError(file + ": --at-s: expected a time within [0, " + std::to_string(sc.duration.ms() / 1000) +
                         "] seconds, got " + std::to_string(at_s));
    }
    const DescribeOutput out = describe_at(sc, DescribeOptions{.seed = vm.count("seed") ? seed : sc.seed,
                                                               .at = from_seconds(at_s),
                                                               .view = view,
                                                               .verbose = vm.count("verbose") > 0,
                                                               .groups = groups,
                                                               .trace_sink = nullptr});
    // In the tool's order: each piece flushed before the next goes to the other stream.
    for (const DescribeOutput::Piece& p : out.pieces) {
        std::ostream& os = p.to_stderr ? std::cerr : std::cout;
        os << p.text << std::flush;
    }
    return kExitOk;
}

}  // namespace ks::cli
