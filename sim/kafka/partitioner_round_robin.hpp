// org.apache.kafka.clients.producer.RoundRobinPartitioner (KIP-369), with its
// known skipping behaviour.
//
// partition(): n = the topic's counter, then counter += 1 (per topic, int32
// wrapping like AtomicInteger.getAndIncrement); the record goes to
// available[toPositive(n) % |available|], or to toPositive(n) % partition_count
// when no partition has a leader. Keys are ignored.
//
// The quirk (KAFKA-9965, KAFKA-16283): since KIP-480 (Kafka 2.4) KafkaProducer
// calls partition() a second time when the chosen partition needs a new batch
// (after onNewBatch; see partition_for_send in partitioner.hpp), and this
// partitioner's onNewBatch does nothing -- so every new batch advances the
// counter twice and skips a partition. When every record opens a batch
// (e.g. linger.ms=0 with a fast sender) and the partition count is even,
// only every other partition receives data. Kafka 3.7 documented it as
// "do not use"; KAFKA-17632 (apache/kafka#17620, Kafka 4.0, backported to
// 3.9) made onNewBatch remember the partition so that the next partition()
// for the same topic returns it without advancing the counter. Options pick
// which Kafka to reproduce; the default is the pre-fix behaviour.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "kafka/partitioner.hpp"

namespace ks::kafka {

struct RoundRobinPartitionerOptions {
    // true: Kafka with KAFKA-17632 (4.0+); false: Kafka 2.4 .. 3.9.1 (skips).
    bool kafka_17632_fix = false;
};

class RoundRobinPartitioner final : public Partitioner {
  public:
    explicit RoundRobinPartitioner(RoundRobinPartitionerOptions options = {});

    std::int32_t partition(std::optional<KeyBytes> key, const TopicPartitionsView& view, RandomSource& random) override;
    void on_new_batch(const TopicPartitionsView& view, std::int32_t prev_partition, RandomSource& random) override;

    // The topic's next counter value (0 before its first record).
    std::int32_t counter(std::string_view topic) const;

  private:
    std::int32_t next_value(std::string_view topic);

    RoundRobinPartitionerOptions options_;
    std::map<std::string, std::int32_t, std::less<>> topic_counter_;
    // KAFKA-17632: the partition given up by onNewBatch, to be returned once.
    std::optional<std::pair<std::string, std::int32_t>> previous_partition_;
};

}  // namespace ks::kafka
