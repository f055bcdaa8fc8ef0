// kafkasim merge DIR... [--out DIR] [--no-loss-runs] [--quiet]
//
// Combines the compare-shard.json of every shard of one compare into exactly
// the output the unsharded compare writes (compare.json, compare.csv,
// index.html, plots/, runs/), in --out (default reports/compare/<name>/).
// The replays of the page (first seeds, first-loss runs) need the scenario
// file the shards name; without it the page says what it lacks.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <boost/program_options.hpp>

#include "cli/commands.hpp"
#include "cli/compare_replays.hpp"
#include "kafkasim/errors.hpp"
#include "kafkasim/sweep.hpp"
#include "report/compare_report.hpp"
#include "report/output_dir.hpp"

namespace ks::cli {

namespace po = boost::program_options;

namespace {

ks::SweepResult read_shard(const std::string& where) {
    std::filesystem::path p(where);
    if (std::filesystem::is_directory(p)) p /= "compare-shard.json";
    std::ifstream in(p, std::ios::binary);
    if (!in)
        throw InputError(
            fmt::format("{}: cannot open (expected a folder written by kafkasim compare --shard)", p.string()));
    std::ostringstream text;
    text << in.rdbuf();
    const auto j = nlohmann::json::parse(text.str(), nullptr, false);
    if (j.is_discarded()) throw InputError(p.string() + ": invalid JSON");
    return report::sweep_from_json(j, p.string());
}

}  // namespace

int run_merge(const Args& args) {
    po::options_description visible(
        "kafkasim merge DIR... [--out DIR]\n"
        "Combines the shards of one compare (kafkasim compare --shard I/N) into its full output");
    std::string out_dir;
    visible.add_options()("help,h", "show this help")("out", po::value<std::string>(&out_dir),
                                                      "output folder (default reports/compare/<name>)")(
        "no-loss-runs", "do not render each variant's first run that lost data under DIR/runs/")(
        "quiet,q", "print nothing but errors");
    po::options_description hidden;
    std::vector<std::string> dirs;
    hidden.add_options()("dirs", po::value<std::vector<std::string>>(&dirs), "shard folders");
    po::options_description all;
    all.add(visible).add(hidden);
    po::positional_options_description positional;
    positional.add("dirs", -1);
    po::variables_map vm;
    const std::string usage = "kafkasim merge DIR... [--out DIR]";
    try {
        po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
        if (vm.count("help")) {
            std::cout << visible << "\n";
            return kExitOk;
        }
        po::notify(vm);
    } catch (const po::error& e) {
        throw InputError(std::string(e.what()) + " (usage: " + usage + ")");
    }
    if (dirs.empty()) throw InputError("missing DIR (usage: " + usage + ")");
    std::vector<ks::SweepResult> shards;
    for (const auto& d : dirs) shards.push_back(read_shard(d));
    const ks::SweepResult merged = ks::merge_sweeps(shards);
    if (out_dir.empty()) out_dir = "reports/compare/" + merged.grid.scenario;
    report::OutputDir out(out_dir);
    report::CompareReplays replays;
    try {
        const ks::SweepPlan plan = ks::plan_for_grid(merged.grid);
        replays = replay_for_page(plan, merged, out,
                                  {.loss_runs = vm.count("no-loss-runs") == 0, .quiet = vm.count("quiet") > 0});
    } catch (const InputError& e) {
        replays = {};
        replays.note = std::string("Not replayed (no lag over time, no rendered first-loss runs): ") + e.what();
        if (!vm.count("quiet")) std::cerr << "kafkasim merge: " << e.what() << "\n";
    }
    const auto written = report::write_compare_report(out, merged, {}, &replays);
    out.commit();
    if (vm.count("quiet")) return kExitOk;
    if (!written.note.empty()) std::cerr << "kafkasim merge: " << out_dir << ": " << written.note << "\n";
    report::print_compare(std::cout, merged);
    std::cout << "  report " << out_dir << "\n";
    return kExitOk;
}

}  // namespace ks::cli
