// Vocabulary of the Kafka protocol model: partitions, record batches, errors.
//
// Topics are numbered in scenario order (TopicIndex); a TopicPartition is a
// (topic index, partition) pair ordered lexicographically. Records are never
// materialised one by one: a RecordBatch carries its record count, its size
// and the identity of its records for the ground-truth ledger — the producer
// index and the producer's per-partition record sequence of its first record
// (the batch holds records first_record .. first_record + record_count - 1 of
// that producer on that partition, in send order).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "kafkasim/ids.hpp"
#include "kafkasim/settings.hpp"
#include "kafkasim/time.hpp"

namespace ks::kafka {

using TopicIndex = ks::TopicIndex;          // kafkasim/ids.hpp
using TopicPartition = ks::TopicPartition;  // kafkasim/ids.hpp

// Kafka's error codes that the model produces (org.apache.kafka.common.protocol.Errors).
enum class Error : std::uint8_t {
    none,
    not_leader_or_follower,
    not_enough_replicas,
    not_enough_replicas_after_append,
    request_timed_out,
    offset_out_of_range,
    fenced_leader_epoch,
    unknown_leader_epoch,
    out_of_order_sequence_number,
    duplicate_sequence_number,
    unknown_topic_or_partition,
    invalid_update_version,
    stale_broker_epoch,
    ineligible_replica,
    new_leader_elected,
    operation_not_attempted,
    broker_not_available,
    leader_not_available,
    network_exception,  // client side: the connection broke
    coordinator_not_available,
    not_coordinator,
    rebalance_in_progress,
    unknown_member_id,
    illegal_generation,
    member_id_required,             // KIP-394: join again with the member id in the answer
    fenced_instance_id,             // KIP-345: another member holds this group.instance.id now
    duplicate_broker_registration,  // KRaft: the broker id's previous incarnation still has a session
    not_controller,
    invalid_request,
    // A request version the broker's release does not have: what a client
    // learns from the broker's ApiVersions before sending (kafkasim lets the
    // broker answer the request with it instead).
    unsupported_version,
    // The consumer group protocol (KIP-848).
    fenced_member_epoch,          // the member must give up its partitions and join again (epoch 0)
    stale_member_epoch,           // OffsetCommit from a member epoch that is not the member's current one
    unreleased_instance_id,       // a static member's instance id is still held (its epoch is not -2)
    group_id_not_found,           // a heartbeat with epoch != 0 to a group the coordinator does not know
    inconsistent_group_protocol,  // the group runs the other protocol
};

// Kafka's name for an error, e.g. "NOT_LEADER_OR_FOLLOWER".
std::string_view error_name(Error e);
// Whether the Java producer retries this error (RetriableException subclasses).
bool is_retriable(Error e);

inline constexpr std::int32_t kNoSequence = -1;    // RecordBatch.NO_SEQUENCE
inline constexpr std::int64_t kNoProducerId = -1;  // RecordBatch.NO_PRODUCER_ID
inline constexpr LeaderEpoch kNoEpoch = -1;        // RecordBatch.NO_PARTITION_LEADER_EPOCH
inline constexpr Offset kUndefinedOffset = -1;     // UNDEFINED_EPOCH_OFFSET

struct RecordBatch {
    Offset base_offset = 0;         // assigned by the leader on append
    std::int32_t record_count = 0;  // >= 1
    LeaderEpoch epoch = kNoEpoch;   // partition leader epoch the batch was written in
    Bytes size_bytes = 0;           // on the wire and on disk
    // Idempotence (KIP-98): producer id and sequence of the first record.
    std::int64_t producer_id = kNoProducerId;
    std::int32_t base_sequence = kNoSequence;
    // Ledger identity: which records these are.
    std::int32_t producer = -1;     // scenario producer index
    std::int64_t first_record = 0;  // per (producer, partition) record sequence
    Instant created;                // when the producer closed the batch
    // Compression (kafka/compression.hpp): the codec its records are stored
    // in, their size uncompressed (without the batch header; 0: unknown, take
    // size_bytes) and the producer's value_compressibility.
    Codec codec = Codec::none;
    Bytes records_bytes = 0;
    double compressibility = 0;

    Offset last_offset() const { return base_offset + record_count - 1; }
    Offset next_offset() const { return base_offset + record_count; }
};

using Batches = std::vector<RecordBatch>;

}  // namespace ks::kafka
