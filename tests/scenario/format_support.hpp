// Helpers of the format-table tests: loading a document and validating it
// against the emitted schema, finding where each object of the table sits in
// a document, scenario documents that hold every object, and a fingerprint of
// a loaded Scenario (every field, to compare two loads).
#pragma once

#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "kafkasim/errors.hpp"
#include "kafkasim/scenario.hpp"
#include "scenario/format.hpp"
#include "scenario/loader.hpp"
#include "scenario/schema.hpp"
#include "support/json_schema.hpp"

namespace ks::test {

using json = nlohmann::json;
namespace format = ks::scenario::format;

inline const JsonSchema& emitted_schema() {
    static const JsonSchema s(json::parse(ks::scenario::scenario_schema().dump()));
    return s;
}

// The loader's verdict: empty when it accepts, else its message.
inline std::string loader_error(const json& doc) {
    try {
        ks::scenario::load_json(doc, "t.json");
        return "";
    } catch (const ks::InputError& e) {
        return e.what();
    }
}

inline std::string pointer_key(const std::string& key) {
    std::string out;
    for (char c : key) out += c == '~' ? std::string("~0") : c == '/' ? std::string("~1") : std::string(1, c);
    return out;
}

// An object of the table found in a document: its name and JSON pointer.
struct Instance {
    std::string object;
    std::string ptr;
};

inline void walk_object(const format::Object& o, const json& v, const std::string& ptr, std::vector<Instance>& out);

inline void walk_type(const format::Type& t, const json& v, const std::string& ptr, std::vector<Instance>& out) {
    using format::Kind;
    if (t.kind == Kind::object && v.is_object()) walk_object(format::object_named(t.ref), v, ptr, out);
    if (t.kind == Kind::dist && v.is_object()) walk_object(format::object_named("dist"), v, ptr, out);
    if (t.kind == Kind::array && v.is_array())
        for (std::size_t i = 0; i < v.size(); ++i) walk_type(t.of.front(), v[i], ptr + "/" + std::to_string(i), out);
    if (t.kind == Kind::map && v.is_object())
        for (const auto& [key, value] : v.items()) walk_type(t.of.front(), value, ptr + "/" + pointer_key(key), out);
    if (t.kind == Kind::one_of)
        for (const format::Type& a : t.of) walk_type(a, v, ptr, out);
}

// Every instance of an object of the table in `v` (an instance of `o`),
// variants included.
inline void walk_object(const format::Object& o, const json& v, const std::string& ptr, std::vector<Instance>& out) {
    out.push_back({o.name, ptr});
    if (!o.discriminator.empty() && v.contains(o.discriminator))
        for (const format::Object* variant : format::variants(o.name))
            if (v[o.discriminator] == variant->variant_value) walk_object(*variant, v, ptr, out);
    for (const format::Field& f : o.fields)
        if (v.contains(f.key)) walk_type(f.type, v[f.key], ptr + "/" + pointer_key(f.key), out);
}

inline std::vector<Instance> instances(const json& doc) {
    std::vector<Instance> out;
    walk_object(format::object_named(""), doc, "", out);
    return out;
}

// A scenario holding every object and every key of the table (the list-form
// brokers and the deprecated disk key are in list_form_doc()).
inline json rich_doc() {
    return json::parse(R"({
  "name": "rich", "description": "every object of the format table", "seed": 7, "duration_s": 100,
  "sample_interval_ms": 1000, "settle_max_s": 60, "$schema": "../docs/scenario.schema.json",
  "cluster": {
    "brokers": 3, "racks": ["a", "b", "c"], "rack_aware": true, "controller": "kraft", "kafka_version": "3.9",
    "features": {"eligible.leader.replicas.version": 0, "group.version": 0, "kraft.version": 0, "transaction.version": 0},
    "network": {"latency_ms": {"dist": "lognormal", "median": 1, "p99": 2},
                "cross_rack_latency_ms": {"dist": "exponential", "mean": 1}, "bandwidth_mbps": 1000},
    "disk": {"append_latency_ms": {"dist": "constant", "value": 0.1}, "flush_latency_ms": {"dist": "uniform", "min": 0, "max": 5},
             "throughput_mbytes_per_s": 100, "recovery_mbytes_per_s": 100, "dirty_expire_ms": 100, "writeback_interval_ms": 100},
    "request_cost": {"network_us": 1, "network_ns_per_byte": 1, "io_us": 1, "io_us_per_partition": 1, "io_ns_per_byte": 1},
    "config": {"min.insync.replicas": 2}
  },
  "topics": [{"name": "orders", "partitions": 4, "replication_factor": 3, "config": {"retention.ms": 100000}}],
  "producers": [
    {"name": "checkout", "topic": "orders", "rate_per_s": 100, "value_bytes": {"dist": "normal", "mean": 100, "stddev": 10},
     "keys": {"kind": "zipf", "count": 100, "exponent": 1.5}, "arrival": "constant",
     "partitioner": {"kind": "weighted", "rules": [{"keys": {"from": 0, "to": 0}, "partitions": [0], "weights": [1]},
                                                   {"partitions": [0]}]},
     "client_version": "3.6", "send_threads": 2, "value_compressibility": 0.5, "config": {"acks": "all"}}
  ],
  "consumer_groups": [{"group_id": "billing", "topics": ["orders"], "members": 2, "processing_ms_per_record": 0.1,
                       "client_version": "3.6", "config": {"enable.auto.commit": true}}],
  "faults": [
    {"at_s": 0, "action": "crash", "broker": 1, "for_s": 5},
    {"at_s": 0, "action": "restart", "broker": 1},
    {"at_s": 0, "action": "pause", "broker": 2, "for_s": 5},
    {"at_s": 0, "action": "power_loss", "rack": "a", "for_s": 5},
    {"at_s": 0, "action": "power_loss", "broker": 2},
    {"at_s": 0, "action": "partition", "groups": [[1], [2, 3, "clients"]], "for_s": 5},
    {"at_s": 0, "action": "partition", "from": [1], "to": [2, "clients"]},
    {"at_s": 0, "action": "link", "between": [1, 2], "latency_ms": 5, "loss": 0.1, "for_s": 5},
    {"at_s": 0, "action": "disk_slow", "broker": 3, "factor": 2, "for_s": 5},
    {"at_s": 0, "action": "rolling_restart", "order": [1, 2, 3], "controlled": true, "wait_for_isr": true},
    {"at_s": 0, "action": "rolling_upgrade", "order": [3, 2, 1], "controlled": false, "wait_for_isr": false,
     "kafka_version": "3.9", "set": {"replica.lag.time.max.ms": 20000}},
    {"at_s": 0, "action": "consumer_crash", "group": "billing", "member": 0},
    {"at_s": 0, "action": "consumer_join", "group": "billing"},
    {"at_s": 0, "action": "consumer_leave", "group": "billing", "member": 0},
    {"at_s": 0, "action": "slow_consumer", "group": "billing", "member": 0, "factor": 2, "for_s": 5},
    {"at_s": 0, "action": "stop_consumer", "group": "billing", "for_s": 5},
    {"at_s": 0, "action": "producer_rate", "producer": "checkout", "rate_per_s": 10, "for_s": 5}
  ],
  "chaos": {"enabled": false, "mean_interval_s": 20, "actions": ["crash", "pause"], "for_s": 3, "max_concurrent": 1},
  "burrow": {"offset_refresh_s": 10, "intervals": 10, "min_distance_s": 0, "expire_group_s": 600},
  "compare": {"vary": {"topics.orders.partitions": [2, 4]}, "seeds": 2},
  "expect": {"records.acked_lost": {"max": 0}, "records.sent": {"min": 0, "max": 1e9}, "seed": {"equals": 7}}
})");
}

