#include "kafka/partitioner.hpp"

#include <limits>

#include "core/assert.hpp"

namespace ks::kafka {

std::int32_t RngRandomSource::next_int() {
    return static_cast<std::int32_t>(static_cast<std::uint32_t>(rng_.next_u64() >> 32));
}

void check_view(const TopicPartitionsView& view) {
    KS_ASSERT_GE(view.partition_count, 1);
    KS_ASSERT_LE(view.available.size(), static_cast<std::size_t>(view.partition_count));
    std::int32_t prev = -1;
    for (const std::int32_t p : view.available) {
        KS_ASSERT_GT(p, prev);
        KS_ASSERT_LT(p, view.partition_count);
        prev = p;
    }
}

std::int32_t partition_for_key(KeyBytes serialized_key, std::int32_t num_partitions) {
    KS_ASSERT_GE(num_partitions, 1);
    const std::int32_t p = to_positive(murmur2(serialized_key)) % num_partitions;
    KS_ASSERT_LT(p, num_partitions);
    return p;
}

std::string record_key(std::int64_t key_index) {
    KS_ASSERT_GE(key_index, 0);
    return std::to_string(key_index);
}

std::optional<std::int64_t> parse_record_key(KeyBytes key) {
    constexpr std::size_t kDigitsMax = 19;  // int64 max has 19 digits
    if (key.empty() || key.size() > kDigitsMax) return std::nullopt;
    if (key.size() > 1 && key[0] == '0') return std::nullopt;
    std::uint64_t v = 0;
    for (const std::uint8_t c : key) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + static_cast<std::uint64_t>(c - '0');  // 19 digits fit in uint64
    }
    if (v > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return std::nullopt;
    return static_cast<std::int64_t>(v);
}

void Partitioner::on_new_batch(const TopicPartitionsView& /*view*/, std::int32_t /*prev*/, RandomSource& /*random*/) {}

}  // namespace ks::kafka
