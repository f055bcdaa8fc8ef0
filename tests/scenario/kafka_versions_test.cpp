// cluster.kafka_version: each release's defaults (KafkaConfig.scala `object
// Defaults` at each tag, later *Configs.java), the checks a release makes of
// its configuration, and rolling upgrades that change the binary.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "kafkasim/errors.hpp"
#include "kafkasim/scenario.hpp"
#include "scenario/config_parse.hpp"
#include "scenario/kafka_versions.hpp"
#include "scenario/resolve.hpp"

using namespace ks;
using ks::scenario::parse_kafka_version;

namespace {

scenario::Loaded load(const std::string& cluster, const std::string& faults = "[]",
                      const std::string& topic_config = "{}") {
    return scenario::load_string(R"({"name": "v", "duration_s": 30, "cluster": )" + cluster +
                                     R"(, "topics": [{"name": "t", "partitions": 1, "replication_factor": 3,
                                    "config": )" +
                                     topic_config + R"(}], "producers": [{"name": "p", "topic": "t"}], "faults": )" +
                                     faults + "}",
                                 "v.json");
}

KafkaConfig broker_at(KafkaVersion v) {
    KafkaConfig c = scenario::default_config(ConfigScope::broker);
    scenario::apply_version_defaults(c, v);
    return c;
}

bool has_warning(const scenario::Loaded& l, const std::string& part) {
    for (const auto& w : l.warnings)
        if (w.find(part) != std::string::npos) return true;
    return false;
}

}  // namespace

TEST_CASE("kafka_version: Kafka's version strings parse to releases; unknown release lines do not") {
    CHECK(parse_kafka_version("0.10.2") == KafkaVersion{0, 10, 2});
    CHECK(parse_kafka_version("0.10.2-IV0") == KafkaVersion{0, 10, 2});
    CHECK(parse_kafka_version("3.9") == KafkaVersion{3, 9, 0});
    CHECK(parse_kafka_version("3.7-IV4") == KafkaVersion{3, 7, 0});
    CHECK(parse_kafka_version("4.1.0") == KafkaVersion{4, 1, 0});
    for (const char* bad : {"2.9", "4.2", "0.7", "5.0", "3", "3.", "3.9.", "3.9-IV", "-3.9", "3.9x", "1234.1", ""}) {
        CAPTURE(bad);
        CHECK(!parse_kafka_version(bad));
    }
    CHECK(to_string(KafkaVersion{0, 10, 2}) == "0.10.2");
    CHECK(to_string(KafkaVersion{3, 9, 0}) == "3.9");
}

// 0.10.2.0 vs 0.11.0.0 (KIP-106, KIP-134), 1.1.0 vs 2.0.0 (KIP-186), 2.2.0 vs
// 2.3.0 (KIP-345), 2.4.0 vs 2.5.0 (KIP-537), 3.9 vs 4.0 (KIP-1030).
TEST_CASE("kafka_version: each release's defaults, where they differ from today's") {
    const KafkaConfig v0102 = broker_at({0, 10, 2});
    CHECK(v0102.get_bool("unclean.leader.election.enable"));
    CHECK(v0102.get_int("group.initial.rebalance.delay.ms") == 0);
    CHECK(v0102.get_int("offsets.retention.minutes") == 1440);
    CHECK(v0102.get_int("group.max.session.timeout.ms") == 300000);
    CHECK(v0102.get_long("replica.lag.time.max.ms") == 10000);
    CHECK(v0102.get_int("zookeeper.session.timeout.ms") == 6000);
    CHECK(v0102.get_string("inter.broker.protocol.version") == "0.10.2");

    const KafkaConfig v24 = broker_at({2, 4, 0});
    CHECK_FALSE(v24.get_bool("unclean.leader.election.enable"));
    CHECK(v24.get_int("group.initial.rebalance.delay.ms") == 3000);
    CHECK(v24.get_int("offsets.retention.minutes") == 10080);
    CHECK(v24.get_int("group.max.session.timeout.ms") == 1800000);
    CHECK(v24.get_long("replica.lag.time.max.ms") == 10000);
    CHECK(v24.get_int("zookeeper.session.timeout.ms") == 6000);

    const KafkaConfig v25 = broker_at({2, 5, 0});
    CHECK(v25.get_long("replica.lag.time.max.ms") == 30000);
    CHECK(v25.get_int("zookeeper.session.timeout.ms") == 18000);

    CHECK(broker_at({3, 9, 0}).get_int("num.recovery.threads.per.data.dir") == 1);
    CHECK(broker_at({4, 0, 0}).get_int("num.recovery.threads.per.data.dir") == 2);
    CHECK(broker_at({4, 0, 0}).get_string("inter.broker.protocol.version") == "4.0");

    // The default release changes nothing a scenario without kafka_version had.
    const KafkaConfig latest = broker_at(scenario::kDefaultKafkaVersion);
    const KafkaConfig plain = scenario::default_config(ConfigScope::broker);
    for (const auto& spec : scenario::config_specs(ConfigScope::broker)) {
        if (spec.name == "num.recovery.threads.per.data.dir") continue;  // 4.0's 2, 3.9's 1
        CAPTURE(spec.name);
        CHECK(latest.value(spec.name) == plain.value(spec.name));
    }
}

