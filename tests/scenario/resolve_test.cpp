// Settings resolved once: each Kafka key read by name in one place, into the
// typed settings the protocol reads.
#include <doctest/doctest.h>

#include "kafkasim/scenario.hpp"
#include "scenario/resolve.hpp"

using namespace ks;
using ks::scenario::parse_protocol_version;

namespace {
Scenario load(const std::string& text) {
    return scenario::load_string(text, "resolve.json").scenario;
}

const char* kBase = R"({"name": "r", "cluster": {"brokers": 3, "controller": "zookeeper",
  "config": {"zookeeper.session.timeout.ms": 6000, "inter.broker.protocol.version": "0.10.2"}},
  "topics": [{"name": "t", "partitions": 1, "replication_factor": 3,
              "config": {"retention.ms": -1, "min.insync.replicas": 2}}],
  "producers": [{"name": "p", "topic": "t", "config": {"acks": "-1", "send.buffer.bytes": -1}}],
  "consumer_groups": [{"group_id": "g", "topics": ["t"], "config": {"auto.offset.reset": "earliest",
                       "group.instance.id": "host"}}]})";
}  // namespace

TEST_CASE("resolve: Kafka's version strings map to the replication rules they follow") {
    CHECK(parse_protocol_version("0.10.2") == ProtocolVersion::v0_10);
    CHECK(parse_protocol_version("0.10.2-IV0") == ProtocolVersion::v0_10);
    CHECK(parse_protocol_version("0.11.0") == ProtocolVersion::v0_11);
    CHECK(parse_protocol_version("1.1") == ProtocolVersion::v0_11);
    CHECK(parse_protocol_version("2.0") == ProtocolVersion::v2_0);
    CHECK(parse_protocol_version("2.8") == ProtocolVersion::v2_1);
    CHECK(parse_protocol_version("3.6") == ProtocolVersion::v2_1);
    CHECK(parse_protocol_version("3.7-IV4") == ProtocolVersion::v2_1);
    CHECK(parse_protocol_version("4.0") == ProtocolVersion::v2_1);
    CHECK(!parse_protocol_version("9.9"));
    CHECK(!parse_protocol_version("three"));
}

TEST_CASE("resolve: every spec carries its settings, typed, with one representation each") {
    const Scenario s = load(kBase);
    const BrokerSettings& b = s.cluster.brokers[0].settings;
    CHECK(b.protocol == ProtocolVersion::v0_10);
    CHECK(b.heartbeat_interval == ms(2000));  // ZooKeeper: the client pings every session timeout / 3
    CHECK(s.cluster.controller_settings.zookeeper);
    CHECK(s.cluster.controller_settings.session_timeout == ms(6000));
    const TopicSettings& t = s.topics[0].settings;
    CHECK(t.min_insync_replicas == 2);
    CHECK(t.retention.retention == Duration::max());  // retention.ms -1: keep forever
    const ProducerSettings& p = s.producers[0].settings;
    CHECK(p.acks == Acks::all);  // "-1" is "all"
    CHECK(p.idempotence);
    CHECK(p.send_buffer == 131072);  // -1: the OS default, taken as Kafka's
    const ConsumerSettings& g = s.consumer_groups[0].settings;
    CHECK(g.reset == OffsetReset::earliest);
    CHECK(g.group_instance_id == "host");
}

TEST_CASE("resolve: idempotence is kept only with acks=all, at most 5 in flight and retries") {
    for (const char* config :
         {R"({"acks": "1"})", R"({"max.in.flight.requests.per.connection": 6})", R"({"retries": 0})"}) {
        CAPTURE(config);
        // The loader warns that enable.idempotence is dropped; the settings agree.
        const Scenario s = load(std::string(R"({"name": "r", "cluster": {"brokers": 1},
          "topics": [{"name": "t", "partitions": 1, "replication_factor": 1}],
          "producers": [{"name": "p", "topic": "t", "config": )") +
                                config + "}]}");
        CHECK_FALSE(s.producers[0].settings.idempotence);
    }
}
