// ProducerApp: one client process — an application (Workload) calling send()
// on a KafkaProducer (Producer) — hosted as one node. The producer's own
// inputs go to the producer; the arrival timer goes to the workload, and the
// producer's sender runs after each batch of arrivals, as it would after the
// application's send() calls returned.
//
// Randomness: the producer draws from `rng` (its "partitioner" and "backoff"
// forks), the workload from rng.fork("workload").
#pragma once

#include <cstdint>

#include "kafka/producer.hpp"
#include "kafka/workload.hpp"

namespace ks::kafka {

class ProducerApp {
  public:
    ProducerApp(ProducerOptions producer, WorkloadOptions workload, Rng rng)
        : producer_(keyless(std::move(producer), workload), rng),
          workload_(std::move(workload), rng.fork("workload")) {}
    ProducerApp(const ProducerApp&) = delete;
    ProducerApp& operator=(const ProducerApp&) = delete;

    void start(Instant now, Outbox& out) {
        producer_.start(now, out);
        workload_.start(now, out);
    }
    void on_message(Instant now, NodeId from, const Message& m, Outbox& out) {
        producer_.on_message(now, from, m, out);
    }
    void on_timer(Instant now, std::uint64_t key, Outbox& out) {
        if (key != Workload::kArrivalTimer) return producer_.on_timer(now, key, out);
        workload_.on_timer(now, producer_, out);
        producer_.run(now, out);
    }
    void on_connection_lost(Instant now, NodeId peer, Outbox& out) { producer_.on_connection_lost(now, peer, out); }
    void on_transport_ack(Instant now, NodeId peer, Bytes bytes, Outbox& out) {
        producer_.on_transport_ack(now, peer, bytes, out);
    }
    // The producer_rate fault (0 pauses the application).
    void set_rate(double rate_per_s, Instant now, Outbox& out) {
        workload_.set_rate(rate_per_s, now, producer_, out);
        producer_.run(now, out);
    }

    Producer& producer() { return producer_; }
    const Producer& producer() const { return producer_; }
    const Workload& workload() const { return workload_; }

  private:
    static ProducerOptions keyless(ProducerOptions p, const WorkloadOptions& w) {
        p.keyless_workload = w.keys.kind == KeySpec::Kind::none;
        return p;
    }

    Producer producer_;
    Workload workload_;
};

}  // namespace ks::kafka
