// Which Kafka release the brokers run (cluster.kafka_version, a rolling
// upgrade's "kafka_version"): the defaults that release ships and the checks a
// release makes of its configuration. What a release does differently at run
// time is in sim/kafka/versions.hpp; docs/kafka-versions.md lists both.
#pragma once

#include <string_view>
#include <vector>

#include "kafkasim/kafka_config.hpp"
#include "kafkasim/scenario.hpp"
#include "kafkasim/settings.hpp"

namespace ks::scenario {

// The default release: the last one with both ZooKeeper and KRaft.
inline constexpr KafkaVersion kDefaultKafkaVersion{3, 9, 0};
// The oldest release kafkasim runs (rack-aware placement, KIP-36); the
// loader's message names it.
inline constexpr KafkaVersion kOldestKafkaVersion{0, 10, 0};

// A broker default that differs in older releases: before `until`, `key`
// defaulted to `value` (Kafka's text form).
struct VersionDefault {
    std::string_view key;
    KafkaVersion until;
    std::string_view value;
    std::string_view source;  // the KIP or JIRA that changed it
};
// Every such row, by key, oldest first.
const std::vector<VersionDefault>& version_defaults();

// Sets the broker config's defaults to release v's: each key of
// version_defaults() and inter.broker.protocol.version (which defaults to the
// release itself), unless the scenario set the key.
void apply_version_defaults(KafkaConfig& broker, KafkaVersion v);

// ---- clients (a producer's or a consumer group's "client_version") ----

// The default client release, and the oldest kafkasim models (the producer's
// delivery.timeout.ms and retries = MAX_INT, KIP-91, 2.1).
inline constexpr KafkaVersion kDefaultClientVersion{4, 0, 0};
inline constexpr KafkaVersion kOldestClientVersion{2, 1, 0};

// A client default that differs in older releases: before `until`, `key` of
// `scope` defaulted to `value`.
struct ClientVersionDefault {
    ConfigScope scope;
    std::string_view key;
    KafkaVersion until;
    std::string_view value;
    std::string_view source;
};
const std::vector<ClientVersionDefault>& client_version_defaults();
// A client setting that exists only from release `since`.
struct ClientKeySince {
    ConfigScope scope;
    std::string_view key;
    KafkaVersion since;
    std::string_view source;
};
const std::vector<ClientKeySince>& client_keys_since();

// Sets the client config's defaults to release v's, unless the scenario set the key.
void apply_client_version_defaults(KafkaConfig& client, KafkaVersion v);

// One broker through a rolling upgrade step: the new release (its defaults
// for every key not set), then the `set` keys.
void apply_upgrade(KafkaConfig& broker, KafkaVersion& version, const FaultSpec& upgrade);

}  // namespace ks::scenario
