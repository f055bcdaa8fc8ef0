// Every Kafka key the loader types as modelled changes what a run sees: a
// non-default value of it changes the resolved settings
// (scenario/resolve.hpp) or the scenario's structure. A real Kafka key that
// kafkasim does not simulate is typed as unmodelled and warns. This test keeps
// the two honest: it fails on a "modelled" key that nothing reads.
#include <doctest/doctest.h>

#include <map>
#include <optional>
#include <sstream>
#include <string>

#include <fmt/format.h>

#include "kafkasim/errors.hpp"
#include "kafkasim/scenario.hpp"
#include "scenario/kafka_configs.hpp"

using namespace ks;
using namespace ks::scenario;

namespace {

const char* kBase = R"({"name": "keys", "duration_s": 10,
  "cluster": {"brokers": 3, "controller": "CONTROLLER"},
  "topics": [{"name": "t", "partitions": 3, "replication_factor": 3}, {"name": "u"}],
  "producers": [{"name": "p", "topic": "t"}],
  "consumer_groups": [{"group_id": "g", "topics": ["t"]}]})";

// Modelled keys whose effect is not in the resolved settings, and why they
// still change a run.
const std::map<std::string, std::string> kNotInSettings = {
    {"broker:broker.rack", "places the broker in a rack (BrokerSpec::rack)"},
    {"broker:default.replication.factor", "the replication factor of a topic that gives none"},
    {"broker:num.partitions", "the partition count of a topic that gives none"},
    {"broker:group.min.session.timeout.ms", "bounds session.timeout.ms: outside them the scenario is refused"},
    {"broker:group.max.session.timeout.ms", "bounds session.timeout.ms: outside them the scenario is refused"},
    {"broker:log.cleanup.policy", "delete is what retention does; compact warns (not simulated yet)"},
    {"topic:cleanup.policy", "delete is what retention does; compact warns (not simulated yet)"},
};

// Keys that only matter in a context the base scenario lacks: the --set
// overrides applied before and after (the consumer group protocol needs Kafka
// 4.0 brokers, and group.remote.assignor the consumer protocol).
const std::map<std::string, std::vector<std::string>> kContext = {
    {"consumer:group.protocol", {R"(cluster.kafka_version="4.0")"}},
    {"consumer:group.remote.assignor",
     {R"(cluster.kafka_version="4.0")", R"(consumer_groups.g.config.group.protocol="consumer")"}},
};

// Values to try where the generic rule (another valid value) needs help.
const std::map<std::string, std::string> kAlternative = {
    {"acks", "\"1\""},
    {"auto.offset.reset", "\"earliest\""},
    {"partition.assignment.strategy", "\"roundrobin\""},
    {"partitioner.class", "\"org.apache.kafka.clients.producer.RoundRobinPartitioner\""},
    {"inter.broker.protocol.version", "\"2.0\""},
    {"group.instance.id", "\"host\""},
    {"broker.rack", "\"r1\""},
    {"log.cleanup.policy", "\"compact\""},
    {"cleanup.policy", "\"compact\""},
    {"min.insync.replicas", "2"},
    {"default.replication.factor", "3"},
    {"offsets.topic.replication.factor", "1"},
    {"session.timeout.ms", "10000"},
    {"group.min.session.timeout.ms", "50000"},  // refuses the default session.timeout.ms 45000
    {"group.max.session.timeout.ms", "40000"},  // likewise
    {"heartbeat.interval.ms", "2000"},
    {"retries", "5"},
    {"max.in.flight.requests.per.connection", "4"},
    {"send.buffer.bytes", "65536"},
};

std::string alternative(const ConfigSpec& spec) {
    if (auto it = kAlternative.find(std::string(spec.name)); it != kAlternative.end()) return it->second;
    const std::string d(spec.default_text);
    switch (spec.type) {
        case ConfigType::boolean:
            return d == "true" ? "false" : "true";
        case ConfigType::int32:
        case ConfigType::int64: {
            if (d == "null") return "1000";
            const long double v = std::stold(d);
            if (v > 1e15L) return "1000";
            return fmt::format("{}", static_cast<std::int64_t>(v) + 1);
        }
        case ConfigType::float64:
            return "0.25";
        case ConfigType::enumeration:
        case ConfigType::list: {
            std::istringstream options{std::string(spec.values)};
            std::string option;
            while (std::getline(options, option, '|')) {
                if (option != d) return "\"" + option + "\"";
            }
            return "\"" + d + "\"";
        }
        case ConfigType::string:
            return "\"x\"";
    }
    return "1";
}

