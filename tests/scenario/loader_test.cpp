// Good scenarios load into the expected structs; warnings that are not errors.
#include <doctest/doctest.h>

#include <string>

#include "kafkasim/errors.hpp"
#include "kafkasim/scenario.hpp"

namespace {

const std::string kSourceDir = KS_SOURCE_DIR;

ks::scenario::Loaded load(const std::string& rel, std::vector<std::string> sets = {}) {
    return ks::scenario::load_file(kSourceDir + "/" + rel, {.overrides = std::move(sets)});
}

// A small valid scenario to vary in tests.
const char* const kSmall = R"({
  // comments are allowed
  "name": "small", "duration_s": 30,
  "cluster": {"brokers": 3},
  "topics": [{"name": "t", "partitions": 2, "replication_factor": 2}],
  "producers": [{"name": "p", "topic": "t"}],
  "consumer_groups": [{"group_id": "g", "topics": ["t"]}]
})";

ks::scenario::Loaded load_small(std::vector<std::string> sets = {}) {
    return ks::scenario::load_string(kSmall, "small.json", {.overrides = std::move(sets)});
}

}  // namespace

TEST_CASE("scenario: default.json loads as the README describes") {
    const auto l = load("scenarios/default.json");
    const ks::Scenario& s = l.scenario;
    CHECK(l.warnings.empty());
    CHECK(s.name == "default");
    CHECK(s.duration == ks::s(120));
    CHECK(s.sample_interval == ks::ms(1000));
    CHECK(s.settle_max == ks::s(300));
    REQUIRE(s.cluster.brokers.size() == 3);
    CHECK(s.cluster.brokers[0].id == ks::BrokerId(1));
    CHECK(*s.cluster.brokers[0].rack == "a");
    CHECK(*s.cluster.brokers[2].rack == "c");
    CHECK(s.cluster.brokers[1].config.get_string("broker.rack") == "b");
    CHECK(s.cluster.controller == ks::ControllerKind::kraft);
    CHECK(s.cluster.network.latency_ms == ks::DistSpec::lognormal(0.3, 2));
    CHECK(s.cluster.disk.dirty_expire == ks::ms(30000));
    REQUIRE(s.topics.size() == 1);
    const auto& t = s.topics[0];
    CHECK(t.partitions == 6);
    CHECK(t.replication_factor == 3);
    CHECK(t.config.get_int("min.insync.replicas") == 2);
    CHECK(t.config.user_set("min.insync.replicas"));
    CHECK(t.config.get_long("retention.ms") == 604800000);  // log.retention.hours 168
    CHECK_FALSE(t.config.get_bool("unclean.leader.election.enable"));
    REQUIRE(s.producers.size() == 1);
    const auto& p = s.producers[0];
    CHECK(p.rate_per_s == 2000);
    CHECK(p.value_bytes == ks::DistSpec::constant(512));
    CHECK(p.keys.kind == ks::KeySpec::Kind::uniform);
    CHECK(p.keys.count == 10000);
    CHECK(p.config.get_string("acks") == "all");
    CHECK(p.config.get_bool("enable.idempotence"));
    CHECK(p.config.get_ms("linger.ms") == ks::ms(5));
    CHECK(p.config.get_int("retries") == 2147483647);
    REQUIRE(s.consumer_groups.size() == 1);
    const auto& g = s.consumer_groups[0];
    CHECK(g.members == 3);
    CHECK(g.config.get_list("partition.assignment.strategy") == std::vector<std::string>{"range"});
    CHECK(g.config.get_int("session.timeout.ms") == 45000);
    REQUIRE(s.faults.size() == 2);
    CHECK(s.faults[0].action == ks::FaultAction::crash);
    CHECK(s.faults[0].at == ks::s(30));
    CHECK(*s.faults[0].broker == ks::BrokerId(1));
    CHECK(s.faults[1].action == ks::FaultAction::restart);
    REQUIRE(s.expect.size() == 1);
    CHECK(s.expect[0].path == "records.acked_lost");
    CHECK(*s.expect[0].max == 0);
    CHECK(ks::scenario::describe(s) ==
          "3 brokers in 3 racks (kraft), 1 topic (6 partitions), 1 producer, 1 consumer group (3 "
          "members), "
          "2 faults, 120 s");
}

TEST_CASE("scenario: reference.json loads without warnings") {
    const auto l = load("scenarios/reference.json");
    CHECK(l.warnings.empty());
    CHECK(l.scenario.seed == 42);
    CHECK(l.scenario.total_partitions() == 5);
    CHECK(l.scenario.producers[1].config.get_string("acks") == "1");
    CHECK_FALSE(l.scenario.producers[1].config.get_bool("enable.idempotence"));
}

