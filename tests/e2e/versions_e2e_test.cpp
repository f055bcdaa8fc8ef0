// End-to-end: what the brokers' release (cluster.kafka_version) changes in a
// run, each against the Kafka source that changed it.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "kafkasim/scenario.hpp"
#include "kafkasim/simulation.hpp"
#include "scenario/overrides.hpp"
#include "support/run_text.hpp"

using namespace ks;

namespace {

using test::run_text;

std::string lab(const std::string& name) {
    std::ifstream in(std::string(KS_SOURCE_DIR) + "/scenarios/labs/" + name + ".json");
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace

// Partition.effectiveMinIsr (3.7.0, KAFKA-15583) caps min.insync.replicas at
// the replication factor in isUnderMinIsr and checkEnoughReplicasReachOffset;
// 3.6's appendRecordsToLeader compares the ISR with the raw value and refuses
// the write before appending (NOT_ENOUGH_REPLICAS, which the producer retries
// until delivery.timeout.ms).
TEST_CASE("e2e: min.insync.replicas above the replication factor — 3.7+ writes with every replica; 3.6 refuses") {
    for (const std::string version : {"3.9", "3.6"}) {
        INFO("Kafka " << version);
        const RunResult r = run_text(R"({"name": "m", "duration_s": 20, "settle_max_s": 60,
          "cluster": {"brokers": 3, "kafka_version": ")" +
                                         version + R"("},
          "topics": [{"name": "orders", "partitions": 2, "replication_factor": 2,
                      "config": {"min.insync.replicas": 3}}],
          "producers": [{"name": "p", "topic": "orders", "rate_per_s": 200,
                         "config": {"acks": "all", "request.timeout.ms": 2000, "delivery.timeout.ms": 5000}}]})",
                                     1);
        const auto& rc = r.summary.records;
        REQUIRE(rc.sent > 3000);
        if (version == "3.9") {
            CHECK(rc.acked == rc.sent);
            CHECK(rc.failed == 0);
            CHECK(rc.duplicated == 0);
            for (const PartitionSummary& p : r.summary.partitions) CHECK(p.high_watermark > 0);
        } else {
            CHECK(rc.acked == 0);
            CHECK(rc.failed > 0);
            for (const PartitionSummary& p : r.summary.partitions) CHECK(p.log_end_offset == 0);
        }
    }
}

// ConfigurationControlManager.uncleanLeaderElectionEnabledForTopic returns
// false in 3.8 ("TODO: support configuring unclean leader election") and
// reads the topic's config from 3.9 (KAFKA-12670). The lab kills the last
// ISR member and brings back an out-of-sync replica.
TEST_CASE("e2e: a KRaft controller elects uncleanly from 3.9 only; 3.8 leaves the partitions offline") {
    for (const std::string version : {"3.9", "3.8"}) {
        INFO("Kafka " << version);
        auto doc = scenario::parse_scenario_json(lab("unclean-election-on"), "lab");
        scenario::apply_override(doc, "cluster.kafka_version", version);
        doc.erase("expect");
        const RunResult r = run_text(doc.dump(), 1);
        if (version == "3.9") {
            CHECK(r.summary.unclean_elections >= 3);
            CHECK(r.summary.offline_partition_s < 10);
        } else {
            CHECK(r.summary.unclean_elections == 0);
            // Offline from broker 1's fencing (~29 s) to its restart (45 s).
            CHECK(r.summary.offline_partition_s > 3 * 14);
            CHECK(r.summary.records.acked_lost == 0);
        }
    }
}

// Kafka 0.10.2's defaults (KafkaConfig.scala at 0.10.2.0): a follower out of
// the ISR after 10 s of lag, not 30 s (KIP-537 changed it in 2.5). The
// ZooKeeper session is pinned long, so only the lag can shrink the ISR.
TEST_CASE("e2e: the release's defaults apply — a 0.10.2 leader drops a stalled follower after 10 s, 3.9 after 30 s") {
    for (const std::string version : {"0.10.2", "3.9"}) {
        INFO("Kafka " << version);
        const RunResult r = run_text(R"({"name": "d", "duration_s": 60, "settle_max_s": 60,
          "cluster": {"brokers": 3, "controller": "zookeeper", "kafka_version": ")" +
                                         version + R"(", "config": {"zookeeper.session.timeout.ms": 40000}},
          "topics": [{"name": "orders", "partitions": 3, "replication_factor": 3}],
          "producers": [{"name": "p", "topic": "orders", "rate_per_s": 100, "config": {"acks": "1"}}],
          "faults": [{"at_s": 10, "action": "pause", "broker": 3, "for_s": 15}]})",
                                     1);
        // A 15 s pause of a follower (broker 3 follows two of the three partitions)
        // outlasts 0.10.2's replica.lag.time.max.ms and not 3.9's.
        if (version == "0.10.2") {
            CHECK(r.summary.isr_shrinks >= 1);
        } else {
            CHECK(r.summary.isr_shrinks == 0);
        }
    }
}
