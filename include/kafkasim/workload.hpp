// The application behind a producer, as a scenario states it: which keys it
// sends, how its send() calls arrive in time, and which partitioner it plugs
// in. Vocabulary shared by the scenario structs (kafkasim/scenario.hpp) and
// the producer's application in the kafka module (kafka/workload.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace ks {

// Which keys a producer sends. Key i (0 <= i < count) is its decimal text
// ("0", "42"), what StringSerializer sends for String.valueOf(i), so
// `kafkasim partition 42` tells where key 42 goes; `none` sends null keys
// (Kafka's sticky partitioner applies).
struct KeySpec {
    enum class Kind { none, uniform, zipf, sequential };
    Kind kind = Kind::none;
    std::int64_t count = 0;      // >= 1 unless kind is none
    double zipf_exponent = 1.0;  // zipf only; key 0 is the hottest
};

enum class ArrivalProcess { poisson, constant };

// A producer's partitioner (DESIGN.md: "weighted custom").
//   kafka_default: Kafka's built-in (murmur2 of the key; sticky for null keys)
//   round_robin:   org.apache.kafka.clients.producer.RoundRobinPartitioner
//                  (also selected by config partitioner.class)
//   weighted:      the first rule whose key range holds the record's key index
//                  chooses the partition: among the rule's `partitions`,
//                  the one picked by toPositive(murmur2(key)) over the rule's
//                  weights (equal unless given), so a key always lands on the
//                  same partition. A rule without `keys` matches every key
//                  (and null keys). Example — VIP customers 0..99 on 8 of 10
//                  partitions, everyone else on the other 2:
//                    {"kind": "weighted", "rules": [
//                      {"keys": {"from": 0, "to": 99}, "partitions": [0,1,2,3,4,5,6,7]},
//                      {"partitions": [8, 9]}]}
struct PartitionerRule {
    std::optional<std::int64_t> key_from;  // inclusive; both absent: every key
    std::optional<std::int64_t> key_to;    // inclusive
    std::vector<std::int32_t> partitions;  // non-empty, distinct, < topic partitions
    std::vector<double> weights;           // one per partition, > 0
};

struct PartitionerSpec {
    enum class Kind { kafka_default, round_robin, weighted };
    Kind kind = Kind::kafka_default;
    std::vector<PartitionerRule> rules;  // weighted only
};

}  // namespace ks