TEST_CASE("scenario: the SCENARIOS.md example loads with every fault action") {
    const auto l = load("tests/scenario/good/scenarios_md_example.json");
    const ks::Scenario& s = l.scenario;
    CHECK(s.name == "acks1-leader-crash");
    REQUIRE(s.faults.size() == 16);
    const auto& pause = s.faults[2];
    CHECK(pause.action == ks::FaultAction::pause);
    CHECK(*pause.duration == ks::s(35));
    const auto& power = s.faults[3];
    CHECK(*power.rack == "a");
    const auto& part = s.faults[4];
    REQUIRE(part.groups.size() == 2);
    CHECK(part.groups[1].clients);
    CHECK(part.groups[1].brokers.size() == 2);
    const auto& oneway = s.faults[5];
    CHECK(oneway.from.brokers == std::vector<ks::BrokerId>{ks::BrokerId(1)});
    CHECK(oneway.to.brokers == std::vector<ks::BrokerId>{ks::BrokerId(2)});
    const auto& link = s.faults[6];
    CHECK(link.loss == doctest::Approx(0.1));
    CHECK(*link.latency_ms == ks::DistSpec::constant(200));
    const auto& upgrade = s.faults[9];
    CHECK(upgrade.action == ks::FaultAction::rolling_upgrade);
    CHECK(upgrade.set.user_keys() == std::vector<std::string>{"inter.broker.protocol.version"});
    CHECK(upgrade.set.get_string("inter.broker.protocol.version") == "2.0");
    CHECK(*s.faults[10].member == 0);
    CHECK(s.faults[15].rate_per_s == 20000);
    CHECK(s.cluster.feature("eligible.leader.replicas.version") == 0);
    CHECK(s.cluster.config.get_string("inter.broker.protocol.version") == "3.9");
    CHECK_FALSE(s.chaos.enabled);
    REQUIRE(s.compare.vary.size() == 2);
    CHECK(s.compare.vary[0].path == "producers.checkout.config.acks");
    CHECK(s.compare.vary[0].values_json == std::vector<std::string>{"\"0\"", "\"1\"", "\"all\""});
    CHECK(s.compare.seeds == 200);
    CHECK(s.consumer_groups[0].processing_ms_per_record == ks::DistSpec::exponential(0.2));
    // The example writes the disk's throughput under its old name: megabytes
    // per second, accepted with a deprecation warning.
    CHECK(s.cluster.disk.throughput_mbytes_per_s == 500);
    bool deprecated = false;
    for (const auto& w : l.warnings) deprecated |= w.find("/cluster/disk/throughput_mbps: ") != std::string::npos;
    CHECK(deprecated);
}

TEST_CASE("scenario: disk throughput is throughput_mbytes_per_s; the old throughput_mbps beside it is an error") {
    const auto l = load_small({"cluster.disk.throughput_mbytes_per_s=250"});
    CHECK(l.warnings.empty());
    CHECK(l.scenario.cluster.disk.throughput_mbytes_per_s == 250);
    CHECK_THROWS_AS(load_small({"cluster.disk.throughput_mbytes_per_s=250", "cluster.disk.throughput_mbps=250"}),
                    ks::InputError);
}

TEST_CASE("scenario: one broker's own compression.type warns that topics take theirs from cluster.config") {
    const char* text = R"({"name": "b", "duration_s": 10,
      "cluster": {"brokers": [{"id": 1, "config": {"compression.type": "gzip"}}, {"id": 2}]},
      "topics": [{"name": "t", "partitions": 1, "replication_factor": 2}]})";
    const auto l = ks::scenario::load_string(text, "b.json");
    REQUIRE(l.warnings.size() == 1);
    CHECK(l.warnings[0] ==
          "b.json: /cluster/brokers/0/config/compression.type: kafkasim takes the topics' default compression.type "
          "from cluster.config, not from one broker's config: set it there or in the topics' config; ignored");
    CHECK(!l.scenario.topics[0].settings.compression.has_value());  // "producer"
    // cluster.config sets every topic's default, silently.
    const char* wide = R"({"name": "b", "duration_s": 10,
      "cluster": {"brokers": 2, "config": {"compression.type": "gzip"}},
      "topics": [{"name": "t", "partitions": 1, "replication_factor": 2}]})";
    const auto w = ks::scenario::load_string(wide, "b.json");
    CHECK(w.warnings.empty());
    CHECK(w.scenario.topics[0].settings.compression == ks::Codec::gzip);
}

