// Retention end to end: a consumer slower than retention skips the records
// deleted before it read them (auto.offset.reset after OFFSET_OUT_OF_RANGE).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "kafkasim/scenario.hpp"
#include "kafkasim/simulation.hpp"

using namespace ks;

namespace {

const std::string kRetention = R"({"name": "retention", "duration_s": 40, "settle_max_s": 60,
 "cluster": {"brokers": 3, "config": {"log.retention.check.interval.ms": 1000}},
 "topics": [{"name": "orders", "partitions": 2, "replication_factor": 3,
             "config": {"retention.ms": 5000, "segment.ms": 1000}}],
 "producers": [{"name": "p", "topic": "orders", "rate_per_s": 400, "value_bytes": 200,
                "keys": {"kind": "uniform", "count": 100}, "config": {"acks": "all"}}],
 "consumer_groups": [{"group_id": "g", "topics": ["orders"], "members": 1,
                      "config": {"auto.offset.reset": "earliest"}}],
 "faults": [FAULTS]})";

RunSummary run(const std::string& faults, std::vector<std::string> overrides = {}) {
    std::string text = kRetention;
    text.replace(text.find("FAULTS"), 6, faults);
    const auto loaded = scenario::load_string(text, "retention.json", {.overrides = std::move(overrides)});
    RunOptions o;
    return run_simulation(loaded.scenario, o).summary;
}

}  // namespace

TEST_CASE("e2e retention: a stopped consumer resumes below the log start and skips what retention deleted") {
    const auto stopped = run(R"({"at_s": 8, "action": "stop_consumer", "group": "g", "for_s": 20})");
    REQUIRE(stopped.groups.size() == 1);
    CHECK(stopped.groups[0].skipped > 0);
    // auto.offset.reset=earliest lands on the log start: all of it was deleted unread, none passed over.
    CHECK(stopped.groups[0].deleted_unread == stopped.groups[0].skipped);
    CHECK(stopped.groups[0].skipped_out_of_range_reset == 0);
    CHECK(stopped.groups[0].skipped_initial_reset == 0);
    for (const auto& p : stopped.partitions) CHECK(p.log_end_offset > 0);
    // What retention deleted was committed first: deleted by policy, not lost.
    CHECK(stopped.records.deleted > 0);
    CHECK(stopped.records.acked_lost == 0);
    const auto steady = run("");
    CHECK(steady.groups[0].skipped == 0);
}

// FetchCollector.handleInitializeErrors: OFFSET_OUT_OF_RANGE resets by
// auto.offset.reset; with latest the position jumps to the log end, past
// records retention has not deleted yet.
TEST_CASE("e2e retention: with auto.offset.reset=latest an out-of-range reset passes over records still in the log") {
    const auto s = run(R"({"at_s": 8, "action": "stop_consumer", "group": "g", "for_s": 20})",
                       {"consumer_groups.g.config.auto.offset.reset=latest"});
    REQUIRE(s.groups.size() == 1);
    const GroupSummary& g = s.groups[0];
    CHECK(g.skipped_out_of_range_reset > 0);
    CHECK(g.deleted_unread > 0);
    CHECK(g.skipped_initial_reset > 0);  // latest at the first assignment too
    CHECK(g.skipped == g.skipped_initial_reset + g.skipped_out_of_range_reset + g.deleted_unread);
}

// UnifiedLog.deletableSegments / deleteSegments: once the producer stops, the
// active segment too passes retention.ms; Kafka rolls an empty segment and
// deletes it, so an idle topic keeps nothing older than retention.
TEST_CASE("e2e retention: an idle topic's active segment is deleted once it passes retention.ms") {
    const std::string text = R"({"name": "idle", "duration_s": 30, "settle_max_s": 60,
     "cluster": {"brokers": 3, "config": {"log.retention.check.interval.ms": 1000}},
     "topics": [{"name": "orders", "partitions": 2, "replication_factor": 3,
                 "config": {"retention.ms": 5000, "segment.ms": 600000}}],
     "producers": [{"name": "p", "topic": "orders", "rate_per_s": 400, "value_bytes": 200,
                    "keys": {"kind": "uniform", "count": 100}, "config": {"acks": "all"}}],
     "faults": [{"at_s": 10, "action": "producer_rate", "producer": "p", "rate_per_s": 0}]})";
    const auto loaded = scenario::load_string(text, "idle.json");
    const RunSummary s = run_simulation(loaded.scenario, RunOptions{}).summary;
    REQUIRE(s.records.acked > 3000);
    // One segment per partition (segment.ms 10 min): without deleting the
    // active segment nothing would go.
    CHECK(s.records.deleted == s.records.acked);
    CHECK(s.records.acked_lost == 0);
}
