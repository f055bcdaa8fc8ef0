// Kafka's settings, typed. The scenario loader resolves each `config` map
// (Kafka's names, Kafka's defaults) into these structs once
// (scenario/resolve.hpp); the protocol reads only them. No setting has two
// representations: acks is an Acks, never "all" here and -1 there.
//
// Field names follow Kafka's keys (replica.lag.time.max.ms →
// replica_lag_time_max); a time is a Duration, a size Bytes. The defaults
// here are Kafka's, so a struct built in a test means "as Kafka ships it".
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kafkasim/ids.hpp"
#include "kafkasim/time.hpp"

namespace ks {

// acks: "0" (none), "1" (the leader), "all" or "-1" (every ISR member).
enum class Acks : std::uint8_t { none, leader, all };
constexpr std::string_view acks_name(Acks a) {
    return a == Acks::none ? "0" : a == Acks::leader ? "1" : "all";
}

// cluster.kafka_version: the brokers' Kafka release, the binary. It selects
// the behaviour that changed between releases without a protocol bump (the
// high watermark frozen below min.insync.replicas from 3.7, unclean election
// under KRaft from 3.9, ...) and the defaults of that release; a rolling
// upgrade may change it broker by broker. docs/kafka-versions.md lists what
// each version changes.
struct KafkaVersion {
    std::int32_t major = 3;
    std::int32_t minor = 9;
    std::int32_t patch = 0;

    auto operator<=>(const KafkaVersion&) const = default;
};
// "3.9", "0.10.2": the patch only when it is not 0.
inline std::string to_string(KafkaVersion v) {
    std::string s = std::to_string(v.major) + "." + std::to_string(v.minor);
    if (v.patch != 0) s += "." + std::to_string(v.patch);
    return s;
}

// inter.broker.protocol.version: the replication rules that changed across
// Kafka releases, where historical data-loss cases differ. (A KRaft cluster's
// metadata.version is at least 3.0: always v2_1.)
//   v0_10  truncate to the local high watermark on becoming follower (pre KIP-101)
//   v0_11  KIP-101: OffsetsForLeaderEpoch, truncate to the leader's end offset
//          of the follower's latest epoch
//   v2_0   KIP-279: the answer carries the leader's largest epoch <= the asked
//          one; a follower lacking that epoch steps down and asks again
//   v2_1   KIP-320: requests carry the current leader epoch; stale ones fenced
enum class ProtocolVersion { v0_10, v0_11, v2_0, v2_1 };

// auto.offset.reset
enum class OffsetReset : std::uint8_t { latest, earliest, none };

// compression.type: the codec of a record batch (Kafka's CompressionType).
// What each costs and saves is sim/kafka/compression.hpp's model.
enum class Codec : std::uint8_t { none, gzip, snappy, lz4, zstd };
constexpr std::string_view codec_name(Codec c) {
    switch (c) {
        case Codec::none:
            return "none";
        case Codec::gzip:
            return "gzip";
        case Codec::snappy:
            return "snappy";
        case Codec::lz4:
            return "lz4";
        case Codec::zstd:
            return "zstd";
    }
    return "none";
}
// group.protocol: the classic rebalance protocol (JoinGroup / SyncGroup) or
// the consumer group protocol of KIP-848 (ConsumerGroupHeartbeat).
enum class GroupProtocol : std::uint8_t { classic, consumer };

// A topic's segments and retention (UnifiedLog / LogConfig).
struct RetentionSettings {
    Bytes segment_bytes = 1073741824;     // segment.bytes
    Duration segment_ms = ms(604800000);  // segment.ms
    Duration retention = ms(604800000);   // retention.ms; Duration::max(): keep forever (-1)
    Bytes retention_bytes = -1;           // retention.bytes; -1: no size limit

    bool operator==(const RetentionSettings&) const = default;
};

// When a log is fsynced (UnifiedLog.append, LogManager.flushDirtyLogs).
// Kafka's defaults never flush by count or time: durability comes from
// replication and the OS's writeback, plus the fsync of older segments when
// a segment rolls.
struct FlushSettings {
    std::int64_t flush_messages =
        std::numeric_limits<std::int64_t>::max();  // flush.messages: fsync once this many messages are unflushed
    Duration flush_ms =
        Duration::max();  // flush.ms: fsync a log unflushed for this long (checked by the broker's flusher)

