// The "producers" section: workload shape, keys, partitioner and the Kafka
// producer config with the combinations Kafka itself refuses.
#include <algorithm>

#include <fmt/format.h>

#include "scenario/config_parse.hpp"
#include "scenario/format.hpp"
#include "scenario/load_parts.hpp"

namespace ks::scenario {

namespace {

KeySpec read_keys(const Node& n) {
    const Obj o = Obj::of(n, "producers[].keys");
    KeySpec k;
    const auto kind = o.req("kind").as_enum(format::enum_values("producers[].keys", "kind"));
    k.kind = kind == "none"      ? KeySpec::Kind::none
             : kind == "uniform" ? KeySpec::Kind::uniform
             : kind == "zipf"    ? KeySpec::Kind::zipf
                                 : KeySpec::Kind::sequential;
    if (k.kind != KeySpec::Kind::none)
        k.count = o.req("count").as_int(1, 1000000000);
    else if (auto c = o.get("count"))
        c->expected("no \"count\" with kind \"none\"");
    if (auto e = o.get("exponent")) {
        if (k.kind != KeySpec::Kind::zipf) e->expected("no \"exponent\" unless kind is \"zipf\"");
        k.zipf_exponent = e->as_positive();
    }
    return k;
}

PartitionerRule read_rule(const Node& n, const TopicSpec& topic, const KeySpec& keys) {
    const Obj o = Obj::of(n, "producers[].partitioner.rules[]");
    PartitionerRule r;
    if (auto k = o.get("keys")) {
        const Obj range = Obj::of(*k, "producers[].partitioner.rules[].keys");
        if (keys.kind == KeySpec::Kind::none) k->expected("no \"keys\" range: the producer sends null keys");
        r.key_from = range.req("from").as_int(0, keys.count - 1);
        r.key_to = range.req("to").as_int(*r.key_from, keys.count - 1);
    }
    const auto parts = o.req("partitions");
    std::vector<std::string> seen;
    for (const auto& p : parts.items("an array of partition numbers")) {
        r.partitions.push_back(static_cast<std::int32_t>(p.as_int(0, topic.partitions - 1)));
        check_unique(p, std::to_string(r.partitions.back()), seen, "partition");
    }
    if (r.partitions.empty()) parts.expected("a non-empty array of partition numbers");
    if (auto w = o.get("weights")) {
        for (const auto& x : w->items("an array of weights")) r.weights.push_back(x.as_positive());
        if (r.weights.size() != r.partitions.size())
            w->expected(fmt::format("{} weights, one per partition", r.partitions.size()));
    } else {
        r.weights.assign(r.partitions.size(), 1.0);
    }
    return r;
}

// Every key index must reach a rule: a catch-all rule (no "keys") last, or
// ranges covering 0..count-1.
void check_rules_cover(const Node& rules, const std::vector<PartitionerRule>& rs, const KeySpec& keys) {
    for (std::size_t i = 0; i + 1 < rs.size(); ++i)
        if (!rs[i].key_from)
            rules.ctx->fail(ptr_index(rules.ptr, i), "a rule without \"keys\" catches every key, so it must come last");
    if (!rs.back().key_from) return;
    if (keys.kind == KeySpec::Kind::none)
        rules.ctx->fail(rules.ptr, "the producer sends null keys: add a last rule without \"keys\"");
    std::vector<std::pair<std::int64_t, std::int64_t>> ranges;
    for (const auto& r : rs) ranges.emplace_back(*r.key_from, *r.key_to);
    std::sort(ranges.begin(), ranges.end());
    std::int64_t next = 0;
    for (const auto& [lo, hi] : ranges) {
        if (lo > next) break;
        next = std::max(next, hi + 1);
    }
    if (next < keys.count)
        rules.ctx->fail(rules.ptr,
                        fmt::format("key {} matches no rule; add a last rule without \"keys\" for the rest", next));
}

PartitionerSpec read_partitioner(const Node& n, const TopicSpec& topic, const KeySpec& keys) {
    const Obj o = Obj::of(n, "producers[].partitioner");
    PartitionerSpec p;
    const auto kind = o.req("kind").as_enum(format::enum_values("producers[].partitioner", "kind"));
    p.kind = kind == "default"       ? PartitionerSpec::Kind::kafka_default
             : kind == "round_robin" ? PartitionerSpec::Kind::round_robin
                                     : PartitionerSpec::Kind::weighted;
    const auto rules = o.get("rules");
    if (p.kind != PartitionerSpec::Kind::weighted) {
        if (rules) rules->expected("no \"rules\" unless kind is \"weighted\"");
        return p;
    }
    if (!rules) n.ctx->fail(n.ptr, "missing \"rules\" (kind \"weighted\")");
    for (const auto& r : rules->items("an array of rules")) p.rules.push_back(read_rule(r, topic, keys));
    if (p.rules.empty()) rules->expected("a non-empty array of rules");
    check_rules_cover(*rules, p.rules, keys);
    return p;
}

// Kafka's ProducerConfig: idempotence needs acks=all, at most 5 in flight and
// retries > 0. By default a conflict quietly turns idempotence off, as Kafka
// does; set explicitly, Kafka refuses to start (ConfigException) — kafkasim
// warns and turns it off, so that `compare` can vary acks over a file that
// enables idempotence. delivery.timeout.ms >= linger.ms + request.timeout.ms:
// an explicit value below is an error; the default is raised to fit.
void check_producer_config(const Node& n, KafkaConfig& cfg) {
    const std::string cptr = ptr_key(n.ptr, "config");
    const bool explicit_idem = cfg.user_set("enable.idempotence") && cfg.get_bool("enable.idempotence");
    auto conflict = [&](std::string_view key, const std::string& setting) {
        if (explicit_idem)
            n.ctx->warn(ptr_key(cptr, key),
                        fmt::format("{} conflicts with enable.idempotence=true: Kafka's producer refuses this "
                                    "(ConfigException); kafkasim runs it with enable.idempotence=false",
                                    setting));
        cfg.set("enable.idempotence", false, cfg.user_set("enable.idempotence"));
    };
    if (cfg.get_string("acks") != "all") conflict("acks", "acks=" + cfg.get_string("acks"));
    if (cfg.get_int("max.in.flight.requests.per.connection") > 5)
        conflict("max.in.flight.requests.per.connection",
                 fmt::format("max.in.flight.requests.per.connection={}",
                             cfg.get_int("max.in.flight.requests.per.connection")));
    if (cfg.get_int("retries") == 0) conflict("retries", "retries=0");
    const auto floor = cfg.get_long("linger.ms") + cfg.get_int("request.timeout.ms");
    if (cfg.get_int("delivery.timeout.ms") >= floor) return;
    if (cfg.user_set("delivery.timeout.ms"))
        n.ctx->expected(ptr_key(cptr, "delivery.timeout.ms"),
                        fmt::format("at least linger.ms + request.timeout.ms ({})", floor),
                        n.j->at("config").at("delivery.timeout.ms"));
    cfg.set("delivery.timeout.ms", floor, false);
}

ProducerSpec read_producer(const Node& n, const Scenario& s) {
    const Obj o = Obj::of(n, "producers[]");
    ProducerSpec p;
    p.name = o.req("name").as_name();
    const auto topic = o.req("topic");
    std::vector<std::string> topics;
    for (const auto& t : s.topics) topics.push_back(t.name);
    p.topic = topic.as_name();
    check_member(topic, p.topic, topics, "topic");
    if (auto v = o.get("rate_per_s")) p.rate_per_s = v->as_number(0, 1e9);
    if (auto v = o.get("value_bytes")) p.value_bytes = v->as_dist();
    if (auto v = o.get("keys")) p.keys = read_keys(*v);
    if (auto v = o.get("arrival"))
        p.arrival = v->as_enum(format::enum_values("producers[]", "arrival")) == "poisson" ? ArrivalProcess::poisson
                                                                                           : ArrivalProcess::constant;
    if (auto v = o.get("client_version")) p.client_version = read_client_version(*v);
    if (auto v = o.get("send_threads")) p.send_threads = static_cast<std::int32_t>(v->as_int(1, 10000));
    if (auto v = o.get("value_compressibility")) p.value_compressibility = v->as_number(0, 1);
    p.config = default_config(ConfigScope::producer);
    if (auto v = o.get("config")) apply_config_map(p.config, *v);
    apply_client_version(n, p.config, p.client_version);
    check_producer_config(n, p.config);
    if (p.config.get_string("compression.type") == "zstd")
        check_zstd(*n.ctx, ptr_key(ptr_key(n.ptr, "config"), "compression.type"), s);
    if (auto v = o.get("value_compressibility")) {
        const std::string& topic_codec = s.find_topic(p.topic)->config.get_string("compression.type");
        if (p.config.get_string("compression.type") == "none" &&
            (topic_codec == "producer" || topic_codec == "uncompressed"))
            v->warn(
                fmt::format("no codec compresses these records (compression.type none, topic \"{}\" "
                            "compression.type {}): value_compressibility changes nothing",
                            p.topic, topic_codec));
    }
    if (auto v = o.get("partitioner")) p.partitioner = read_partitioner(*v, *s.find_topic(p.topic), p.keys);
    if (!p.config.is_null("partitioner.class")) {
        if (p.partitioner.kind == PartitionerSpec::Kind::weighted)
            n.ctx->fail(ptr_key(ptr_key(n.ptr, "config"), "partitioner.class"),
                        "conflicts with the weighted \"partitioner\"; give one of them");
        p.partitioner.kind = PartitionerSpec::Kind::round_robin;
    }
    if (p.partitioner.kind == PartitionerSpec::Kind::round_robin && p.client_version < KafkaVersion{2, 4, 0})
        n.ctx->fail(p.config.is_null("partitioner.class") ? ptr_key(n.ptr, "partitioner")
                                                          : ptr_key(ptr_key(n.ptr, "config"), "partitioner.class"),
                    fmt::format("RoundRobinPartitioner does not exist in the {} client (KIP-369, 2.4)",
                                to_string(p.client_version)));
    return p;
}

}  // namespace

void read_producers(const std::optional<Node>& n, Scenario& s) {
    if (!n) return;
    std::vector<std::string> seen;
    for (const auto& item : n->items("an array of producers")) {
        s.producers.push_back(read_producer(item, s));
        check_unique(item.at("name"), s.producers.back().name, seen, "producer");
    }
}

}  // namespace ks::scenario
