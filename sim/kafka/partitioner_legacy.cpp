#include "kafka/partitioner_legacy.hpp"

#include "core/assert.hpp"

namespace ks::kafka {

namespace {
// Redraws until the partition differs from the previous one; with >= 2
// candidates each draw fails with probability <= 1/2, so reaching this many
// means the random source is broken.
constexpr int kRedrawsMax = 1000;
}  // namespace

std::optional<std::int32_t> StickyPartitionCache::cached(std::string_view topic) const {
    const auto it = index_cache_.find(topic);
    if (it == index_cache_.end()) return std::nullopt;
    return it->second;
}

std::int32_t StickyPartitionCache::partition(const TopicPartitionsView& view, RandomSource& random) {
    if (const auto part = cached(view.topic)) return *part;
    return next_partition(view, -1, random);
}

std::int32_t StickyPartitionCache::next_partition(const TopicPartitionsView& view, std::int32_t prev_partition,
                                                  RandomSource& random) {
    check_view(view);
    const std::optional<std::int32_t> old_part = cached(view.topic);
    if (old_part && *old_part != prev_partition) return *old_part;

    std::optional<std::int32_t> new_part = old_part;
    if (view.available.empty()) {
        new_part = to_positive(random.next_int()) % view.partition_count;
    } else if (view.available.size() == 1) {
        new_part = view.available[0];
    } else {
        int draws = 0;
        while (!new_part || new_part == old_part) {
            KS_ASSERT_LT(draws, kRedrawsMax);
            ++draws;
            const auto r = static_cast<std::size_t>(to_positive(random.next_int()));
            new_part = view.available[r % view.available.size()];
        }
    }
    KS_ASSERT(new_part.has_value());
    KS_ASSERT_LT(*new_part, view.partition_count);
    index_cache_.insert_or_assign(std::string(view.topic), *new_part);
    return *new_part;
}

std::int32_t DefaultPartitioner::partition(std::optional<KeyBytes> key, const TopicPartitionsView& view,
                                           RandomSource& random) {
    if (!key) return cache_.partition(view, random);
    return partition_for_key(*key, view.partition_count);
}

void DefaultPartitioner::on_new_batch(const TopicPartitionsView& view, std::int32_t prev_partition,
                                      RandomSource& random) {
    cache_.next_partition(view, prev_partition, random);
}

std::int32_t UniformStickyPartitioner::partition(std::optional<KeyBytes> /*key*/, const TopicPartitionsView& view,
                                                 RandomSource& random) {
    return cache_.partition(view, random);
}

void UniformStickyPartitioner::on_new_batch(const TopicPartitionsView& view, std::int32_t prev_partition,
                                            RandomSource& random) {
    cache_.next_partition(view, prev_partition, random);
}

std::int32_t RoundRobinDefaultPartitioner::partition(std::optional<KeyBytes> key, const TopicPartitionsView& view,
                                                     RandomSource& random) {
    check_view(view);
    if (key) return partition_for_key(*key, view.partition_count);
    auto it = topic_counter_.find(view.topic);
    if (it == topic_counter_.end()) it = topic_counter_.emplace(std::string(view.topic), random.next_int()).first;
    const std::int32_t next = it->second;
    // AtomicInteger.getAndIncrement wraps from INT32_MAX to INT32_MIN.
    it->second = static_cast<std::int32_t>(static_cast<std::uint32_t>(next) + 1U);
    if (view.available.empty()) return to_positive(next) % view.partition_count;
    return view.available[static_cast<std::size_t>(to_positive(next)) % view.available.size()];
}

}  // namespace ks::kafka
