#include "cli/compare_replays.hpp"

#include <algorithm>
#include <iostream>
#include <map>

#include <fmt/format.h>

#include "core/assert.hpp"
#include "kafkasim/simulation.hpp"
#include "report/report.hpp"

namespace ks::cli {

report::CompareReplays replay_for_page(const ks::SweepPlan& plan, const ks::SweepResult& result,
                                       const report::OutputDir& out, const ReplayOptions& options) {
    KS_ASSERT(result.shard.whole());
    const ks::SweepGrid& g = plan.grid;
    const auto stats = report::variant_stats(result);
    // The trace hash of each (variant, seed) the sweep ran, to check the replays against.
    std::map<std::pair<std::size_t, std::uint64_t>, std::string> hashes;
    for (const ks::RunOutcome& o : result.runs) hashes[{o.variant, o.seed}] = o.trace_hash;
    auto replay = [&](std::size_t v, std::uint64_t seed) {
        RunOptions ro;
        ro.seed = seed;
        RunResult r = run_simulation(plan.variant_scenarios[v], ro);
        KS_ASSERT_MSG(r.summary.trace_hash == hashes.at({v, seed}),
                      "replay of variant {} seed {} gave trace hash {}, the sweep {}", v + 1, seed,
                      r.summary.trace_hash, hashes.at({v, seed}));
        return r;
    };
    report::CompareReplays replays;
    std::size_t loss_total = 0;
    for (const auto& s : stats) loss_total += s.first_loss_seed && options.loss_runs ? 1 : 0;
    if (!options.quiet) {
        std::cerr << fmt::format(
            "compare: replaying seed {} of every variant{}\n", g.first_seed,
            loss_total ? fmt::format(" and the first loss of {} variants", loss_total) : std::string());
    }
    for (std::size_t v = 0; v < g.variants.size(); ++v) {
        const RunResult first = replay(v, g.first_seed);
        report::add_first_seed(replays, v, g.variants.size(), first);
        const auto& s = stats[v];
        if (!options.loss_runs || !s.first_loss_seed) continue;
        const RunResult loss = *s.first_loss_seed == g.first_seed ? first : replay(v, *s.first_loss_seed);
        const std::string folder = report::loss_run_folder(v, *s.first_loss_seed);
        report::write_run_report((out.staging() / folder).string(), loss,
                                 {.scenario = &loss.scenario, .gnuplot = "gnuplot"});
        replays.loss_runs[v] = folder;
    }
    const bool any_loss = std::any_of(stats.begin(), stats.end(),
                                      [](const report::VariantStats& s) { return s.first_loss_seed.has_value(); });
    if (!options.loss_runs && any_loss)
        replays.note = "The first-loss runs were not rendered (--no-loss-runs): the commands above replay them.";
    return replays;
}

}  // namespace ks::cli
