#include "kafka/partitioner_builtin.hpp"

#include <algorithm>
#include <utility>

#include "core/assert.hpp"

namespace ks::kafka {

BuiltInPartitioner::BuiltInPartitioner(std::int32_t sticky_batch_size) : sticky_batch_size_(sticky_batch_size) {
    KS_ASSERT_MSG(sticky_batch_size >= 1, "stickyBatchSize must be >= 1 but got {}", sticky_batch_size);
}

std::int32_t BuiltInPartitioner::next_partition(const TopicPartitionsView& view, RandomSource& random) const {
    check_view(view);
    const std::int32_t r = to_positive(random.next_int());
    std::int32_t partition = 0;
    if (!load_stats_) {
        // Uniform over partitions with a leader; over all of them if none has one.
        if (!view.available.empty()) {
            partition = view.available[static_cast<std::size_t>(r) % view.available.size()];
        } else {
            partition = r % view.partition_count;
        }
    } else {
        // Partitions without a leader are not in the table.
        const auto& stats = *load_stats_;
        KS_ASSERT_GT(stats.length, 0);
        const auto first = stats.cumulative_frequency_table.begin();
        const auto last = first + stats.length;
        const std::int32_t weighted = r % *(last - 1);
        // Arrays.binarySearch + abs(result + 1): the first entry strictly greater.
        const auto index = static_cast<std::size_t>(std::upper_bound(first, last, weighted) - first);
        KS_ASSERT_LT(index, static_cast<std::size_t>(stats.length));
        partition = stats.partition_ids[index];
    }
    KS_ASSERT_GE(partition, 0);
    return partition;
}

std::int32_t BuiltInPartitioner::peek_current_partition(const TopicPartitionsView& view, RandomSource& random) {
    if (!sticky_) sticky_ = StickyPartitionInfo{.partition = next_partition(view, random)};
    return sticky_->partition;
}

void BuiltInPartitioner::update_partition_info(Bytes appended_bytes, bool enable_switch,
                                               const TopicPartitionsView& view, RandomSource& random) {
    KS_ASSERT(sticky_.has_value());
    KS_ASSERT_GE(appended_bytes, 0);
    const Bytes produced = sticky_->produced_bytes += appended_bytes;
    const Bytes limit = sticky_batch_size_;
    if ((produced >= limit && enable_switch) || produced >= limit * 2) {
        // Produced enough to this partition: switch (a fresh info, 0 bytes).
        sticky_ = StickyPartitionInfo{.partition = next_partition(view, random)};
        ++switch_count_;
    }
}

bool BuiltInPartitioner::complete_deferred_switch(bool all_batches_full, const TopicPartitionsView& view,
                                                  RandomSource& random) {
    KS_ASSERT(sticky_.has_value());
    if (!all_batches_full) return false;
    const std::int64_t switches_before = switch_count_;
    update_partition_info(0, true, view, random);
    return switch_count_ != switches_before;
}

void BuiltInPartitioner::update_partition_load_stats(std::vector<std::int32_t> queue_sizes,
                                                     std::vector<std::int32_t> partition_ids, std::int32_t length) {
    KS_ASSERT_EQ(queue_sizes.size(), partition_ids.size());
    KS_ASSERT_GE(length, 0);
    KS_ASSERT_LE(static_cast<std::size_t>(length), queue_sizes.size());
    // Fewer than 2 partitions in all, or none left after exclusions: no
    // adaptive logic. (With exclusions even one partition goes through it.)
    if (length < 1 || queue_sizes.size() < 2) {
        load_stats_.reset();
        return;
    }
    const auto n = static_cast<std::size_t>(length);
    std::int32_t max_size_plus1 = queue_sizes[0];
    bool all_equal = true;
    for (std::size_t i = 1; i < n; ++i) {
        KS_ASSERT_GE(queue_sizes[i], 0);
        if (queue_sizes[i] != max_size_plus1) all_equal = false;
        max_size_plus1 = std::max(max_size_plus1, queue_sizes[i]);
    }
    ++max_size_plus1;
    if (all_equal && n == queue_sizes.size()) {
        load_stats_.reset();  // all the same and nothing excluded: uniform
        return;
    }
    // Invert (max + 1 - size) and fold into a running sum, in place.
    queue_sizes[0] = max_size_plus1 - queue_sizes[0];
    for (std::size_t i = 1; i < n; ++i) {
        queue_sizes[i] = max_size_plus1 - queue_sizes[i] + queue_sizes[i - 1];
        KS_ASSERT_GT(queue_sizes[i], queue_sizes[i - 1]);
    }
    load_stats_ = PartitionLoadStats{.cumulative_frequency_table = std::move(queue_sizes),
                                     .partition_ids = std::move(partition_ids),
                                     .length = length};
}

void BuiltInPartitioner::clear_partition_load_stats() {
    load_stats_.reset();
}

std::int32_t BuiltInPartitioner::load_stats_range_end() const {
    KS_ASSERT(load_stats_.has_value());
    return load_stats_->cumulative_frequency_table[static_cast<std::size_t>(load_stats_->length) - 1];
}

std::span<const std::int32_t> BuiltInPartitioner::cumulative_frequency_table() const {
    KS_ASSERT(load_stats_.has_value());
    return std::span<const std::int32_t>(load_stats_->cumulative_frequency_table)
        .first(static_cast<std::size_t>(load_stats_->length));
}

std::span<const std::int32_t> BuiltInPartitioner::load_stats_partition_ids() const {
    KS_ASSERT(load_stats_.has_value());
    return std::span<const std::int32_t>(load_stats_->partition_ids)
        .first(static_cast<std::size_t>(load_stats_->length));
}

std::optional<std::int32_t> BuiltInPartitioner::current_partition() const {
    if (!sticky_) return std::nullopt;
    return sticky_->partition;
}

NodeLatencyTracker::NodeLatencyTracker(const PartitionerConfig& config)
    : timeout_(config.partition_availability_timeout) {
    KS_ASSERT_GE(timeout_, Duration::zero());
}

void NodeLatencyTracker::update_node_latency_stats(std::int32_t node_id, Instant now, bool can_drain) {
    if (timeout_ <= Duration::zero()) return;  // the feature is off
    auto [it, inserted] = stats_.try_emplace(node_id, NodeLatencyStats{.ready_time = now, .drain_time = now});
    (void)inserted;
    if (can_drain) it->second.drain_time = now;
    it->second.ready_time = now;
    KS_ASSERT_LE(it->second.drain_time, it->second.ready_time);
}

const NodeLatencyStats* NodeLatencyTracker::stats(std::int32_t node_id) const {
    const auto it = stats_.find(node_id);
    return it == stats_.end() ? nullptr : &it->second;
}

bool NodeLatencyTracker::unready_too_long(std::int32_t node_id) const {
    const NodeLatencyStats* s = stats(node_id);
    return s != nullptr && s->ready_time - s->drain_time > timeout_;
}

void update_load_stats_from_queues(BuiltInPartitioner& partitioner, const PartitionerConfig& config,
                                   std::int32_t partition_count, std::span<const PartitionQueue> queues,
                                   const NodeLatencyTracker& latency) {
    KS_ASSERT_GE(partition_count, 1);
    // No adaptive partitioning until every partition has a deque: a partition
    // missing from the map would never be switched to.
    const bool collect =
        config.enable_adaptive_partitioning && queues.size() >= static_cast<std::size_t>(partition_count);
    std::vector<std::int32_t> queue_sizes(collect ? queues.size() : 0, 0);
    std::vector<std::int32_t> partition_ids(queue_sizes.size(), 0);
    std::int32_t index = -1;
    std::int32_t prev_partition = -1;
    for (const PartitionQueue& q : queues) {
        KS_ASSERT_GT(q.partition, prev_partition);
        KS_ASSERT_GE(q.queued_batches, 0);
        prev_partition = q.partition;
        if (q.leader && collect) {
            ++index;
            partition_ids[static_cast<std::size_t>(index)] = q.partition;
        }
        if (q.queued_batches == 0) continue;  // empty deque: size stays 0, never excluded
        if (!q.leader) continue;              // unknown leader: not in the table
        if (collect) queue_sizes[static_cast<std::size_t>(index)] = q.queued_batches;
        if (config.partition_availability_timeout > Duration::zero() && latency.unready_too_long(*q.leader)) {
            --index;  // exclude: the next partition overwrites this slot
        }
    }
    if (!collect) {
        partitioner.clear_partition_load_stats();
        return;
    }
    partitioner.update_partition_load_stats(std::move(queue_sizes), std::move(partition_ids), index + 1);
}

}  // namespace ks::kafka
