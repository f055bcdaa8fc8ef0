// End-to-end: the consumer group protocol (KIP-848, group.protocol=consumer,
// Kafka 4.0) against the classic cooperative protocol under the same churn,
// as Kafka's documentation of KIP-848 describes it: no group-wide barrier, a
// moving partition revoked by its owner before its new owner gets it, one
// rebalance per change, the broker's session timeout, leaves that free
// partitions at once.
#include <doctest/doctest.h>

#include <map>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "kafkasim/scenario.hpp"
#include "kafkasim/simulation.hpp"
#include "support/run_text.hpp"

using namespace ks;

namespace {

using test::run_text;

// 3 Kafka 4.0 brokers, "orders" with 6 partitions, one producer, group "g"
// with `members` consumers and the given config.
std::string group_run(int members, const std::string& group_config, const std::string& faults, int duration_s = 30) {
    return R"({"name": "t", "duration_s": )" + std::to_string(duration_s) + R"(, "settle_max_s": 60,
      "sample_interval_ms": 500,
      "cluster": {"brokers": 3, "kafka_version": "4.0"},
      "topics": [{"name": "orders", "partitions": 6, "replication_factor": 3}],
      "producers": [{"name": "p", "topic": "orders", "rate_per_s": 300, "value_bytes": 200,
                     "keys": {"kind": "uniform", "count": 1000}}],
      "consumer_groups": [{"group_id": "g", "topics": ["orders"], "members": )" +
           std::to_string(members) + R"(,
                           "processing_ms_per_record": {"dist": "constant", "value": 0.1},
                           "config": {"auto.offset.reset": "earliest", )" +
           group_config + R"(}}],
      "faults": [)" +
           faults + "]}";
}

const std::string kConsumer = R"("group.protocol": "consumer")";
const std::string kCooperative = R"("partition.assignment.strategy": "cooperative-sticky")";

const GroupSummary& group(const RunResult& r) {
    REQUIRE(r.summary.groups.size() == 1);
    return r.summary.groups.front();
}

// The group's completed rebalances (timeline) at or after `from_s`.
std::vector<GroupChanged> completed_since(const RunResult& r, double from_s) {
    std::vector<GroupChanged> out;
    for (const TimelineEntry& e : r.timeline) {
        const auto* g = std::get_if<GroupChanged>(&e.event);
        if (g && g->kind == GroupChanged::Kind::rebalance_completed && e.at.seconds_f() >= from_s) out.push_back(*g);
    }
    return out;
}

std::size_t column(const TimeSeries& t, const std::string& name) {
    for (std::size_t i = 0; i < t.columns.size(); ++i) {
        if (t.columns[i] == name) return i;
    }
    FAIL("no column " << name);
    return 0;
}

// Sample intervals within [from_s, to_s) in which the group consumed nothing.
int idle_intervals(const TimeSeries& t, double from_s, double to_s) {
    const std::size_t c = column(t, "g.consumed");
    int idle = 0;
    for (std::size_t i = 1; i < t.rows.size(); ++i) {
        if (t.rows[i][0] < from_s || t.rows[i][0] >= to_s) continue;
        idle += t.rows[i][c] == t.rows[i - 1][c] ? 1 : 0;
    }
    return idle;
}

}  // namespace

TEST_CASE("e2e consumer protocol: a joining member takes its share in one rebalance, nothing else stops") {
    const std::string join = R"({"at_s": 15, "action": "consumer_join", "group": "g"})";
    const auto kip848 = run_text(group_run(2, kConsumer, join));
    const auto coop = run_text(group_run(2, kCooperative, join));
    for (const RunResult* r : {&kip848, &coop}) {
        REQUIRE(group(*r).members.size() == 3);
        for (const auto& m : group(*r).members) CHECK(m.assigned.size() == 2);
        CHECK(group(*r).skipped == 0);
        CHECK(idle_intervals(r->series, 15, 25) == 0);  // the partitions that stay keep flowing
    }
    // The join: one rebalance (a new group epoch, each member reconciling on
    // its own) against the classic cooperative protocol's two rounds.
    const auto joined = completed_since(kip848, 15);
    REQUIRE(joined.size() == 1);
    CHECK(completed_since(coop, 15).size() == 2);
    // Only what moves changes owner: 2 partitions, straight from their old
    // owners to the newcomer (no round where they have none).
    CHECK(joined[0].moved.size() == 2);
    for (const GroupChanged::Move& m : joined[0].moved) {
        CHECK(!m.from.empty());
        CHECK(!m.to.empty());
    }
    // A freed partition waits for its new owner's next heartbeat, at most
    // group.consumer.heartbeat.interval.ms (5 s), forming the group included.
    CHECK(group(kip848).max_unowned_s > 0);
    CHECK(group(kip848).max_unowned_s <= 5 + 0.5);
    // Cooperative: the 2 moving partitions have no owner from the first round
    // until the second completes (KIP-429).
    CHECK(group(coop).unowned_partition_s > 0);
    CHECK(group(coop).max_unowned_s > 0);
    // The assignor is the brokers' default, "uniform"; the narrated detail says so.
    CHECK(joined[0].detail == "uniform, consumer protocol");
}

TEST_CASE("e2e consumer protocol: a crashed member's partitions move after group.consumer.session.timeout.ms") {
    const std::string crash = R"({"at_s": 10, "action": "consumer_crash", "group": "g", "member": 1})";
    const auto r = run_text(group_run(2, kConsumer, crash, 70));
    REQUIRE(group(r).members.size() == 1);
    CHECK(group(r).members[0].assigned.size() == 6);
    double removed_at = -1;
    for (const TimelineEntry& e : r.timeline) {
        const auto* g = std::get_if<GroupChanged>(&e.event);
        if (g && g->kind == GroupChanged::Kind::member_removed) removed_at = e.at.seconds_f();
    }
    // The broker's 45 s from the member's last heartbeat, at most one
    // heartbeat interval (5 s) before the crash (the client's
    // session.timeout.ms plays no part).
    CHECK(removed_at > 10 + 45 - 5 - 0.1);
    CHECK(removed_at <= 10 + 45 + 0.1);
    // The group now has a known configuration: the client's session.timeout.ms
    // does not shorten it.
    const auto short_session = run_text(group_run(2, kConsumer + R"(, "session.timeout.ms": 10000)", crash, 70));
    CHECK(short_session.summary.trace_hash == r.summary.trace_hash);
}

TEST_CASE("e2e consumer protocol: a member that leaves frees its partitions at once") {
    const std::string leave = R"({"at_s": 10, "action": "consumer_leave", "group": "g", "member": 1})";
    const auto r = run_text(group_run(2, kConsumer, leave));
    REQUIRE(group(r).members.size() == 1);
    CHECK(group(r).members[0].assigned.size() == 6);
    const auto after = completed_since(r, 10);
    REQUIRE(after.size() == 1);
    // Within a heartbeat interval of the survivor (group.consumer.heartbeat.interval.ms 5 s).
    double done_at = -1;
    for (const TimelineEntry& e : r.timeline) {
        const auto* g = std::get_if<GroupChanged>(&e.event);
        if (g && g->kind == GroupChanged::Kind::rebalance_completed && e.at.seconds_f() >= 10) {
            done_at = e.at.seconds_f();
        }
    }
    CHECK(done_at < 10 + 5 + 0.5);
    // Two rebalances in all (forming the group, the leave), each within a heartbeat interval.
    CHECK(group(r).rebalance_s < 2 * (5 + 0.5));
}

TEST_CASE("e2e consumer protocol: the default stays classic, and the brokers must be Kafka 4.0") {
    // group.protocol=consumer changes the run.
    const auto classic = run_text(group_run(2, R"("group.protocol": "classic")", ""));
    const auto consumer = run_text(group_run(2, kConsumer, ""));
    CHECK(classic.summary.trace_hash != consumer.summary.trace_hash);
    const auto dflt = run_text(group_run(2, R"("auto.commit.interval.ms": 5000)", ""));
    CHECK(dflt.summary.trace_hash == classic.summary.trace_hash);
    // 3.9 brokers: refused at load, naming the key.
    std::string old = group_run(2, kConsumer, "");
    old.replace(old.find("\"4.0\""), 5, "\"3.9\"");
    try {
        scenario::load_string(old, "t.json");
        FAIL("expected a load error");
    } catch (const std::exception& e) {
        CHECK(std::string(e.what()).find("group.protocol") != std::string::npos);
    }
    // The client's classic-only settings are accepted with a warning.
    const auto loaded =
        scenario::load_string(group_run(2, kConsumer + R"(, "heartbeat.interval.ms": 1000)", ""), "t.json");
    bool warned = false;
    for (const auto& w : loaded.warnings) warned = warned || w.find("heartbeat.interval.ms") != std::string::npos;
    CHECK(warned);
}
