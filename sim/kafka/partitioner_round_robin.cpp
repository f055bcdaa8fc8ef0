#include "kafka/partitioner_round_robin.hpp"

#include <utility>

#include "core/assert.hpp"

namespace ks::kafka {

RoundRobinPartitioner::RoundRobinPartitioner(RoundRobinPartitionerOptions options) : options_(options) {}

std::int32_t RoundRobinPartitioner::next_value(std::string_view topic) {
    auto it = topic_counter_.find(topic);
    if (it == topic_counter_.end()) it = topic_counter_.emplace(std::string(topic), 0).first;
    const std::int32_t value = it->second;
    // AtomicInteger.getAndIncrement wraps from INT32_MAX to INT32_MIN.
    it->second = static_cast<std::int32_t>(static_cast<std::uint32_t>(value) + 1U);
    return value;
}

std::int32_t RoundRobinPartitioner::counter(std::string_view topic) const {
    const auto it = topic_counter_.find(topic);
    return it == topic_counter_.end() ? 0 : it->second;
}

std::int32_t RoundRobinPartitioner::partition(std::optional<KeyBytes> /*key*/, const TopicPartitionsView& view,
                                              RandomSource& /*random*/) {
    check_view(view);
    if (previous_partition_) {
        auto prev = std::move(*previous_partition_);
        previous_partition_.reset();
        if (prev.first == view.topic) {
            KS_ASSERT_LT(prev.second, view.partition_count);
            return prev.second;
        }
    }
    const std::int32_t next = to_positive(next_value(view.topic));
    std::int32_t p = 0;
    if (!view.available.empty()) {
        p = view.available[static_cast<std::size_t>(next) % view.available.size()];
    } else {
        p = next % view.partition_count;  // no leader anywhere: a non-available partition
    }
    KS_ASSERT_LT(p, view.partition_count);
    return p;
}

void RoundRobinPartitioner::on_new_batch(const TopicPartitionsView& view, std::int32_t prev_partition,
                                         RandomSource& /*random*/) {
    KS_ASSERT_GE(prev_partition, 0);
    if (!options_.kafka_17632_fix) return;  // Partitioner's default: nothing (the skip)
    previous_partition_.emplace(std::string(view.topic), prev_partition);
}

}  // namespace ks::kafka