inline json list_form_doc() {
    return json::parse(R"({
  "name": "list-form",
  "cluster": {"brokers": [{"id": 1, "rack": "a", "config": {"num.replica.fetchers": 2}}, {"id": 2, "rack": "b"}],
              "disk": {"throughput_mbps": 100}}
})");
}

// The documents the tests walk: between them, every object and key.
inline std::vector<json> host_docs() {
    return {rich_doc(), list_form_doc()};
}

// ---- a loaded Scenario as JSON, every field -------------------------------

inline json dist_json(const DistSpec& d) {
    return {static_cast<int>(d.kind), d.a, d.b};
}

inline json config_json(const KafkaConfig& c) {
    json out = json::object();
    for (const auto& [key, value] : c.entries()) out[key] = config_value_text(value);
    for (const auto& [key, text] : c.unmodelled()) out["unmodelled " + key] = text;
    return out;
}

inline json node_set_json(const NodeSet& n) {
    json ids = json::array();
    for (BrokerId b : n.brokers) ids.push_back(b.value());
    return {ids, n.clients};
}

inline json cluster_json(const ClusterSpec& c) {
    json brokers = json::array();
    for (const auto& b : c.brokers) brokers.push_back({b.id.value(), b.rack.value_or("-"), config_json(b.config)});
    const auto& n = c.network;
    const auto& d = c.disk;
    const auto& r = c.request_cost;
    return {{"brokers", brokers},
            {"racks", c.racks},
            {"rack_aware", c.rack_aware},
            {"controller", static_cast<int>(c.controller)},
            {"kafka_version", to_string(c.kafka_version)},
            {"features", c.features},
            {"network", {dist_json(n.latency_ms), dist_json(n.cross_rack_latency_ms), n.bandwidth_mbps}},
            {"disk",
             {dist_json(d.append_latency_ms), dist_json(d.flush_latency_ms), d.throughput_mbytes_per_s,
              d.recovery_mbytes_per_s, d.dirty_expire.ns(), d.writeback_interval.ns()}},
            {"request_cost", {r.network_us, r.network_ns_per_byte, r.io_us, r.io_us_per_partition, r.io_ns_per_byte}},
            {"config", config_json(c.config)}};
}

