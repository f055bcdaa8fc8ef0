// End-to-end static membership (KIP-345) and the two-round join (KIP-394):
// what Kafka documents for a consumer restart. A restart is a consumer_crash
// of a member followed by a consumer_join of the group: with group.instance.id
// set, the new consumer takes the crashed member's instance id (the lowest
// free one) — the same static member restarted.
//
// Kafka's documentation (KIP-345, "Static Membership" in the consumer docs):
// a static member that restarts within session.timeout.ms rejoins with its
// group.instance.id and gets its old assignment back without a rebalance; a
// static member does not send LeaveGroup, so it is only removed when its
// session times out, which does rebalance. A dynamic member restarting is a
// new member: its JoinGroup triggers a rebalance (and the old member's expiry
// is part of it).
#include <doctest/doctest.h>

#include <string>

#include "kafkasim/scenario.hpp"
#include "kafkasim/simulation.hpp"
#include "report/narrate.hpp"
#include "support/run_text.hpp"

using namespace ks;

namespace {

using test::run_text;

// 3 brokers, "orders" with 3 partitions, one producer, group "g" of 2 members
// with session.timeout.ms 10 s; `extra` adds consumer configs.
std::string scenario_text(const std::string& extra, const std::string& faults, int duration_s = 30) {
    return R"({"name": "t", "duration_s": )" + std::to_string(duration_s) + R"(, "settle_max_s": 60,
      "sample_interval_ms": 500,
      "cluster": {"brokers": 3},
      "topics": [{"name": "orders", "partitions": 3, "replication_factor": 3}],
      "producers": [{"name": "p", "topic": "orders", "rate_per_s": 300, "value_bytes": 200,
                     "keys": {"kind": "uniform", "count": 1000}}],
      "consumer_groups": [{"group_id": "g", "topics": ["orders"], "members": 2,
                           "processing_ms_per_record": {"dist": "constant", "value": 0.1},
                           "config": {"session.timeout.ms": 10000, "auto.offset.reset": "earliest",
                                      "partition.assignment.strategy": "range")" +
           extra + R"(}}],
      "faults": [)" +
           faults + "]}";
}

// Member 0 crashes at 12 s; a consumer of the group starts at `join_at_s`.
std::string restart(int join_at_s) {
    return R"({"at_s": 12, "action": "consumer_crash", "group": "g", "member": 0},
              {"at_s": )" +
           std::to_string(join_at_s) + R"(, "action": "consumer_join", "group": "g"})";
}

const std::string kStatic = R"(, "group.instance.id": "g-host")";

const GroupSummary& group(const RunResult& r) {
    REQUIRE(r.summary.groups.size() == 1);
    return r.summary.groups.front();
}

bool timeline_has(const RunResult& r, const std::string& needle) {
    for (const auto& e : ks::report::narrate(r)) {
        if (e.text.find(needle) != std::string::npos) return true;
    }
    return false;
}

const GroupMemberSummary* member_with_prefix(const GroupSummary& g, const std::string& prefix) {
    for (const auto& m : g.members) {
        if (m.member_id.rfind(prefix, 0) == 0) return &m;
    }
    return nullptr;
}

}  // namespace

TEST_CASE(
    "e2e static membership: a static member restarted within session.timeout.ms rejoins without a rebalance "
    "and keeps its partitions (KIP-345)") {
    const auto baseline = run_text(scenario_text(kStatic, ""));
    const auto r = run_text(scenario_text(kStatic, restart(15)));
    const auto& g = group(r);
    // Only the group's initial rebalance, as in the run without a restart.
    REQUIRE(group(baseline).rebalances >= 1);
    CHECK(g.rebalances == group(baseline).rebalances);
    CHECK(!timeline_has(r, "session timed out"));
    CHECK(timeline_has(r, "as group.instance.id g-host-0"));
    CHECK(timeline_has(r, "static member g-host-0 rejoined"));
    // Range orders static members by group.instance.id: g-host-0 owns orders-0 and orders-1
    // before and after its restart, under a new member id.
    REQUIRE(g.members.size() == 2);
    const GroupMemberSummary* m0 = member_with_prefix(g, "g-host-0-");
    const GroupMemberSummary* m1 = member_with_prefix(g, "g-host-1-");
    REQUIRE(m0 != nullptr);
    REQUIRE(m1 != nullptr);
    CHECK(m0->assigned == std::vector<std::string>{"orders-0", "orders-1"});
    CHECK(m1->assigned == std::vector<std::string>{"orders-2"});
    const GroupMemberSummary* before = member_with_prefix(group(baseline), "g-host-0-");
    REQUIRE(before != nullptr);
    CHECK(before->assigned == m0->assigned);
    CHECK(m0->member_id != before->member_id);  // the restarted process got a new member id
    CHECK(g.consumed > 0);
    CHECK(g.skipped == 0);
}

TEST_CASE("e2e static membership: the same restart of a dynamic member rebalances the group") {
    const auto baseline = run_text(scenario_text("", ""));
    const auto r = run_text(scenario_text("", restart(15)));
    const auto& g = group(r);
    CHECK(g.rebalances > group(baseline).rebalances);
    // The newcomer is a new member; the crashed one is gone.
    REQUIRE(g.members.size() == 2);
    for (const auto& m : group(baseline).members) {
        bool kept = false;
        for (const auto& n : g.members) kept = kept || n.member_id == m.member_id;
        if (m.member_id.rfind("g-0-", 0) == 0) CHECK(!kept);
    }
    CHECK(member_with_prefix(g, "g-2-") != nullptr);  // client id g-2: the consumer_join's member
}

TEST_CASE(
    "e2e static membership: a static member away longer than session.timeout.ms is evicted (a rebalance) "
    "and its return is a new member (another one)") {
    const auto baseline = run_text(scenario_text(kStatic, "", 40));
    const auto r = run_text(scenario_text(kStatic, restart(26), 40));
    const auto& g = group(r);
    CHECK(timeline_has(r, "session timed out"));
    CHECK(g.rebalances == group(baseline).rebalances + 2);
    REQUIRE(g.members.size() == 2);
    const GroupMemberSummary* m0 = member_with_prefix(g, "g-host-0-");
    REQUIRE(m0 != nullptr);
    CHECK(m0->assigned == std::vector<std::string>{"orders-0", "orders-1"});
}

TEST_CASE(
    "e2e static membership: a static member's clean leave (close) sends no LeaveGroup: the group rebalances "
    "only at its session timeout") {
    const std::string leave = R"({"at_s": 12, "action": "consumer_leave", "group": "g", "member": 0})";
    const auto stat = run_text(scenario_text(kStatic, leave));
    const auto dyn = run_text(scenario_text("", leave));
    // Dynamic: the LeaveGroup rebalances at once; static: only the session expiry (≥ 7 s later) does.
    auto first_rebalance_after = [](const RunResult& r, Duration t) {
        for (const auto& e : ks::report::narrate(r)) {
            if (e.at >= t && e.text.find(": rebalance (") != std::string::npos) return e.at;
        }
        return Duration::max();
    };
    const Duration ds = first_rebalance_after(dyn, s(12));
    const Duration ss = first_rebalance_after(stat, s(12));
    REQUIRE(ds != Duration::max());
    REQUIRE(ss != Duration::max());
    CHECK(ds < ss);
    CHECK(ss - ds >= s(5));
    CHECK(timeline_has(stat, "session timed out"));
    CHECK(!timeline_has(dyn, "session timed out"));
    CHECK(group(stat).members.size() == 1);
    CHECK(group(dyn).members.size() == 1);
}

TEST_CASE("e2e static membership: a run with static members is deterministic") {
    const std::string text = scenario_text(kStatic, restart(15));
    const auto a = run_text(text, 5);
    const auto b = run_text(text, 5);
    CHECK(a.summary.trace_hash == b.summary.trace_hash);
    CHECK(group(a).consumed == group(b).consumed);
}
