// The schema of Kafka's configuration, per scope (broker, topic, producer,
// consumer): for each setting kafkasim knows the type of, its Kafka type, its
// default (as Kafka documents it, Kafka 4.0), its valid values or range, and
// whether kafkasim models it. Beside the typed table, a list of the other real
// Kafka setting names per scope lets a pasted properties file pass with
// warnings while a typo is an error.
//
// Sources: apache/kafka TopicConfig.java, ProducerConfig.java,
// ConsumerConfig.java, CommonClientConfigs.java, ServerLogConfigs.java,
// ReplicationConfigs.java, ServerConfigs.java, KRaftConfigs.java,
// GroupCoordinatorConfig.java (trunk, late 2024). The table is data, immutable.
#pragma once

#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "kafkasim/kafka_config.hpp"

namespace ks::scenario {

// A check beyond type and range.
enum class ConfigCheck {
    none,
    version,            // inter.broker.protocol.version: "0.10.2", "0.11", "2.0", "3.9-IV0"
    assignor,           // a consumer assignor: short name or Kafka class name
    partitioner_class,  // producer partitioner.class: null or RoundRobinPartitioner
};

struct ConfigSpec {
    std::string_view name;
    ConfigType type = ConfigType::string;
    std::string_view default_text;  // Kafka's default in text form; "null" for none
    double min = -std::numeric_limits<double>::infinity();
    double max = std::numeric_limits<double>::infinity();
    std::string_view values;   // enumeration / list elements: "a|b|c" ("" any)
    bool modelled = true;      // false: typed and accepted, with a warning
    std::string_view synonym;  // topic: the broker setting it defaults from
    ConfigCheck check = ConfigCheck::none;
};

// The typed settings of a scope, in name order.
const std::vector<ConfigSpec>& config_specs(ConfigScope scope);
// nullptr unless `name` is in config_specs(scope).
const ConfigSpec* find_config_spec(ConfigScope scope, std::string_view name);
// Real Kafka setting names of a scope that are not in the typed table.
const std::vector<std::string>& other_kafka_names(ConfigScope scope);
// Every real name of the scope (typed and other), for suggestions.
std::vector<std::string> all_kafka_names(ConfigScope scope);
bool is_kafka_name(ConfigScope scope, std::string_view name);

// The valid values of an enumeration/list spec, split on '|'.
std::vector<std::string> spec_values(const ConfigSpec& spec);

}  // namespace ks::scenario
