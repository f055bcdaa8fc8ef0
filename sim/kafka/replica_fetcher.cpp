#include "kafka/replica_fetcher.hpp"

#include "core/assert.hpp"
#include "kafka/versions.hpp"

namespace ks::kafka {

const char* to_string(ReplicaFetcher::State s) {
    switch (s) {
        case ReplicaFetcher::State::truncating:
            return "truncating";
        case ReplicaFetcher::State::awaiting_epoch:
            return "awaiting_epoch";
        case ReplicaFetcher::State::fetching:
            return "fetching";
        case ReplicaFetcher::State::delayed:
            return "delayed";
        case ReplicaFetcher::State::delayed_truncation:
            return "delayed_truncation";
    }
    KS_UNREACHABLE("fetch state");
}

void ReplicaFetcher::set_state(PartitionFetch& p, State to) {
    using S = State;
    const S from = p.state;
    const bool legal =
        (from == S::truncating && (to == S::awaiting_epoch || to == S::fetching)) ||
        (from == S::awaiting_epoch && (to == S::fetching || to == S::truncating || to == S::delayed_truncation)) ||
        (from == S::fetching && to == S::delayed) || (from == S::delayed && to == S::fetching) ||
        (from == S::delayed_truncation && to == S::truncating);
    KS_ASSERT_MSG(legal, "replica fetcher of broker {} from {}: {} -> {}", opt_.self.value(), opt_.leader.value(),
                  to_string(from), to_string(to));
    p.state = to;
}

std::optional<ReplicaFetcher::State> ReplicaFetcher::state(TopicPartition tp) const {
    auto it = partitions_.find(tp);
    if (it == partitions_.end()) return std::nullopt;
    return it->second.state;
}

void ReplicaFetcher::add(Instant now, TopicPartition tp, LeaderEpoch epoch, Outbox& out) {
    KS_ASSERT(partitions_.count(tp) == 1 || partitions_.size() < opt_.partitions_max);
    // Before KIP-101 the truncation already happened (to the HW); from 0.11 the
    // follower first asks the leader where its latest epoch ended.
    partitions_[tp] = PartitionFetch{uses_leader_epochs(opt_.protocol) ? State::truncating : State::fetching, epoch};
    drive(now, out);
}

void ReplicaFetcher::set_epoch(TopicPartition tp, LeaderEpoch epoch) {
    if (auto it = partitions_.find(tp); it != partitions_.end()) it->second.epoch = epoch;
}

void ReplicaFetcher::drive(Instant now, Outbox& out) {
    if (backing_off_ || host_.stopped()) return;
    const bool fencing = fences_stale_epochs(opt_.protocol);
    if (!epoch_in_flight_) {
        OffsetsForLeaderEpochRequest q;
        q.replica = opt_.self;
        for (auto& [tp, fp] : partitions_) {
            if (fp.state != State::truncating) continue;
            Partition& p = host_.follower_replica(tp);
            const LeaderEpoch e = p.epoch_to_query();
            if (e == kNoEpoch) {
                // No epoch in our log (empty, or written before epochs): the
                // fallback is the high watermark.
                host_.truncate(p, p.high_watermark(), out);
                set_state(fp, State::fetching);
                continue;
            }
            q.partitions.push_back(EpochQuery{tp, e, fencing ? fp.epoch : kNoEpoch});
            set_state(fp, State::awaiting_epoch);
        }
        if (!q.partitions.empty()) {
            epoch_in_flight_ = true;
            out.send(broker_node(opt_.leader), std::move(q));
            out.set_timer(opt_.timeout_timer_key, now + opt_.socket_timeout);
        }
    }
    if (fetch_in_flight_ || writes_pending_ > 0) return;
    FetchRequest r;
    r.replica = opt_.self;
    r.broker_epoch = host_.broker_epoch();
    r.max_wait = opt_.fetch_wait_max;
    r.min_bytes = opt_.fetch_min_bytes;
    r.max_bytes_per_partition = opt_.fetch_max_bytes;
    r.max_bytes = opt_.fetch_response_max_bytes;
    for (auto& [tp, fp] : partitions_) {
        if (fp.state != State::fetching) continue;
        const Partition& p = host_.follower_replica(tp);
        r.partitions.push_back(FetchPartition{.tp = tp,
                                              .fetch_offset = p.log_end_offset(),
                                              .current_leader_epoch = fencing ? fp.epoch : kNoEpoch,
                                              .log_start_offset = p.log().log_start_offset()});
    }
    if (r.partitions.empty()) return;
    r.correlation = ++round_;
    fetch_in_flight_ = true;
    out.send(broker_node(opt_.leader), std::move(r));
    out.set_timer(opt_.timeout_timer_key, now + opt_.socket_timeout);
}

void ReplicaFetcher::on_fetch_response(Instant now, const FetchResponse& r, Outbox& out) {
    if (!fetch_in_flight_ || r.correlation != round_) return;  // stale
    fetch_in_flight_ = false;
    if (!epoch_in_flight_) out.cancel_timer(opt_.timeout_timer_key);
    bool any_error = false;
    for (const FetchPartitionData& d : r.partitions) {
        auto fit = partitions_.find(d.tp);
        if (fit == partitions_.end() || fit->second.state != State::fetching) continue;
        Partition& p = host_.follower_replica(d.tp);
        switch (d.error) {
            case Error::none: {
                // maybeIncrementLogStartOffset: follow the leader's log start.
                if (d.log_start_offset > p.log().log_start_offset() && d.log_start_offset <= p.log_end_offset()) {
                    p.log().advance_log_start(d.log_start_offset);
                }
                Offset next = p.log_end_offset();
                for (const RecordBatch& b : d.batches) {
                    if (b.base_offset != next) break;  // not contiguous with our log: stale
                    host_.write_fetched(opt_.leader, round_, d.tp, b, d.high_watermark, out);
                    ++writes_pending_;
                    next = b.next_offset();
                }
                if (d.batches.empty()) p.update_follower_high_watermark(d.high_watermark);
                break;
            }
            case Error::offset_out_of_range: {
                // AbstractFetcherThread.handleOutOfRangeError.
                if (d.log_end_offset < p.log_end_offset()) {
                    if (exits_rather_than_truncate_below_leader(p.config().kafka_version) &&
                        !p.config().unclean_leader_election) {
                        host_.fatal_exit(p, d.log_end_offset, out);
                        return;  // the process is gone
                    }
                    host_.truncate(p, d.log_end_offset, out);
                } else if (p.log_end_offset() < d.log_start_offset) {
                    p.truncate_fully_and_start_at(d.log_start_offset);
                    out.disk_truncate(d.tp, p.log().end_position());
                }
                break;
            }
            case Error::fenced_leader_epoch:
                // Our leader epoch is stale: wait for metadata (onPartitionFenced).
                partitions_.erase(fit);
                break;
            default:
                set_state(fit->second, State::delayed);
                any_error = true;
                break;
        }
    }
    if (any_error) out.set_timer(opt_.backoff_timer_key, now + opt_.fetch_backoff);
    if (writes_pending_ == 0) drive(now, out);
}

void ReplicaFetcher::on_write_done(Instant now, std::uint64_t round, Outbox& out) {
    if (round != round_ || writes_pending_ <= 0) return;
    if (--writes_pending_ == 0) drive(now, out);
}

void ReplicaFetcher::on_epoch_response(Instant now, const OffsetsForLeaderEpochResponse& r, Outbox& out) {
    if (!epoch_in_flight_) return;
    epoch_in_flight_ = false;
    if (!fetch_in_flight_) out.cancel_timer(opt_.timeout_timer_key);
    bool any_error = false;
    for (const EpochAnswer& a : r.partitions) {
        auto fit = partitions_.find(a.tp);
        if (fit == partitions_.end() || fit->second.state != State::awaiting_epoch) continue;
        Partition& p = host_.follower_replica(a.tp);
        if (a.error == Error::fenced_leader_epoch) {
            partitions_.erase(fit);
            continue;
        }
        if (a.error != Error::none) {
            set_state(fit->second, State::delayed_truncation);
            any_error = true;
            continue;
        }
        const TruncationDecision d = p.decide_truncation(a);
        host_.truncate(p, d.truncate_to, out);
        // KIP-279: an incomplete answer means ask again with the leader's epoch.
        set_state(fit->second, d.completed ? State::fetching : State::truncating);
    }
    if (any_error) out.set_timer(opt_.backoff_timer_key, now + opt_.fetch_backoff);
    drive(now, out);
}

void ReplicaFetcher::back_off(Instant now, Outbox& out) {
    backing_off_ = true;
    for (auto& [tp, fp] : partitions_) {
        if (fp.state == State::awaiting_epoch) set_state(fp, State::truncating);
    }
    out.set_timer(opt_.backoff_timer_key, now + opt_.fetch_backoff);
}

void ReplicaFetcher::on_timeout(Instant now, Outbox& out) {
    if (!fetch_in_flight_ && !epoch_in_flight_) return;
    fetch_in_flight_ = epoch_in_flight_ = false;
    back_off(now, out);
}

void ReplicaFetcher::on_connection_lost(Instant now, Outbox& out) {
    if (!fetch_in_flight_ && !epoch_in_flight_) return;
    fetch_in_flight_ = epoch_in_flight_ = false;
    out.cancel_timer(opt_.timeout_timer_key);
    back_off(now, out);
}

void ReplicaFetcher::on_backoff_end(Instant now, Outbox& out) {
    backing_off_ = false;
    for (auto& [tp, fp] : partitions_) {
        if (fp.state == State::delayed) set_state(fp, State::fetching);
        if (fp.state == State::delayed_truncation || fp.state == State::awaiting_epoch) {
            set_state(fp, State::truncating);
        }
    }
    drive(now, out);
}

}  // namespace ks::kafka