TEST_CASE("kafka_version: a setting the scenario gives is kept whatever the release") {
    const auto l = load(R"({"brokers": 3, "controller": "zookeeper", "kafka_version": "0.10.2",
                            "config": {"unclean.leader.election.enable": false, "replica.lag.time.max.ms": 20000}})");
    const Scenario& s = l.scenario;
    CHECK(s.cluster.kafka_version == KafkaVersion{0, 10, 2});
    CHECK_FALSE(s.topics[0].settings.unclean_leader_election);
    CHECK(s.cluster.brokers[0].settings.replica_lag_time_max == ms(20000));
    CHECK(s.cluster.brokers[0].settings.protocol == ProtocolVersion::v0_10);  // IBP follows the release
    CHECK(s.cluster.brokers[0].settings.kafka_version == KafkaVersion{0, 10, 2});
    CHECK(s.cluster.controller_settings.session_timeout == ms(6000));
}

TEST_CASE("kafka_version: the topic defaults follow the release (unclean.leader.election.enable true in 0.10)") {
    const auto l = load(R"({"brokers": 3, "controller": "zookeeper", "kafka_version": "0.10.2"})");
    CHECK(l.scenario.topics[0].settings.unclean_leader_election);
    CHECK(l.scenario.cluster.brokers[0].settings.initial_rebalance_delay == ms(0));
    const auto modern = load(R"({"brokers": 3, "controller": "zookeeper"})");
    CHECK_FALSE(modern.scenario.topics[0].settings.unclean_leader_election);
    CHECK(modern.scenario.cluster.kafka_version == KafkaVersion{3, 9, 0});
}

// KafkaConfig (3.9): in KRaft mode interBrokerProtocolVersion is pinned to
// MINIMUM_KRAFT_VERSION; a user value below it is a ConfigException, a valid
// one a deprecation warning.
TEST_CASE("kafka_version: KRaft ignores inter.broker.protocol.version, with a warning saying so") {
    const auto l = load(R"({"brokers": 3, "config": {"inter.broker.protocol.version": "3.6"}})");
    CHECK(has_warning(l, "deprecated in KRaft mode and ignored"));
    const auto old = load(R"({"brokers": 3, "config": {"inter.broker.protocol.version": "2.0"}})");
    CHECK(has_warning(old, "not a KRaft version"));
    CHECK(old.scenario.cluster.brokers[0].settings.protocol == ProtocolVersion::v2_1);
}

TEST_CASE("kafka_version: a setting the release does not have warns and has no effect") {
    const auto l = load(R"({"brokers": 3, "controller": "zookeeper", "kafka_version": "0.10.2",
                            "config": {"group.initial.rebalance.delay.ms": 3000}})");
    CHECK(has_warning(l, "does not exist in Kafka 0.10.2"));
    CHECK(l.scenario.cluster.brokers[0].settings.initial_rebalance_delay == ms(0));
}

