// The "cluster" section: brokers and racks, controller, features, network,
// disk and the broker config.
#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/assert.hpp"
#include "scenario/config_parse.hpp"
#include "scenario/load_parts.hpp"
#include "scenario/suggest.hpp"

namespace ks::scenario {

namespace {

constexpr std::int64_t kBrokersMax = 1000;

// KIP-584 feature levels a scenario may set, with their highest level.
const std::vector<std::pair<std::string, std::int64_t>>& known_features() {
    static const std::vector<std::pair<std::string, std::int64_t>> f = {
        {"eligible.leader.replicas.version", 1},
        {"group.version", 1},
        {"kraft.version", 1},
        {"transaction.version", 2},
    };
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
}

void read_network(const Node& n, NetworkSpec& net) {
    Obj o(n, {"latency_ms", "cross_rack_latency_ms", "bandwidth_mbps"});
    if (auto v = o.get("latency_ms")) net.latency_ms = v->as_dist();
    if (auto v = o.get("cross_rack_latency_ms")) net.cross_rack_latency_ms = v->as_dist();
    if (auto v = o.get("bandwidth_mbps")) net.bandwidth_mbps = v->as_positive();
}

void read_disk(const Node& n, DiskSpec& d) {
    Obj o(n, {"append_latency_ms", "flush_latency_ms", "throughput_mbytes_per_s", "throughput_mbps",
              "recovery_mbytes_per_s", "dirty_expire_ms", "writeback_interval_ms"});
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
        Obj o(item, {"id", "rack", "config"});
        const auto idn = o.req("id");
        BrokerSpec b{
            .id = BrokerId(static_cast<std::int32_t>(idn.as_int(1, 2147483647))), .rack = {}, .config = c.config};
        check_unique(idn, std::to_string(b.id.value()), ids, "broker id");
        if (auto cfg = o.get("config")) apply_config_map(b.config, *cfg);
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

}  // namespace

void read_cluster(const std::optional<Node>& n, Scenario& s) {
    ClusterSpec& c = s.cluster;
    c.config = default_config(ConfigScope::broker);
    for (const auto& [name, max] : known_features()) c.features[name] = 0;
    if (!n) {  // the default cluster: three brokers, no racks
        for (int i = 1; i <= 3; ++i) c.brokers.push_back(BrokerSpec{.id = BrokerId(i), .rack = {}, .config = c.config});
        return;
    }
    Obj o(*n, {"brokers", "racks", "rack_aware", "controller", "features", "network", "disk", "config"});
    if (auto v = o.get("config")) apply_config_map(c.config, *v);
    if (auto v = o.get("controller"))
        c.controller =
            v->as_enum({"kraft", "zookeeper"}) == "kraft" ? ControllerKind::kraft : ControllerKind::zookeeper;
    if (auto v = o.get("rack_aware")) c.rack_aware = v->as_bool();
    if (auto v = o.get("features")) read_features(*v, c);
    if (auto v = o.get("network")) read_network(*v, c.network);
    if (auto v = o.get("disk")) read_disk(*v, c.disk);
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
