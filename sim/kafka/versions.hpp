// What the simulated Kafka does differently by version: the inter-broker
// protocol (inter.broker.protocol.version, ks::ProtocolVersion) and the
// broker's own release (cluster.kafka_version, ks::KafkaVersion), both in
// kafkasim/settings.hpp. docs/kafka-versions.md tabulates them.
#pragma once

#include "kafkasim/settings.hpp"

namespace ks::kafka {

using KafkaVersion = ks::KafkaVersion;
using ProtocolVersion = ks::ProtocolVersion;

// ---- inter.broker.protocol.version -------------------------------------------------------------

inline bool uses_leader_epochs(ProtocolVersion v) {
    return v >= ProtocolVersion::v0_11;
}
inline bool epoch_in_epoch_response(ProtocolVersion v) {
    return v >= ProtocolVersion::v2_0;
}
inline bool fences_stale_epochs(ProtocolVersion v) {
    return v >= ProtocolVersion::v2_1;
}

// ---- the broker's release -------------------------------------------------------------------

// KAFKA-15583 (3.7.0): Partition.maybeIncrementLeaderHW returns early while
// the partition is under min ISR, and every min-ISR check uses
// effectiveMinIsr = min(min.insync.replicas, replication factor). A binary
// change, whatever the protocol version: 3.6's Partition.scala compares the
// ISR with leaderLog.config.minInSyncReplicas and never freezes the HW.
inline bool freezes_hw_below_min_isr(KafkaVersion v) {
    return v >= KafkaVersion{3, 7, 0};
}
inline bool caps_min_isr_at_replication_factor(KafkaVersion v) {
    return v >= KafkaVersion{3, 7, 0};
}
// ReplicaFetcherThread.handleOffsetOutOfRange up to 2.0: a follower whose log
// ends beyond the leader's, for a topic without unclean.leader.election.enable,
// stops the broker ("Exiting because log truncation is not allowed for
// partition": Runtime.halt in 0.10.0, System.exit in 0.10.1-0.11, a
// FatalExitError from 1.0). 2.1's AbstractFetcherThread.fetchOffsetAndTruncate
// truncates instead.
inline bool exits_rather_than_truncate_below_leader(KafkaVersion v) {
    return v < KafkaVersion{2, 1, 0};
}

// KafkaApis.handleProduceRequest from 3.7 (KIP-951): NOT_LEADER_OR_FOLLOWER
// answers to ProduceRequest v10 carry the leader the broker knows.
inline bool sends_leader_hints(KafkaVersion broker) {
    return broker >= KafkaVersion{3, 7, 0};
}
// KafkaApis.handleFetchRequest from 3.7 (KIP-951): a FetchResponse v16+
// partition failing with NOT_LEADER_OR_FOLLOWER or FENCED_LEADER_EPOCH carries
// CurrentLeader (and the leader's NodeEndpoints), from the broker's metadata cache.
inline bool sends_fetch_leader_hints(KafkaVersion broker) {
    return broker >= KafkaVersion{3, 7, 0};
}
// OffsetsForLeaderEpoch v3 (KIP-320's consumer part, 2.3.0): the version a
// consumer needs (OffsetFetcherUtils.hasUsableOffsetForLeaderEpochVersion,
// OffsetsForLeaderEpochRequest.supportsTopicPermission); 2.2 brokers stop at v2.
inline bool answers_consumer_epoch_queries(KafkaVersion broker) {
    return broker >= KafkaVersion{2, 3, 0};
}
// FetchRequest v9 (KIP-320, 2.1.0): a fetch carries the current leader epoch,
// and Partition.fetchRecords answers FENCED_LEADER_EPOCH / UNKNOWN_LEADER_EPOCH
// when it differs from the leader's.
inline bool fences_client_fetch_epochs(KafkaVersion broker) {
    return broker >= KafkaVersion{2, 1, 0};
}

// ---- the client's release (a producer's or a group's client_version) --------------------------

// How a producer of release v places a record without a key (and without
// partitioner.class):
//   round_robin_per_record  up to 2.3: DefaultPartitioner's counter per topic,
//                           started at a random int, over the available
//                           partitions, one record at a time (2.3.0
//                           DefaultPartitioner.partition / nextValue);
//   sticky_per_batch        2.4 to 3.2: DefaultPartitioner with the
//                           StickyPartitionCache, a new partition for each
//                           new batch (KIP-480, 2.4.0);
//   uniform_sticky          3.3 on: the built-in partitioner, a new partition
//                           after batch.size bytes (KIP-794, 3.3.0).
enum class NoKeyPartitioning { round_robin_per_record, sticky_per_batch, uniform_sticky };
inline NoKeyPartitioning no_key_partitioning(KafkaVersion client) {
    if (client < KafkaVersion{2, 4, 0}) return NoKeyPartitioning::round_robin_per_record;
    if (client < KafkaVersion{3, 3, 0}) return NoKeyPartitioning::sticky_per_batch;
    return NoKeyPartitioning::uniform_sticky;
}
// KafkaProducer.doSend asks a configured partitioner again after onNewBatch
// (abortOnNewBatch) from 2.4 (KIP-480); before, partition() is called once.
inline bool asks_partitioner_again_on_new_batch(KafkaVersion client) {
    return client >= KafkaVersion{2, 4, 0};
}
// RoundRobinPartitioner exists from 2.4 (KIP-369); KAFKA-17632
// (apache/kafka#17620) remembers the partition onNewBatch gave up, in 4.0.0
// and in the 3.9 line from 3.9.2 (the backport of 2025-08).
inline bool has_round_robin_partitioner(KafkaVersion client) {
    return client >= KafkaVersion{2, 4, 0};
}
inline bool round_robin_partitioner_fixed(KafkaVersion client) {
    return client >= KafkaVersion{4, 0, 0} || client >= KafkaVersion{3, 9, 2};
}
// KIP-951 (3.7.0): the producer sends ProduceRequest v10, takes the leader a
// NOT_LEADER_OR_FOLLOWER answer names when its epoch is newer
// (Sender.completeBatch → Metadata.updatePartitionLeadership), and a retry
// whose partition got a newer leader epoch since its last attempt skips the
// backoff (ProducerBatch.hasLeaderChangedForTheOngoingRetry,
// RecordAccumulator.shouldBackoff).
inline bool client_follows_leader_hints(KafkaVersion client) {
    return client >= KafkaVersion{3, 7, 0};
}
// KIP-320 in the consumer (2.3.0): a FetchPosition remembers the epoch of the
// last record consumed and the leader it was validated against; when the
// metadata names another leader or epoch the partition enters AWAIT_VALIDATION
// (SubscriptionState.maybeValidatePositionForCurrentLeader), fetching stops
// until OffsetsForLeaderEpoch answers (OffsetFetcher.validatePositionsAsync),
// and an end offset below the position is a truncation: seek to it with a
// reset policy, LogTruncationException without one
// (SubscriptionState.maybeCompleteValidation). Fetches carry
// position.currentLeader.epoch from 2.3 (2.1 and 2.2 send none).
inline bool consumer_validates_positions(KafkaVersion client) {
    return client >= KafkaVersion{2, 3, 0};
}
// KIP-951 in the consumer (3.7.0): FetchRequest v16; the CurrentLeader of a
// NOT_LEADER_OR_FOLLOWER / FENCED_LEADER_EPOCH answer, when newer than the
// metadata, becomes the partition's leader at once
// (AbstractFetch.handleFetchSuccess → Metadata.updatePartitionLeadership), the
// position is validated against it and fetching resumes without waiting for
// the metadata refresh that FetchCollector.handleInitializeErrors still asks.
inline bool consumer_follows_fetch_leader_hints(KafkaVersion client) {
    return client >= KafkaVersion{3, 7, 0};
}
// retry.backoff.max.ms and the exponential, jittered retry backoff (KIP-580,
// 3.7.0); before, every retry waits retry.backoff.ms.
inline bool exponential_retry_backoff(KafkaVersion client) {
    return client >= KafkaVersion{3, 7, 0};
}

}  // namespace ks::kafka