// ConfigurationControlManager.uncleanLeaderElectionEnabledForTopic: false in
// 3.8, the topic's config from 3.9 (KAFKA-12670).
TEST_CASE("kafka_version: unclean.leader.election.enable under a KRaft controller before 3.9 warns") {
    const auto l =
        load(R"({"brokers": 3, "kafka_version": "3.8"})", "[]", R"({"unclean.leader.election.enable": true})");
    CHECK(has_warning(l, "never elects uncleanly"));
    CHECK(l.scenario.cluster.controller_settings.kafka_version == KafkaVersion{3, 8, 0});
    const auto v39 =
        load(R"({"brokers": 3, "kafka_version": "3.9"})", "[]", R"({"unclean.leader.election.enable": true})");
    CHECK_FALSE(has_warning(v39, "never elects uncleanly"));
    const auto zk = load(R"({"brokers": 3, "controller": "zookeeper", "kafka_version": "3.8"})", "[]",
                         R"({"unclean.leader.election.enable": true})");
    CHECK_FALSE(has_warning(zk, "never elects uncleanly"));
}

TEST_CASE("kafka_version: ELR is on by default in a KRaft cluster formatted by 4.1, off before") {
    CHECK(load(R"({"brokers": 3, "kafka_version": "4.1"})")
              .scenario.cluster.controller_settings.eligible_leader_replicas);
    CHECK_FALSE(load(R"({"brokers": 3, "kafka_version": "4.0"})")
                    .scenario.cluster.controller_settings.eligible_leader_replicas);
    CHECK_FALSE(load(R"({"brokers": 3, "kafka_version": "4.1", "features": {"eligible.leader.replicas.version": 0}})")
                    .scenario.cluster.controller_settings.eligible_leader_replicas);
    CHECK(load(R"({"brokers": 3, "kafka_version": "4.0", "features": {"eligible.leader.replicas.version": 1}})")
              .scenario.cluster.controller_settings.eligible_leader_replicas);
}

// Kafka's upgrade notes: pin inter.broker.protocol.version, roll the new
// binary, then roll the protocol bump. Each step is checked on every broker.
TEST_CASE("kafka_version: a rolling upgrade may change the release, then the protocol the new release knows") {
    const std::string zk = R"({"brokers": 3, "controller": "zookeeper", "kafka_version": "2.8",
                               "config": {"inter.broker.protocol.version": "2.8"}})";
    const std::string binary = R"({"at_s": 5, "action": "rolling_upgrade", "kafka_version": "3.9"})";
    const std::string protocol =
        R"({"at_s": 9, "action": "rolling_upgrade", "set": {"inter.broker.protocol.version": "3.9"}})";
    const auto l = load(zk, "[" + binary + ", " + protocol + "]");
    CHECK(l.scenario.faults[0].kafka_version == KafkaVersion{3, 9, 0});
    CHECK(l.scenario.faults[0].set.user_keys().empty());
    CHECK_FALSE(l.scenario.faults[1].kafka_version.has_value());
    // The protocol bump alone, or before the binary, names a protocol 2.8 does not know.
    CHECK_THROWS_AS(load(zk, "[" + protocol + "]"), InputError);
    CHECK_THROWS_AS(load(zk, R"([{"at_s": 1, "action": "rolling_upgrade", "set": {"inter.broker.protocol.version":
                                 "3.9"}}, )" +
                                 binary + "]"),
                    InputError);
    // File order is not time order.
    CHECK_NOTHROW(load(zk, "[" + protocol + ", " + binary + "]"));
}

TEST_CASE("kafka_version: apply_upgrade sets the new release's defaults but keeps what the scenario set") {
    KafkaConfig c = scenario::default_config(ConfigScope::broker);
    scenario::apply_version_defaults(c, {0, 10, 2});
    c.set("inter.broker.protocol.version", std::string("0.10.2"), true);
    KafkaVersion v{0, 10, 2};
    FaultSpec up;
    up.action = FaultAction::rolling_upgrade;
    up.kafka_version = KafkaVersion{3, 9, 0};
    up.set = scenario::default_config(ConfigScope::broker);
    scenario::apply_upgrade(c, v, up);
    CHECK(v == KafkaVersion{3, 9, 0});
    CHECK(c.get_string("inter.broker.protocol.version") == "0.10.2");  // pinned
    CHECK_FALSE(c.get_bool("unclean.leader.election.enable"));         // 3.9's default
    CHECK(c.get_int("zookeeper.session.timeout.ms") == 18000);
    const BrokerSettings b = scenario::resolve_broker(c, ControllerKind::zookeeper, v);
    CHECK(b.protocol == ProtocolVersion::v0_10);
    CHECK(b.kafka_version == KafkaVersion{3, 9, 0});
}
