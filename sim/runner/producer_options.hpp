// A producer node's options from the scenario's ProducerSpec: its resolved
// settings (scenario/resolve.hpp) with its identity, and its application.
#pragma once

#include <cstdint>
#include <vector>

#include "kafka/producer.hpp"
#include "kafka/workload.hpp"
#include "kafkasim/scenario.hpp"

namespace ks::runner {

// The resolved settings, the partitioner the application plugs in, and the
// producer's identity (its index, node, topic and bootstrap brokers).
kafka::ProducerOptions from_spec(const ProducerSpec& spec, std::int32_t partitions, kafka::TopicIndex topic,
                                 std::int32_t producer_index, NodeId self, std::vector<BrokerId> bootstrap);

// The application behind the producer: rate, arrival process, keys, values.
kafka::WorkloadOptions workload_of(const ProducerSpec& spec);

}  // namespace ks::runner
