// run_sweep (kafkasim/sweep.hpp): the runs of a compare on worker threads —
// the only threads in kafkasim.
#include "kafkasim/sweep.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "core/assert.hpp"
#include "kafkasim/simulation.hpp"

namespace ks {

namespace {

RunOutcome outcome_of(const RunSummary& s, std::size_t variant, std::uint64_t seed) {
    RunOutcome o;
    o.variant = variant;
    o.seed = seed;
    o.sent = s.records.sent;
    o.acked = s.records.acked;
    o.failed = s.records.failed;
    o.acked_lost = s.records.acked_lost;
    o.duplicated = s.records.duplicated;
    o.reordered = s.records.reordered;
    o.offline_partition_s = s.offline_partition_s;
    o.under_replicated_partition_s = s.under_replicated_partition_s;
    o.write_unavailable_partition_s = s.write_unavailable_partition_s;
    o.read_unavailable_partition_s = s.read_unavailable_partition_s;
    o.latency_p50_ms = s.produce_latency_ms.p50;
    o.latency_p99_ms = s.produce_latency_ms.p99;
    o.latency_max_ms = s.produce_latency_ms.max;
    for (const GroupSummary& g : s.groups) {
        o.max_consumer_lag = std::max(o.max_consumer_lag.value_or(0), g.max_lag);
        o.mean_consumer_lag = std::max(o.mean_consumer_lag.value_or(0), g.mean_lag);
    }
    o.unclean_elections = s.unclean_elections;
    o.strong_isr_violations = s.strong_isr_violations;
    o.settled = s.settled;
    o.trace_hash = s.trace_hash;
    return o;
}

}  // namespace

SweepResult run_sweep(const SweepPlan& plan, const SweepOptions& options) {
    KS_ASSERT_GE(options.jobs, 1);
    SweepResult result;
    result.grid = plan.grid;
    result.shard = options.shard;
    result.pairs = shard_pairs(plan.grid, options.shard);
    const std::size_t total = result.pairs.size();
    result.runs.resize(total);
    std::vector<std::exception_ptr> errors(total);
    std::atomic<std::size_t> next{0};
    std::atomic<std::size_t> stop_at{total};  // tasks past the first failure are skipped
    std::mutex progress_mutex;
    std::size_t done = 0;

    auto worker = [&] {
        while (true) {
            const std::size_t i = next.fetch_add(1);
            if (i >= total || i > stop_at.load()) return;
            const std::size_t pair = result.pairs[i];
            const std::size_t v = plan.grid.variant_of(pair);
            const std::uint64_t seed = plan.grid.seed_of(pair);
            try {
                RunOptions ro;
                ro.seed = seed;
                const RunResult r = run_simulation(plan.variant_scenarios[v], ro);
                result.runs[i] = outcome_of(r.summary, v, seed);
            } catch (...) {
                errors[i] = std::current_exception();
                std::size_t cur = stop_at.load();
                while (i < cur && !stop_at.compare_exchange_weak(cur, i)) {
                }
            }
            std::lock_guard<std::mutex> lock(progress_mutex);
            ++done;
            if (options.progress) options.progress(done, total);
        }
    };
    const auto jobs = std::min<std::size_t>(static_cast<std::size_t>(options.jobs), std::max<std::size_t>(total, 1));
    if (jobs <= 1) {
        worker();
    } else {
        std::vector<std::thread> threads;
        threads.reserve(jobs);
        for (std::size_t t = 0; t < jobs; ++t) threads.emplace_back(worker);
        for (auto& t : threads) t.join();
    }
    for (std::size_t i = 0; i < total; ++i) {
        if (!errors[i]) continue;
        const std::size_t pair = result.pairs[i];
        const std::string replay = replay_command(plan.grid, plan.grid.variant_of(pair), plan.grid.seed_of(pair));
        try {
            std::rethrow_exception(errors[i]);
        } catch (const AssertionFailure& e) {
            throw AssertionFailure(std::string(e.what()) + "\n  replay: " + replay);
        } catch (const std::exception& e) {
            throw std::runtime_error(std::string(e.what()) + "\n  replay: " + replay);
        }
    }
    return result;
}

}  // namespace ks