    bool operator==(const FlushSettings&) const = default;
};

struct TopicSettings {
    std::int32_t min_insync_replicas = 1;  // min.insync.replicas
    bool unclean_leader_election = false;  // unclean.leader.election.enable
    RetentionSettings retention;
    FlushSettings flush;
    // compression.type (broker default compression.type): the codec the leader
    // stores batches in. nullopt is "producer" (keep each batch's codec);
    // "uncompressed" is Codec::none (BrokerCompressionType.targetCompression).
    std::optional<Codec> compression{};

    bool operator==(const TopicSettings&) const = default;
};

struct BrokerSettings {
    KafkaVersion kafka_version{};  // cluster.kafka_version (or a rolling upgrade's)
    bool zookeeper = false;        // cluster.controller "zookeeper": liveness is a ZooKeeper session
    ProtocolVersion protocol = ProtocolVersion::v2_1;   // inter.broker.protocol.version
    Duration replica_lag_time_max = ms(30000);          // replica.lag.time.max.ms
    Duration replica_fetch_wait_max = ms(500);          // replica.fetch.wait.max.ms
    Bytes replica_fetch_min_bytes = 1;                  // replica.fetch.min.bytes
    Bytes replica_fetch_max_bytes = 1048576;            // replica.fetch.max.bytes
    Bytes replica_fetch_response_max_bytes = 10485760;  // replica.fetch.response.max.bytes
    std::int32_t num_replica_fetchers = 1;              // num.replica.fetchers
    Duration replica_fetch_backoff = ms(1000);          // replica.fetch.backoff.ms
    Duration replica_socket_timeout = ms(30000);        // replica.socket.timeout.ms
    Duration hw_checkpoint_interval = ms(5000);         // replica.high.watermark.checkpoint.interval.ms
    // broker.heartbeat.interval.ms (KRaft); with ZooKeeper the client's ping,
    // every zookeeper.session.timeout.ms / 3.
    Duration heartbeat_interval = ms(2000);
    // KRaft: a refused registration is resent after 100 ms, doubling up to
    // broker.session.timeout.ms (BrokerLifecycleManager.resendExponentialBackoff).
    Duration registration_backoff_max = ms(9000);
    bool controlled_shutdown_enable = true;                 // controlled.shutdown.enable
    std::int32_t controlled_shutdown_max_retries = 3;       // controlled.shutdown.max.retries
    Duration controlled_shutdown_retry_backoff = ms(5000);  // controlled.shutdown.retry.backoff.ms
    Duration retention_check_interval = ms(300000);         // log.retention.check.interval.ms
    // log.flush.scheduler.interval.ms: how often the flusher checks flush.ms
    // (Kafka's default never: a topic's flush.ms then does nothing).
    Duration log_flush_scheduler_interval = Duration::max();
    Duration log_flush_offset_checkpoint_interval = ms(60000);  // log.flush.offset.checkpoint.interval.ms
    std::int32_t num_recovery_threads = 1;                      // num.recovery.threads.per.data.dir
    std::int32_t num_network_threads = 3;                       // num.network.threads
    std::int32_t num_io_threads = 8;                            // num.io.threads
    std::int32_t queued_max_requests = 500;                     // queued.max.requests
    std::int32_t offsets_topic_partitions = 50;                 // offsets.topic.num.partitions
    std::int32_t offsets_replication = 3;                       // offsets.topic.replication.factor
    Duration initial_rebalance_delay = ms(3000);                // group.initial.rebalance.delay.ms
    Duration consumer_heartbeat_interval = ms(5000);            // group.consumer.heartbeat.interval.ms
    Duration consumer_session_timeout = ms(45000);              // group.consumer.session.timeout.ms
    // group.consumer.assignors
    std::vector<std::string> consumer_assignors = {"uniform", "range"};

    bool operator==(const BrokerSettings&) const = default;
};

// The controller: KRaft's quorum controller or the ZooKeeper-era controller.
struct ControllerSettings {
    bool zookeeper = false;                             // cluster.controller "zookeeper"
    Duration session_timeout = ms(9000);                // broker.session.timeout.ms / zookeeper.session.timeout.ms
    bool auto_leader_rebalance = true;                  // auto.leader.rebalance.enable
    Duration leader_imbalance_check_interval = s(300);  // leader.imbalance.check.interval.seconds
    std::int32_t leader_imbalance_per_broker_percentage = 10;  // leader.imbalance.per.broker.percentage
    bool eligible_leader_replicas = false;  // feature eligible.leader.replicas.version >= 1 (KIP-966)
    KafkaVersion kafka_version{};           // cluster.kafka_version: the controller's release

