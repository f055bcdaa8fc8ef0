// The follower side of Broker: replica fetchers (AbstractFetcherThread /
// ReplicaFetcherThread), one per source broker.
#include <algorithm>

#include "core/assert.hpp"
#include "kafka/broker.hpp"

namespace ks::kafka {

Broker::Fetcher* Broker::fetcher_for(BrokerId leader) {
    auto it = fetchers_.find(leader);
    return it == fetchers_.end() ? nullptr : &it->second;
}

void Broker::add_to_fetcher(Instant now, Partition& p, Outbox& out) {
    Fetcher& f = fetchers_[p.leader()];
    f.leader = p.leader();
    FetcherPartition fp;
    fp.epoch = p.leader_epoch();
    // Before KIP-101 the truncation already happened (to the HW); from 0.11 the
    // follower first asks the leader where its latest epoch ended.
    fp.state = uses_leader_epochs(config_.protocol) ? FetchState::truncating : FetchState::fetching;
    f.partitions[p.tp()] = fp;
    drive_fetcher(now, f, out);
}

void Broker::remove_from_fetchers(TopicPartition tp) {
    for (auto& [leader, f] : fetchers_) f.partitions.erase(tp);
}

void Broker::drive_fetcher(Instant now, Fetcher& f, Outbox& out) {
    if (f.backing_off || shutdown_complete_) return;
    const bool fencing = fences_stale_epochs(config_.protocol);
    if (!f.epoch_in_flight) {
        OffsetsForLeaderEpochRequest q;
        q.replica = config_.id;
        for (auto& [tp, fp] : f.partitions) {
            if (fp.state != FetchState::truncating) continue;
            Partition& p = *partitions_.at(tp);
            const LeaderEpoch e = p.epoch_to_query();
            if (e == kNoEpoch) {
                // No epoch in our log (empty, or written before epochs): the
                // fallback is the high watermark.
                truncate(p, p.high_watermark(), out);
                fp.state = FetchState::fetching;
                continue;
            }
            q.partitions.push_back(EpochQuery{tp, e, fencing ? fp.epoch : kNoEpoch});
            fp.state = FetchState::awaiting_epoch;
        }
        if (!q.partitions.empty()) {
            f.epoch_in_flight = true;
            out.send(broker_node(f.leader), std::move(q));
            out.set_timer(timer_key(kFetcherTimeout, static_cast<std::uint64_t>(f.leader.value())),
                          now + config_.replica_socket_timeout);
        }
    }
    if (f.fetch_in_flight || f.writes_pending > 0) return;
    FetchRequest r;
    r.replica = config_.id;
    r.broker_epoch = broker_epoch_;
    r.max_wait = config_.replica_fetch_wait_max;
    r.min_bytes = config_.replica_fetch_min_bytes;
    r.max_bytes_per_partition = config_.replica_fetch_max_bytes;
    for (auto& [tp, fp] : f.partitions) {
        if (fp.state != FetchState::fetching) continue;
        const Partition& p = *partitions_.at(tp);
        r.partitions.push_back(FetchPartition{.tp = tp,
                                              .fetch_offset = p.log_end_offset(),
                                              .current_leader_epoch = fencing ? fp.epoch : kNoEpoch,
                                              .log_start_offset = p.log().log_start_offset()});
    }
    if (r.partitions.empty()) return;
    r.correlation = ++f.round;
    f.fetch_in_flight = true;
    out.send(broker_node(f.leader), std::move(r));
    out.set_timer(timer_key(kFetcherTimeout, static_cast<std::uint64_t>(f.leader.value())),
                  now + config_.replica_socket_timeout);
}

void Broker::handle_fetch_response(Instant now, BrokerId leader, const FetchResponse& r, Outbox& out) {
    Fetcher* f = fetcher_for(leader);
    if (!f || !f->fetch_in_flight || r.correlation != f->round) return;  // stale
    f->fetch_in_flight = false;
    if (!f->epoch_in_flight) out.cancel_timer(timer_key(kFetcherTimeout, static_cast<std::uint64_t>(leader.value())));
    bool any_error = false;
    for (const FetchPartitionData& d : r.partitions) {
        auto fit = f->partitions.find(d.tp);
        if (fit == f->partitions.end() || fit->second.state != FetchState::fetching) continue;
        Partition& p = *partitions_.at(d.tp);
        switch (d.error) {
            case Error::none: {
                // maybeIncrementLogStartOffset: follow the leader's log start.
                if (d.log_start_offset > p.log().log_start_offset() && d.log_start_offset <= p.log_end_offset()) {
                    p.log().advance_log_start(d.log_start_offset);
                }
                Offset next = p.log_end_offset();
                for (const RecordBatch& b : d.batches) {
                    if (b.base_offset != next) break;  // not contiguous with our log: stale
                    const std::uint64_t token = next_id_++;
                    writes_.emplace(token, PendingWrite{.replica = true,
                                                        .tp = d.tp,
                                                        .batch = b,
                                                        .fetch_round = f->round,
                                                        .epoch = p.leader_epoch(),
                                                        .source = leader,
                                                        .leader_hw = d.high_watermark});
                    out.disk_append(d.tp, b.size_bytes, token);
                    ++f->writes_pending;
                    next = b.next_offset();
                }
                if (d.batches.empty()) p.update_follower_high_watermark(d.high_watermark);
                break;
            }
            case Error::offset_out_of_range: {
                // AbstractFetcherThread.handleOutOfRangeError.
                if (d.log_end_offset < p.log_end_offset()) {
                    truncate(p, d.log_end_offset, out);
                } else if (p.log_end_offset() < d.log_start_offset) {
                    p.truncate_fully_and_start_at(d.log_start_offset);
                    out.disk_truncate(d.tp, p.log().end_position());
                }
                break;
            }
            case Error::fenced_leader_epoch:
                // Our leader epoch is stale: wait for metadata (onPartitionFenced).
                f->partitions.erase(fit);
                break;
            default:
                fit->second.state = FetchState::delayed;
                any_error = true;
                break;
        }
    }
    if (any_error) {
        out.set_timer(timer_key(kFetcherBackoff, static_cast<std::uint64_t>(leader.value())),
                      now + config_.replica_fetch_backoff);
    }
    if (f->writes_pending == 0) drive_fetcher(now, *f, out);
}

void Broker::complete_replica_write(Instant now, const PendingWrite& w, Outbox& out) {
    auto pit = partitions_.find(w.tp);
    Partition* p = pit == partitions_.end() ? nullptr : pit->second.get();
    bool appended = false;
    if (p && p->role() == Role::follower && p->leader_epoch() == w.epoch) {
        appended = p->append_as_follower(w.batch);
        if (appended) p->update_follower_high_watermark(w.leader_hw);
    }
    if (p && !appended) out.disk_truncate(w.tp, p->log().end_position());  // not part of the log
    Fetcher* f = fetcher_for(w.source);
    if (f && f->round == w.fetch_round && f->writes_pending > 0) {
        if (--f->writes_pending == 0) drive_fetcher(now, *f, out);
    }
}

void Broker::handle_epoch_response(Instant now, BrokerId leader, const OffsetsForLeaderEpochResponse& r, Outbox& out) {
    Fetcher* f = fetcher_for(leader);
    if (!f || !f->epoch_in_flight) return;
    f->epoch_in_flight = false;
    if (!f->fetch_in_flight) out.cancel_timer(timer_key(kFetcherTimeout, static_cast<std::uint64_t>(leader.value())));
    bool any_error = false;
    for (const EpochAnswer& a : r.partitions) {
        auto fit = f->partitions.find(a.tp);
        if (fit == f->partitions.end() || fit->second.state != FetchState::awaiting_epoch) continue;
        Partition& p = *partitions_.at(a.tp);
        if (a.error == Error::fenced_leader_epoch) {
            f->partitions.erase(fit);
            continue;
        }
        if (a.error != Error::none) {
            fit->second.state = FetchState::delayed_truncation;
            any_error = true;
            continue;
        }
        const TruncationDecision d = p.decide_truncation(a);
        truncate(p, d.truncate_to, out);
        fit->second.state = d.completed ? FetchState::fetching : FetchState::truncating;
    }
    if (any_error) {
        out.set_timer(timer_key(kFetcherBackoff, static_cast<std::uint64_t>(leader.value())),
                      now + config_.replica_fetch_backoff);
    }
    drive_fetcher(now, *f, out);
}

void Broker::fetcher_backoff(Instant now, Fetcher& f, Outbox& out) {
    f.backing_off = true;
    for (auto& [tp, fp] : f.partitions) {
        if (fp.state == FetchState::awaiting_epoch) fp.state = FetchState::truncating;
    }
    out.set_timer(timer_key(kFetcherBackoff, static_cast<std::uint64_t>(f.leader.value())),
                  now + config_.replica_fetch_backoff);
}

void Broker::truncate(Partition& p, Offset to, Outbox& out) {
    const Offset before = p.log_end_offset();
    const Offset after = p.truncate_to(to);
    if (after == before) return;
    ++counters_.truncations;
    out.event(Truncated{.broker = config_.id, .tp = p.tp(), .from = before, .to = after});
    out.disk_truncate(p.tp(), p.log().end_position());
}

void Broker::on_connection_lost(Instant now, NodeId peer, Outbox& out) {
    if (shutdown_complete_) return;
    if (is_broker_node(peer)) {
        if (Fetcher* f = fetcher_for(BrokerId(peer.value())); f && (f->fetch_in_flight || f->epoch_in_flight)) {
            f->fetch_in_flight = f->epoch_in_flight = false;
            out.cancel_timer(timer_key(kFetcherTimeout, static_cast<std::uint64_t>(peer.value())));
            fetcher_backoff(now, *f, out);
        }
    }
    std::erase_if(parked_, [&](const auto& kv) { return kv.second.follower == peer; });
}

}  // namespace ks::kafka