std::string path_of(ConfigScope scope, std::string_view key) {
    switch (scope) {
        case ConfigScope::broker:
            return fmt::format("cluster.config.{}", key);
        case ConfigScope::topic:
            return fmt::format("topics.t.config.{}", key);
        case ConfigScope::producer:
            return fmt::format("producers.p.config.{}", key);
        case ConfigScope::consumer:
            return fmt::format("consumer_groups.g.config.{}", key);
    }
    return "";
}

// What a run sees of the scenario: the resolved settings and the structure.
bool same_run_inputs(const Scenario& a, const Scenario& b) {
    if (!(a.cluster.controller_settings == b.cluster.controller_settings)) return false;
    for (std::size_t i = 0; i < a.cluster.brokers.size(); ++i) {
        if (!(a.cluster.brokers[i].settings == b.cluster.brokers[i].settings)) return false;
        if (a.cluster.brokers[i].rack != b.cluster.brokers[i].rack) return false;
    }
    for (std::size_t i = 0; i < a.topics.size(); ++i) {
        if (!(a.topics[i].settings == b.topics[i].settings)) return false;
        if (a.topics[i].partitions != b.topics[i].partitions) return false;
        if (a.topics[i].replication_factor != b.topics[i].replication_factor) return false;
    }
    return a.producers[0].settings == b.producers[0].settings &&
           a.consumer_groups[0].settings == b.consumer_groups[0].settings;
}

std::string base(const char* controller) {
    std::string s = kBase;
    s.replace(s.find("CONTROLLER"), 10, controller);
    return s;
}

}  // namespace

TEST_CASE("config: every key typed as modelled changes what a run sees; the others warn") {
    for (ConfigScope scope : {ConfigScope::broker, ConfigScope::topic, ConfigScope::producer, ConfigScope::consumer}) {
        for (const ConfigSpec& spec : config_specs(scope)) {
            const std::string id = fmt::format("{}:{}", to_string(scope), spec.name);
            CAPTURE(id);
            const std::string set = path_of(scope, spec.name) + "=" + alternative(spec);
            CAPTURE(set);
            const auto context = kContext.find(id);
            LoadOptions before_options, after_options;
            if (context != kContext.end()) before_options.overrides = context->second;
            after_options.overrides = before_options.overrides;
            after_options.overrides.push_back(set);
            bool changed = false, refused = false, warned = false;
            // Some keys only matter to one kind of controller (the ZooKeeper
            // session, KRaft's heartbeats): either may show the change.
            for (const char* controller : {"kraft", "zookeeper"}) {
                std::optional<Loaded> loaded_before;
                try {
                    loaded_before = load_string(base(controller), "keys.json", before_options);
                } catch (const InputError&) {
                    // A context that kind of controller cannot run (Kafka 4.0 has no ZooKeeper mode).
                    if (context == kContext.end()) throw;
                    continue;
                }
                const Loaded& before = *loaded_before;
                try {
                    const Loaded after = load_string(base(controller), "keys.json", after_options);
                    changed |= !same_run_inputs(before.scenario, after.scenario);
                    warned |= after.warnings.size() > before.warnings.size();
                } catch (const InputError&) {
                    refused = true;  // a bound that refuses: it changes whether a run happens
                }
            }
            if (!spec.modelled) {
                CHECK_MESSAGE(warned, "an unmodelled key must warn");
                CHECK_MESSAGE(!changed, "an unmodelled key must not change a run");
                continue;
            }
            if (kNotInSettings.count(id)) {
                CHECK_MESSAGE((changed || refused || warned), kNotInSettings.at(id));
                continue;
            }
            CHECK_MESSAGE(changed,
                          "typed as modelled, yet no resolved setting changes: read it in "
                          "scenario/resolve.cpp or type it unmodelled (a warning)");
        }
    }
}
