#include "scenario/kafka_versions.hpp"

#include "core/assert.hpp"
#include "scenario/config_parse.hpp"
#include "scenario/kafka_configs.hpp"

namespace ks::scenario {

// Checked against each release's KafkaConfig.scala `object Defaults` (and the
// *Configs.java files that replaced it); kafka_versions_test.cpp pins them.
const std::vector<VersionDefault>& version_defaults() {
    static const std::vector<VersionDefault> rows = {
        // The group coordinator had no initial delay before KIP-134.
        {"group.initial.rebalance.delay.ms", {0, 11, 0}, "0", "KIP-134 (0.11.0)"},
        {"group.max.session.timeout.ms", {2, 3, 0}, "300000", "KIP-345 (2.3.0)"},
        {"num.recovery.threads.per.data.dir", {4, 0, 0}, "1", "KIP-1030 (4.0.0)"},
        {"offsets.retention.minutes", {2, 0, 0}, "1440", "KIP-186 (2.0.0)"},
        {"replica.lag.time.max.ms", {2, 5, 0}, "10000", "KIP-537 (2.5.0)"},
        {"unclean.leader.election.enable", {0, 11, 0}, "true", "KIP-106 (0.11.0)"},
        {"zookeeper.session.timeout.ms", {2, 5, 0}, "6000", "KIP-537 (2.5.0)"},
    };
    return rows;
}

void apply_version_defaults(KafkaConfig& broker, KafkaVersion v) {
    KS_ASSERT(broker.scope() == ConfigScope::broker);
    std::string_view done;
    for (const VersionDefault& row : version_defaults()) {
        if (row.key == done || broker.user_set(row.key)) continue;
        const ConfigSpec* spec = find_config_spec(ConfigScope::broker, row.key);
        KS_ASSERT_MSG(spec != nullptr, "version default for an untyped key {}", row.key);
        // The first row whose change came after v gives v's default; none:
        // today's.
        const std::vector<VersionDefault>& rows = version_defaults();
        std::string_view value = spec->default_text;
        for (const VersionDefault& r : rows) {
            if (r.key == row.key && v < r.until) {
                value = r.value;
                break;
            }
        }
        broker.set(std::string(row.key), config_value(*spec, value), false);
        done = row.key;
    }
    if (!broker.user_set("inter.broker.protocol.version"))
        broker.set("inter.broker.protocol.version", ConfigValue{to_string(v)}, false);
}

// Checked against ProducerConfig.java / ConsumerConfig.java at each tag
// (2.0.0 vs 2.1.0, 2.8.0 vs 3.0.0, 3.2.0 vs 3.3.0, ...) and, for 4.0, KIP-1030.
const std::vector<ClientVersionDefault>& client_version_defaults() {
    static const std::vector<ClientVersionDefault> rows = {
        {ConfigScope::producer, "acks", {3, 0, 0}, "1", "KIP-679 (3.0.0)"},
        {ConfigScope::producer, "enable.idempotence", {3, 0, 0}, "false", "KIP-679 (3.0.0)"},
        {ConfigScope::producer, "linger.ms", {4, 0, 0}, "0", "KIP-1030 (4.0.0)"},
        {ConfigScope::consumer, "partition.assignment.strategy", {3, 0, 0}, "range", "KIP-726 (3.0.0)"},
        {ConfigScope::consumer, "session.timeout.ms", {3, 0, 0}, "10000", "KIP-735 (3.0.0)"},
    };
    return rows;
}

const std::vector<ClientKeySince>& client_keys_since() {
    static const std::vector<ClientKeySince> rows = {
        {ConfigScope::consumer, "group.instance.id", {2, 3, 0}, "KIP-345 (2.3.0)"},
        {ConfigScope::consumer, "group.protocol", {3, 7, 0}, "KIP-848 (3.7.0)"},
        {ConfigScope::consumer, "group.remote.assignor", {3, 7, 0}, "KIP-848 (3.7.0)"},
        {ConfigScope::producer, "partitioner.adaptive.partitioning.enable", {3, 3, 0}, "KIP-794 (3.3.0)"},
        {ConfigScope::producer, "partitioner.availability.timeout.ms", {3, 3, 0}, "KIP-794 (3.3.0)"},
        {ConfigScope::producer, "partitioner.ignore.keys", {3, 3, 0}, "KIP-794 (3.3.0)"},
        {ConfigScope::producer, "retry.backoff.max.ms", {3, 7, 0}, "KIP-580 (3.7.0)"},
        {ConfigScope::consumer, "retry.backoff.max.ms", {3, 7, 0}, "KIP-580 (3.7.0)"},
    };
    return rows;
}

void apply_client_version_defaults(KafkaConfig& client, KafkaVersion v) {
    for (const ClientVersionDefault& row : client_version_defaults()) {
        if (row.scope != client.scope() || client.user_set(row.key) || v >= row.until) continue;
        const ConfigSpec* spec = find_config_spec(row.scope, row.key);
        KS_ASSERT_MSG(spec != nullptr, "client version default for an untyped key {}", row.key);
        client.set(std::string(row.key), config_value(*spec, row.value), false);
    }
}

void apply_upgrade(KafkaConfig& broker, KafkaVersion& version, const FaultSpec& upgrade) {
    if (upgrade.kafka_version) {
        version = *upgrade.kafka_version;
        apply_version_defaults(broker, version);
    }
    for (const std::string& key : upgrade.set.user_keys()) broker.set(key, upgrade.set.value(key), true);
}

}  // namespace ks::scenario
