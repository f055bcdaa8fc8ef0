// The "faults" section: one entry per scheduled fault; which keys an entry
// may hold depends on its action (SCENARIOS.md).
#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "core/assert.hpp"
#include "scenario/config_parse.hpp"
#include "scenario/format.hpp"
#include "scenario/kafka_versions.hpp"
#include "scenario/load_parts.hpp"

namespace ks::scenario {

namespace {

// The keys an entry with this action may hold: the format table's
// faults[action=NAME] ("at_s", "action", then the action's own).
std::string action_object(const std::string& action) {
    return "faults[action=" + action + "]";
}

// A side of a partition: broker ids and "clients".
NodeSet read_node_set(const Node& n, const Scenario& s, std::vector<std::string>& seen) {
    NodeSet set;
    for (const auto& item : n.items("an array of broker ids and \"clients\"")) {
        if (item.j->is_string() && item.j->get<std::string>() == "clients") {
            check_unique(item, "clients", seen, "member of the partition");
            set.clients = true;
            continue;
        }
        if (!item.j->is_number_integer()) item.expected("a broker id or \"clients\"");
        set.brokers.push_back(read_broker_ref(item, s));
        check_unique(item, std::to_string(set.brokers.back().value()), seen, "member of the partition");
    }
    if (set.brokers.empty() && !set.clients) n.expected("a non-empty array of broker ids and \"clients\"");
    return set;
}

void read_partition(const Obj& o, const Scenario& s, FaultSpec& f) {
    std::vector<std::string> seen;
    if (auto g = o.get("groups")) {
        if (o.get("from") || o.get("to"))
            g->ctx->fail(o.node().ptr, "give either \"groups\" or \"from\" and \"to\", not both");
        for (const auto& side : g->items("an array of groups")) f.groups.push_back(read_node_set(side, s, seen));
        if (f.groups.size() < 2) g->expected("at least 2 groups");
        return;
    }
    if (!o.get("from") || !o.get("to"))
        o.node().ctx->fail(o.node().ptr, "missing \"groups\" (or \"from\" and \"to\" for a one-way partition)");
    f.from = read_node_set(o.req("from"), s, seen);
    f.to = read_node_set(o.req("to"), s, seen);
}

void read_link(const Obj& o, const Scenario& s, FaultSpec& f) {
    const auto between = o.req("between");
    std::vector<std::string> seen;
    for (const auto& b : between.items("an array of two broker ids")) {
        f.between.push_back(read_broker_ref(b, s));
        check_unique(b, std::to_string(f.between.back().value()), seen, "broker");
    }
    if (f.between.size() != 2) between.expected("an array of two broker ids");
    if (auto v = o.get("latency_ms")) f.latency_ms = v->as_dist();
    if (auto v = o.get("loss")) f.loss = v->as_number(0, 1);
    if (!o.get("latency_ms") && !o.get("loss")) o.node().ctx->fail(o.node().ptr, "missing \"latency_ms\" or \"loss\"");
}

void read_rolling(const Obj& o, const Scenario& s, FaultSpec& f) {
    if (auto v = o.get("order")) {
        std::vector<std::string> seen;
        for (const auto& b : v->items("an array of broker ids")) {
            f.order.push_back(read_broker_ref(b, s));
            check_unique(b, std::to_string(f.order.back().value()), seen, "broker");
        }
        if (f.order.empty()) v->expected("a non-empty array of broker ids");
    } else {
        for (const auto& b : s.cluster.brokers) f.order.push_back(b.id);
    }
    if (auto v = o.get("controlled")) f.controlled = v->as_bool();
    if (auto v = o.get("wait_for_isr")) f.wait_for_isr = v->as_bool();
    if (f.action != FaultAction::rolling_upgrade) return;
    // The new binary ("kafka_version"), new settings ("set"), or both.
    const auto version = o.get("kafka_version");
    const auto set = o.get("set");
    if (!version && !set)
        o.node().ctx->fail(o.node().ptr,
                           "a rolling_upgrade needs \"kafka_version\" (the new Kafka release), \"set\" (new broker "
                           "settings) or both");
    if (version) f.kafka_version = read_kafka_version(*version);
    f.set = default_config(ConfigScope::broker);
    if (set) {
        apply_config_map(f.set, *set);
        if (set->j->empty()) set->expected("a non-empty map of broker settings");
    }
}

// Every broker through the rolling upgrades in time order: each step must
// leave a broker Kafka would start (a protocol its release knows, a release
// with the cluster's controller mode).
void check_upgrades(const Node& faults, const Scenario& s) {
    std::vector<std::size_t> upgrades;
    for (std::size_t i = 0; i < s.faults.size(); ++i)
        if (s.faults[i].action == FaultAction::rolling_upgrade) upgrades.push_back(i);
    std::stable_sort(upgrades.begin(), upgrades.end(),
                     [&s](std::size_t a, std::size_t b) { return s.faults[a].at < s.faults[b].at; });
    std::map<BrokerId, std::pair<KafkaConfig, KafkaVersion>> now;
    for (const BrokerSpec& b : s.cluster.brokers) now.emplace(b.id, std::pair{b.config, s.cluster.kafka_version});
    for (std::size_t i : upgrades) {
        const FaultSpec& f = s.faults[i];
        const Node fault = faults.items()[i];
        const Obj o = Obj::of(fault, action_object("rolling_upgrade"));
        const std::string version_ptr = ptr_key(fault.ptr, o.get("kafka_version") ? "kafka_version" : "set");
        const std::string ibp_ptr = o.get("set") && o.get("set")->j->contains("inter.broker.protocol.version")
                                        ? ptr_key(ptr_key(fault.ptr, "set"), "inter.broker.protocol.version")
                                        : version_ptr;
        for (BrokerId b : f.order) {
            auto& [config, version] = now.at(b);
            apply_upgrade(config, version, f);
            check_release(*fault.ctx, version_ptr, ibp_ptr, config, version, s.cluster.controller);
        }
        if (s.cluster.controller == ControllerKind::kraft && f.set.user_set("inter.broker.protocol.version"))
            warn_kraft_ibp(*fault.ctx, ibp_ptr, f.set);
    }
}

std::vector<std::string> group_ids(const Scenario& s) {
    std::vector<std::string> out;
    for (const auto& g : s.consumer_groups) out.push_back(g.group_id);
    return out;
}

// Joins per group over the whole fault list (file order is not time order).
using JoinCounts = std::map<std::string, std::int64_t>;

JoinCounts count_joins(const json& faults) {
    JoinCounts out;
    if (!faults.is_array()) return out;
    for (const auto& f : faults)
        if (f.is_object() && f.value("action", json()) == "consumer_join" && f.value("group", json()).is_string())
            ++out[f["group"].get<std::string>()];
    return out;
}

// Members a group can have: its initial members plus every consumer_join.
std::int64_t member_capacity(const Scenario& s, const std::string& group, const JoinCounts& joins) {
    const auto it = joins.find(group);
    return s.find_group(group)->members + (it == joins.end() ? 0 : it->second);
}

void read_consumer_fault(const Obj& o, const Scenario& s, FaultSpec& f, const JoinCounts& joins) {
    const auto g = o.req("group");
    f.group = g.as_name();
    check_member(g, f.group, group_ids(s), "consumer group");
    const bool needs_member = f.action == FaultAction::consumer_crash || f.action == FaultAction::consumer_leave;
    const auto member = needs_member         ? std::optional<Node>(o.req("member"))
                        : o.allows("member") ? o.get("member")
                                             : std::nullopt;
    if (const auto& m = member) {
        const auto cap = member_capacity(s, f.group, joins);
        if (cap == 0) m->ctx->fail(m->ptr, fmt::format("group \"{}\" has no members", f.group));
        f.member = static_cast<std::int32_t>(m->as_int(0, cap - 1));
    }
    if (f.action == FaultAction::slow_consumer) {
        const auto factor = o.req("factor");
        f.factor = factor.as_number(1, 1e6);
    }
}

void read_action_fields(const Obj& o, const Scenario& s, FaultSpec& f, const JoinCounts& joins) {
    using A = FaultAction;
    switch (f.action) {
        case A::crash:
        case A::restart:
        case A::pause:
            f.broker = read_broker_ref(o.req("broker"), s);
            return;
        case A::power_loss: {
            const auto b = o.get("broker"), r = o.get("rack");
            if (b.has_value() == r.has_value()) o.node().ctx->fail(o.node().ptr, "give either \"broker\" or \"rack\"");
            if (b) f.broker = read_broker_ref(*b, s);
            if (r) check_member(*r, *(f.rack = r->as_name()), s.cluster.racks, "rack");
            return;
        }
        case A::partition:
            read_partition(o, s, f);
            return;
        case A::link:
            read_link(o, s, f);
            return;
        case A::disk_slow:
            f.broker = read_broker_ref(o.req("broker"), s);
            f.factor = o.req("factor").as_number(1, 1e6);
            return;
        case A::rolling_restart:
        case A::rolling_upgrade:
            read_rolling(o, s, f);
            return;
        case A::consumer_crash:
        case A::consumer_join:
        case A::consumer_leave:
        case A::slow_consumer:
        case A::stop_consumer:
            read_consumer_fault(o, s, f, joins);
            return;
        case A::producer_rate: {
            const auto p = o.req("producer");
            std::vector<std::string> names;
            for (const auto& x : s.producers) names.push_back(x.name);
            f.producer = p.as_name();
            check_member(p, f.producer, names, "producer");
            f.rate_per_s = o.req("rate_per_s").as_number(0, 1e9);
            return;
        }
    }
}

FaultSpec read_fault(const Node& n, const Scenario& s, const JoinCounts& joins) {
    if (!n.j->is_object()) n.expected("an object");
    if (!n.j->contains("action")) n.ctx->fail(n.ptr, "missing \"action\"");
    const std::string name = n.at("action").as_enum(format::enum_values("faults[]", "action"));
    const Obj o = Obj::of(n, action_object(name));
    FaultSpec f;
    f.action = fault_action(name);
    const auto at = o.req("at_s");
    f.at = at.as_seconds();
    if (f.at >= s.duration) at.expected(fmt::format("a time in [0, {}) s (duration_s)", s.duration.seconds_f()));
    if (const auto v = o.allows("for_s") ? o.get("for_s") : std::nullopt) {
        if (!(v->j->is_number() && v->j->get<double>() > 0)) v->expected("a number of seconds > 0");
        f.duration = v->as_seconds();
    }
    read_action_fields(o, s, f, joins);
    return f;
}

}  // namespace

FaultAction fault_action(std::string_view name) {
    for (int i = 0; i <= static_cast<int>(FaultAction::producer_rate); ++i)
        if (name == to_string(static_cast<FaultAction>(i))) return static_cast<FaultAction>(i);
    KS_UNREACHABLE("not a fault action");
}

void read_faults(const std::optional<Node>& n, Scenario& s) {
    if (!n) return;
    const JoinCounts joins = count_joins(*n->j);
    for (const auto& item : n->items("an array of faults")) s.faults.push_back(read_fault(item, s, joins));
    check_upgrades(*n, s);
}

}  // namespace ks::scenario