inline json producer_json(const ProducerSpec& p) {
    json rules = json::array();
    for (const auto& r : p.partitioner.rules)
        rules.push_back({r.key_from.value_or(-1), r.key_to.value_or(-1), r.partitions, r.weights});
    return {p.name,
            p.topic,
            p.rate_per_s,
            dist_json(p.value_bytes),
            {static_cast<int>(p.keys.kind), p.keys.count, p.keys.zipf_exponent},
            static_cast<int>(p.arrival),
            {static_cast<int>(p.partitioner.kind), rules},
            to_string(p.client_version),
            p.send_threads,
            p.value_compressibility,
            config_json(p.config)};
}

inline json fault_json(const FaultSpec& f) {
    json groups = json::array(), between = json::array(), order = json::array();
    for (const auto& g : f.groups) groups.push_back(node_set_json(g));
    for (BrokerId b : f.between) between.push_back(b.value());
    for (BrokerId b : f.order) order.push_back(b.value());
    return {to_string(f.action),
            f.at.ns(),
            f.duration ? f.duration->ns() : -1,
            f.broker ? f.broker->value() : -1,
            f.rack.value_or("-"),
            groups,
            node_set_json(f.from),
            node_set_json(f.to),
            between,
            f.latency_ms ? dist_json(*f.latency_ms) : json(),
            f.loss,
            f.factor,
            order,
            f.controlled,
            f.wait_for_isr,
            config_json(f.set),
            f.kafka_version ? to_string(*f.kafka_version) : "-",
            f.group,
            f.member.value_or(-1),
            f.producer,
            f.rate_per_s};
}

inline json fingerprint(const Scenario& s) {
    json topics = json::array(), producers = json::array(), groups = json::array(), faults = json::array();
    for (const auto& t : s.topics)
        topics.push_back({t.name, t.partitions, t.replication_factor, config_json(t.config)});
    for (const auto& p : s.producers) producers.push_back(producer_json(p));
    for (const auto& g : s.consumer_groups)
        groups.push_back({g.group_id, g.topics, g.members, dist_json(g.processing_ms_per_record),
                          to_string(g.client_version), config_json(g.config)});
    for (const auto& f : s.faults) faults.push_back(fault_json(f));
    json actions = json::array(), vary = json::array(), expect = json::array();
    for (FaultAction a : s.chaos.actions) actions.push_back(to_string(a));
    for (const auto& a : s.compare.vary) vary.push_back({a.path, a.values_json});
    for (const auto& e : s.expect)
        expect.push_back({e.path, e.equals_json.value_or("-"), e.min.value_or(-1e300), e.max.value_or(-1e300)});
    const auto& c = s.chaos;
    const auto& b = s.burrow;
    return {{"header", {s.name, s.description, s.seed, s.duration.ns(), s.sample_interval.ns(), s.settle_max.ns()}},
            {"cluster", cluster_json(s.cluster)},
            {"topics", topics},
            {"producers", producers},
            {"groups", groups},
            {"faults", faults},
            {"chaos", {c.enabled, c.mean_interval.ns(), actions, dist_json(c.for_s), c.max_concurrent}},
            {"burrow", {b.offset_refresh.ns(), b.intervals, b.min_distance.ns(), b.expire_group.ns()}},
            {"compare", {vary, s.compare.seeds}},
            {"expect", expect}};
}

inline json load_fingerprint(const json& doc) {
    return fingerprint(ks::scenario::load_json(doc, "t.json").scenario);
}

}  // namespace ks::test
