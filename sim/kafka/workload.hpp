// Workload: the application behind one producer — when it calls
// KafkaProducer.send(), with which key and how many value bytes. It is not
// part of the protocol client (kafka/producer.hpp): it drives one.
//
// Arrivals are generated in bulk: the arrival timer fires at most every
// `arrival_tick` and hands the producer every record that arrived since, each
// with its true send() instant (its latency counts from there). Gaps are
// exponential (a Poisson process) or constant at `rate_per_s`; keys follow the
// KeySpec; value sizes are drawn from `value_bytes`. Its draws come from its
// own stream (the producer's "workload" fork), so the producer's other
// randomness never shifts them.
#pragma once

#include <cstdint>
#include <optional>

#include "core/rng.hpp"
#include "kafka/outbox.hpp"
#include "kafkasim/distribution.hpp"
#include "kafkasim/workload.hpp"

namespace ks::kafka {

class Producer;

struct WorkloadOptions {
    double rate_per_s = 1000;  // records the application sends per second (0: none)
    ArrivalProcess arrival = ArrivalProcess::poisson;
    DistSpec value_bytes = DistSpec::constant(512);
    KeySpec keys;
    Duration arrival_tick = ms(1);  // arrivals are handed over at most this late
};

class Workload {
  public:
    // The arrival timer's key in the producer node's key space (its high byte);
    // kafka::Producer leaves this kind free.
    static constexpr std::uint64_t kArrivalTimer = std::uint64_t{1} << 56;

    Workload(WorkloadOptions options, Rng rng);

    // The first arrival is drawn from `now`.
    void start(Instant now, Outbox& out);
    // The arrival timer fired: every record that arrived up to `now` goes to
    // `producer` (appended, not yet drained).
    void on_timer(Instant now, Producer& producer, Outbox& out);
    // The producer_rate fault: the old rate holds until `now`, then `rate_per_s`.
    void set_rate(double rate_per_s, Instant now, Producer& producer, Outbox& out);

    double rate_per_s() const { return rate_per_s_; }
    const WorkloadOptions& options() const { return opt_; }

  private:
    Duration next_gap();
    std::int32_t draw_key();
    void generate(Instant now, Producer& producer, Outbox& out);
    void schedule(Instant now, Outbox& out);

    WorkloadOptions opt_;
    Rng rng_;
    std::optional<ZipfSampler> zipf_;
    double rate_per_s_;
    Instant next_arrival_ = Instant::max();
    Instant arrival_timer_ = Instant::max();
    std::int64_t sequential_key_ = 0;
};

}  // namespace ks::kafka
