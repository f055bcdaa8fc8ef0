// kafkasim compare FILE [--seeds N] [--jobs J] [--vary PATH=V1,V2,...]... [--set PATH=VALUE]...
//                       [--out DIR] [--shard I/N] [--no-loss-runs] [--quiet]
//
// Runs the grid of compare.vary (or --vary) × seeds on J worker threads and
// writes compare.json, compare.csv, index.html and plots/ to DIR (default
// reports/compare/<name>/). With --shard I/N only that slice of the grid runs
// and DIR receives compare-shard.json for `kafkasim merge`. The output is the
// same whatever J and however the grid is sharded. A whole grid also replays
// each variant's first seed (its lag over time on one plot) and renders each
// variant's first run that lost acknowledged records under DIR/runs/, linked
// from index.html (not with --no-loss-runs).
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <boost/program_options.hpp>

#include "cli/commands.hpp"
#include "cli/compare_replays.hpp"
#include "cli/parse.hpp"
#include "kafkasim/errors.hpp"
#include "kafkasim/sweep.hpp"
#include "report/compare_report.hpp"
#include "report/output_dir.hpp"

namespace ks::cli {

namespace po = boost::program_options;

namespace {

// The progress line on stderr: rewritten in place on a terminal, a line per
// tenth of the work otherwise. Wall-clock time is shown here only, never
// written to a report.
class Progress {
  public:
    explicit Progress(bool quiet) : quiet_(quiet), tty_(isatty(STDERR_FILENO) == 1) {}

    void operator()(std::size_t done, std::size_t total) {
        if (quiet_ || total == 0) return;
        const double elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
        const auto tenth = done * 10 / total;
        if (!tty_ && tenth == last_tenth_ && done != total) return;
        last_tenth_ = tenth;
        const double left_s = done ? elapsed_s / static_cast<double>(done) * static_cast<double>(total - done) : 0;
        std::cerr << fmt::format(
            "{}compare: {}/{} runs ({:.0f} %), {:.0f} s elapsed, ~{:.0f} s left{}", tty_ ? "\r" : "", done, total,
            100.0 * static_cast<double>(done) / static_cast<double>(total), elapsed_s, left_s, tty_ ? "   " : "\n");
        if (tty_ && done == total) std::cerr << "\n";
    }

  private:
    bool quiet_;
    bool tty_;
    std::size_t last_tenth_ = 0;
    std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

}  // namespace

int run_compare(const Args& args) {
    po::options_description visible(
        "kafkasim compare FILE [--seeds N] [--jobs J] [--vary PATH=V1,V2,...]... [--set PATH=VALUE]... [--out DIR] "
        "[--shard I/N]\n"
        "Runs every variant of compare.vary (or --vary) with the same seeds and compares loss and latency");
    std::int32_t seeds = 0, jobs = 0;
    std::vector<std::string> vary, sets;
    std::string out_dir, shard_text;
    visible.add_options()("help,h", "show this help")("seeds", po::value<std::int32_t>(&seeds),
                                                      "seeds per variant (default: compare.seeds)")(
        "jobs,j", po::value<std::int32_t>(&jobs), "worker threads (default: all cores)")(
        "vary", po::value<std::vector<std::string>>(&vary),
        "an axis PATH=V1,V2,... (repeatable; replaces compare.vary)")("set", po::value<std::vector<std::string>>(&sets),
                                                                      "override a field in every variant (repeatable)")(
        "out", po::value<std::string>(&out_dir), "output folder (default reports/compare/<name>)")(
        "shard", po::value<std::string>(&shard_text), "run only slice I of N of the grid (then kafkasim merge)")(
        "no-loss-runs", "do not render each variant's first run that lost data under DIR/runs/")(
        "quiet,q", "no progress line and no table");
    std::string file;
    po::variables_map vm;
    const std::string usage =
        "kafkasim compare FILE [--seeds N] [--jobs J] [--vary PATH=V1,V2,...]... [--out DIR] [--shard I/N]";
    if (!parse_file_command(args, visible, usage, file, vm)) return kExitOk;
    if (vm.count("seeds") && seeds < 1) throw InputError(fmt::format("--seeds {}: expected a number >= 1", seeds));
    if (vm.count("jobs") && jobs < 1) throw InputError(fmt::format("--jobs {}: expected a number >= 1", jobs));
    const bool quiet = vm.count("quiet") > 0;

    ks::SweepPlanOptions plan_options{.overrides = sets, .vary = vary, .seeds = std::nullopt};
    if (vm.count("seeds")) plan_options.seeds = seeds;
    const ks::SweepPlan plan = ks::plan_sweep(file, plan_options);
    ks::SweepOptions options;
    options.jobs =
        vm.count("jobs") ? jobs : static_cast<std::int32_t>(std::max(1u, std::thread::hardware_concurrency()));
    if (vm.count("shard")) options.shard = ks::parse_shard(shard_text);
    if (out_dir.empty()) {
        out_dir = "reports/compare/" + plan.grid.scenario;
        if (!options.shard.whole()) out_dir += fmt::format("-shard-{}-of-{}", options.shard.index, options.shard.count);
    }
    // A folder that cannot be written is bad input, said before the sweep.
    report::OutputDir out(out_dir);
    Progress progress(quiet);
    options.progress = [&progress](std::size_t done, std::size_t total) { progress(done, total); };
    if (!quiet) {
        std::cerr << fmt::format(
            "compare: {} variants × {} seeds{} on {} threads\n", plan.grid.variants.size(), plan.grid.seeds,
            options.shard.whole() ? std::string()
                                  : fmt::format(", shard {}/{}", options.shard.index, options.shard.count),
            options.jobs);
    }
    const ks::SweepResult result = ks::run_sweep(plan, options);
    std::optional<report::CompareReplays> replays;
    if (options.shard.whole()) {
        replays = replay_for_page(plan, result, out, {.loss_runs = vm.count("no-loss-runs") == 0, .quiet = quiet});
    }
    const auto written = report::write_compare_report(out, result, {}, replays ? &*replays : nullptr);
    out.commit();
    if (!options.shard.whole()) {
        if (!quiet) {
            std::cout << fmt::format(
                "kafkasim compare: shard {}/{} ({} runs) written to {}/compare-shard.json\n"
                "  combine the shards with: kafkasim merge DIR...\n",
                options.shard.index, options.shard.count, result.runs.size(), out_dir);
        }
        return kExitOk;
    }
    if (!written.note.empty() && !quiet) std::cerr << "kafkasim compare: " << out_dir << ": " << written.note << "\n";
    if (!quiet) {
        report::print_compare(std::cout, result);
        std::cout << "  report " << out_dir << "\n";
    }
    return kExitOk;
}

}  // namespace ks::cli
