// Figures a newcomer reads in the default run mean what Kafka's operators
// would take them to mean (scenarios/default.json, its own seed): what the
// group never read is named by cause, so a healthy run does not read as loss.
#include <doctest/doctest.h>

#include <filesystem>

#include "kafkasim/scenario.hpp"
#include "kafkasim/simulation.hpp"

namespace fs = std::filesystem;
using namespace ks;

namespace {

const RunResult& default_run() {
    static const RunResult r = [] {
        const Scenario sc = scenario::load_file(fs::path(KS_SOURCE_DIR) / "scenarios/default.json").scenario;
        RunOptions o;
        o.seed = sc.seed;
        return run_simulation(sc, o);
    }();
    return r;
}

}  // namespace

// SubscriptionState.maybeSeekUnvalidated: with no committed offset,
// auto.offset.reset=latest (ConsumerConfig's default) starts at the log end,
// so what was written before the group's first assignment is passed over.
TEST_CASE("e2e default run: records before the first assignment are skipped by the initial reset, not lost") {
    const RunResult& r = default_run();
    REQUIRE(r.summary.groups.size() == 1);
    const GroupSummary& g = r.summary.groups[0];
    CHECK(g.skipped > 0);
    CHECK(g.skipped_initial_reset == g.skipped);
    CHECK(g.skipped_out_of_range_reset == 0);
    CHECK(g.deleted_unread == 0);
    CHECK(r.summary.records.acked_lost == 0);
    // Each reset is in the timeline with the records it passed over, and they add up.
    std::int64_t passed_over = 0;
    for (const TimelineEntry& e : r.timeline) {
        if (const auto* reset = std::get_if<ConsumerOffsetReset>(&e.event)) {
            CHECK(reset->cause == ConsumerOffsetReset::Cause::no_committed_offset);
            CHECK_FALSE(reset->earliest);
            passed_over += reset->passed_over;
        }
    }
    CHECK(passed_over >= g.skipped_initial_reset);
}
