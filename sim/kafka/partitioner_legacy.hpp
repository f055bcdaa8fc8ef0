// The sticky partitioners of Kafka 2.4 .. 3.2 (KIP-480), still selectable with
// partitioner.class and deprecated since 3.3 (KIP-794):
//   StickyPartitionCache           clients/.../producer/internals/StickyPartitionCache.java
//   DefaultPartitioner             .../producer/internals/DefaultPartitioner.java
//   UniformStickyPartitioner       .../producer/UniformStickyPartitioner.java
//
// StickyPartitionCache keeps one partition per topic and changes it only when
// the accumulator opens a new batch on it (onNewBatch with prevPartition equal
// to the cached one): a uniform draw over the available partitions, redrawn
// until it differs from the previous partition when at least two are
// available; the only available one when there is one; a draw over all
// partitions when none is. Unlike KIP-794 it switches on every new batch,
// so with linger.ms = 0 it tends to favour slow brokers.
//
// DefaultPartitioner: keyed records by partition_for_key, null keys sticky.
// UniformStickyPartitioner: every record sticky, keys ignored.
//
// And the DefaultPartitioner before KIP-480 (up to 2.3, 2.3.0
// DefaultPartitioner.java): keyed records by partition_for_key; a null key
// takes the topic's counter — started at a random int (ThreadLocalRandom
// nextInt) the first time, then incremented per record — and goes to
// available[toPositive(counter) % |available|], or to
// toPositive(counter) % partition_count when none is available. One record at
// a time: a batch fills only when the counter comes round again.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "kafka/partitioner.hpp"

namespace ks::kafka {

class StickyPartitionCache {
  public:
    // partition(topic, cluster): the cached partition, choosing one if none.
    std::int32_t partition(const TopicPartitionsView& view, RandomSource& random);
    // nextPartition(topic, cluster, prevPartition): changes the cached
    // partition iff none is cached or it equals prev_partition; returns the
    // cached partition afterwards. prev_partition = -1 means "none".
    std::int32_t next_partition(const TopicPartitionsView& view, std::int32_t prev_partition, RandomSource& random);
    std::optional<std::int32_t> cached(std::string_view topic) const;

  private:
    std::map<std::string, std::int32_t, std::less<>> index_cache_;
};

class DefaultPartitioner final : public Partitioner {
  public:
    std::int32_t partition(std::optional<KeyBytes> key, const TopicPartitionsView& view, RandomSource& random) override;
    void on_new_batch(const TopicPartitionsView& view, std::int32_t prev_partition, RandomSource& random) override;

  private:
    StickyPartitionCache cache_;
};

class RoundRobinDefaultPartitioner final : public Partitioner {
  public:
    std::int32_t partition(std::optional<KeyBytes> key, const TopicPartitionsView& view, RandomSource& random) override;

  private:
    std::map<std::string, std::int32_t, std::less<>> topic_counter_;
};

class UniformStickyPartitioner final : public Partitioner {
  public:
    std::int32_t partition(std::optional<KeyBytes> key, const TopicPartitionsView& view, RandomSource& random) override;
    void on_new_batch(const TopicPartitionsView& view, std::int32_t prev_partition, RandomSource& random) override;

  private:
    StickyPartitionCache cache_;
};

}  // namespace ks::kafka
