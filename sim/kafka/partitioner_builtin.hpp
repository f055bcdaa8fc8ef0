// The built-in uniform sticky partitioner for records without a key
// (Kafka 3.3+, KIP-794): org.apache.kafka.clients.producer.internals.BuiltInPartitioner
// and the parts of RecordAccumulator that drive it (append, partitionChanged,
// partitionReady, updateNodeLatencyStats).
//
// One BuiltInPartitioner per topic (RecordAccumulator.TopicInfo). State:
//   sticky partition + bytes produced to it since it was chosen (StickyPartitionInfo),
//   optional load statistics: a cumulative frequency table (CFT) over the
//   partitions with a leader (PartitionLoadStats).
//
// Switching (updatePartitionInfo): after an append of n bytes, produced += n;
// switch when produced >= batch.size and enable_switch (the partition's last
// batch is full), or when produced >= 2 * batch.size regardless. The new
// partition (nextPartition), from one draw r = toPositive(nextInt()):
//   - no load stats: available[r % |available|], or r % partition_count if no
//     partition has a leader;
//   - load stats: the first CFT entry strictly greater than r % CFT[last].
// linger.ms decides when a batch is sent, never when the partition switches.
//
// Load stats (updatePartitionLoadStats, from RecordAccumulator.partitionReady
// on every Sender.ready pass): with adaptive partitioning on and a deque for
// every partition, queue sizes (batches queued) of the partitions with a
// leader, minus those whose leader has been unready for more than
// partitioner.availability.timeout.ms, are turned into frequencies
// (max + 1 - size) and summed into the CFT; no table when fewer than 2
// partitions exist, none remain, or all sizes are equal and none was excluded.
//
// The accumulator's protocol for a record without a key (RecordAccumulator.append):
//   1. p = peek_current_partition();
//   2. if p's last batch is full (or p has none): complete_deferred_switch(true);
//      if the partition changed, go to 1;
//   3. if p's last batch has room, append there; otherwise close it for
//      appends (now it is full), repeat step 2, and open a new batch;
//   4. update_partition_info(appended_bytes, enable_switch = p's last batch is
//      full after the append).
// Step 2 changes the partition at most once per record: a fresh partition has
// produced 0 bytes.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <vector>

#include "kafka/partitioner.hpp"
#include "kafkasim/ids.hpp"
#include "kafkasim/settings.hpp"
#include "kafkasim/time.hpp"

namespace ks::kafka {

// RecordAccumulator.PartitionerConfig with the producer's defaults.
// partitioner.adaptive.partitioning.enable, partitioner.availability.timeout.ms
using PartitionerConfig = ks::BuiltInPartitionerSettings;

class BuiltInPartitioner {
  public:
    // sticky_batch_size is batch.size. REQUIRES: sticky_batch_size >= 1 (Kafka
    // throws IllegalArgumentException; here it is a bug in config validation).
    explicit BuiltInPartitioner(std::int32_t sticky_batch_size);

    // peekCurrentPartitionInfo: the current sticky partition, choosing one
    // (one draw) if there is none yet.
    std::int32_t peek_current_partition(const TopicPartitionsView& view, RandomSource& random);

    // updatePartitionInfo(partitionInfo, appendedBytes, cluster, enableSwitch).
    // REQUIRES: a sticky partition exists (peek_current_partition was called);
    // appended_bytes >= 0.
    void update_partition_info(Bytes appended_bytes, bool enable_switch, const TopicPartitionsView& view,
                               RandomSource& random);

    // RecordAccumulator.partitionChanged's second half: when the sticky
    // partition's batches are all full, finish a switch that was deferred
    // because its last batch was not (update_partition_info(0, true)).
    // Returns true iff the sticky partition changed.
    bool complete_deferred_switch(bool all_batches_full, const TopicPartitionsView& view, RandomSource& random);

    // updatePartitionLoadStats(queueSizes, partitionIds, length): builds the
    // CFT from the first `length` entries, or drops the stats (see top).
    // REQUIRES: queue_sizes.size() == partition_ids.size(); 0 <= length <= size;
    // queue sizes >= 0.
    void update_partition_load_stats(std::vector<std::int32_t> queue_sizes, std::vector<std::int32_t> partition_ids,
                                     std::int32_t length);
    // updatePartitionLoadStats(null, ...): no adaptive statistics.
    void clear_partition_load_stats();

    bool has_load_stats() const { return load_stats_.has_value(); }
    // loadStatsRangeEnd: the CFT's last entry. REQUIRES: has_load_stats().
    std::int32_t load_stats_range_end() const;
    // The CFT and its partition ids (first `length` entries). REQUIRES: has_load_stats().
    std::span<const std::int32_t> cumulative_frequency_table() const;
    std::span<const std::int32_t> load_stats_partition_ids() const;

    std::optional<std::int32_t> current_partition() const;
    Bytes produced_bytes() const { return sticky_ ? sticky_->produced_bytes : 0; }
    std::int32_t sticky_batch_size() const { return sticky_batch_size_; }
    // Switches made by update_partition_info (the first choice is not one).
    std::int64_t switch_count() const { return switch_count_; }

  private:
    struct StickyPartitionInfo {
        std::int32_t partition;
        Bytes produced_bytes = 0;
    };
    struct PartitionLoadStats {
        std::vector<std::int32_t> cumulative_frequency_table;
        std::vector<std::int32_t> partition_ids;
        std::int32_t length;
    };

    // nextPartition(cluster): one draw.
    std::int32_t next_partition(const TopicPartitionsView& view, RandomSource& random) const;

    std::int32_t sticky_batch_size_;
    std::optional<StickyPartitionInfo> sticky_;
    std::optional<PartitionLoadStats> load_stats_;
    std::int64_t switch_count_ = 0;
};

// RecordAccumulator.NodeLatencyStats: the last time the node had batches ready
// to send, and the last time it could be drained.
struct NodeLatencyStats {
    Instant ready_time;
    Instant drain_time;
};

// RecordAccumulator.nodeStats and updateNodeLatencyStats: per leader node, for
// partitioner.availability.timeout.ms. Ordered by node id.
class NodeLatencyTracker {
  public:
    explicit NodeLatencyTracker(const PartitionerConfig& config);
    // Sender.sendProducerData calls this for each node with ready data:
    // can_drain = the connection is ready. Nothing happens when the timeout is 0.
    void update_node_latency_stats(std::int32_t node_id, Instant now, bool can_drain);
    const NodeLatencyStats* stats(std::int32_t node_id) const;
    // partitionReady's test: readyTime - drainTime > partition_availability_timeout.
    bool unready_too_long(std::int32_t node_id) const;

  private:
    Duration timeout_;
    std::map<std::int32_t, NodeLatencyStats> stats_;
};

// One entry of a topic's RecordAccumulator batches map (a partition that has
// ever had a deque), as partitionReady reads it.
struct PartitionQueue {
    std::int32_t partition = 0;
    std::optional<std::int32_t> leader;  // leader node id; nullopt = unknown
    std::int32_t queued_batches = 0;     // deque.size()
};

// The load-statistics half of RecordAccumulator.partitionReady for one topic:
// collects queue sizes and feeds them to update_partition_load_stats (or
// clears the stats). `queues` must be ascending by partition -- the iteration
// order of Kafka's HashMap<Integer, Deque> for partition ids below its capacity.
void update_load_stats_from_queues(BuiltInPartitioner& partitioner, const PartitionerConfig& config,
                                   std::int32_t partition_count, std::span<const PartitionQueue> queues,
                                   const NodeLatencyTracker& latency);

}  // namespace ks::kafka
