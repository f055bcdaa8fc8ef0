// Sweep benchmark: `kafkasim compare` of a 60-second, 3-broker scenario
// (scenarios/compare-acks.json: a leader crash at 20 s, 400 records/s) over
// 4 variants (acks 1 | all × replication factor 2 | 3) × 200 seeds on every
// core. Target: under a minute on the project's 2-core machine.
//
//   bench_compare_sweep [SEEDS] [JOBS]     defaults: 200, hardware_concurrency
//
// Prints one JSON object: wall seconds, runs, runs and seeds (of all 4
// variants) per minute, simulated seconds per wall second, and where the time
// goes (wall time of one run, split in the simulation and everything else).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include "kafkasim/simulation.hpp"
#include "kafkasim/sweep.hpp"

#ifndef KS_SOURCE_DIR
#define KS_SOURCE_DIR "."
#endif

int main(int argc, char** argv) {
    using Clock = std::chrono::steady_clock;
    const int seeds = argc > 1 ? std::atoi(argv[1]) : 200;
    const int jobs =
        argc > 2 ? std::atoi(argv[2]) : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    const std::string file = std::string(KS_SOURCE_DIR) + "/scenarios/compare-acks.json";
    const auto plan =
        ks::plan_sweep(file, {.overrides = {},
                              .vary = {"producers.checkout.config.acks=1,all", "topics.orders.replication_factor=2,3"},
                              .seeds = seeds});

    // One run alone, single-threaded: the cost of one (variant, seed).
    const auto t1 = Clock::now();
    ks::RunOptions one;
    one.seed = plan.grid.first_seed;
    const auto single = ks::run_simulation(plan.variant_scenarios.back(), one);
    const double one_run_s = std::chrono::duration<double>(Clock::now() - t1).count();

    const auto t0 = Clock::now();
    const auto result = ks::run_sweep(plan, {.jobs = jobs, .shard = {}, .progress = {}});
    const double wall_s = std::chrono::duration<double>(Clock::now() - t0).count();
    const double runs = static_cast<double>(result.runs.size());
    const double sim_s = runs * plan.variant_scenarios.front().duration.seconds_f();
    std::printf(
        "{\"benchmark\":\"compare_sweep\",\"variants\":%zu,\"seeds\":%d,\"runs\":%.0f,\"jobs\":%d,"
        "\"wall_s\":%.2f,\"runs_per_minute\":%.0f,\"seeds_per_minute\":%.1f,"
        "\"simulated_s_per_wall_s\":%.0f,\"one_run_s\":%.3f,\"one_run_events\":%llu,\"target_met\":%s}\n",
        plan.grid.variants.size(), seeds, runs, jobs, wall_s, runs / wall_s * 60,
        static_cast<double>(seeds) / wall_s * 60, sim_s / wall_s, one_run_s,
        static_cast<unsigned long long>(single.summary.events), wall_s < 60 ? "true" : "false");
    return 0;
}
