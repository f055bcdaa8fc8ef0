// RunOptions::progress: the runner reports simulated time between slices of
// the run (a simulated second each, then each settle step), and whether a
// callback is set does not change the run.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "kafkasim/scenario.hpp"
#include "kafkasim/simulation.hpp"

using namespace ks;

namespace {

Scenario progress_scenario() {
    return scenario::load_string(R"({"name": "p", "duration_s": 30, "cluster": {"brokers": 3},
          "topics": [{"name": "t", "partitions": 3, "replication_factor": 3}],
          "producers": [{"name": "w", "topic": "t", "rate_per_s": 200}],
          "faults": [{"at_s": 10, "action": "crash", "broker": 1}, {"at_s": 20, "action": "restart", "broker": 1}]})",
                                 "progress.json")
        .scenario;
}

// Equal cell for cell, an empty cell (NaN) equal to an empty cell.
bool same_rows(const std::vector<std::vector<double>>& a, const std::vector<std::vector<double>>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (a[i].size() != b[i].size()) return false;
        for (std::size_t j = 0; j < a[i].size(); ++j) {
            if (!(a[i][j] == b[i][j] || (std::isnan(a[i][j]) && std::isnan(b[i][j])))) return false;
        }
    }
    return true;
}

}  // namespace

TEST_CASE("run progress hook: every simulated second of duration_s, then each settle step, in order") {
    const Scenario sc = progress_scenario();
    std::vector<RunProgress> seen;
    RunOptions o;
    o.seed = 3;
    o.progress = [&seen](const RunProgress& p) { seen.push_back(p); };
    const RunResult r = run_simulation(sc, o);
    REQUIRE(seen.size() > 30);
    for (std::size_t i = 0; i < 30; ++i) {
        INFO(i);
        CHECK_FALSE(seen[i].settling);
        CHECK(seen[i].duration == s(30));
        CHECK(seen[i].simulated == s(static_cast<std::int64_t>(i) + 1));
    }
    for (std::size_t i = 30; i < seen.size(); ++i) {
        INFO(i);
        CHECK(seen[i].settling);
        CHECK(seen[i].simulated > seen[i - 1].simulated);
    }
    CHECK(seen.back().simulated.seconds_f() == doctest::Approx(30 + r.summary.settle_s));
}

TEST_CASE("run progress hook: a run with a callback is the same run as one without") {
    const Scenario sc = progress_scenario();
    RunOptions quiet;
    quiet.seed = 3;
    RunOptions watched = quiet;
    int calls = 0;
    watched.progress = [&calls](const RunProgress&) { ++calls; };
    const RunResult a = run_simulation(sc, quiet);
    const RunResult b = run_simulation(sc, watched);
    CHECK(calls > 30);
    CHECK(a.summary.trace_hash == b.summary.trace_hash);
    CHECK(a.summary.events == b.summary.events);
    CHECK(same_rows(a.series.rows, b.series.rows));
}
