#include "kafka/workload.hpp"

#include <algorithm>
#include <cmath>

#include "core/assert.hpp"
#include "core/distribution.hpp"
#include "kafka/producer.hpp"

namespace ks::kafka {

Workload::Workload(WorkloadOptions options, Rng rng)
    : opt_(std::move(options)), rng_(std::move(rng)), rate_per_s_(opt_.rate_per_s) {
    KS_ASSERT(opt_.arrival_tick > Duration::zero());
    KS_ASSERT_GE(rate_per_s_, 0.0);
    KS_ASSERT(opt_.keys.kind == KeySpec::Kind::none || opt_.keys.count >= 1);
    if (opt_.keys.kind == KeySpec::Kind::zipf) zipf_.emplace(opt_.keys.count, opt_.keys.zipf_exponent);
}

void Workload::start(Instant now, Outbox& out) {
    next_arrival_ = rate_per_s_ > 0 ? now + next_gap() : Instant::max();
    schedule(now, out);
}

void Workload::on_timer(Instant now, Producer& producer, Outbox& out) {
    arrival_timer_ = Instant::max();
    generate(now, producer, out);
    schedule(now, out);
}

void Workload::set_rate(double rate_per_s, Instant now, Producer& producer, Outbox& out) {
    KS_ASSERT_GE(rate_per_s, 0.0);
    generate(now, producer, out);  // the old rate holds until now
    rate_per_s_ = rate_per_s;
    next_arrival_ = rate_per_s_ > 0 ? now + next_gap() : Instant::max();
    schedule(now, out);
}

Duration Workload::next_gap() {
    KS_ASSERT_GT(rate_per_s_, 0.0);
    const double mean_ns = 1e9 / rate_per_s_;
    const double gap = opt_.arrival == ArrivalProcess::poisson ? rng_.exponential(mean_ns) : mean_ns;
    return ns(std::max<std::int64_t>(1, round_half_away(gap)));
}

std::int32_t Workload::draw_key() {
    switch (opt_.keys.kind) {
        case KeySpec::Kind::none:
            return -1;
        case KeySpec::Kind::uniform:
            return static_cast<std::int32_t>(rng_.uniform_u64(static_cast<std::uint64_t>(opt_.keys.count)));
        case KeySpec::Kind::zipf:
            return static_cast<std::int32_t>(zipf_->sample(rng_) - 1);
        case KeySpec::Kind::sequential: {
            const auto k = static_cast<std::int32_t>(sequential_key_ % opt_.keys.count);
            ++sequential_key_;
            return k;
        }
    }
    KS_UNREACHABLE("workload: key kind");
}

void Workload::generate(Instant now, Producer& producer, Outbox& out) {
    while (next_arrival_ <= now) {
        const std::int32_t key = draw_key();
        const auto value = static_cast<Bytes>(std::llround(sample(opt_.value_bytes, rng_)));
        producer.append(next_arrival_, key, std::max<Bytes>(0, value), out);
        next_arrival_ += next_gap();
    }
}

void Workload::schedule(Instant now, Outbox& out) {
    if (next_arrival_ == Instant::max()) {
        if (arrival_timer_ != Instant::max()) out.cancel_timer(kArrivalTimer);
        arrival_timer_ = Instant::max();
        return;
    }
    const Instant when = std::max(next_arrival_, now + opt_.arrival_tick);
    if (when != arrival_timer_) out.set_timer(kArrivalTimer, when);
    arrival_timer_ = when;
}

}  // namespace ks::kafka