    bool operator==(const ControllerSettings&) const = default;
};

// The producer's built-in partitioner (KIP-794).
struct BuiltInPartitionerSettings {
    bool enable_adaptive_partitioning = true;                    // partitioner.adaptive.partitioning.enable
    Duration partition_availability_timeout = Duration::zero();  // partitioner.availability.timeout.ms (0: off)

    bool operator==(const BuiltInPartitionerSettings&) const = default;
};

struct ProducerSettings {
    // The producer's client release (a producer's "client_version"): it picks
    // the partitioner without a key, the RoundRobinPartitioner fix and the
    // retry backoff (sim/kafka/versions.hpp); its defaults are already here.
    KafkaVersion client_version{4, 0, 0};
    Acks acks = Acks::all;                   // acks
    Duration linger = ms(5);                 // linger.ms
    std::int32_t batch_size = 16384;         // batch.size
    Bytes buffer_memory = 33554432;          // buffer.memory
    Duration max_block = ms(60000);          // max.block.ms
    std::int32_t max_in_flight = 5;          // max.in.flight.requests.per.connection
    Bytes max_request_size = 1048576;        // max.request.size
    Duration request_timeout = ms(30000);    // request.timeout.ms
    Duration delivery_timeout = ms(120000);  // delivery.timeout.ms
    std::int32_t retries = 2147483647;       // retries
    Duration retry_backoff = ms(100);        // retry.backoff.ms
    Duration retry_backoff_max = ms(1000);   // retry.backoff.max.ms
    // enable.idempotence, reconciled: kept only with acks=all, at most 5
    // requests in flight and retries > 0 (the loader says when it is dropped).
    bool idempotence = true;
    bool round_robin_class = false;                     // partitioner.class = ...RoundRobinPartitioner
    bool ignore_keys = false;                           // partitioner.ignore.keys
    BuiltInPartitionerSettings builtin;                 // partitioner.adaptive.* / availability.timeout.ms
    Duration metadata_max_age = ms(300000);             // metadata.max.age.ms
    Duration reconnect_backoff = ms(50);                // reconnect.backoff.ms
    Duration reconnect_backoff_max = ms(1000);          // reconnect.backoff.max.ms
    Duration connection_setup_timeout = ms(10000);      // socket.connection.setup.timeout.ms
    Duration connection_setup_timeout_max = ms(30000);  // socket.connection.setup.timeout.max.ms
    Bytes send_buffer = 131072;                         // send.buffer.bytes (-1, the OS default: this)
    Codec compression = Codec::none;                    // compression.type

    bool operator==(const ProducerSettings&) const = default;
};

struct ConsumerSettings {
    KafkaVersion client_version{4, 0, 0};                                  // the group's "client_version"
    Duration session_timeout = ms(45000);                                  // session.timeout.ms
    Duration heartbeat_interval = ms(3000);                                // heartbeat.interval.ms
    Duration max_poll_interval = ms(300000);                               // max.poll.interval.ms
    std::int32_t max_poll_records = 500;                                   // max.poll.records
    bool auto_commit = true;                                               // enable.auto.commit
    Duration auto_commit_interval = ms(5000);                              // auto.commit.interval.ms
    OffsetReset reset = OffsetReset::latest;                               // auto.offset.reset
    Bytes fetch_min_bytes = 1;                                             // fetch.min.bytes
    Duration fetch_max_wait = ms(500);                                     // fetch.max.wait.ms
    Bytes max_partition_fetch_bytes = 1048576;                             // max.partition.fetch.bytes
    Duration request_timeout = ms(30000);                                  // request.timeout.ms
    Duration retry_backoff = ms(100);                                      // retry.backoff.ms
    std::vector<std::string> assignors = {"range", "cooperative-sticky"};  // partition.assignment.strategy
    Duration metadata_max_age = ms(300000);                                // metadata.max.age.ms
    // group.instance.id (null: dynamic members). A scenario's group sets it
    // once; the runner gives each member its own, the value plus "-k".
    std::optional<std::string> group_instance_id{};
    GroupProtocol group_protocol = GroupProtocol::classic;  // group.protocol
    std::optional<std::string> group_remote_assignor{};     // group.remote.assignor (null: the broker's choice)

    bool operator==(const ConsumerSettings&) const = default;
};

}  // namespace ks
