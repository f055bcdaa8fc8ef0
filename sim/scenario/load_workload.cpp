// The "topics" and "consumer_groups" sections, and helpers shared by sections.
#include <algorithm>

#include <fmt/format.h>

#include "core/assert.hpp"
#include "scenario/config_parse.hpp"
#include "scenario/kafka_configs.hpp"
#include "scenario/kafka_versions.hpp"
#include "scenario/load_parts.hpp"
#include "scenario/resolve.hpp"
#include "scenario/suggest.hpp"

namespace ks::scenario {

void check_unique(const Node& n, const std::string& name, std::vector<std::string>& seen, const char* what) {
    if (std::find(seen.begin(), seen.end(), name) != seen.end())
        n.ctx->fail(n.ptr, fmt::format("duplicate {} \"{}\"", what, name));
    seen.push_back(name);
}

void check_member(const Node& n, const std::string& value, const std::vector<std::string>& names,
                  const std::string& what) {
    if (std::find(names.begin(), names.end(), value) != names.end()) return;
    if (names.empty()) n.ctx->fail(n.ptr, fmt::format("\"{}\" refers to a {}, but the scenario has none", value, what));
    n.expected(fmt::format("one of the scenario's {}s {}", what, quoted_alternatives(names)));
}

KafkaVersion read_client_version(const Node& n) {
    const std::string text = n.j->is_string() ? n.j->get<std::string>() : std::string();
    const auto v = parse_kafka_version(text);
    if (!v || *v < kOldestClientVersion)
        n.expected(std::string("a Java client release from 2.1 to 4.1 such as \"4.0\", \"3.3\" or \"2.3\"") +
                   (n.j->is_number() ? " (a string; with --set, quote it: PATH='\"2.3\"')" : ""));
    return *v;
}

void apply_client_version(const Node& n, KafkaConfig& cfg, KafkaVersion v) {
    apply_client_version_defaults(cfg, v);
    for (const ClientKeySince& row : client_keys_since()) {
        if (row.scope != cfg.scope() || v >= row.since || !cfg.user_set(row.key)) continue;
        // The Java client logs "The configuration 'K' was supplied but isn't a
        // known config." (AbstractConfig.logUnused) and goes on without it.
        n.ctx->warn(ptr_key(ptr_key(n.ptr, "config"), row.key),
                    fmt::format("{} does not exist in the {} client ({}, {}): ignored, as Kafka's client ignores an "
                                "unknown config",
                                row.key, to_string(v), row.source, to_string(row.since)));
        const ConfigSpec* spec = find_config_spec(row.scope, row.key);
        KS_ASSERT(spec != nullptr);
        cfg.set(std::string(row.key), config_value(*spec, spec->default_text), false);
    }
}

namespace {

// The pointer of a topic setting: the topic's config if it sets it, else
// the cluster's broker-wide default.
std::string topic_key_ptr(const Node& topic, const TopicSpec& t, std::string_view key, std::string_view broker_key) {
    return t.config.user_set(key) ? ptr_key(ptr_key(topic.ptr, "config"), key) : ptr_key("/cluster/config", broker_key);
}

// min.insync.replicas above the replication factor: Kafka creates the topic.
// From 3.7 every check uses min(min.insync.replicas, replication factor)
// (Partition.effectiveMinIsr, KAFKA-15583); before, the raw value refuses
// every acks=all write before the append.
void warn_min_isr(const Node& topic, const TopicSpec& t, KafkaVersion v) {
    const auto min_isr = t.config.get_int("min.insync.replicas");
    if (min_isr <= t.replication_factor) return;
    const std::string ptr = topic_key_ptr(topic, t, "min.insync.replicas", "min.insync.replicas");
    if (v >= KafkaVersion{3, 7, 0}) {
        topic.ctx->warn(ptr, fmt::format("min.insync.replicas {} > replication_factor {} of topic \"{}\": Kafka {} "
                                         "uses {} (the replication factor) instead, so acks=all writes need every "
                                         "replica in the ISR (KAFKA-15583)",
                                         min_isr, t.replication_factor, t.name, to_string(v), t.replication_factor));
    } else {
        topic.ctx->warn(ptr, fmt::format("min.insync.replicas {} > replication_factor {} of topic \"{}\": Kafka {} "
                                         "accepts it, then refuses every acks=all write (NOT_ENOUGH_REPLICAS; from "
                                         "3.7 the replication factor caps it)",
                                         min_isr, t.replication_factor, t.name, to_string(v)));
    }
}

// unclean.leader.election.enable under a KRaft controller before 3.9: read
// by nothing (ConfigurationControlManager.uncleanLeaderElectionEnabledForTopic
// returns false until KAFKA-12670).
void warn_unclean_kraft(const Node& topic, const TopicSpec& t, const ClusterSpec& c) {
    if (c.controller != ControllerKind::kraft || c.kafka_version >= KafkaVersion{3, 9, 0}) return;
    if (!t.config.get_bool("unclean.leader.election.enable")) return;
    topic.ctx->warn(topic_key_ptr(topic, t, "unclean.leader.election.enable", "unclean.leader.election.enable"),
                    fmt::format("unclean.leader.election.enable of topic \"{}\" has no effect: the KRaft controller "
                                "of Kafka {} never elects uncleanly (it reads the setting from 3.9, KAFKA-12670)",
                                t.name, to_string(c.kafka_version)));
}

// KIP-1030 (4.0): segment.bytes is at least 1 MiB.
void check_segment_bytes(const Node& topic, const TopicSpec& t, KafkaVersion v) {
    constexpr std::int64_t kMin = 1048576;
    if (v < KafkaVersion{4, 0, 0} || t.config.get_int("segment.bytes") >= kMin) return;
    topic.ctx->fail(
        topic_key_ptr(topic, t, "segment.bytes", "log.segment.bytes"),
        fmt::format("expected at least 1048576 (1 MiB) with Kafka {}, whose minimum KIP-1030 raised, got {}",
                    to_string(v), t.config.get_int("segment.bytes")));
}

// cleanup.policy compact (or compact,delete): log compaction is not simulated
// yet; the log is only deleted by retention, as with delete.
void warn_compaction(const Node& topic, const TopicSpec& t) {
    const auto& policy = t.config.get_list("cleanup.policy");
    if (std::find(policy.begin(), policy.end(), "compact") == policy.end()) return;
    const std::string ptr = topic_key_ptr(topic, t, "cleanup.policy", "log.cleanup.policy");
    topic.ctx->warn(ptr, fmt::format("cleanup.policy \"compact\" of topic \"{}\" is not modelled by kafkasim yet: "
                                     "no record is compacted away, retention alone deletes (as with \"delete\")",
                                     t.name));
}

TopicSpec read_topic(const Node& n, const Scenario& s) {
    const Obj o = Obj::of(n, "topics[]");
    const auto& broker = s.cluster.config;
    TopicSpec t;
    t.name = o.req("name").as_name();
    if (t.name.size() > 249) o.req("name").expected("a topic name of at most 249 characters");
    t.partitions = broker.get_int("num.partitions");
    if (auto v = o.get("partitions")) t.partitions = static_cast<std::int32_t>(v->as_int(1, 100000));
    const auto brokers = static_cast<std::int64_t>(s.cluster.brokers.size());
    t.replication_factor = broker.get_int("default.replication.factor");
    if (auto v = o.get("replication_factor")) {
        if (!v->j->is_number_integer() || v->j->get<std::int64_t>() < 1 || v->j->get<std::int64_t>() > brokers)
            v->expected(fmt::format("an integer in [1, {}] (the number of brokers)", brokers));
        t.replication_factor = static_cast<std::int32_t>(v->j->get<std::int64_t>());
    } else if (t.replication_factor > brokers) {
        n.ctx->fail(n.ptr, fmt::format("default.replication.factor {} exceeds the {} brokers; give "
                                       "\"replication_factor\"",
                                       t.replication_factor, brokers));
    }
    const auto cfg = o.get("config");
    t.config = resolve_topic_config(broker, cfg ? &*cfg : nullptr);
    warn_min_isr(n, t, s.cluster.kafka_version);
    warn_unclean_kraft(n, t, s.cluster);
    check_segment_bytes(n, t, s.cluster.kafka_version);
    warn_compaction(n, t);
    if (t.config.get_string("compression.type") == "zstd")
        check_zstd(
            *n.ctx,
            t.config.user_set("compression.type") ? ptr_key(ptr_key(n.ptr, "config"), "compression.type") : n.ptr, s);
    return t;
}

ConsumerGroupSpec read_group(const Node& n, const Scenario& s) {
    const Obj o = Obj::of(n, "consumer_groups[]");
    ConsumerGroupSpec g;
    g.group_id = o.req("group_id").as_name();
    std::vector<std::string> topic_names, seen;
    for (const auto& t : s.topics) topic_names.push_back(t.name);
    const auto topics = o.req("topics");
    for (const auto& item : topics.items("an array of topic names")) {
        const auto name = item.as_name();
        check_member(item, name, topic_names, "topic");
        check_unique(item, name, seen, "topic");
    }
    if (seen.empty()) topics.expected("a non-empty array of topic names");
    g.topics = seen;
    if (auto v = o.get("members")) g.members = static_cast<std::int32_t>(v->as_int(0, 10000));
    if (auto v = o.get("processing_ms_per_record")) g.processing_ms_per_record = v->as_dist();
    if (auto v = o.get("client_version")) g.client_version = read_client_version(*v);
    g.config = default_config(ConfigScope::consumer);
    if (auto cfg = o.get("config")) apply_config_map(g.config, *cfg);
    apply_client_version(n, g.config, g.client_version);
    // CooperativeStickyAssignor exists from 2.4 (KIP-429): an older client
    // cannot load the class (ConfigException at construction).
    if (g.client_version < KafkaVersion{2, 4, 0}) {
        for (const std::string& a : g.config.get_list("partition.assignment.strategy")) {
            if (a == "cooperative-sticky")
                n.ctx->fail(ptr_key(ptr_key(n.ptr, "config"), "partition.assignment.strategy"),
                            fmt::format("the cooperative-sticky assignor does not exist in the {} client (KIP-429, "
                                        "2.4): use range, roundrobin or sticky",
                                        to_string(g.client_version)));
        }
    }
    return g;
}

// The coordinator refuses a session timeout outside the brokers' bounds
// (INVALID_SESSION_TIMEOUT); the client refuses heartbeat >= session timeout.
// group.protocol=consumer (KIP-848): the brokers must run it (GA and on by
// default from Kafka 4.0; 3.7 - 3.9 only behind
// group.coordinator.rebalance.protocols, not modelled), group.remote.assignor
// must name one of the brokers' group.consumer.assignors (UNSUPPORTED_ASSIGNOR)
// and is refused with the classic protocol (ConsumerConfig.checkGroupRemoteAssignor).
// The client's session.timeout.ms, heartbeat.interval.ms and
// partition.assignment.strategy do nothing with the consumer protocol: the
// brokers' group.consumer.* settings rule.
void check_group_protocol(const Node& n, const ConsumerGroupSpec& g, const Scenario& s) {
    const std::string cfg = ptr_key(n.ptr, "config");
    const bool consumer = g.config.get_string("group.protocol") == "consumer";
    if (!consumer) {
        if (!g.config.is_null("group.remote.assignor"))
            n.ctx->fail(ptr_key(cfg, "group.remote.assignor"),
                        "group.remote.assignor cannot be set when group.protocol=classic");
        return;
    }
    if (s.cluster.kafka_version < KafkaVersion{4, 0, 0})
        n.ctx->fail(ptr_key(cfg, "group.protocol"),
                    fmt::format("group.protocol=consumer needs brokers of Kafka 4.0 or later (KIP-848 is GA and on "
                                "by default from 4.0), got cluster.kafka_version {}",
                                to_string(s.cluster.kafka_version)));
    const auto session = s.cluster.config.get_int("group.consumer.session.timeout.ms");
    const auto heartbeat = s.cluster.config.get_int("group.consumer.heartbeat.interval.ms");
    if (heartbeat >= session)
        n.ctx->fail("/cluster/config",
                    fmt::format("expected group.consumer.heartbeat.interval.ms < group.consumer.session.timeout.ms "
                                "({}), got {}",
                                session, heartbeat));
    if (!g.config.is_null("group.remote.assignor")) {
        const auto assignors = s.cluster.config.get_list("group.consumer.assignors");
        const std::string a = g.config.get_string("group.remote.assignor");
        if (std::find(assignors.begin(), assignors.end(), a) == assignors.end())
            n.ctx->fail(ptr_key(cfg, "group.remote.assignor"),
                        fmt::format("group.remote.assignor \"{}\" is not one of the brokers' "
                                    "group.consumer.assignors (the coordinator answers UNSUPPORTED_ASSIGNOR)",
                                    a));
    }
    for (const char* key : {"session.timeout.ms", "heartbeat.interval.ms", "partition.assignment.strategy"}) {
        if (!g.config.user_set(key)) continue;
        n.ctx->warn(ptr_key(cfg, key),
                    fmt::format("{} is not used with group.protocol=consumer: the brokers' "
                                "group.consumer.session.timeout.ms, group.consumer.heartbeat.interval.ms and "
                                "group.consumer.assignors (or group.remote.assignor) apply",
                                key));
    }
}

void check_group_config(const Node& n, const ConsumerGroupSpec& g, const KafkaConfig& broker) {
    const auto session = g.config.get_int("session.timeout.ms");
    const auto lo = broker.get_int("group.min.session.timeout.ms");
    const auto hi = broker.get_int("group.max.session.timeout.ms");
    auto at = [&](std::string_view key) {
        const std::string cfg = ptr_key(n.ptr, "config");
        return g.config.user_set(key) ? ptr_key(cfg, key) : cfg;
    };
    if (session < lo || session > hi)
        n.ctx->fail(at("session.timeout.ms"),
                    fmt::format("expected session.timeout.ms within the brokers' group.min.session.timeout.ms "
                                "and group.max.session.timeout.ms [{}, {}], got {}",
                                lo, hi, session));
    const auto heartbeat = g.config.get_int("heartbeat.interval.ms");
    if (heartbeat >= session)
        n.ctx->fail(
            at("heartbeat.interval.ms"),
            fmt::format("expected heartbeat.interval.ms < session.timeout.ms ({}), got {}", session, heartbeat));
}

}  // namespace

void check_zstd(const Ctx& ctx, const std::string& ptr, const Scenario& s) {
    constexpr KafkaVersion kZstd{2, 1, 0};
    if (s.cluster.kafka_version < kZstd)
        ctx.fail(ptr, fmt::format("zstd needs Kafka 2.1 brokers (KIP-110); the cluster runs {}",
                                  to_string(s.cluster.kafka_version)));
    if (s.cluster.controller != ControllerKind::zookeeper) return;  // KRaft: at least 3.0's rules
    for (const BrokerSpec& b : s.cluster.brokers) {
        const std::string& ibp = b.config.get_string("inter.broker.protocol.version");
        const auto v = parse_kafka_version(ibp);
        if (v && *v < kZstd)
            ctx.fail(ptr, fmt::format("broker {} has inter.broker.protocol.version {}: Kafka refuses zstd below 2.1 "
                                      "(LogValidator: UNSUPPORTED_COMPRESSION_TYPE)",
                                      b.id.value(), ibp));
    }
}

void read_topics(const std::optional<Node>& n, Scenario& s) {
    if (!n) return;
    std::vector<std::string> seen;
    for (const auto& item : n->items("an array of topics")) {
        s.topics.push_back(read_topic(item, s));
        check_unique(item.at("name"), s.topics.back().name, seen, "topic");
    }
}

void read_groups(const std::optional<Node>& n, Scenario& s) {
    if (!n) return;
    std::vector<std::string> seen;
    for (const auto& item : n->items("an array of consumer groups")) {
        s.consumer_groups.push_back(read_group(item, s));
        check_unique(item.at("group_id"), s.consumer_groups.back().group_id, seen, "group_id");
        check_group_config(item, s.consumer_groups.back(), s.cluster.config);
        check_group_protocol(item, s.consumer_groups.back(), s);
    }
}

}  // namespace ks::scenario
