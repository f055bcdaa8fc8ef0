// Kafka config schema, typed values, defaults and topic inheritance.
#include <doctest/doctest.h>

#include "kafkasim/scenario.hpp"
#include "scenario/config_parse.hpp"
#include "scenario/kafka_configs.hpp"
#include "scenario/suggest.hpp"

using namespace ks;
using namespace ks::scenario;

TEST_CASE("config: every typed default parses and KAFKA.md defaults hold") {
    const auto broker = default_config(ConfigScope::broker);
    CHECK(broker.get_long("replica.lag.time.max.ms") == 30000);
    CHECK(broker.get_int("replica.fetch.wait.max.ms") == 500);
    CHECK(broker.get_int("min.insync.replicas") == 1);
    CHECK_FALSE(broker.get_bool("unclean.leader.election.enable"));
    CHECK(broker.get_bool("auto.leader.rebalance.enable"));
    CHECK(broker.get_long("leader.imbalance.check.interval.seconds") == 300);
    CHECK(broker.get_int("controlled.shutdown.max.retries") == 3);
    CHECK(broker.get_int("broker.session.timeout.ms") == 9000);
    CHECK(broker.get_int("zookeeper.session.timeout.ms") == 18000);
    CHECK(broker.get_long("log.flush.interval.messages") == INT64_MAX);
    CHECK(broker.is_null("log.retention.ms"));
    CHECK(broker.get_ms("log.flush.scheduler.interval.ms") == Duration::max());
    CHECK(broker.user_keys().empty());
    const auto producer = default_config(ConfigScope::producer);
    CHECK(producer.get_string("acks") == "all");
    CHECK(producer.get_int("batch.size") == 16384);
    CHECK(producer.get_long("linger.ms") == 5);
    CHECK(producer.get_int("delivery.timeout.ms") == 120000);
    CHECK(producer.get_int("max.in.flight.requests.per.connection") == 5);
    const auto consumer = default_config(ConfigScope::consumer);
    CHECK(consumer.get_int("max.poll.interval.ms") == 300000);
    CHECK(consumer.get_int("max.poll.records") == 500);
    CHECK(consumer.get_int("auto.commit.interval.ms") == 5000);
    CHECK(consumer.get_bool("enable.auto.commit"));
}

TEST_CASE("config: topic settings default from the broker's, with Kafka's chains") {
    auto broker = default_config(ConfigScope::broker);
    CHECK(resolve_topic_config(broker, nullptr).get_long("retention.ms") == 168LL * 3600000);
    broker.set("log.retention.minutes", std::int64_t{10}, true);
    CHECK(resolve_topic_config(broker, nullptr).get_long("retention.ms") == 600000);
    broker.set("log.retention.ms", std::int64_t{1234}, true);
    broker.set("min.insync.replicas", std::int64_t{2}, true);
    broker.set("unclean.leader.election.enable", true, true);
    broker.set("log.roll.hours", std::int64_t{1}, true);
    const auto t = resolve_topic_config(broker, nullptr);
    CHECK(t.get_long("retention.ms") == 1234);
    CHECK(t.get_int("min.insync.replicas") == 2);
    CHECK(t.get_bool("unclean.leader.election.enable"));
    CHECK(t.get_long("segment.ms") == 3600000);
    CHECK(t.get_long("flush.ms") == INT64_MAX);
    CHECK(t.user_keys().empty());  // inherited, not set on the topic
}

TEST_CASE("config: properties-file text is accepted and normalised") {
    const json map = json::parse(R"({"acks": "-1", "linger.ms": "20", "enable.idempotence": "false",
                                     "compression.type": "lz4"})");
    std::vector<std::string> warnings;
    const Ctx ctx{.file = "f", .warnings = &warnings};
    auto cfg = default_config(ConfigScope::producer);
    apply_config_map(cfg, Node{&ctx, &map, "/config"});
    CHECK(cfg.get_string("acks") == "all");
    CHECK(cfg.get_long("linger.ms") == 20);
    CHECK_FALSE(cfg.get_bool("enable.idempotence"));
    CHECK(cfg.user_keys() == std::vector<std::string>{"acks", "compression.type", "enable.idempotence", "linger.ms"});
    // compression.type is modelled (kafka/compression.hpp): typed, kept, no warning.
    CHECK(cfg.get_string("compression.type") == "lz4");
    CHECK(warnings.empty());
    // A real setting that kafkasim does not simulate is kept and says so: the
    // codec's level (the model takes each codec's default level).
    const json level = json::parse(R"({"compression.type": "zstd", "compression.zstd.level": "9"})");
    apply_config_map(cfg, Node{&ctx, &level, "/config"});
    REQUIRE(warnings.size() == 1);
    CHECK(warnings[0] ==
          "f: /config/compression.zstd.level: Kafka setting \"compression.zstd.level\" is not modelled by "
          "kafkasim; ignored");

    const json assignors = json::parse(
        R"({"partition.assignment.strategy": "org.apache.kafka.clients.consumer.CooperativeStickyAssignor, range"})");
    auto consumer = default_config(ConfigScope::consumer);
    apply_config_map(consumer, Node{&ctx, &assignors, "/config"});
    CHECK(consumer.get_list("partition.assignment.strategy") ==
          std::vector<std::string>{"cooperative-sticky", "range"});
}

TEST_CASE("config: the schema tables are consistent") {
    for (auto scope : {ConfigScope::broker, ConfigScope::topic, ConfigScope::producer, ConfigScope::consumer}) {
        CAPTURE(to_string(scope));
        CHECK(config_specs(scope).size() > 10);
        CHECK(other_kafka_names(scope).size() > 10);
        for (const auto& name : other_kafka_names(scope)) CHECK(find_config_spec(scope, name) == nullptr);
    }
    for (const auto& s : config_specs(ConfigScope::topic))
        if (!s.synonym.empty()) CHECK(find_config_spec(ConfigScope::broker, s.synonym) != nullptr);
    CHECK(is_kafka_name(ConfigScope::broker, "ssl.keystore.location"));
    CHECK(is_kafka_name(ConfigScope::consumer, "group.id"));
    CHECK_FALSE(is_kafka_name(ConfigScope::topic, "acks"));
}

TEST_CASE("config: non_defaults lists what the user set, as Kafka prints it") {
    auto cfg = default_config(ConfigScope::topic);
    cfg.set("min.insync.replicas", std::int64_t{2}, true);
    cfg.set("cleanup.policy", std::vector<std::string>{"delete", "compact"}, true);
    cfg.set_unmodelled("preallocate.x", "true");
    CHECK(cfg.non_defaults() == std::vector<std::pair<std::string, std::string>>{{"cleanup.policy", "delete,compact"},
                                                                                 {"min.insync.replicas", "2"},
                                                                                 {"preallocate.x", "true"}});
}

TEST_CASE("suggest: Damerau-Levenshtein distance and nearest name") {
    CHECK(edit_distance("replication_factr", "replication_factor") == 1);
    CHECK(edit_distance("ackss", "acks") == 1);
    CHECK(edit_distance("lingre.ms", "linger.ms") == 1);  // a transposition
    CHECK(edit_distance("", "abc") == 3);
    CHECK(nearest("partitons", {"name", "partitions", "config"}) == "partitions");
    CHECK_FALSE(nearest("zzzzzz", {"name", "partitions"}).has_value());
    CHECK(quoted_alternatives({"a", "b", "c"}) == "\"a\", \"b\" or \"c\"");
}
