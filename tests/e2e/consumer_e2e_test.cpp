// End-to-end consumer groups: membership, rebalances, commits, lag and Burrow,
// as Kafka's documentation and Burrow's rules imply. Runs are short (tens of
// simulated seconds) at modest rates.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "kafkasim/scenario.hpp"
#include "kafkasim/simulation.hpp"
#include "report/narrate.hpp"
#include "report/report.hpp"
#include "support/run_text.hpp"

using namespace ks;

namespace {

using test::run_text;

// 3 brokers, "orders" with `partitions`, one producer at `rate` records/s, one group.
std::string group_scenario(int partitions, int members, const std::string& group_config, const std::string& faults,
                           const std::string& processing = R"({"dist": "constant", "value": 0.1})", int duration_s = 30,
                           int rate = 300) {
    return R"({"name": "t", "duration_s": )" + std::to_string(duration_s) + R"(, "settle_max_s": 60,
      "sample_interval_ms": 500,
      "cluster": {"brokers": 3},
      "topics": [{"name": "orders", "partitions": )" +
           std::to_string(partitions) + R"(, "replication_factor": 3}],
      "producers": [{"name": "p", "topic": "orders", "rate_per_s": )" +
           std::to_string(rate) + R"(, "value_bytes": 200,
                     "keys": {"kind": "uniform", "count": 1000}}],
      "consumer_groups": [{"group_id": "g", "topics": ["orders"], "members": )" +
           std::to_string(members) + R"(,
                           "processing_ms_per_record": )" +
           processing + R"(,
                           "config": {)" +
           group_config + R"(}}],
      "faults": [)" +
           faults + "]}";
}

// The scenario with a top-level "burrow" section (Burrow's own settings).
std::string with_burrow(const std::string& scenario, const std::string& burrow) {
    const std::string head = R"({"name": "t", )";
    REQUIRE(scenario.rfind(head, 0) == 0);
    return head + R"("burrow": )" + burrow + ", " + scenario.substr(head.size());
}

const GroupSummary& group(const RunResult& r) {
    REQUIRE(r.summary.groups.size() == 1);
    return r.summary.groups.front();
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

TEST_CASE("e2e consumer: a healthy group consumes everything, commits, and Burrow says OK") {
    const auto r =
        run_text(group_scenario(3, 2, R"("auto.offset.reset": "earliest", "auto.commit.interval.ms": 1000)", ""));
    const auto& g = group(r);
    CHECK(g.consumed > 0);
    CHECK(g.reprocessed == 0);
    CHECK(g.skipped == 0);
    CHECK(g.rebalances >= 1);
    CHECK(g.members.size() == 2);
    CHECK(g.burrow_status == "OK");
    CHECK(g.final_lag < 300 * 2);  // within ~2 commit intervals of records
    CHECK(r.summary.warnings.empty());
    // Every produced record was consumed by the end of duration_s (but the last moments).
    CHECK(g.consumed >= r.summary.records.acked - 300 * 2);
}

// burrow.json holds Burrow's own HTTP answers (Burrow's
// http_server_consumer.go handleConsumerStatus / handleConsumerStatusComplete:
// {"error", "message", "status": {"cluster", "group", "status", "complete",
// "partitions", "partition_count", "maxlag", "totallag"}, "request"}), so
// tools built on Burrow read the verdict the summary gives.
TEST_CASE("e2e consumer: burrow.json answers as Burrow's HTTP /status and /lag, with the summary's verdict") {
    const auto r =
        run_text(group_scenario(3, 2, R"("auto.offset.reset": "earliest", "auto.commit.interval.ms": 1000)", ""));
    const auto& g = group(r);
    const auto j = report::burrow_json(r.summary);
    REQUIRE(j.contains("g"));
    const auto& st = j["g"]["status"];
    CHECK(st["error"] == false);
    CHECK(st["request"]["url"] == "/v3/kafka/local/consumer/g/status");
    CHECK(st["status"]["status"] == g.burrow_status);
    CHECK(st["status"]["group"] == "g");
    CHECK(st["status"]["totallag"] == g.burrow_totallag);
    CHECK(st["status"]["partition_count"] == 3);
    // /status lists only partitions that are not OK; /lag lists every one.
    CHECK(j["g"]["lag"]["status"]["partitions"].size() == g.burrow_partitions.size());
    for (const auto& p : j["g"]["lag"]["status"]["partitions"]) {
        CHECK(p.contains("start"));
        CHECK(p["end"]["offset"].is_number_integer());
    }
}

TEST_CASE("e2e consumer: more members than partitions leaves members idle") {
    const auto r = run_text(group_scenario(3, 5, "", ""));
    const auto& g = group(r);
    REQUIRE(g.members.size() == 5);
    int busy = 0, idle = 0;
    for (const auto& m : g.members) (m.assigned.empty() ? idle : busy) += 1;
    CHECK(busy == 3);
    CHECK(idle == 2);
}

TEST_CASE("e2e consumer: a crashed member's partitions move after session.timeout.ms, and records are reprocessed") {
    const std::string cfg = R"("session.timeout.ms": 10000, "auto.offset.reset": "earliest")";
    const auto r =
        run_text(group_scenario(3, 2, cfg, R"({"at_s": 12, "action": "consumer_crash", "group": "g", "member": 0})"));
    const auto& g = group(r);
    // The survivor owns every partition at the end.
    REQUIRE(g.members.size() == 1);
    CHECK(g.members.front().assigned.size() == 3);
    // Expiry: 10 s after the member's last heartbeat (sent at most 3 s before the crash).
    bool expired = false;
    for (const auto& e : ks::report::narrate(r)) {
        if (e.text.find("session timed out") == std::string::npos) continue;
        expired = true;
        CHECK(e.at >= s(12) + s(7) - ms(100));
        CHECK(e.at <= s(12) + s(10) + ms(500));
    }
    CHECK(expired);
    CHECK(g.rebalances >= 2);
    // Auto-commit: what the crashed member consumed since its last commit is consumed again.
    CHECK(g.reprocessed > 0);
    CHECK(g.skipped == 0);
}

TEST_CASE("e2e consumer: without a crash nothing is reprocessed; a clean leave commits first") {
    const std::string cfg = R"("auto.offset.reset": "earliest")";
    const auto r =
        run_text(group_scenario(3, 2, cfg, R"({"at_s": 12, "action": "consumer_leave", "group": "g", "member": 0})"));
    const auto& g = group(r);
    REQUIRE(g.members.size() == 1);
    CHECK(g.members.front().assigned.size() == 3);
    CHECK(g.reprocessed == 0);
}

// Burrow polling every second (offset-refresh 1): each commit's lag is
// measured against an offset at most a second old, so the rules see the
// consumer as it is.
TEST_CASE("e2e consumer: Burrow judges a slow consumer WARN and a stopped one ERR") {
    const std::string cfg =
        R"("auto.offset.reset": "earliest", "auto.commit.interval.ms": 1000, "max.poll.records": 50)";
    const std::string burrow = R"({"offset_refresh_s": 1})";
    // 10 ms per record: 100 records/s against 300 produced.
    const auto slow =
        run_text(with_burrow(group_scenario(1, 1, cfg, "", R"({"dist": "constant", "value": 10})"), burrow));
    CHECK(group(slow).burrow_status == "WARN");
    CHECK(group(slow).max_lag > 1000);
    const auto stopped = run_text(
        with_burrow(group_scenario(1, 1, cfg, R"({"at_s": 10, "action": "stop_consumer", "group": "g"})"), burrow));
    CHECK(group(stopped).burrow_status == "ERR");
    REQUIRE(group(stopped).burrow_partitions.size() == 1);
    const std::string ps = group(stopped).burrow_partitions.front().status;
    CHECK((ps == "STOP" || ps == "STALL"));
    const auto normal = run_text(with_burrow(group_scenario(1, 1, cfg, ""), burrow));
    CHECK(group(normal).burrow_status == "OK");
}

// Burrow stores a commit's lag against the newest offset its cluster module
// polled (inmemory.go addConsumerOffset), polling every offset-refresh, 10 s by
// default (kafka_cluster.go Configure). Between two polls a consumer's commits
// advance against a fixed broker offset, so their lag falls — and a lag that
// ever falls is not WARN (caching.go checkIfLagNotDecreasing). A consumer
// committing every second against 10 s polls therefore reads OK however far
// behind it is.
TEST_CASE("e2e consumer: Burrow's offset-refresh, not the sample interval, sets what its lag rules see") {
    const std::string cfg =
        R"("auto.offset.reset": "earliest", "auto.commit.interval.ms": 1000, "max.poll.records": 50)";
    const std::string slow_scenario = group_scenario(1, 1, cfg, "", R"({"dist": "constant", "value": 10})");
    const auto by_default = run_text(slow_scenario);
    CHECK(group(by_default).max_lag > 1000);
    CHECK(group(by_default).burrow_status == "OK");
    const auto fast_polls = run_text(with_burrow(slow_scenario, R"({"offset_refresh_s": 1})"));
    CHECK(group(fast_polls).burrow_status == "WARN");
    // The metrics' sample interval changes nothing Burrow sees.
    std::string coarse = slow_scenario;
    const std::string at = R"("sample_interval_ms": 500)";
    coarse.replace(coarse.find(at), at.size(), R"("sample_interval_ms": 10000)");
    for (const std::string& burrow : {std::string(R"({"offset_refresh_s": 1})"), std::string(R"({})")}) {
        const auto a = run_text(with_burrow(slow_scenario, burrow));
        const auto b = run_text(with_burrow(coarse, burrow));
        CHECK(group(a).burrow_status == group(b).burrow_status);
        CHECK(group(a).burrow_totallag == group(b).burrow_totallag);
        REQUIRE(group(a).burrow_partitions.size() == group(b).burrow_partitions.size());
        CHECK(group(a).burrow_partitions.front().status == group(b).burrow_partitions.front().status);
    }
}

// Burrow judged at every sample, as its /status endpoint would answer: the
// time series holds the verdict (StatusConstant numbers) and the timeline says
// when it changed — here when a stopped consumer turns ERR.
TEST_CASE("e2e consumer: Burrow's verdict is in the time series at every sample and narrated when it changes") {
    const std::string cfg =
        R"("auto.offset.reset": "earliest", "auto.commit.interval.ms": 1000, "max.poll.records": 50)";
    const auto r =
        run_text(with_burrow(group_scenario(1, 1, cfg, R"({"at_s": 10, "action": "stop_consumer", "group": "g"})"),
                             R"({"offset_refresh_s": 1})"));
    CHECK(group(r).burrow_status == "ERR");
    std::vector<std::pair<ks::Duration, std::string>> changes;
    for (const auto& e : ks::report::narrate(r)) {
        if (e.text.rfind("Burrow: group g ", 0) == 0) changes.emplace_back(e.at, e.text);
    }
    REQUIRE(changes.size() >= 2);
    CHECK(changes.front().second == "Burrow: group g NOTFOUND -> OK");
    CHECK(changes.back().second.find("-> ERR (orders-0 STOP)") != std::string::npos);
    const ks::Duration err_at = changes.back().first;
    // The stop at 10 s: 10 commits a second apart cover 9 s, so STOP needs
    // more than 9 s of silence after the last commit (at most 10 s), and no
    // polled offset at or below it in the last 10 polls (1 s apart).
    CHECK(err_at > ks::s(18));
    CHECK(err_at <= ks::s(21));
    const std::size_t status = column(r.series, "g.burrow_status");
    const std::size_t partition = column(r.series, "g.orders-0.burrow_status");
    for (const auto& row : r.series.rows) {
        const double t = row[0];
        if (t > 30) {
            CHECK(std::isnan(row[status]));  // judged until the end of duration_s only
        } else if (t >= err_at.seconds_f()) {
            CHECK(row[status] == 3);     // ERR
            CHECK(row[partition] == 4);  // STOP
        } else if (t >= changes.front().first.seconds_f() && t < 9) {
            CHECK(row[status] == 1);  // OK
        }
    }
}

TEST_CASE("e2e consumer: a slow_consumer fault builds lag that is worked off after it heals") {
    const std::string cfg =
        R"("auto.offset.reset": "earliest", "auto.commit.interval.ms": 1000, "max.poll.records": 50)";
    const auto r =
        run_text(group_scenario(1, 1, cfg,
                                R"({"at_s": 5, "action": "slow_consumer", "group": "g", "factor": 100, "for_s": 10})"),
                 1);
    const auto& g = group(r);
    CHECK(g.max_lag > 1000);
    CHECK(g.final_lag < 600);
}

TEST_CASE("e2e consumer: eager rebalances pause the whole group, cooperative ones do not") {
    const std::string join = R"({"at_s": 15, "action": "consumer_join", "group": "g"})";
    const auto eager = run_text(group_scenario(6, 2, R"("partition.assignment.strategy": "range")", join));
    const auto coop = run_text(group_scenario(6, 2, R"("partition.assignment.strategy": "cooperative-sticky")", join));
    CHECK(group(eager).members.size() == 3);
    CHECK(group(coop).members.size() == 3);
    for (const auto& m : group(coop).members) CHECK(m.assigned.size() == 2);
    // Eager: both members gave up all 6 partitions before the new assignment;
    // cooperative: only the 2 that moved to the newcomer, the rest kept flowing.
    CHECK(group(eager).partitions_revoked == 6);
    CHECK(group(coop).partitions_revoked == 2);
    CHECK(idle_intervals(coop.series, 15, 25) == 0);
    // Cooperative moves partitions in two rounds: one more rebalance than eager.
    CHECK(group(coop).rebalances > group(eager).rebalances);
}

TEST_CASE("e2e consumer: a consumer group run is deterministic") {
    const std::string text =
        group_scenario(3, 2, "", R"({"at_s": 12, "action": "consumer_crash", "group": "g", "member": 1})");
    const auto a = run_text(text, 3);
    const auto b = run_text(text, 3);
    CHECK(a.summary.trace_hash == b.summary.trace_hash);
    CHECK(group(a).consumed == group(b).consumed);
}

TEST_CASE("e2e consumer: the time series has the lag of every partition, and they add up to the group's") {
    const auto r = run_text(group_scenario(4, 2, "", ""));
    const auto& cols = r.series.columns;
    const auto col = [&](const std::string& name) {
        const auto it = std::find(cols.begin(), cols.end(), name);
        REQUIRE(it != cols.end());
        return static_cast<std::size_t>(it - cols.begin());
    };
    const std::size_t total = col("g.lag");
    std::vector<std::size_t> parts;
    for (int p = 0; p < 4; ++p) parts.push_back(col("g.orders-" + std::to_string(p) + ".lag"));
    int checked = 0;
    for (const auto& row : r.series.rows) {
        double sum = 0;
        bool all = true;
        for (std::size_t c : parts) {
            all = all && !std::isnan(row[c]);
            if (!std::isnan(row[c])) sum += row[c];
        }
        if (!all) continue;  // before a partition's first commit
        CHECK(sum == doctest::Approx(row[total]));
        ++checked;
    }
    CHECK(checked > 10);
}

// StickyAssignor (eager): members revoke everything before joining, but their
// subscription userData carries the last assignment and its generation, so the
// leader keeps each partition where it was whenever balance allows.
TEST_CASE("e2e consumer: the eager sticky assignor keeps partitions with their owners across rebalances") {
    const auto r = run_text(R"({"name": "t", "duration_s": 40, "cluster": {"brokers": 3},
      "topics": [{"name": "orders", "partitions": 6, "replication_factor": 3}],
      "producers": [{"name": "p", "topic": "orders", "rate_per_s": 300}],
      "consumer_groups": [{"group_id": "g", "topics": ["orders"], "members": 2,
                           "config": {"partition.assignment.strategy": "sticky"}}],
      "faults": [{"at_s": 15, "action": "consumer_join", "group": "g"},
                 {"at_s": 25, "action": "consumer_leave", "group": "g", "member": 0}]})");
    using Assignment = std::map<std::string, std::set<ks::TopicPartition>>;
    std::vector<Assignment> generations;
    for (const auto& entry : r.timeline) {
        const auto* g = std::get_if<ks::GroupChanged>(&entry.event);
        if (!g || g->kind != ks::GroupChanged::Kind::rebalance_completed) continue;
        Assignment a;
        for (const auto& [member, tps] : g->assignment) a[member] = {tps.begin(), tps.end()};
        generations.push_back(std::move(a));
    }
    REQUIRE(generations.size() == 3);  // 2 members; a third joins; the first leaves
    for (std::size_t i = 1; i < generations.size(); ++i) {
        CAPTURE(i);
        for (const auto& [member, now_owned] : generations[i]) {
            const auto before = generations[i - 1].find(member);
            if (before == generations[i - 1].end()) continue;  // the new member
            std::size_t kept = 0;
            for (const auto& tp : before->second) kept += now_owned.count(tp);
            // Balance allows each surviving owner to keep 2 of 3 (a member
            // joined), or all of its 2 (a member left).
            CHECK(kept == std::min(before->second.size(), now_owned.size()));
        }
    }
}

// Two lags, as Kafka's operators read them: kafka-consumer-groups' LAG (the
// high watermark − the committed offset: ConsumerGroupCommand, ListOffsets
// "latest" = the HW, Partition.fetchOffsetForTimestamp) saw-tooths by an
// auto-commit interval of records in a healthy group, while the consumer's
// own records-lag (SubscriptionState.partitionLag: the HW of its last fetch −
// its position) stays near zero; with a member gone its partitions have no
// records-lag, so the group's is unknown (empty), not zero.
TEST_CASE("e2e consumer: records-lag (by position) stays low in a healthy group while the committed lag saw-tooths") {
    const auto r = run_text(group_scenario(4, 2, R"("auto.commit.interval.ms": 5000)",
                                           R"({"at_s": 20, "action": "consumer_crash", "group": "g", "member": 1})",
                                           R"({"dist": "constant", "value": 0.1})", 30));
    const TimeSeries& t = r.series;
    const std::size_t c_t = column(t, "t_s"), lag = column(t, "g.lag"), by_pos = column(t, "g.records-lag"),
                      by_pos_max = column(t, "g.records-lag-max"), lag_max = column(t, "g.lag-max");
    double committed_peak = 0, position_peak = 0;
    int unknown_while_crashed = 0, crashed_rows = 0;
    for (const auto& row : t.rows) {
        if (row[c_t] >= 8 && row[c_t] < 19) {
            committed_peak = std::max(committed_peak, row[lag]);
            REQUIRE(!std::isnan(row[by_pos]));
            position_peak = std::max(position_peak, row[by_pos]);
            CHECK(row[by_pos_max] <= row[by_pos]);
            CHECK(row[lag_max] <= row[lag]);
        }
        if (row[c_t] > 21 && row[c_t] < 28) {  // member 1 dead, not yet evicted (session.timeout.ms 45 s)
            ++crashed_rows;
            unknown_while_crashed += std::isnan(row[by_pos]) ? 1 : 0;
        }
    }
    CHECK(committed_peak > 300 * 3);            // about 5 s of records between commits
    CHECK(position_peak < committed_peak / 5);  // the members keep up
    CHECK(crashed_rows > 0);
    CHECK(unknown_while_crashed == crashed_rows);
}

// kafka-consumer-groups --describe (ConsumerGroupCommand) prints "-" for
// CURRENT-OFFSET and LAG of a partition without a committed offset; in
// scenarios/reference.json the group billing reads its partitions but never
// commits before the end of the scenario, so its lag is unknown, not 0.
TEST_CASE("e2e consumer: a partition without a committed offset has an unknown lag, with the reason") {
    const auto loaded = scenario::load_file(std::string(KS_SOURCE_DIR) + "/scenarios/reference.json");
    const auto r = run_simulation(loaded.scenario, RunOptions{});
    const GroupSummary* billing = nullptr;
    for (const auto& g : r.summary.groups) billing = g.group_id == "billing" ? &g : billing;
    REQUIRE(billing != nullptr);
    REQUIRE(!billing->partitions.empty());
    std::int64_t unknown = 0;
    for (const auto& p : billing->partitions) {
        if (p.committed_offset) {
            CHECK(p.lag.has_value());
            continue;
        }
        ++unknown;
        CHECK(!p.lag.has_value());
        CHECK(p.lag_unknown_reason == "no committed offset");
        CHECK(p.high_watermark > 0);  // records are there, unread as far as commits tell
    }
    CHECK(unknown > 0);
    CHECK(billing->lag_unknown_partitions == unknown);
    const auto j = report::summary_json(r.summary);
    const auto& gj = j["groups"][0]["group_id"] == "billing" ? j["groups"][0] : j["groups"][1];
    CHECK(gj["partitions"][0]["lag"].is_null());
    CHECK(gj["lag_unknown_partitions"] == unknown);
}
