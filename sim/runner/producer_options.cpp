#include "runner/producer_options.hpp"

#include <string>
#include <utility>

namespace ks::runner {

using namespace ks::kafka;

kafka::ProducerOptions from_spec(const ProducerSpec& spec, std::int32_t partitions, kafka::TopicIndex topic,
                                 std::int32_t producer_index, NodeId self, std::vector<BrokerId> bootstrap) {
    const KafkaConfig& c = spec.config;
    ProducerOptions o;
    o.index = producer_index;
    o.self = self;
    o.topic = topic;
    o.topic_name = spec.topic;
    o.partitions = partitions;
    o.bootstrap = std::move(bootstrap);
    o.partitioner = spec.partitioner;
    const std::string& acks = c.get_string("acks");
    o.acks = acks == "0" ? 0 : acks == "1" ? 1 : -1;
    o.linger = c.get_ms("linger.ms");
    o.batch_size = c.get_int("batch.size");
    o.buffer_memory = c.get_long("buffer.memory");
    o.max_block = c.get_ms("max.block.ms");
    o.max_in_flight = c.get_int("max.in.flight.requests.per.connection");
    o.max_request_size = c.get_int("max.request.size");
    o.request_timeout = c.get_ms("request.timeout.ms");
    o.delivery_timeout = c.get_ms("delivery.timeout.ms");
    o.retries = c.get_int("retries");
    o.retry_backoff = c.get_ms("retry.backoff.ms");
    o.retry_backoff_max = c.get_ms("retry.backoff.max.ms");
    o.idempotence = c.get_bool("enable.idempotence") && o.acks == -1 && o.max_in_flight <= 5 && o.retries > 0;
    o.round_robin_class =
        !c.is_null("partitioner.class") &&
        c.get_string("partitioner.class") == "org.apache.kafka.clients.producer.RoundRobinPartitioner";
    o.ignore_keys = c.get_bool("partitioner.ignore.keys");
    o.builtin.enable_adaptive_partitioning = c.get_bool("partitioner.adaptive.partitioning.enable");
    o.builtin.partition_availability_timeout = c.get_ms("partitioner.availability.timeout.ms");
    o.metadata_max_age = c.get_ms("metadata.max.age.ms");
    o.reconnect_backoff = c.get_ms("reconnect.backoff.ms");
    o.reconnect_backoff_max = c.get_ms("reconnect.backoff.max.ms");
    o.connection_setup_timeout = c.get_ms("socket.connection.setup.timeout.ms");
    o.connection_setup_timeout_max = c.get_ms("socket.connection.setup.timeout.max.ms");
    // -1: the OS default (Linux: net.ipv4.tcp_wmem's default, 16 KiB, autotuned
    // upward); kafkasim takes Kafka's default then.
    const std::int32_t sndbuf = c.get_int("send.buffer.bytes");
    o.send_buffer = sndbuf > 0 ? sndbuf : 131072;
    o.producer_id_base = 1000;
    return o;
}

kafka::WorkloadOptions workload_of(const ProducerSpec& spec) {
    kafka::WorkloadOptions w;
    w.rate_per_s = spec.rate_per_s;
    w.arrival = spec.arrival;
    w.value_bytes = spec.value_bytes;
    w.keys = spec.keys;
    return w;
}

}  // namespace ks::runner