TEST_CASE("scenario: value_compressibility without a codec warns that it changes nothing") {
    const char* text = R"({"name": "v", "duration_s": 10, "cluster": {"brokers": 1},
      "topics": [{"name": "t"}], "producers": [{"name": "p", "topic": "t", "value_compressibility": 0.2}]})";
    const auto l = ks::scenario::load_string(text, "v.json");
    REQUIRE(l.warnings.size() == 1);
    CHECK(l.warnings[0] ==
          "v.json: /producers/0/value_compressibility: no codec compresses these records (compression.type none, "
          "topic \"t\" compression.type producer): value_compressibility changes nothing");
    // A codec on the producer, or on its topic (the leader recompresses), uses it.
    const auto zstd =
        ks::scenario::load_string(text, "v.json", {.overrides = {R"(producers.p.config.compression.type="zstd")"}});
    CHECK(zstd.warnings.empty());
    const auto topic =
        ks::scenario::load_string(text, "v.json", {.overrides = {R"(topics.t.config.compression.type="lz4")"}});
    CHECK(topic.warnings.empty());
}

TEST_CASE("scenario: min.insync.replicas above the replication factor is a warning saying what the release does") {
    const auto l = load_small({"topics.t.config.min.insync.replicas=3"});
    REQUIRE(l.warnings.size() == 1);
    CHECK(l.warnings[0] ==
          "small.json: /topics/0/config/min.insync.replicas: min.insync.replicas 3 > "
          "replication_factor 2 of topic \"t\": Kafka 3.9 uses 2 (the replication factor) instead, so acks=all "
          "writes need every replica in the ISR (KAFKA-15583)");
    const auto old = load_small({"topics.t.config.min.insync.replicas=3", "cluster.kafka_version=\"3.6\""});
    REQUIRE(old.warnings.size() == 1);
    CHECK(old.warnings[0] ==
          "small.json: /topics/0/config/min.insync.replicas: min.insync.replicas 3 > "
          "replication_factor 2 of topic \"t\": Kafka 3.6 accepts it, then refuses every acks=all write "
          "(NOT_ENOUGH_REPLICAS; from 3.7 the replication factor caps it)");
    const auto inherited = load_small({"cluster.config.min.insync.replicas=3"});
    REQUIRE(inherited.warnings.size() == 1);
    CHECK(inherited.warnings[0].starts_with("small.json: /cluster/config/min.insync.replicas: "));
}

TEST_CASE("scenario: a real but unmodelled Kafka setting is accepted with a warning") {
    const auto l = load_small({"producers.p.config.ssl.keystore.location=/etc/k.jks"});
    REQUIRE(l.warnings.size() == 1);
    CHECK(l.warnings[0] ==
          "small.json: /producers/0/config/ssl.keystore.location: Kafka setting "
          "\"ssl.keystore.location\" is not modelled by kafkasim; ignored");
    const auto& cfg = l.scenario.producers[0].config;
    CHECK(cfg.unmodelled().at("ssl.keystore.location") == "/etc/k.jks");
    CHECK(cfg.non_defaults() ==
          std::vector<std::pair<std::string, std::string>>{{"ssl.keystore.location", "/etc/k.jks"}});
}

TEST_CASE("scenario: an explicit idempotence conflict is a warning and turns idempotence off") {
    const auto l = load_small({"producers.p.config.enable.idempotence=true", "producers.p.config.acks=1"});
    REQUIRE(l.warnings.size() == 1);
    CHECK(l.warnings[0] ==
          "small.json: /producers/0/config/acks: acks=1 conflicts with enable.idempotence=true: "
          "Kafka's producer refuses this (ConfigException); kafkasim runs it with "
          "enable.idempotence=false");
    CHECK_FALSE(l.scenario.producers[0].config.get_bool("enable.idempotence"));
    // Without an explicit setting Kafka quietly disables idempotence: no warning.
    const auto quiet = load_small({"producers.p.config.acks=0"});
    CHECK(quiet.warnings.empty());
    CHECK_FALSE(quiet.scenario.producers[0].config.get_bool("enable.idempotence"));
}

TEST_CASE("scenario: defaults where the file is silent") {
    const auto l = load_small();
    const ks::Scenario& s = l.scenario;
    CHECK(s.seed == 1);
    CHECK(s.cluster.racks.empty());
    CHECK_FALSE(s.cluster.brokers[0].rack.has_value());
    CHECK(s.cluster.brokers[0].config.is_null("broker.rack"));
    CHECK(s.producers[0].rate_per_s == 1000);
    CHECK(s.producers[0].keys.kind == ks::KeySpec::Kind::none);
    CHECK(s.producers[0].arrival == ks::ArrivalProcess::poisson);
    CHECK(s.producers[0].partitioner.kind == ks::PartitionerSpec::Kind::kafka_default);
    CHECK(s.consumer_groups[0].members == 1);
    CHECK(s.consumer_groups[0].config.get_list("partition.assignment.strategy") ==
          std::vector<std::string>{"range", "cooperative-sticky"});
    CHECK(s.consumer_groups[0].config.get_string("auto.offset.reset") == "latest");
    CHECK(s.chaos.actions.size() == 3);
    CHECK(s.compare.seeds == 100);
}

