// describe at T: the run itself up to T (workload, groups, faults, sampling),
// then Kafka's tools' view of it.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <sstream>
#include <string>

#include "kafkasim/scenario.hpp"
#include "kafkasim/simulation.hpp"
#include "scenario/loader.hpp"

using namespace ks;

namespace {

Scenario load(const std::string& path) {
    return scenario::load_file(std::string(KS_SOURCE_DIR) + "/" + path).scenario;
}

std::string topics_at(const Scenario& s, double at_s) {
    DescribeOptions o;
    o.at = from_seconds(at_s);
    return describe_at(s, o).out();
}

}  // namespace

// isr-shrink-lagging-follower: broker 3's fetches are cut at 5 s; under the
// producer's load the leaders drop it at their lag check at 43.9 s (`run
// --timeline` narrates it). Without the workload nothing would lag, and the
// ISRs would stay full.
TEST_CASE("e2e describe: the ISR at T is the run's: full before the shrink at 43.9 s, shrunk after it") {
    const Scenario sc = load("scenarios/labs/isr-shrink-lagging-follower.json");
    const std::string before = topics_at(sc, 43);
    CHECK(before.find("Partition: 0\tLeader: 2\tReplicas: 2,3,1\tIsr: 2,3,1\n") != std::string::npos);
    CHECK(before.find("Partition: 1\tLeader: 3\tReplicas: 3,1,2\tIsr: 3,1,2\n") != std::string::npos);
    CHECK(before.find("Partition: 2\tLeader: 1\tReplicas: 1,2,3\tIsr: 1,2,3\n") != std::string::npos);
    const std::string after = topics_at(sc, 52);
    CHECK(after.find("Partition: 0\tLeader: 2\tReplicas: 2,3,1\tIsr: 2,1\n") != std::string::npos);
    CHECK(after.find("Partition: 1\tLeader: 3\tReplicas: 3,1,2\tIsr: 3\n") != std::string::npos);
    CHECK(after.find("Partition: 2\tLeader: 1\tReplicas: 1,2,3\tIsr: 1,2\n") != std::string::npos);
}

TEST_CASE("e2e describe: the run up to T has the full run's trace events up to T, and run's hash is unchanged") {
    const Scenario sc = load("scenarios/reference.json");
    std::ostringstream described;
    DescribeOptions d;
    d.at = s(12);
    d.view = DescribeView::group_offsets;
    d.trace_sink = &described;
    const DescribeOutput first = describe_at(sc, d);
    std::ostringstream ran;
    RunOptions o;
    o.trace_sink = &ran;
    const RunResult r = run_simulation(sc, o);
    CHECK(r.summary.trace_hash == "0x7f32ef6d1eaedd68");  // as pinned in replication_e2e_test.cpp
    const std::string prefix = described.str();
    const std::string whole = ran.str();
    REQUIRE(!prefix.empty());
    CHECK(prefix.size() < whole.size());
    CHECK(whole.starts_with(prefix));
    // The producers and the consumers ran: messages from their nodes are in it.
    CHECK(prefix.find("\"from\":2000000,") != std::string::npos);  // producer checkout
    CHECK(prefix.find("\"from\":3000000,") != std::string::npos);  // billing's first member
    // And a describe is a run: the same again.
    d.trace_sink = nullptr;
    const DescribeOutput second = describe_at(sc, d);
    CHECK(first.out() == second.out());
    CHECK(first.err() == second.err());
}

// scenarios/reference.json: billing's first generation forms at 17.5 s with
// billing-1-4 alone (billing-0 crashed at 12 s); it commits nothing before
// the end, so each of its partitions has "-" for CURRENT-OFFSET and LAG.
TEST_CASE("e2e describe: --groups at the end of the reference run, as kafka-consumer-groups prints it") {
    const Scenario sc = load("scenarios/reference.json");
    DescribeOptions d;
    d.at = sc.duration;
    d.view = DescribeView::group_offsets;
    const DescribeOutput out = describe_at(sc, d);
    CHECK(out.err().empty());
    const std::string text = out.out();
    const std::string header =
        "\nGROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID     "
        "HOST            CLIENT-ID\n";
    REQUIRE(text.starts_with(header + "audit "));  // groups by id: audit, then billing
    const auto billing = text.find(header + "billing ");
    REQUIRE(billing != std::string::npos);
    const RunResult r = run_simulation(sc, RunOptions{});
    const GroupSummary* summary = nullptr;
    for (const auto& g : r.summary.groups) summary = g.group_id == "billing" ? &g : summary;
    REQUIRE(summary != nullptr);
    REQUIRE(summary->partitions.size() == 3);
    for (const GroupPartitionSummary& p : summary->partitions) {
        REQUIRE(!p.committed_offset);
        CHECK(p.owner == "billing-1-4");
        const std::string row =
            fmt::format("\n{:<15} {:<15} {:<10} {:<15} {:<15} {:<15} {:<15} {:<15} {}\n", "billing", p.topic,
                        p.partition, "-", p.high_watermark, "-", p.owner, "/10.1.0.2", "billing-1");
        CHECK(text.find(row, billing) != std::string::npos);
    }
    d.view = DescribeView::group_state;
    CHECK(describe_at(sc, d).out() ==
          "\nGROUP                     COORDINATOR (ID)          ASSIGNMENT-STRATEGY  STATE           #MEMBERS"
          "\naudit                     10.0.0.3:9092  (3)        range                Stable          1\n"
          "\nGROUP                     COORDINATOR (ID)          ASSIGNMENT-STRATEGY  STATE           #MEMBERS"
          "\nbilling                   10.0.0.1:9092  (1)        range                Stable          1\n");
}

TEST_CASE("e2e describe: before the groups reach a coordinator they do not exist; while joining they rebalance") {
    const Scenario sc = load("scenarios/reference.json");
    DescribeOptions d;
    d.view = DescribeView::group_offsets;
    d.at = s(0);
    const DescribeOutput at0 = describe_at(sc, d);
    CHECK(at0.out() ==
          "\nError: Consumer group 'audit' does not exist.\n\nError: Consumer group 'billing' does not exist.\n");
    d.at = s(1);
    d.view = DescribeView::group_members;
    const DescribeOutput at1 = describe_at(sc, d);
    CHECK(at1.err() ==
          "\nWarning: Consumer group 'audit' is rebalancing.\n\nWarning: Consumer group 'billing' is rebalancing.\n");
    // Members are known, with no assignment yet.
    CHECK(at1.out().find("\naudit           audit-0-1       /10.2.0.1       audit-0         0               \n") !=
          std::string::npos);
}
