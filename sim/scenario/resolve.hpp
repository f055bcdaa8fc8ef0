// Settings resolved once: Kafka's `config` maps (KafkaConfig: Kafka's names,
// typed values, Kafka's defaults) into the typed settings the protocol reads
// (kafkasim/settings.hpp). This file is the only place that reads a Kafka
// setting by its name for the simulation; the loader calls resolve_settings
// on every scenario it returns, and the runner calls resolve_broker for a
// rolling upgrade's new broker config.
#pragma once

#include <optional>
#include <string_view>

#include "kafkasim/scenario.hpp"
#include "kafkasim/settings.hpp"

namespace ks::scenario {

// Kafka's version strings ("0.10.2", "0.10.2-IV0", "0.11.0", "2.0", "2.8",
// "3.9", "3.9-IV0", "4.0", "4.1"); nullopt for a release line Kafka does not
// have (0.8 to 4.1 are known).
std::optional<KafkaVersion> parse_kafka_version(std::string_view text);
// The replication rules of an inter.broker.protocol.version.
ProtocolVersion protocol_of(KafkaVersion v);
std::optional<ProtocolVersion> parse_protocol_version(std::string_view text);

TopicSettings resolve_topic(const KafkaConfig& topic);
// A topic's settings on one broker: the topic's own settings over this
// broker's defaults (a broker whose config differs from the cluster's, as
// after a rolling upgrade).
TopicSettings resolve_topic_on(const KafkaConfig& broker, const KafkaConfig& topic);
BrokerSettings resolve_broker(const KafkaConfig& broker, ControllerKind controller, KafkaVersion version);
ControllerSettings resolve_controller(const ClusterSpec& cluster);
ProducerSettings resolve_producer(const KafkaConfig& producer);
ConsumerSettings resolve_consumer(const KafkaConfig& group);

// Fills every spec's `settings` from its `config`. REQUIRES: a validated scenario.
void resolve_settings(Scenario& s);

}  // namespace ks::scenario
