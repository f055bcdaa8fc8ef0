// Turning a scenario's `config` map into a KafkaConfig.
//
// Each key is looked up in Kafka's schema for the scope (kafka_configs.hpp):
//   - a typed setting is checked (type, range, valid values) and stored;
//     an unmodelled one also adds a warning;
//   - another real Kafka setting of the scope is kept as text with a warning;
//   - anything else is an error suggesting the nearest real name (or saying
//     which scope the name belongs to).
// Values may be JSON (30000, true, "all", ["range"]) or the text a properties
// file holds ("30000", "true", "range,sticky"). acks "-1" is stored as "all";
// assignor class names are stored as their short names ("range").
#pragma once

#include <string>
#include <vector>

#include "kafkasim/kafka_config.hpp"
#include "scenario/json_reader.hpp"
#include "scenario/kafka_configs.hpp"

namespace ks::scenario {

// Every typed setting of the scope at Kafka's default, none user-set.
KafkaConfig default_config(ConfigScope scope);
// A value in a properties file's text form ("30000", "true", "null"), typed
// by the spec. REQUIRES: a valid value (a built-in table's, not user input).
ConfigValue config_value(const ConfigSpec& spec, std::string_view text);

// Every spelling of a consumer assignor the partition.assignment.strategy
// list accepts: "range", "RangeAssignor" and both with Kafka's package
// "org.apache.kafka.clients.consumer.".
std::vector<std::string> assignor_spellings();

// Applies the user's map (an object at n) onto cfg, marking keys user-set.
void apply_config_map(KafkaConfig& cfg, const Node& n);

// A topic's config: the user's map over defaults that come from the cluster's
// broker config where Kafka derives them (retention.ms from log.retention.ms,
// .minutes or .hours; min.insync.replicas; unclean.leader.election.enable ...).
// `n` may be null (no map).
KafkaConfig resolve_topic_config(const KafkaConfig& broker, const Node* n);
// The same from a topic config already read: its user-set keys over the
// defaults this broker config gives (a broker after a rolling upgrade).
KafkaConfig resolve_topic_config(const KafkaConfig& broker, const KafkaConfig& topic);

}  // namespace ks::scenario
