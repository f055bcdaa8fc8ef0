// The output of `kafkasim compare` and `kafkasim merge`: per variant, the
// probability that any acknowledged record was lost (with a 95 % Wilson
// score interval), mean and max of acked_lost, failed, duplicated and
// offline partition-seconds, produce latency p50 / p99 (means over seeds),
// max consumer lag, and the first seed that lost data with the command that
// replays it.
//
// Files: compare.json (the grid, the per-variant figures and every run),
// compare.csv (one row per variant), index.html and plots/ (loss probability
// per variant with its interval; latency against loss). A shard writes only
// compare-shard.json, the raw runs of its slice, which `merge` reads back.
// Every file is a pure function of the runs in grid order, so the number of
// jobs or shards never shows in the output.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kafkasim/simulation.hpp"
#include "kafkasim/sweep.hpp"
#include "report/output_dir.hpp"
#include "report/plot.hpp"

namespace ks::report {

struct Interval {
    double low = 0;
    double high = 1;
};

// The Wilson score interval of a binomial proportion successes / n at the
// normal quantile z (1.96 for 95 %). n == 0 gives [0, 1].
// REQUIRES: 0 <= successes <= n.
Interval wilson_interval(std::int64_t successes, std::int64_t n, double z = 1.959963984540054);

struct MeanMax {
    double mean = 0;
    double max = 0;
};

// A figure's distribution over the seeds of a variant: quartiles by the
// nearest-rank method (p25 is the ceil(0.25 n)-th smallest value).
struct Spread {
    double min = 0, p25 = 0, p50 = 0, p75 = 0, max = 0, mean = 0;
};
// REQUIRES: !values.empty().
Spread spread_of(std::vector<double> values);

struct VariantStats {
    std::size_t variant = 0;
    std::string label;
    std::int64_t runs = 0;
    std::int64_t runs_with_loss = 0;  // runs with acked_lost > 0
    double p_loss = 0;
    Interval p_loss_95;
    MeanMax acked_lost, failed, duplicated, offline_partition_s;
    MeanMax write_unavailable_partition_s, read_unavailable_partition_s;  // the clients' view
    double sent_mean = 0;
    double latency_p50_ms_mean = 0, latency_p99_ms_mean = 0;
    std::optional<MeanMax> max_consumer_lag;  // when the runs have consumer groups
    // The same over seeds as distributions: each run's largest lag sample,
    // and its time-averaged lag (RunOutcome::mean_consumer_lag).
    std::optional<Spread> max_consumer_lag_spread, mean_consumer_lag_spread;
    std::int64_t not_settled = 0;             // runs that did not converge after the heal
    std::int64_t runs_strong_isr_broken = 0;  // runs in which StrongIsr broke on some partition
    std::optional<std::uint64_t> first_loss_seed;
    std::string first_loss_replay;  // kafkasim run FILE --seed N --set ...
};

// REQUIRES: a whole result (every pair of the grid).
std::vector<VariantStats> variant_stats(const ks::SweepResult& r);

nlohmann::json compare_json(const ks::SweepResult& r);
std::string compare_csv(const ks::SweepResult& r);

// The shard file and its reader. sweep_from_json reads a compare-shard.json
// (or a compare.json) back into a result; throws ks::InputError naming
// `source` when it is not one.
nlohmann::json shard_json(const ks::SweepResult& r);
ks::SweepResult sweep_from_json(const nlohmann::json& j, const std::string& source);

// Runs of the grid played again for the page: the caller runs them (a
// report never runs a simulation) and checks each replays its trace hash.
struct CompareReplays {
    // Per variant (empty: not replayed), the first seed's committed lag over
    // time, summed over the groups: (t_s, lag).
    std::vector<std::vector<std::pair<double, double>>> first_seed_lag;
    std::vector<FaultWindow> faults;  // the first seed's fault windows (every variant has the same schedule)
    double heal_s = 0;                // the end of duration_s
    double end_s = 0;                 // the end of the longest settle
    // Per variant that lost data: the folder, relative to the compare's, of
    // the report of its first-loss run.
    std::map<std::size_t, std::string> loss_runs;
    std::string note;  // what was not replayed, and why
};
// The first seed of `variant`, from its replayed run.
void add_first_seed(CompareReplays& replays, std::size_t variant, std::size_t variants, const RunResult& run);
// "runs/variant-3-seed-7" (the table's #3): where a first-loss run's report goes.
std::string loss_run_folder(std::size_t variant, std::uint64_t seed);

struct CompareWritten {
    std::string note;  // plots not rendered, and how to render them
};

// A whole result: compare.json, compare.csv, index.html, plots/. A shard:
// compare-shard.json. Into dir's staging folder (the caller commits), or
// into `dir` (created or replaced) through a .partial folder renamed at the
// end. Throws ks::InputError naming the path and the OS's reason when a file
// cannot be written.
CompareWritten write_compare_report(const OutputDir& dir, const ks::SweepResult& r, const RenderOptions& render = {},
                                    const CompareReplays* replays = nullptr);
CompareWritten write_compare_report(const std::string& dir, const ks::SweepResult& r, const RenderOptions& render = {},
                                    const CompareReplays* replays = nullptr);

// The terminal table and the replay lines.
void print_compare(std::ostream& out, const ks::SweepResult& r);

}  // namespace ks::report
