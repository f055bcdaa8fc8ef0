#include "runner/producer_options.hpp"

#include <string>
#include <utility>

namespace ks::runner {

using namespace ks::kafka;

kafka::ProducerOptions from_spec(const ProducerSpec& spec, std::int32_t partitions, kafka::TopicIndex topic,
                                 std::int32_t producer_index, NodeId self, std::vector<BrokerId> bootstrap) {
    ProducerOptions o;
    static_cast<ProducerSettings&>(o) = spec.settings;
    o.index = producer_index;
    o.self = self;
    o.topic = topic;
    o.topic_name = spec.topic;
    o.partitions = partitions;
    o.bootstrap = std::move(bootstrap);
    o.partitioner = spec.partitioner;
    o.send_threads = spec.send_threads;
    o.value_compressibility = spec.value_compressibility;
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
