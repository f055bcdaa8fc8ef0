// kafkasim run FILE [--seed N] [--out DIR] [--set PATH=VALUE]... [--trace] [--timeline] [--quiet]
//
// Runs one scenario with one seed and writes its report folder
// (default reports/runs/<name>-seed<N>/). Prints the terminal summary, the
// seed and trace hash; --timeline prints the narrated timeline; --trace
// writes every trace event as JSON lines (trace.jsonl in the report folder,
// docs/trace-format.md).
// A run that takes more than ~2 s shows its simulated time on stderr when
// that is a terminal (not with --quiet).
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <boost/program_options.hpp>

#include "cli/commands.hpp"
#include "cli/parse.hpp"
#include "cli/run_progress.hpp"
#include "core/assert.hpp"
#include "kafkasim/errors.hpp"
#include "kafkasim/scenario.hpp"
#include "kafkasim/simulation.hpp"
#include "report/expect.hpp"
#include "report/output_dir.hpp"
#include "report/report.hpp"
#include "runner/chaos.hpp"

namespace ks::cli {

namespace po = boost::program_options;

int run_run(const Args& args) {
    po::options_description visible(
        "kafkasim run FILE [--seed N] [--out DIR] [--set PATH=VALUE]... [--trace] [--timeline] [--quiet]\n"
        "Runs a scenario and writes its report folder");
    std::vector<std::string> sets;
    std::string out_dir;
    std::uint64_t seed = 0;
    visible.add_options()("help,h", "show this help")("seed", po::value<std::uint64_t>(&seed),
                                                      "seed (default: the scenario's)")(
        "out", po::value<std::string>(&out_dir), "report folder (default reports/runs/<name>-seed<N>)")(
        "set", po::value<std::vector<std::string>>(&sets),
        "override a field, e.g. --set topics.orders.replication_factor=2")(
        "trace", "also write every trace event as JSON lines (trace.jsonl)")("timeline", "print the narrated timeline")(
        "quiet,q", "print only the trace hash line");
    std::string file;
    po::variables_map vm;
    if (!parse_file_command(args, visible, "kafkasim run FILE [--seed N] [--out DIR] [--set PATH=VALUE]...", file,
                            vm)) {
        return kExitOk;
    }

    const auto loaded = scenario::load_file(file, {.overrides = sets});
    const bool quiet = vm.count("quiet") > 0;
    if (!quiet) {
        for (const auto& w : loaded.warnings) std::cerr << "warning: " << w << "\n";
    }
    const Scenario& sc = loaded.scenario;
    const std::uint64_t the_seed = vm.count("seed") ? seed : sc.seed;
    if (out_dir.empty()) out_dir = "reports/runs/" + sc.name + "-seed" + std::to_string(the_seed);

    // The report folder first: one that cannot be written is bad input, said
    // before the run rather than after it. Everything, the trace included, is
    // written into its staging folder and appears under out_dir only whole.
    report::OutputDir out(out_dir);
    RunOptions options;
    options.seed = the_seed;
    std::ofstream trace_file;
    const auto trace_path = out.staging() / "trace.jsonl";
    if (vm.count("trace")) {
        trace_file.open(trace_path, std::ios::binary);
        if (!trace_file)
            throw InputError(fmt::format("cannot write {}: {}", trace_path.string(), std::strerror(errno)));
        options.trace_sink = &trace_file;
    }
    // Progress on a terminal for a run that takes a while: the wall clock is
    // read here, in the CLI, never by the simulation.
    RunProgressLine progress(std::cerr, {.enabled = !quiet && isatty(STDERR_FILENO) == 1});
    const auto started = std::chrono::steady_clock::now();
    options.progress = [&progress, started](const RunProgress& p) {
        progress.update(p, std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    };
    RunResult result;
    try {
        result = run_simulation(sc, options);
    } catch (const AssertionFailure& e) {
        std::string repro = "kafkasim run " + file + " --seed " + std::to_string(the_seed);
        for (const auto& s : sets) repro += " --set " + s;
        throw AssertionFailure(std::string(e.what()) + "\n  replay: " + repro);
    }
    progress.finish();
    if (trace_file.is_open()) {
        errno = 0;
        trace_file.close();
        if (!trace_file) {
            throw InputError(fmt::format("cannot write {}: {}", trace_path.string(),
                                         errno != 0 ? std::strerror(errno) : "the write failed"));
        }
    }
    // The report judges the expect block (SCENARIOS.md): expect.json and
    // index.html show it; here one line each, and exit 1 if one failed.
    const auto written = report::write_run_report(out, result, {.scenario = &sc});
    const std::vector<report::ExpectResult>& expected = written.expectations;
    out.commit();
    if (!written.note.empty() && !quiet) std::cerr << "kafkasim run: " << out_dir << ": " << written.note << "\n";
    const int code = report::all_held(expected) ? kExitOk : kExitExpectFailed;
    if (quiet) {
        std::cout << "seed " << the_seed << " trace_hash " << result.summary.trace_hash << "\n";
        return code;
    }
    if (sc.chaos.enabled) std::cout << ks::runner::describe_chaos(ks::runner::draw_chaos(sc, the_seed));
    if (vm.count("timeline")) report::print_timeline(std::cout, result);
    report::print_summary(std::cout, result, out_dir);
    for (const auto& r : expected) std::cout << "  " << report::describe(r) << "\n";
    return code;
}

}  // namespace ks::cli
