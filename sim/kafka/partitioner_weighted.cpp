#include "kafka/partitioner_weighted.hpp"

#include <algorithm>
#include <set>
#include <utility>

#include <fmt/format.h>

#include "core/assert.hpp"

namespace ks::kafka {

namespace {

std::optional<std::string> validate_target(const std::vector<WeightedPartition>& target, std::int32_t partition_count,
                                           const std::string& where) {
    if (target.size() > kWeightedTargetsMax) {
        return fmt::format("{}: {} partitions, at most {} allowed", where, target.size(), kWeightedTargetsMax);
    }
    std::set<std::int32_t> seen;
    for (const WeightedPartition& wp : target) {
        if (wp.partition < 0 || wp.partition >= partition_count) {
            return fmt::format("{}: partition {} is not in [0, {})", where, wp.partition, partition_count);
        }
        if (!seen.insert(wp.partition).second) {
            return fmt::format("{}: partition {} listed twice", where, wp.partition);
        }
        if (wp.weight < 1 || wp.weight > kWeightMax) {
            return fmt::format("{}: weight {} of partition {} is not in [1, {}]", where, wp.weight, wp.partition,
                               kWeightMax);
        }
    }
    return std::nullopt;
}

}  // namespace

std::optional<std::string> validate_weighted_options(const WeightedPartitionerOptions& options) {
    if (options.partition_count < 1) {
        return fmt::format("partition_count must be >= 1, got {}", options.partition_count);
    }
    for (std::size_t i = 0; i < options.rules.size(); ++i) {
        const WeightedRule& rule = options.rules[i];
        const std::string where = rule.name.empty() ? fmt::format("rule {}", i) : fmt::format("rule '{}'", rule.name);
        if (rule.partitions.empty()) return where + ": no partitions";
        for (const KeyRange& r : rule.key_ranges) {
            if (r.first < 0 || r.first > r.last) {
                return fmt::format("{}: key range [{}, {}] is empty or negative", where, r.first, r.last);
            }
        }
        for (const std::int64_t k : rule.keys) {
            if (k < 0) return fmt::format("{}: key {} is negative", where, k);
        }
        if (auto e = validate_target(rule.partitions, options.partition_count, where)) return e;
    }
    return validate_target(options.default_partitions, options.partition_count, "default");
}

WeightedPartitionerOptions vip_example_options(std::int64_t vip_key_count) {
    KS_ASSERT_GE(vip_key_count, 1);
    WeightedRule vip{
        .name = "vip", .key_ranges = {{.first = 0, .last = vip_key_count - 1}}, .keys = {}, .partitions = {}};
    for (std::int32_t p = 0; p < 8; ++p) vip.partitions.push_back({.partition = p, .weight = 1});
    return WeightedPartitionerOptions{
        .partition_count = 10,
        .rules = {std::move(vip)},
        .default_partitions = {{.partition = 8, .weight = 1}, {.partition = 9, .weight = 1}},
    };
}

WeightedPartitioner::Target WeightedPartitioner::make_target(const std::vector<WeightedPartition>& partitions,
                                                             std::int32_t partition_count) {
    Target t;
    std::int32_t sum = 0;
    if (partitions.empty()) {
        for (std::int32_t p = 0; p < partition_count; ++p) {
            t.partitions.push_back(p);
            t.cumulative_weight.push_back(++sum);
        }
        return t;
    }
    for (const WeightedPartition& wp : partitions) {
        t.partitions.push_back(wp.partition);
        sum += wp.weight;  // <= kWeightMax * kWeightedTargetsMax = 1e9 < 2^31
        t.cumulative_weight.push_back(sum);
    }
    return t;
}

WeightedPartitioner::WeightedPartitioner(WeightedPartitionerOptions options)
    : partition_count_(options.partition_count) {
    const auto error = validate_weighted_options(options);
    KS_ASSERT_MSG(!error.has_value(), "invalid weighted partitioner options: {}", error.value_or(""));
    for (WeightedRule& r : options.rules) {
        Rule rule{.key_ranges = std::move(r.key_ranges),
                  .keys = std::move(r.keys),
                  .target = make_target(r.partitions, partition_count_)};
        std::sort(rule.keys.begin(), rule.keys.end());
        rules_.push_back(std::move(rule));
    }
    default_target_ = make_target(options.default_partitions, partition_count_);
}

std::int32_t WeightedPartitioner::pick(const Target& target, std::int32_t draw) {
    KS_ASSERT(!target.cumulative_weight.empty());
    KS_ASSERT_GE(draw, 0);
    const std::int32_t h = draw % target.cumulative_weight.back();
    const auto it = std::upper_bound(target.cumulative_weight.begin(), target.cumulative_weight.end(), h);
    KS_ASSERT(it != target.cumulative_weight.end());
    return target.partitions[static_cast<std::size_t>(it - target.cumulative_weight.begin())];
}

std::optional<std::size_t> WeightedPartitioner::matching_rule(std::int64_t key_index) const {
    for (std::size_t i = 0; i < rules_.size(); ++i) {
        const Rule& r = rules_[i];
        for (const KeyRange& range : r.key_ranges) {
            if (key_index >= range.first && key_index <= range.last) return i;
        }
        if (std::binary_search(r.keys.begin(), r.keys.end(), key_index)) return i;
    }
    return std::nullopt;
}

const WeightedPartitioner::Target& WeightedPartitioner::target_for(std::optional<std::int64_t> key_index) const {
    if (!key_index) return default_target_;
    const auto rule = matching_rule(*key_index);
    return rule ? rules_[*rule].target : default_target_;
}

std::int32_t WeightedPartitioner::partition_for_index(std::int64_t key_index) const {
    KS_ASSERT_GE(key_index, 0);
    const std::string key = record_key(key_index);
    return pick(target_for(key_index), to_positive(murmur2(as_key_bytes(key))));
}

std::int32_t WeightedPartitioner::partition(std::optional<KeyBytes> key, const TopicPartitionsView& view,
                                            RandomSource& random) {
    check_view(view);
    KS_ASSERT_EQ(view.partition_count, partition_count_);
    if (!key) return pick(default_target_, to_positive(random.next_int()));
    return pick(target_for(parse_record_key(*key)), to_positive(murmur2(*key)));
}

}  // namespace ks::kafka
