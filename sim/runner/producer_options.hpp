// from_spec: a Producer's options from the scenario's ProducerSpec.
//
// The kafka module knows nothing of config parsing; the Simulation calls
// these when it builds each producer node.
#pragma once

#include <cstdint>
#include <vector>

#include "kafka/producer.hpp"
#include "kafka/workload.hpp"
#include "kafkasim/scenario.hpp"

namespace ks::runner {

// Reads acks, linger.ms, batch.size, buffer.memory, max.block.ms,
// max.in.flight.requests.per.connection, max.request.size, request.timeout.ms,
// delivery.timeout.ms, retries, retry.backoff.ms, retry.backoff.max.ms,
// enable.idempotence, partitioner.class, partitioner.ignore.keys,
// partitioner.adaptive.partitioning.enable, partitioner.availability.timeout.ms
// metadata.max.age.ms, reconnect.backoff.ms, reconnect.backoff.max.ms and
// socket.connection.setup.timeout(.max).ms, send.buffer.bytes through KafkaConfig. Idempotence is kept only when
// acks=all, max.in.flight <= 5 and retries > 0 (the loader already reconciled
// it; this only guards hand-built specs).
kafka::ProducerOptions from_spec(const ProducerSpec& spec, std::int32_t partitions, kafka::TopicIndex topic,
                                 std::int32_t producer_index, NodeId self, std::vector<BrokerId> bootstrap);

// The application behind the producer: rate, arrival process, keys, values.
kafka::WorkloadOptions workload_of(const ProducerSpec& spec);

}  // namespace ks::runner
