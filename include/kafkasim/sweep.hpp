// The sweep behind `kafkasim compare`: the grid of compare.vary × seeds, run
// in parallel across runs (DESIGN.md: a run is single-threaded; parallelism
// exists only across runs).
//
// The grid. Variants are the cartesian product of the axes (the first axis
// varies slowest); seeds are scenario.seed, scenario.seed + 1, ... Every
// variant runs every seed, and a seed is the whole of a run's randomness, so
// the variants of one seed share the workload and the fault schedule (common
// random numbers): the variant only changes settings. Pair k of the grid is
// (variant k / seeds, seed k % seeds).
//
// Determinism. Results are stored by pair index, never by completion order,
// so a sweep's result is the same whatever the number of jobs; a shard I/N
// runs the pairs k with k % N == I - 1, and merging every shard of a grid
// gives the result of the unsharded sweep.
//
// Threads: the only threads in kafkasim live in run_sweep; each worker runs
// whole simulations, which share nothing mutable.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kafkasim/scenario.hpp"

namespace ks {

// One setting of a variant: an override path and its value as JSON text.
struct SweepSetting {
    std::string path;
    std::string value_json;
};

// What a sweep runs, serialisable (shards carry it, merge checks it).
struct SweepGrid {
    std::string file;      // the scenario file as given (for replay lines)
    std::string scenario;  // the scenario's name
    std::string description;
    std::vector<std::string> overrides;               // --set PATH=VALUE applied to every variant
    std::vector<CompareAxis> axes;                    // compare.vary (or --vary), in order
    std::vector<std::vector<SweepSetting>> variants;  // one setting per axis
    std::uint64_t first_seed = 1;
    std::int32_t seeds = 1;

    std::size_t pairs() const { return variants.size() * static_cast<std::size_t>(seeds); }
    std::uint64_t seed_of(std::size_t pair) const { return first_seed + pair % static_cast<std::size_t>(seeds); }
    std::size_t variant_of(std::size_t pair) const { return pair / static_cast<std::size_t>(seeds); }
};

// A grid plus the validated scenario of each variant: what run_sweep needs.
struct SweepPlan {
    SweepGrid grid;
    std::vector<Scenario> variant_scenarios;  // one per grid.variants entry
};

struct SweepPlanOptions {
    std::vector<std::string> overrides;  // --set PATH=VALUE
    std::vector<std::string> vary;       // --vary PATH=V1,V2,...; if any, they replace compare.vary
    std::optional<std::int32_t> seeds;   // --seeds; default compare.seeds
};

// Reads and validates the scenario and every variant. Throws ks::InputError
// on bad input (nothing runs). A scenario without axes is one variant.
SweepPlan plan_sweep(const std::string& file, const SweepPlanOptions& options);

// The plan of a grid already run (a merge's, a report's replays): the
// scenario file read again with the grid's overrides and axes. Throws
// ks::InputError when the file cannot be read or no longer gives the grid.
SweepPlan plan_for_grid(const SweepGrid& grid);

// The outcome of one (variant, seed) run: the figures a comparison needs.
struct RunOutcome {
    std::size_t variant = 0;
    std::uint64_t seed = 0;
    std::int64_t sent = 0, acked = 0, failed = 0;
    std::int64_t acked_lost = 0, duplicated = 0, reordered = 0;
    double offline_partition_s = 0;
    double under_replicated_partition_s = 0;
    double write_unavailable_partition_s = 0;  // the clients' view (RunSummary)
    double read_unavailable_partition_s = 0;
    double latency_p50_ms = 0, latency_p99_ms = 0, latency_max_ms = 0;
    std::optional<std::int64_t> max_consumer_lag;  // max over groups; none without groups
    std::optional<double> mean_consumer_lag;       // the largest group's time-averaged lag (GroupSummary::mean_lag)
    std::int64_t unclean_elections = 0;
    std::int64_t strong_isr_violations = 0;  // partitions whose StrongIsr broke
    bool settled = true;
    std::string trace_hash;
};

struct SweepShard {
    std::int32_t index = 1;  // 1-based
    std::int32_t count = 1;
    bool whole() const { return count == 1; }
};

// "I/N" with 1 <= I <= N. Throws ks::InputError.
SweepShard parse_shard(const std::string& text);

struct SweepOptions {
    std::int32_t jobs = 1;  // worker threads, >= 1
    SweepShard shard;
    // Called after each finished run with (finished, total of this shard),
    // from a worker thread, one call at a time.
    std::function<void(std::size_t done, std::size_t total)> progress;
};

struct SweepResult {
    SweepGrid grid;
    SweepShard shard;
    std::vector<std::size_t> pairs;  // the grid pairs this result holds, ascending
    std::vector<RunOutcome> runs;    // runs[i] is pair pairs[i]
};

// The grid pairs of a shard, ascending.
std::vector<std::size_t> shard_pairs(const SweepGrid& grid, SweepShard shard);

// Runs the shard's pairs on options.jobs threads. A run that breaks an
// invariant (ks::AssertionFailure) stops the sweep: the failure of the
// lowest pair is rethrown with its replay line.
SweepResult run_sweep(const SweepPlan& plan, const SweepOptions& options);

// Combines the shards of one grid into the unsharded result. Throws
// ks::InputError when they are of different grids, overlap, or miss a shard.
SweepResult merge_sweeps(const std::vector<SweepResult>& shards);

// "acks=all, min.insync.replicas=2": the axes' short names (the config key,
// or the last path segment) with the variant's values.
std::string variant_label(const SweepGrid& grid, std::size_t variant);
// An axis's short name: the config key after ".config.", else the last path
// segment ("topics.orders.config.min.insync.replicas" -> "min.insync.replicas").
std::string axis_short_name(const std::string& path);
// A setting's value as labels show it: a string bare ("all"), anything else
// as JSON text (3).
std::string axis_value_text(const std::string& value_json);
// The exact command that replays one run of the grid:
// kafkasim run FILE --seed N --set PATH=VALUE ...
std::string replay_command(const SweepGrid& grid, std::size_t variant, std::uint64_t seed);

}  // namespace ks