TEST_CASE("scenario: a weighted partitioner for VIP keys") {
    const auto l = load_small({
        "topics.t.partitions=10",
        "producers.p.keys={\"kind\": \"zipf\", \"count\": 10000, \"exponent\": 1.1}",
        R"(producers.p.partitioner={"kind": "weighted", "rules": [
             {"keys": {"from": 0, "to": 99}, "partitions": [0,1,2,3,4,5,6,7]},
             {"partitions": [8, 9], "weights": [3, 1]}]})",
    });
    const auto& p = l.scenario.producers[0];
    CHECK(p.keys.zipf_exponent == doctest::Approx(1.1));
    REQUIRE(p.partitioner.kind == ks::PartitionerSpec::Kind::weighted);
    REQUIRE(p.partitioner.rules.size() == 2);
    CHECK(*p.partitioner.rules[0].key_to == 99);
    CHECK(p.partitioner.rules[0].weights == std::vector<double>(8, 1.0));
    CHECK_FALSE(p.partitioner.rules[1].key_from.has_value());
    CHECK(p.partitioner.rules[1].weights == std::vector<double>{3, 1});
}

TEST_CASE("scenario: a broker list with per-broker overrides") {
    const auto l = load_small({R"(cluster.brokers=[{"id": 3, "rack": "r1", "config": {"num.replica.fetchers": 4}},
                                                   {"id": 1, "rack": "r2"}, {"id": 2, "rack": "r1"}])",
                               "cluster.config.num.replica.fetchers=2"});
    const auto& c = l.scenario.cluster;
    REQUIRE(c.brokers.size() == 3);
    CHECK(c.brokers[0].id == ks::BrokerId(1));  // sorted by id
    CHECK(c.find_broker(ks::BrokerId(3))->config.get_int("num.replica.fetchers") == 4);
    CHECK(c.find_broker(ks::BrokerId(1))->config.get_int("num.replica.fetchers") == 2);
    CHECK(c.racks == std::vector<std::string>{"r1", "r2"});
}

TEST_CASE("scenario: a file that cannot be read is an input error") {
    CHECK_THROWS_WITH_AS(ks::scenario::load_file("/nonexistent/x.json"),
                         "/nonexistent/x.json: cannot open the file (No such file or directory)", ks::InputError);
}

// Burrow's defaults: kafka_cluster.go Configure (offset-refresh 10) and
// inmemory.go Configure (intervals 10, expire-group 604800, min-distance unset).
TEST_CASE("scenario: the burrow section defaults to Burrow's Configure() defaults and reads whole seconds") {
    const ks::Scenario d = load_small().scenario;
    CHECK(d.burrow.offset_refresh == ks::s(10));
    CHECK(d.burrow.intervals == 10);
    CHECK(d.burrow.min_distance == ks::s(0));
    CHECK(d.burrow.expire_group == ks::s(604800));
    const ks::Scenario b = load_small({"burrow.offset_refresh_s=1", "burrow.intervals=20", "burrow.min_distance_s=1",
                                       "burrow.expire_group_s=3600"})
                               .scenario;
    CHECK(b.burrow.offset_refresh == ks::s(1));
    CHECK(b.burrow.intervals == 20);
    CHECK(b.burrow.min_distance == ks::s(1));
    CHECK(b.burrow.expire_group == ks::s(3600));
    auto error = [](const std::string& set) {
        try {
            load_small({set});
        } catch (const ks::InputError& e) {
            return std::string(e.what());
        }
        return std::string();
    };
    CHECK(error("burrow.offset_refresh_s=0")
              .find("/burrow/offset_refresh_s: expected a whole number of seconds in "
                    "[1, 1000000000], got 0") != std::string::npos);
    CHECK(error("burrow.offset_refresh_s=2.5").find("/burrow/offset_refresh_s") != std::string::npos);
    CHECK(error("burrow.intervals=0").find("/burrow/intervals") != std::string::npos);
    CHECK(error("burrow.min_distance_s=-1").find("/burrow/min_distance_s") != std::string::npos);
    CHECK(error("burrow.offset_refersh_s=1").find("burrow") != std::string::npos);
}
