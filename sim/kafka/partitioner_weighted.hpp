// kafkasim's custom weighted partitioner: rules that send sets of keys to sets
// of partitions, as a user's own partitioner.class would (for example "VIP
// customers' keys go to 8 of 10 partitions, everyone else to the other 2").
// Not part of Kafka; it plugs in through the Partitioner interface like any
// custom class.
//
// Keys are the producer's key indices (record_key: decimal text). A record's
// key index selects the first rule whose ranges or key list contain it; keys
// no rule matches -- including keys that are not decimal key indices -- use
// the default target. Within the chosen target the partition is picked by
// weight from the key's hash: h = toPositive(murmur2(key bytes)) % total
// weight, then the first partition whose running weight sum exceeds h. So a
// key always lands on the same partition (until the options change), and over
// many keys each partition gets a share proportional to its weight.
// Null keys: one weighted draw over the default target per record.
//
// Partitions the options name must exist; availability (leaders) is ignored,
// as keyed partitioning in Kafka ignores it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kafka/partitioner.hpp"

namespace ks::kafka {

// Key indices first..last, inclusive.
struct KeyRange {
    std::int64_t first = 0;
    std::int64_t last = 0;
};

struct WeightedPartition {
    std::int32_t partition = 0;
    std::int32_t weight = 1;  // > 0
};

struct WeightedRule {
    std::string name;                           // for messages, e.g. "vip"
    std::vector<KeyRange> key_ranges;           // keys matched by range ...
    std::vector<std::int64_t> keys;             // ... or listed one by one
    std::vector<WeightedPartition> partitions;  // where matched keys go
};

struct WeightedPartitionerOptions {
    std::int32_t partition_count = 0;
    std::vector<WeightedRule> rules;  // the first rule that matches wins
    // Keys that no rule matches, and null keys. Empty: every partition, weight 1.
    std::vector<WeightedPartition> default_partitions;
};

// Limits that keep the running weight sum inside int32.
inline constexpr std::int32_t kWeightMax = 1'000'000;
inline constexpr std::size_t kWeightedTargetsMax = 1'000;

// Why the options are unusable (for the scenario loader to report), or
// nullopt when they are fine: partition_count >= 1; every rule has at least
// one target partition, 0 <= first <= last in every range, keys >= 0; every
// partition in [0, partition_count), not repeated within a target, weight in
// [1, kWeightMax]; at most kWeightedTargetsMax partitions per target.
std::optional<std::string> validate_weighted_options(const WeightedPartitionerOptions& options);

// "VIP customers' keys go to 8 of 10 partitions, everyone else to the other 2":
// keys 0..vip_key_count-1 -> partitions 0..7 (weight 1 each), all other keys
// and null keys -> partitions 8 and 9.
WeightedPartitionerOptions vip_example_options(std::int64_t vip_key_count);

class WeightedPartitioner final : public Partitioner {
  public:
    // REQUIRES: validate_weighted_options(options) is nullopt.
    explicit WeightedPartitioner(WeightedPartitionerOptions options);

    std::int32_t partition(std::optional<KeyBytes> key, const TopicPartitionsView& view, RandomSource& random) override;

    // The partition of key index `key_index` (its bytes are record_key(key_index)).
    std::int32_t partition_for_index(std::int64_t key_index) const;
    // The index of the rule matching key_index, or nullopt for the default.
    std::optional<std::size_t> matching_rule(std::int64_t key_index) const;

  private:
    struct Target {
        std::vector<std::int32_t> partitions;
        std::vector<std::int32_t> cumulative_weight;  // strictly increasing
    };
    struct Rule {
        std::vector<KeyRange> key_ranges;
        std::vector<std::int64_t> keys;  // sorted
        Target target;
    };
    static Target make_target(const std::vector<WeightedPartition>& partitions, std::int32_t partition_count);
    static std::int32_t pick(const Target& target, std::int32_t draw);
    const Target& target_for(std::optional<std::int64_t> key_index) const;

    std::int32_t partition_count_;
    std::vector<Rule> rules_;
    Target default_target_;
};

}  // namespace ks::kafka
