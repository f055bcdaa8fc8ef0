#include "scenario/resolve.hpp"

#include <charconv>

#include "core/assert.hpp"
#include "scenario/config_parse.hpp"

namespace ks::scenario {

std::optional<KafkaVersion> parse_kafka_version(std::string_view text) {
    // Strip an "-IVn" suffix.
    if (auto dash = text.find("-IV"); dash != std::string_view::npos) {
        std::string_view iv = text.substr(dash + 3);
        int n = 0;
        auto r = std::from_chars(iv.data(), iv.data() + iv.size(), n);
        if (iv.empty() || r.ec != std::errc{} || r.ptr != iv.data() + iv.size()) return std::nullopt;
        text = text.substr(0, dash);
    }
    KafkaVersion v{.major = -1, .minor = -1, .patch = 0};
    const char* end = text.data() + text.size();
    // One to three digits.
    auto number = [end](const char* p, std::int32_t& out) -> const char* {
        auto r = std::from_chars(p, end, out);
        if (r.ec != std::errc{} || r.ptr - p > 3 || *p == '-' || *p == '+') return nullptr;
        return r.ptr;
    };
    const char* p = number(text.data(), v.major);
    if (!p || p == end || *p != '.') return std::nullopt;
    p = number(p + 1, v.minor);
    if (!p) return std::nullopt;
    if (p != end) {  // optional patch: ".2"
        if (*p != '.') return std::nullopt;
        p = number(p + 1, v.patch);
        if (!p || p != end) return std::nullopt;
    }
    // Kafka's release lines: 0.8 to 0.11, 1.0, 1.1, 2.0 to 2.8, 3.0 to 3.9, 4.0, 4.1.
    const bool known = (v.major == 0 && v.minor >= 8 && v.minor <= 11) || (v.major == 1 && v.minor <= 1) ||
                       (v.major == 2 && v.minor <= 8) || (v.major == 3 && v.minor <= 9) ||
                       (v.major == 4 && v.minor <= 1);
    if (!known) return std::nullopt;
    return v;
}

ProtocolVersion protocol_of(KafkaVersion v) {
    if (v < KafkaVersion{0, 11, 0}) return ProtocolVersion::v0_10;
    if (v < KafkaVersion{2, 0, 0}) return ProtocolVersion::v0_11;
    if (v < KafkaVersion{2, 1, 0}) return ProtocolVersion::v2_0;
    return ProtocolVersion::v2_1;
}

std::optional<ProtocolVersion> parse_protocol_version(std::string_view text) {
    const auto v = parse_kafka_version(text);
    if (!v) return std::nullopt;
    return protocol_of(*v);
}

namespace {
// A LONG of milliseconds that Kafka's defaults set to Long.MAX_VALUE
// ("never"): anything beyond a century is never.
Duration long_ms(std::int64_t v) {
    constexpr std::int64_t kCenturyMs = 100LL * 365 * 24 * 3600 * 1000;
    return v > kCenturyMs ? Duration::max() : ms(v);
}
}  // namespace

namespace {
// compression.type: Kafka's codec names (CompressionType); "uncompressed"
// is the broker's and topic's name for none.
Codec codec_of(std::string_view name) {
    if (name == "gzip") return Codec::gzip;
    if (name == "snappy") return Codec::snappy;
    if (name == "lz4") return Codec::lz4;
    if (name == "zstd") return Codec::zstd;
    KS_ASSERT_MSG(name == "none" || name == "uncompressed", "compression.type {} passed validation", name);
    return Codec::none;
}
}  // namespace

TopicSettings resolve_topic(const KafkaConfig& c) {
    TopicSettings t;
    t.min_insync_replicas = c.get_int("min.insync.replicas");
    t.unclean_leader_election = c.get_bool("unclean.leader.election.enable");
    const std::int64_t retention_ms = c.get_long("retention.ms");
    t.retention.retention = retention_ms < 0 ? Duration::max() : ms(retention_ms);
    t.retention.retention_bytes = c.get_long("retention.bytes");
    t.retention.segment_bytes = c.get_long("segment.bytes");
    t.retention.segment_ms = ms(c.get_long("segment.ms"));
    t.flush.flush_messages = c.get_long("flush.messages");
    t.flush.flush_ms = long_ms(c.get_long("flush.ms"));
    // "producer": keep each batch's codec (BrokerCompressionType.PRODUCER).
    if (const std::string& codec = c.get_string("compression.type"); codec != "producer")
        t.compression = codec_of(codec);
    return t;
}

TopicSettings resolve_topic_on(const KafkaConfig& broker, const KafkaConfig& topic) {
    return resolve_topic(resolve_topic_config(broker, topic));
}

BrokerSettings resolve_broker(const KafkaConfig& c, ControllerKind controller, KafkaVersion version) {
    BrokerSettings b;
    b.kafka_version = version;
    b.zookeeper = controller == ControllerKind::zookeeper;
    const auto v = parse_protocol_version(c.get_string("inter.broker.protocol.version"));
    KS_ASSERT_MSG(v.has_value(), "inter.broker.protocol.version {} passed validation but does not parse",
                  c.get_string("inter.broker.protocol.version"));
    // KRaft pins the static setting to MINIMUM_KRAFT_VERSION (3.0-IV1) and
    // follows metadata.version, never below 3.0: 2.1's rules (KafkaConfig).
    b.protocol = controller == ControllerKind::kraft ? ProtocolVersion::v2_1 : *v;
    b.replica_lag_time_max = c.get_ms("replica.lag.time.max.ms");
    b.replica_fetch_wait_max = c.get_ms("replica.fetch.wait.max.ms");
    b.replica_fetch_min_bytes = c.get_long("replica.fetch.min.bytes");
    b.replica_fetch_max_bytes = c.get_long("replica.fetch.max.bytes");
    b.replica_fetch_response_max_bytes = c.get_long("replica.fetch.response.max.bytes");
    b.num_replica_fetchers = c.get_int("num.replica.fetchers");
    b.replica_fetch_backoff = c.get_ms("replica.fetch.backoff.ms");
    b.replica_socket_timeout = c.get_ms("replica.socket.timeout.ms");
    b.hw_checkpoint_interval = c.get_ms("replica.high.watermark.checkpoint.interval.ms");
    // The ZooKeeper client pings every session timeout / 3.
    b.heartbeat_interval = controller == ControllerKind::zookeeper ? c.get_ms("zookeeper.session.timeout.ms") / 3
                                                                   : c.get_ms("broker.heartbeat.interval.ms");
    b.registration_backoff_max = c.get_ms("broker.session.timeout.ms");
    b.controlled_shutdown_enable = c.get_bool("controlled.shutdown.enable");
    b.controlled_shutdown_max_retries = c.get_int("controlled.shutdown.max.retries");
    b.controlled_shutdown_retry_backoff = c.get_ms("controlled.shutdown.retry.backoff.ms");
    b.retention_check_interval = c.get_ms("log.retention.check.interval.ms");
    b.log_flush_scheduler_interval = long_ms(c.get_long("log.flush.scheduler.interval.ms"));
    b.log_flush_offset_checkpoint_interval = c.get_ms("log.flush.offset.checkpoint.interval.ms");
    b.num_recovery_threads = c.get_int("num.recovery.threads.per.data.dir");
    b.num_network_threads = c.get_int("num.network.threads");
    b.num_io_threads = c.get_int("num.io.threads");
    b.queued_max_requests = c.get_int("queued.max.requests");
    b.offsets_topic_partitions = c.get_int("offsets.topic.num.partitions");
    b.offsets_replication = c.get_int("offsets.topic.replication.factor");
    b.initial_rebalance_delay = c.get_ms("group.initial.rebalance.delay.ms");
    b.consumer_heartbeat_interval = c.get_ms("group.consumer.heartbeat.interval.ms");
    b.consumer_session_timeout = c.get_ms("group.consumer.session.timeout.ms");
    b.consumer_assignors = c.get_list("group.consumer.assignors");
    return b;
}

ControllerSettings resolve_controller(const ClusterSpec& cluster) {
    const KafkaConfig& c = cluster.config;
    ControllerSettings k;
    k.zookeeper = cluster.controller == ControllerKind::zookeeper;
    k.session_timeout = k.zookeeper ? c.get_ms("zookeeper.session.timeout.ms") : c.get_ms("broker.session.timeout.ms");
    k.auto_leader_rebalance = c.get_bool("auto.leader.rebalance.enable");
    k.leader_imbalance_check_interval = s(c.get_long("leader.imbalance.check.interval.seconds"));
    k.leader_imbalance_per_broker_percentage = c.get_int("leader.imbalance.per.broker.percentage");
    k.eligible_leader_replicas = cluster.feature("eligible.leader.replicas.version") >= 1;
    k.kafka_version = cluster.kafka_version;
    return k;
}

ProducerSettings resolve_producer(const KafkaConfig& c) {
    ProducerSettings o;
    const std::string& acks = c.get_string("acks");
    o.acks = acks == "0" ? Acks::none : acks == "1" ? Acks::leader : Acks::all;  // "all" or "-1"
    o.linger = c.get_ms("linger.ms");
    o.batch_size = c.get_int("batch.size");
    o.buffer_memory = c.get_long("buffer.memory");
    o.max_block = c.get_ms("max.block.ms");
    o.max_in_flight = c.get_int("max.in.flight.requests.per.connection");
    o.max_request_size = c.get_int("max.request.size");
    o.request_timeout = c.get_ms("request.timeout.ms");
    o.delivery_timeout = c.get_ms("delivery.timeout.ms");
    o.retries = c.get_int("retries");
    o.retry_backoff = c.get_ms("retry.backoff.ms");
    o.retry_backoff_max = c.get_ms("retry.backoff.max.ms");
    // The loader already reconciled enable.idempotence with a warning; this
    // keeps the rule for configs built by hand.
    o.idempotence = c.get_bool("enable.idempotence") && o.acks == Acks::all && o.max_in_flight <= 5 && o.retries > 0;
    o.round_robin_class =
        !c.is_null("partitioner.class") &&
        c.get_string("partitioner.class") == "org.apache.kafka.clients.producer.RoundRobinPartitioner";
    o.ignore_keys = c.get_bool("partitioner.ignore.keys");
    o.builtin.enable_adaptive_partitioning = c.get_bool("partitioner.adaptive.partitioning.enable");
    o.builtin.partition_availability_timeout = c.get_ms("partitioner.availability.timeout.ms");
    o.metadata_max_age = c.get_ms("metadata.max.age.ms");
    o.reconnect_backoff = c.get_ms("reconnect.backoff.ms");
    o.reconnect_backoff_max = c.get_ms("reconnect.backoff.max.ms");
    o.connection_setup_timeout = c.get_ms("socket.connection.setup.timeout.ms");
    o.connection_setup_timeout_max = c.get_ms("socket.connection.setup.timeout.max.ms");
    // -1: the OS default (Linux: net.ipv4.tcp_wmem's default, 16 KiB, autotuned
    // upward); kafkasim takes Kafka's default then.
    const std::int32_t sndbuf = c.get_int("send.buffer.bytes");
    o.send_buffer = sndbuf > 0 ? sndbuf : 131072;
    o.compression = codec_of(c.get_string("compression.type"));
    return o;
}

ConsumerSettings resolve_consumer(const KafkaConfig& c) {
    ConsumerSettings o;
    o.session_timeout = c.get_ms("session.timeout.ms");
    o.heartbeat_interval = c.get_ms("heartbeat.interval.ms");
    o.max_poll_interval = c.get_ms("max.poll.interval.ms");
    o.max_poll_records = c.get_int("max.poll.records");
    o.auto_commit = c.get_bool("enable.auto.commit");
    o.auto_commit_interval = c.get_ms("auto.commit.interval.ms");
    const std::string& reset = c.get_string("auto.offset.reset");
    o.reset = reset == "earliest" ? OffsetReset::earliest : reset == "none" ? OffsetReset::none : OffsetReset::latest;
    o.fetch_min_bytes = c.get_int("fetch.min.bytes");
    o.fetch_max_wait = c.get_ms("fetch.max.wait.ms");
    o.max_partition_fetch_bytes = c.get_int("max.partition.fetch.bytes");
    o.request_timeout = c.get_ms("request.timeout.ms");
    o.retry_backoff = ms(c.get_long("retry.backoff.ms"));
    o.assignors = c.get_list("partition.assignment.strategy");
    o.metadata_max_age = c.get_ms("metadata.max.age.ms");
    if (!c.is_null("group.instance.id")) o.group_instance_id = c.get_string("group.instance.id");
    o.group_protocol = c.get_string("group.protocol") == "consumer" ? GroupProtocol::consumer : GroupProtocol::classic;
    if (!c.is_null("group.remote.assignor")) o.group_remote_assignor = c.get_string("group.remote.assignor");
    return o;
}

void resolve_settings(Scenario& s) {
    s.cluster.controller_settings = resolve_controller(s.cluster);
    for (BrokerSpec& b : s.cluster.brokers)
        b.settings = resolve_broker(b.config, s.cluster.controller, s.cluster.kafka_version);
    for (TopicSpec& t : s.topics) t.settings = resolve_topic(t.config);
    for (ProducerSpec& p : s.producers) {
        p.settings = resolve_producer(p.config);
        p.settings.client_version = p.client_version;
    }
    for (ConsumerGroupSpec& g : s.consumer_groups) {
        g.settings = resolve_consumer(g.config);
        g.settings.client_version = g.client_version;
    }
}

}  // namespace ks::scenario
