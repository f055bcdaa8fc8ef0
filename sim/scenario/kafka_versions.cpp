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

void apply_upgrade(KafkaConfig& broker, KafkaVersion& version, const FaultSpec& upgrade) {
    if (upgrade.kafka_version) {
        version = *upgrade.kafka_version;
        apply_version_defaults(broker, version);
    }
    for (const std::string& key : upgrade.set.user_keys()) broker.set(key, upgrade.set.value(key), true);
}

}  // namespace ks::scenario
