// The typed Kafka settings per scope. Names, types and defaults are Kafka's
// (4.0); "unmodelled" rows are typed and accepted but warned about.
#include "scenario/kafka_configs.hpp"

#include <algorithm>

#include "core/assert.hpp"

namespace ks::scenario {

namespace {

using T = ConfigType;
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kIntMaxD = 2147483647.0;
constexpr double kLongMaxD = 9223372036854775807.0;

ConfigSpec spec(std::string_view n, ConfigType t, std::string_view def) {
    ConfigSpec s;
    s.name = n;
    s.type = t;
    s.default_text = def;
    return s;
}
ConfigSpec ranged(ConfigSpec s, double lo, double hi) {
    s.min = lo;
    s.max = hi;
    return s;
}
ConfigSpec int_(std::string_view n, std::string_view def, double lo = -kInf, double hi = kIntMaxD) {
    return ranged(spec(n, T::int32, def), lo, hi);
}
ConfigSpec long_(std::string_view n, std::string_view def, double lo = -kInf) {
    return ranged(spec(n, T::int64, def), lo, kLongMaxD);
}
ConfigSpec double_(std::string_view n, std::string_view def, double lo, double hi) {
    return ranged(spec(n, T::float64, def), lo, hi);
}
ConfigSpec bool_(std::string_view n, std::string_view def) {
    return spec(n, T::boolean, def);
}
ConfigSpec string_(std::string_view n, std::string_view def) {
    return spec(n, T::string, def);
}
ConfigSpec enum_(std::string_view n, std::string_view def, std::string_view values) {
    ConfigSpec s = spec(n, T::enumeration, def);
    s.values = values;
    return s;
}
ConfigSpec list_(std::string_view n, std::string_view def, std::string_view values) {
    ConfigSpec s = spec(n, T::list, def);
    s.values = values;
    return s;
}
ConfigSpec unmodelled(ConfigSpec s) {
    s.modelled = false;
    return s;
}
ConfigSpec from(ConfigSpec s, std::string_view broker_name) {
    s.synonym = broker_name;
    return s;
}
ConfigSpec checked(ConfigSpec s, ConfigCheck c) {
    s.check = c;
    return s;
}

constexpr std::string_view kLongMax = "9223372036854775807";
constexpr std::string_view kCompressionBroker = "uncompressed|zstd|lz4|snappy|gzip|producer";

std::vector<ConfigSpec> broker_specs() {
    return {
        int_("broker.heartbeat.interval.ms", "2000", 0),
        string_("broker.rack", "null"),
        int_("broker.session.timeout.ms", "9000", 0),
        enum_("compression.type", "producer", kCompressionBroker),
        bool_("controlled.shutdown.enable", "true"),
        int_("controlled.shutdown.max.retries", "3", 0),
        long_("controlled.shutdown.retry.backoff.ms", "5000", 0),
        int_("default.replication.factor", "1", 1),
        list_("group.consumer.assignors", "uniform,range", "uniform|range"),
        int_("group.consumer.heartbeat.interval.ms", "5000", 1),
        int_("group.consumer.session.timeout.ms", "45000", 1),
        int_("group.initial.rebalance.delay.ms", "3000", 0),
        int_("group.max.session.timeout.ms", "1800000", 0),
        int_("group.min.session.timeout.ms", "6000", 0),
        checked(string_("inter.broker.protocol.version", "3.9"), ConfigCheck::version),
        long_("leader.imbalance.check.interval.seconds", "300", 1),
        int_("leader.imbalance.per.broker.percentage", "10", 0),
        list_("log.cleanup.policy", "delete", "delete|compact"),
        long_("log.flush.interval.messages", kLongMax, 1),
        long_("log.flush.interval.ms", "null", 0),
        int_("log.flush.offset.checkpoint.interval.ms", "60000", 0),
        long_("log.flush.scheduler.interval.ms", kLongMax, 0),
        unmodelled(enum_("log.message.timestamp.type", "CreateTime", "CreateTime|LogAppendTime")),
        long_("log.retention.bytes", "-1"),
        long_("log.retention.check.interval.ms", "300000", 1),
        int_("log.retention.hours", "168"),
        int_("log.retention.minutes", "null"),
        long_("log.retention.ms", "null"),
        int_("log.roll.hours", "168", 1),
        long_("log.roll.ms", "null", 1),
        int_("log.segment.bytes", "1073741824", 14),
        unmodelled(int_("message.max.bytes", "1048588", 0)),
        int_("min.insync.replicas", "1", 1),
        int_("num.io.threads", "8", 1, 10000),
        int_("num.network.threads", "3", 1, 10000),
        int_("num.partitions", "1", 1),
        int_("num.recovery.threads.per.data.dir", "2", 1),  // 1 before 4.0 (kafka_versions.cpp)
        int_("num.replica.fetchers", "1", 1),
        unmodelled(int_("offsets.retention.minutes", "10080", 1)),
        int_("offsets.topic.num.partitions", "50", 1),
        int_("offsets.topic.replication.factor", "3", 1, 32767),
        int_("queued.max.requests", "500", 1),
        int_("replica.fetch.backoff.ms", "1000", 0),
        int_("replica.fetch.max.bytes", "1048576", 0),
        int_("replica.fetch.min.bytes", "1"),
        int_("replica.fetch.response.max.bytes", "10485760", 0),
        int_("replica.fetch.wait.max.ms", "500"),
        long_("replica.high.watermark.checkpoint.interval.ms", "5000"),
        long_("replica.lag.time.max.ms", "30000"),
        int_("replica.socket.timeout.ms", "30000"),
        bool_("unclean.leader.election.enable", "false"),
        int_("zookeeper.session.timeout.ms", "18000"),
        bool_("auto.leader.rebalance.enable", "true"),
    };
}

std::vector<ConfigSpec> topic_specs() {
    return {
        from(list_("cleanup.policy", "delete", "delete|compact"), "log.cleanup.policy"),
        from(enum_("compression.type", "producer", kCompressionBroker), "compression.type"),
        unmodelled(long_("delete.retention.ms", "86400000", 0)),
        unmodelled(long_("file.delete.delay.ms", "60000", 0)),
        from(long_("flush.messages", kLongMax, 1), "log.flush.interval.messages"),
        from(long_("flush.ms", kLongMax, 0), "log.flush.interval.ms"),
        unmodelled(int_("index.interval.bytes", "4096", 0)),
        unmodelled(long_("max.compaction.lag.ms", kLongMax, 1)),
        unmodelled(from(int_("max.message.bytes", "1048588", 0), "message.max.bytes")),
        unmodelled(long_("min.compaction.lag.ms", "0", 0)),
        unmodelled(double_("min.cleanable.dirty.ratio", "0.5", 0, 1)),
        from(int_("min.insync.replicas", "1", 1), "min.insync.replicas"),
        unmodelled(from(enum_("message.timestamp.type", "CreateTime", "CreateTime|LogAppendTime"),
                        "log.message.timestamp.type")),
        unmodelled(bool_("preallocate", "false")),
        from(long_("retention.bytes", "-1"), "log.retention.bytes"),
        from(long_("retention.ms", "604800000", -1), "log.retention.ms"),
        from(int_("segment.bytes", "1073741824", 14), "log.segment.bytes"),
        unmodelled(int_("segment.index.bytes", "10485760", 4)),
        unmodelled(long_("segment.jitter.ms", "0", 0)),
        from(long_("segment.ms", "604800000", 1), "log.roll.ms"),
        from(bool_("unclean.leader.election.enable", "false"), "unclean.leader.election.enable"),
    };
}

std::vector<ConfigSpec> producer_specs() {
    return {
        enum_("acks", "all", "0|1|all|-1"),
        int_("batch.size", "16384", 0),
        long_("buffer.memory", "33554432", 0),
        unmodelled(string_("client.id", "")),
        enum_("compression.type", "none", "none|gzip|snappy|lz4|zstd"),
        int_("delivery.timeout.ms", "120000", 0),
        bool_("enable.idempotence", "true"),
        long_("linger.ms", "5", 0),
        long_("max.block.ms", "60000", 0),
        int_("max.in.flight.requests.per.connection", "5", 1),
        int_("max.request.size", "1048576", 0),
        long_("metadata.max.age.ms", "300000", 0),
        bool_("partitioner.adaptive.partitioning.enable", "true"),
        long_("partitioner.availability.timeout.ms", "0", 0),
        checked(string_("partitioner.class", "null"), ConfigCheck::partitioner_class),
        bool_("partitioner.ignore.keys", "false"),
        long_("reconnect.backoff.max.ms", "1000", 0),
        long_("reconnect.backoff.ms", "50", 0),
        int_("request.timeout.ms", "30000", 0),
        int_("retries", "2147483647", 0),
        long_("retry.backoff.max.ms", "1000", 0),
        long_("retry.backoff.ms", "100", 0),
        int_("send.buffer.bytes", "131072", -1),
        long_("socket.connection.setup.timeout.max.ms", "30000", 0),
        long_("socket.connection.setup.timeout.ms", "10000", 0),
        unmodelled(int_("transaction.timeout.ms", "60000")),
        unmodelled(string_("transactional.id", "null")),
    };
}

std::vector<ConfigSpec> consumer_specs() {
    return {
        int_("auto.commit.interval.ms", "5000", 0),
        enum_("auto.offset.reset", "latest", "latest|earliest|none"),
        unmodelled(string_("client.id", "")),
        unmodelled(string_("client.rack", "")),
        unmodelled(int_("default.api.timeout.ms", "60000", 0)),
        bool_("enable.auto.commit", "true"),
        unmodelled(int_("fetch.max.bytes", "52428800", 0)),
        int_("fetch.max.wait.ms", "500", 0),
        int_("fetch.min.bytes", "1", 0),
        string_("group.instance.id", "null"),
        enum_("group.protocol", "classic", "classic|consumer"),
        enum_("group.remote.assignor", "null", "uniform|range"),
        int_("heartbeat.interval.ms", "3000"),
        unmodelled(enum_("isolation.level", "read_uncommitted", "read_uncommitted|read_committed")),
        int_("max.partition.fetch.bytes", "1048576", 0),
        int_("max.poll.interval.ms", "300000", 1),
        int_("max.poll.records", "500", 1),
        long_("metadata.max.age.ms", "300000", 0),
        checked(list_("partition.assignment.strategy", "range,cooperative-sticky",
                      "range|roundrobin|sticky|cooperative-sticky"),
                ConfigCheck::assignor),
        int_("request.timeout.ms", "30000", 0),
        unmodelled(long_("retry.backoff.max.ms", "1000", 0)),
        long_("retry.backoff.ms", "100", 0),
        int_("session.timeout.ms", "45000"),
    };
}

std::vector<ConfigSpec> sorted(std::vector<ConfigSpec> v) {
    std::sort(v.begin(), v.end(), [](const ConfigSpec& a, const ConfigSpec& b) { return a.name < b.name; });
    for (std::size_t i = 1; i < v.size(); ++i) KS_ASSERT_MSG(v[i - 1].name != v[i].name, "dup {}", v[i].name);
    return v;
}

}  // namespace

const std::vector<ConfigSpec>& config_specs(ConfigScope scope) {
    static const std::vector<ConfigSpec> broker = sorted(broker_specs());
    static const std::vector<ConfigSpec> topic = sorted(topic_specs());
    static const std::vector<ConfigSpec> producer = sorted(producer_specs());
    static const std::vector<ConfigSpec> consumer = sorted(consumer_specs());
    switch (scope) {
        case ConfigScope::broker:
            return broker;
        case ConfigScope::topic:
            return topic;
        case ConfigScope::producer:
            return producer;
        case ConfigScope::consumer:
            return consumer;
    }
    KS_UNREACHABLE("bad ConfigScope");
}

const ConfigSpec* find_config_spec(ConfigScope scope, std::string_view name) {
    const auto& specs = config_specs(scope);
    auto it = std::lower_bound(specs.begin(), specs.end(), name,
                               [](const ConfigSpec& s, std::string_view n) { return s.name < n; });
    return it != specs.end() && it->name == name ? &*it : nullptr;
}

std::vector<std::string> all_kafka_names(ConfigScope scope) {
    std::vector<std::string> out;
    for (const auto& s : config_specs(scope)) out.emplace_back(s.name);
    const auto& other = other_kafka_names(scope);
    out.insert(out.end(), other.begin(), other.end());
    return out;
}

bool is_kafka_name(ConfigScope scope, std::string_view name) {
    if (find_config_spec(scope, name)) return true;
    const auto& other = other_kafka_names(scope);
    return std::find(other.begin(), other.end(), name) != other.end();
}

std::vector<std::string> spec_values(const ConfigSpec& spec) {
    std::vector<std::string> out;
    std::string_view rest = spec.values;
    while (!rest.empty()) {
        const auto bar = rest.find('|');
        out.emplace_back(rest.substr(0, bar));
        if (bar == std::string_view::npos) break;
        rest.remove_prefix(bar + 1);
    }
    return out;
}

}  // namespace ks::scenario
