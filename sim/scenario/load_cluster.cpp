// The "cluster" section: brokers and racks, controller, features, network,
// disk and the broker config.
#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/assert.hpp"
#include "scenario/config_parse.hpp"
#include "scenario/format.hpp"
#include "scenario/kafka_versions.hpp"
#include "scenario/load_parts.hpp"
#include "scenario/resolve.hpp"
#include "scenario/suggest.hpp"

namespace ks::scenario {

// KafkaConfig in KRaft mode pins the static setting to MINIMUM_KRAFT_VERSION
// (3.0-IV1): a valid one only logs that it is deprecated; one below 3.0 stops
// the broker (ConfigException), which kafkasim reports and ignores.
void warn_kraft_ibp(const Ctx& ctx, const std::string& ptr, const KafkaConfig& broker) {
    const std::string& text = broker.get_string("inter.broker.protocol.version");
    const auto ibp = parse_kafka_version(text);
    KS_ASSERT(ibp.has_value());
    if (*ibp < KafkaVersion{3, 0, 0}) {
        ctx.warn(ptr, fmt::format("inter.broker.protocol.version {} is not a KRaft version: a KRaft broker refuses to "
                                  "start with it (KafkaConfig: the minimum is 3.0-IV1); kafkasim ignores it, as "
                                  "KRaft does a valid one, and runs the metadata.version's rules (2.1's)",
                                  text));
    } else {
        ctx.warn(ptr,
                 "inter.broker.protocol.version is deprecated in KRaft mode and ignored: a KRaft cluster follows "
                 "its metadata.version, at least 3.0, whose replication rules are 2.1's (KafkaConfig)");
    }
}

namespace {

constexpr std::int64_t kBrokersMax = 1000;

// KIP-584 feature levels a scenario may set, with their highest level: the
// format table's cluster.features.
const std::vector<std::pair<std::string, std::int64_t>>& known_features() {
    static const std::vector<std::pair<std::string, std::int64_t>> f = [] {
        std::vector<std::pair<std::string, std::int64_t>> out;
        for (const format::Field& x : format::object_named("cluster.features").fields)
            out.emplace_back(x.key, static_cast<std::int64_t>(x.type.max));
        return out;
    }();
    return f;
}

void read_features(const Node& n, ClusterSpec& c) {
    std::vector<std::string> names;
    for (const auto& [name, max] : known_features()) names.push_back(name);
    for (const auto& [key, value] : map_entries(n)) {
        auto it = std::find(names.begin(), names.end(), key);
        if (it == names.end())
            n.ctx->fail(value.ptr, "unknown feature" + (did_you_mean(key, names).empty()
                                                            ? "; expected one of " + quoted_alternatives(names)
                                                            : did_you_mean(key, names)));
        const auto max = known_features()[static_cast<std::size_t>(it - names.begin())].second;
        c.features[key] = value.as_int(0, max);
        if (key != "eligible.leader.replicas.version")
            value.warn(fmt::format("feature \"{}\" is not modelled by kafkasim; ignored", key));
    }
    const auto elr = c.features.find("eligible.leader.replicas.version");
    if (elr != c.features.end() && elr->second > 0 && c.controller == ControllerKind::zookeeper)
        n.at("eligible.leader.replicas.version")
            .expected("0 with \"controller\": \"zookeeper\" (ELR, KIP-966, needs KRaft)");
    if (elr != c.features.end() && elr->second > 0 && c.kafka_version < KafkaVersion{4, 0, 0})
        n.at("eligible.leader.replicas.version")
            .expected(fmt::format("0 with Kafka {} (the feature exists from Kafka 4.0, KIP-966)",
                                  to_string(c.kafka_version)));
}

// ELR is on by default in a cluster formatted by Kafka 4.1 or later
// (Features.ELIGIBLE_LEADER_REPLICAS_VERSION's default for 4.1's metadata
// version; docs: "ELR is enabled by default on new clusters starting 4.1").
void default_features(const std::optional<Node>& features, ClusterSpec& c) {
    const bool set = features && features->j->is_object() && features->j->contains("eligible.leader.replicas.version");
    if (!set && c.controller == ControllerKind::kraft && c.kafka_version >= KafkaVersion{4, 1, 0})
        c.features["eligible.leader.replicas.version"] = 1;
}

void read_network(const Node& n, NetworkSpec& net) {
    const Obj o = Obj::of(n, "cluster.network");
    if (auto v = o.get("latency_ms")) net.latency_ms = v->as_dist();
    if (auto v = o.get("cross_rack_latency_ms")) net.cross_rack_latency_ms = v->as_dist();
    if (auto v = o.get("bandwidth_mbps")) net.bandwidth_mbps = v->as_positive();
}

void read_disk(const Node& n, DiskSpec& d) {
    const Obj o = Obj::of(n, "cluster.disk");
    if (auto v = o.get("recovery_mbytes_per_s")) d.recovery_mbytes_per_s = v->as_positive();
    if (auto v = o.get("append_latency_ms")) d.append_latency_ms = v->as_dist();
    if (auto v = o.get("flush_latency_ms")) d.flush_latency_ms = v->as_dist();
    if (auto v = o.get("throughput_mbytes_per_s")) d.throughput_mbytes_per_s = v->as_positive();
    // "mbps" read as megabits on links but meant megabytes here: the old name
    // still works, with a warning.
    if (auto v = o.get("throughput_mbps")) {
        if (o.get("throughput_mbytes_per_s")) v->expected("no \"throughput_mbps\" beside \"throughput_mbytes_per_s\"");
        d.throughput_mbytes_per_s = v->as_positive();
        v->warn(
            "\"throughput_mbps\" is deprecated: it is megabytes per second on disks; write "
            "\"throughput_mbytes_per_s\"");
    }
    if (auto v = o.get("dirty_expire_ms")) d.dirty_expire = v->as_millis();
    if (auto v = o.get("writeback_interval_ms")) {
        if (!(v->j->is_number() && v->j->get<double>() > 0)) v->expected("a number of milliseconds > 0");
        d.writeback_interval = v->as_millis();
    }
}

void read_request_cost(const Node& n, RequestCostSpec& r) {
    const Obj o = Obj::of(n, "cluster.request_cost");
    constexpr double kMax = 1e9;  // a second a byte, or 1000 s a request: a typo, not a model
    if (auto v = o.get("network_us")) r.network_us = v->as_number(0, kMax);
    if (auto v = o.get("network_ns_per_byte")) r.network_ns_per_byte = v->as_number(0, kMax);
    if (auto v = o.get("io_us")) r.io_us = v->as_number(0, kMax);
    if (auto v = o.get("io_us_per_partition")) r.io_us_per_partition = v->as_number(0, kMax);
    if (auto v = o.get("io_ns_per_byte")) r.io_ns_per_byte = v->as_number(0, kMax);
}

void add_rack(ClusterSpec& c, const std::string& rack) {
    if (std::find(c.racks.begin(), c.racks.end(), rack) == c.racks.end()) c.racks.push_back(rack);
}

void set_rack(BrokerSpec& b, const std::string& rack) {
    b.rack = rack;
    b.config.set("broker.rack", rack, true);
}

// "brokers": N with optional "racks" spread round-robin.
void brokers_by_count(const Node& n, const std::optional<Node>& racks, ClusterSpec& c) {
    const auto count = n.as_int(1, kBrokersMax);
    std::vector<std::string> rack_names;
    if (racks) {
        std::vector<std::string> seen;
        for (const auto& r : racks->items("an array of rack names")) check_unique(r, r.as_name(), seen, "rack");
        if (seen.empty()) racks->expected("a non-empty array of rack names");
        rack_names = seen;
    }
    for (std::int64_t i = 0; i < count; ++i) {
        BrokerSpec b{.id = BrokerId(static_cast<std::int32_t>(i + 1)), .rack = {}, .config = c.config};
        if (!rack_names.empty()) {
            set_rack(b, rack_names[static_cast<std::size_t>(i) % rack_names.size()]);
            add_rack(c, *b.rack);
        } else if (!b.config.is_null("broker.rack")) {
            // A broker.rack in the cluster config: every broker in that rack.
            b.rack = b.config.get_string("broker.rack");
            add_rack(c, *b.rack);
        }
        c.brokers.push_back(std::move(b));
    }
}

// "brokers": [{"id": 1, "rack": "a", "config": {...}}, ...]
void brokers_by_list(const Node& n, const std::optional<Node>& racks, ClusterSpec& c) {
    if (racks)
        racks->ctx->fail(racks->ptr,
                         "\"racks\" goes with a broker count; with a list of brokers give "
                         "each broker its \"rack\"");
    const auto items = n.items();
    if (items.empty() || items.size() > kBrokersMax) n.expected("1 to 1000 brokers");
    std::vector<std::string> ids;
    for (const auto& item : items) {
        const Obj o = Obj::of(item, "cluster.brokers[]");
        const auto idn = o.req("id");
        BrokerSpec b{
            .id = BrokerId(static_cast<std::int32_t>(idn.as_int(1, 2147483647))), .rack = {}, .config = c.config};
        check_unique(idn, std::to_string(b.id.value()), ids, "broker id");
        if (auto cfg = o.get("config")) {
            apply_config_map(b.config, *cfg);
            // A broker's compression.type is the default of the topics it
            // hosts; kafkasim resolves topics once, from cluster.config.
            if (cfg->j->is_object() && cfg->j->contains("compression.type") &&
                b.config.get_string("compression.type") != c.config.get_string("compression.type"))
                cfg->at("compression.type")
                    .warn(
                        "kafkasim takes the topics' default compression.type from cluster.config, not from one "
                        "broker's config: set it there or in the topics' config; ignored");
            check_release(*item.ctx, ptr_key(ptr_key(n.ptr, ".."), "kafka_version"),
                          ptr_key(cfg->ptr, "inter.broker.protocol.version"), b.config, c.kafka_version, c.controller);
        }
        if (auto r = o.get("rack"))
            set_rack(b, r->as_name());
        else if (!b.config.is_null("broker.rack"))
            b.rack = b.config.get_string("broker.rack");
        if (b.rack) add_rack(c, *b.rack);
        if (!c.brokers.empty() && b.rack.has_value() != c.brokers.front().rack.has_value())
            item.ctx->fail(item.ptr, "either every broker has a \"rack\" or none has");
        c.brokers.push_back(std::move(b));
    }
    std::sort(c.brokers.begin(), c.brokers.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
}

// Settings a release ignores or does not have, set by the scenario.
void warn_version_config(const Node& cluster, ClusterSpec& c) {
    const std::string cfg = ptr_key(cluster.ptr, "config");
    if (c.controller == ControllerKind::kraft && c.config.user_set("inter.broker.protocol.version"))
        warn_kraft_ibp(*cluster.ctx, ptr_key(cfg, "inter.broker.protocol.version"), c.config);
    if (c.kafka_version < KafkaVersion{0, 11, 0} && c.config.user_set("group.initial.rebalance.delay.ms")) {
        cluster.ctx->warn(ptr_key(cfg, "group.initial.rebalance.delay.ms"),
                          fmt::format("group.initial.rebalance.delay.ms does not exist in Kafka {} (KIP-134, 0.11): "
                                      "ignored, groups rebalance without a delay",
                                      to_string(c.kafka_version)));
        c.config.set("group.initial.rebalance.delay.ms", std::int64_t{0}, false);
    }
}

}  // namespace

KafkaVersion read_kafka_version(const Node& n) {
    const std::string text = n.j->is_string() ? n.j->get<std::string>() : std::string();
    const auto v = parse_kafka_version(text);
    if (!v || *v < kOldestKafkaVersion)
        n.expected(std::string("a Kafka release from 0.10.0 to 4.1 such as \"3.9\", \"3.6\" or \"0.10.2\"") +
                   (n.j->is_number() ? " (a string; with --set, quote it: PATH='\"3.6\"')" : ""));
    return *v;
}

void check_release(const Ctx& ctx, const std::string& version_ptr, const std::string& ibp_ptr,
                   const KafkaConfig& broker, KafkaVersion v, ControllerKind controller) {
    const std::string release = to_string(v);
    if (controller == ControllerKind::zookeeper && v >= KafkaVersion{4, 0, 0})
        ctx.fail(version_ptr, fmt::format("Kafka {} has no ZooKeeper mode (removed in 4.0, KIP-833): with "
                                          "\"controller\": \"zookeeper\" use a kafka_version up to 3.9",
                                          release));
    if (controller == ControllerKind::kraft && v < KafkaVersion{2, 8, 0})
        ctx.fail(version_ptr, fmt::format("Kafka {} has no KRaft mode (it came in 2.8, KIP-500): set \"controller\": "
                                          "\"zookeeper\" (kafkasim's default controller is \"kraft\")",
                                          release));
    const auto ibp = parse_kafka_version(broker.get_string("inter.broker.protocol.version"));
    KS_ASSERT(ibp.has_value());
    if (*ibp > v)
        ctx.fail(ibp_ptr, fmt::format("inter.broker.protocol.version {} is newer than the brokers' release, Kafka {} "
                                      "(kafka_version): a broker knows no protocol newer than itself",
                                      broker.get_string("inter.broker.protocol.version"), release));
}

void read_cluster(const std::optional<Node>& n, Scenario& s) {
    ClusterSpec& c = s.cluster;
    c.config = default_config(ConfigScope::broker);
    for (const auto& [name, max] : known_features()) c.features[name] = 0;
    if (!n) {  // the default cluster: three brokers, no racks
        for (int i = 1; i <= 3; ++i) c.brokers.push_back(BrokerSpec{.id = BrokerId(i), .rack = {}, .config = c.config});
        return;
    }
    const Obj o = Obj::of(*n, "cluster");
    if (auto v = o.get("config")) apply_config_map(c.config, *v);
    if (auto v = o.get("controller"))
        c.controller = v->as_enum(format::enum_values("cluster", "controller")) == "kraft" ? ControllerKind::kraft
                                                                                           : ControllerKind::zookeeper;
    if (auto v = o.get("kafka_version")) c.kafka_version = read_kafka_version(*v);
    apply_version_defaults(c.config, c.kafka_version);
    check_release(*n->ctx, o.get("kafka_version") ? ptr_key(n->ptr, "kafka_version") : ptr_key(n->ptr, "controller"),
                  ptr_key(ptr_key(n->ptr, "config"), "inter.broker.protocol.version"), c.config, c.kafka_version,
                  c.controller);
    warn_version_config(*n, c);
    if (auto v = o.get("rack_aware")) c.rack_aware = v->as_bool();
    if (auto v = o.get("features")) read_features(*v, c);
    default_features(o.get("features"), c);
    if (auto v = o.get("network")) read_network(*v, c.network);
    if (auto v = o.get("disk")) read_disk(*v, c.disk);
    if (auto v = o.get("request_cost")) read_request_cost(*v, c.request_cost);
    const auto brokers = o.get("brokers");
    if (!brokers) {
        n->ctx->fail(n->ptr, "missing \"brokers\" (a count, or a list of {\"id\", \"rack\"})");
    } else if (brokers->j->is_array()) {
        brokers_by_list(*brokers, o.get("racks"), c);
    } else if (brokers->j->is_number_integer()) {
        brokers_by_count(*brokers, o.get("racks"), c);
    } else {
        brokers->expected("a number of brokers or a list of {\"id\", \"rack\", \"config\"}");
    }
}

BrokerId read_broker_ref(const Node& n, const Scenario& s) {
    const auto& brokers = s.cluster.brokers;
    if (n.j->is_number_integer()) {
        const auto v = n.j->get<std::int64_t>();
        for (const auto& b : brokers)
            if (b.id.value() == v) return b.id;
    }
    const bool dense = brokers.back().id.value() == static_cast<std::int32_t>(brokers.size());
    if (dense) n.expected(fmt::format("a broker id of this cluster (1 to {})", brokers.size()));
    std::vector<std::int32_t> ids;
    for (const auto& b : brokers) ids.push_back(b.id.value());
    n.expected(fmt::format("one of the broker ids {}", fmt::join(ids, ", ")));
}

}  // namespace ks::scenario
