// Client-side partitioning: what every partitioner shares.
//
// kafkasim reproduces the Java producer's choice of partition for a record
// (KafkaProducer.partition, clients/.../producer/KafkaProducer.java):
//   1. the record names a partition            -> that partition;
//   2. partitioner.class is configured         -> Partitioner.partition(...)
//      (RoundRobinPartitioner, the legacy DefaultPartitioner /
//      UniformStickyPartitioner, kafkasim's WeightedPartitioner);
//   3. the record has a key (and partitioner.ignore.keys is false)
//                                              -> partition_for_key(): toPositive(murmur2(key)) % all
//                                                 partitions of the topic, led or not;
//   4. otherwise                               -> the built-in uniform sticky partitioner
//      (BuiltInPartitioner, KIP-794; partitioner_builtin.hpp), driven by the accumulator.
//
// Every partitioner here is a plain state machine: its inputs are the topic's
// metadata as the producer sees it (TopicPartitionsView), the key, queue sizes,
// and random draws; it holds no pointer to a loop, a clock or a cluster.
//
// Randomness: Kafka draws Utils.toPositive(ThreadLocalRandom.current().nextInt()).
// Here every draw comes from a RandomSource; production code wraps the
// producer's ks::Rng stream (RngRandomSource), tests substitute a sequence the
// way Kafka's tests set BuiltInPartitioner.mockRandom.
//
// Keys: the simulated producers' keys are integers 0..count-1 serialized as
// their decimal text ("0", "42", "9999") -- what StringSerializer produces for
// String.valueOf(i). record_key() is that rendering; key_bytes() views it as
// the bytes murmur2 hashes.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/rng.hpp"
#include "kafka/murmur2.hpp"

namespace ks::kafka {

// Source of Kafka's ThreadLocalRandom.nextInt() draws (any int32; callers apply
// to_positive as Kafka does).
class RandomSource {
  public:
    virtual ~RandomSource() = default;
    virtual std::int32_t next_int() = 0;
};

// Draws from a ks::Rng (the producer's own stream). The Rng must outlive this.
class RngRandomSource final : public RandomSource {
  public:
    explicit RngRandomSource(Rng& rng) : rng_(rng) {}
    // The upper 32 bits of the next 64-bit output, reinterpreted as int32.
    std::int32_t next_int() override;

  private:
    Rng& rng_;
};

// One topic as the producer's metadata shows it: Cluster.partitionsForTopic
// (its size) and Cluster.availablePartitionsForTopic (the partitions with a
// known leader).
// REQUIRES: partition_count >= 1; `available` strictly ascending, each in
// [0, partition_count). Kafka lists available partitions in metadata order,
// which brokers send ascending by partition id.
struct TopicPartitionsView {
    std::string_view topic;
    std::int32_t partition_count = 0;
    std::span<const std::int32_t> available;
};

// Asserts the REQUIRES of TopicPartitionsView (a bug in the caller otherwise).
void check_view(const TopicPartitionsView& view);

// BuiltInPartitioner.partitionForKey: toPositive(murmur2(key)) % num_partitions,
// over all partitions whether or not they have a leader.
// REQUIRES: num_partitions >= 1.
std::int32_t partition_for_key(KeyBytes serialized_key, std::int32_t num_partitions);

// The producer's key for key index i: its decimal text, e.g. 42 -> "42".
// REQUIRES: key_index >= 0.
std::string record_key(std::int64_t key_index);

// The inverse of record_key for keys in that form ("0" or a decimal without a
// leading zero, fitting int64); nullopt for any other bytes.
std::optional<std::int64_t> parse_record_key(KeyBytes key);

// org.apache.kafka.clients.producer.Partitioner, as configured by
// partitioner.class. A null key is std::nullopt (distinct from an empty key).
class Partitioner {
  public:
    virtual ~Partitioner() = default;
    // Partitioner.partition(topic, key, keyBytes, value, valueBytes, cluster).
    // Returns a partition in [0, view.partition_count).
    virtual std::int32_t partition(std::optional<KeyBytes> key, const TopicPartitionsView& view,
                                   RandomSource& random) = 0;
    // Partitioner.onNewBatch(topic, cluster, prevPartition): the accumulator
    // was about to open a new batch on prev_partition. Default: nothing.
    virtual void on_new_batch(const TopicPartitionsView& view, std::int32_t prev_partition, RandomSource& random);
};

// KafkaProducer.doSend with a configured partitioner (abortOnNewBatch = true):
// p = partition(); if appending to p would open a new batch
// (needs_new_batch(p)), call on_new_batch(p) and ask partition() again; the
// record goes to that second answer whatever its batch state. This second call
// is what makes RoundRobinPartitioner skip partitions (KAFKA-9965).
// NeedsNewBatch: bool(std::int32_t partition), true when the partition's deque
// has no open batch with room for the record (RecordAccumulator.tryAppend fails).
template <typename NeedsNewBatch>
std::int32_t partition_for_send(Partitioner& partitioner, std::optional<KeyBytes> key, const TopicPartitionsView& view,
                                RandomSource& random, NeedsNewBatch&& needs_new_batch) {
    const std::int32_t first = partitioner.partition(key, view, random);
    if (!needs_new_batch(first)) return first;
    partitioner.on_new_batch(view, first, random);
    return partitioner.partition(key, view, random);
}

}  // namespace ks::kafka
