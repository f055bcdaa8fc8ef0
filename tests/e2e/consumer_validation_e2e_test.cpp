// A consumer through an unclean election (scenarios/labs/unclean-election-consumer.json):
// KIP-320's position validation (SubscriptionState.maybeCompleteValidation,
// OffsetFetcher.validatePositionsAsync) against a consumer from before it.
#include <doctest/doctest.h>

#include <filesystem>
#include <map>
#include <string>

#include "kafkasim/scenario.hpp"
#include "kafkasim/simulation.hpp"

namespace fs = std::filesystem;
using namespace ks;

namespace {

RunResult run_lab_with_client(const std::string& name, KafkaVersion client) {
    Scenario sc = scenario::load_file(fs::path(KS_SOURCE_DIR) / "scenarios/labs" / name).scenario;
    for (ConsumerGroupSpec& g : sc.consumer_groups) {
        g.client_version = client;
        g.settings.client_version = client;
    }
    RunOptions o;
    o.seed = sc.seed;
    return run_simulation(sc, o);
}

std::vector<ConsumerOffsetReset> resets(const RunResult& r, ConsumerOffsetReset::Cause cause) {
    std::vector<ConsumerOffsetReset> v;
    for (const TimelineEntry& e : r.timeline) {
        if (const auto* reset = std::get_if<ConsumerOffsetReset>(&e.event); reset && reset->cause == cause) {
            v.push_back(*reset);
        }
    }
    return v;
}

}  // namespace

// SubscriptionState.maybeCompleteValidation: "Truncation detected for
// partition ... at offset ..., resetting offset to the first offset known to
// diverge ...". The group then reads what the new leader wrote from there: no
// OFFSET_OUT_OF_RANGE, no auto.offset.reset, nothing left unread above it.
TEST_CASE("e2e unclean election: a 4.0 consumer validates its position and resumes at the divergence point") {
    const RunResult r = run_lab_with_client("unclean-election-consumer.json", KafkaVersion{4, 0, 0});
    REQUIRE(r.summary.unclean_elections >= 1);
    REQUIRE(r.summary.groups.size() == 1);
    const GroupSummary& g = r.summary.groups[0];
    const auto truncations = resets(r, ConsumerOffsetReset::Cause::log_truncation);
    REQUIRE_FALSE(truncations.empty());
    std::map<TopicPartition, int> per_partition;
    for (const ConsumerOffsetReset& t : truncations) {
        CAPTURE(t.tp.partition);
        REQUIRE(t.from.has_value());
        CHECK(t.to < *t.from);  // below the position: records read there are gone
        CHECK(t.to > 0);        // but not back to the start: the log before ~5 s is shared
        CHECK_FALSE(t.stopped);
        CHECK(t.read_then_truncated == *t.from - t.to);
        ++per_partition[t.tp];
    }
    for (const auto& [tp, n] : per_partition) CHECK(n == 1);
    CHECK(resets(r, ConsumerOffsetReset::Cause::out_of_range).empty());
    CHECK(g.skipped_out_of_range_reset == 0);
    // What the group never read is only what the initial reset passed over.
    CHECK(g.skipped == g.skipped_initial_reset);
    // Reading the new records at offsets it had read before is not a repeat.
    CHECK(g.reprocessed == 0);
}

// The same run with a 2.2 consumer (before KIP-320 in the client): it fetches
// on at its old position, past the new leader's log end → OFFSET_OUT_OF_RANGE
// → auto.offset.reset=latest, which jumps to the log end and leaves unread what
// the new leader wrote at the offsets the group had read (a gap the group's
// offsets cannot show).
TEST_CASE("e2e unclean election: a 2.2 consumer does not validate and falls back to auto.offset.reset") {
    const RunResult r = run_lab_with_client("unclean-election-consumer.json", KafkaVersion{2, 2, 0});
    CHECK(resets(r, ConsumerOffsetReset::Cause::log_truncation).empty());
    const auto out_of_range = resets(r, ConsumerOffsetReset::Cause::out_of_range);
    REQUIRE_FALSE(out_of_range.empty());
    for (const ConsumerOffsetReset& reset : out_of_range) {
        REQUIRE(reset.from.has_value());
        CHECK(reset.to < *reset.from);  // latest is the new, shorter log's end
    }
}
