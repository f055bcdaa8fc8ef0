// The follower side of Broker: its replica fetchers (kafka/replica_fetcher.hpp),
// one per source broker, and the disk writes of what they fetch.
#include <algorithm>

#include "core/assert.hpp"
#include "kafka/broker.hpp"

namespace ks::kafka {

ReplicaFetcher* Broker::fetcher_for(BrokerId leader) {
    auto it = fetchers_.find(leader);
    return it == fetchers_.end() ? nullptr : &it->second;
}

void Broker::add_to_fetcher(Instant now, Partition& p, Outbox& out) {
    const BrokerId leader = p.leader();
    auto it = fetchers_.find(leader);
    if (it == fetchers_.end()) {
        KS_ASSERT_LT(fetchers_.size(), kFetchersMax);
        ReplicaFetcher::Options o;
        o.self = config_.id;
        o.leader = leader;
        o.protocol = config_.protocol;
        o.fetch_wait_max = config_.replica_fetch_wait_max;
        o.fetch_min_bytes = config_.replica_fetch_min_bytes;
        o.fetch_max_bytes = config_.replica_fetch_max_bytes;
        o.fetch_backoff = config_.replica_fetch_backoff;
        o.socket_timeout = config_.replica_socket_timeout;
        o.timeout_timer_key = timer_key(kFetcherTimeout, static_cast<std::uint64_t>(leader.value()));
        o.backoff_timer_key = timer_key(kFetcherBackoff, static_cast<std::uint64_t>(leader.value()));
        it = fetchers_.try_emplace(leader, o, static_cast<ReplicaFetcher::Host&>(*this)).first;
    }
    it->second.add(now, p.tp(), p.leader_epoch(), out);
}

void Broker::remove_from_fetchers(TopicPartition tp) {
    for (auto& [leader, f] : fetchers_) f.remove(tp);
}

void Broker::write_fetched(BrokerId leader, std::uint64_t round, TopicPartition tp, const RecordBatch& batch,
                           Offset leader_hw, Outbox& out) {
    const std::uint64_t token = next_id_++;
    KS_ASSERT_LT(writes_.size(), kWritesMax);
    writes_.emplace(token, PendingWrite{.replica = true,
                                        .tp = tp,
                                        .batch = batch,
                                        .fetch_round = round,
                                        .epoch = partitions_.at(tp)->leader_epoch(),
                                        .source = leader,
                                        .leader_hw = leader_hw});
    out.disk_append(tp, batch.size_bytes, token);
}

void Broker::complete_replica_write(Instant now, const PendingWrite& w, Outbox& out) {
    auto pit = partitions_.find(w.tp);
    Partition* p = pit == partitions_.end() ? nullptr : pit->second.get();
    bool appended = false;
    std::uint64_t rolls = 0;
    if (p && p->role() == Role::follower && p->leader_epoch() == w.epoch) {
        rolls = p->log().rolls();
        appended = p->append_as_follower(w.batch);
    }
    if (p && !appended) out.disk_truncate(w.tp, p->log().end_position());  // not part of the log
    const AfterReplicaAppend a{
        .tp = w.tp, .leader_hw = w.leader_hw, .source = w.source, .round = w.fetch_round, .appended = appended};
    if (appended && flush_after_append(*p, rolls, a, out)) return;
    finish_replica_append(now, a, out);
}

// What follows a follower's append (AbstractFetcherThread.processFetchRequest):
// the HW the leader sent, then the next fetch once the response is written.
void Broker::finish_replica_append(Instant now, const AfterReplicaAppend& a, Outbox& out) {
    if (a.appended) {
        auto pit = partitions_.find(a.tp);
        if (pit != partitions_.end() && pit->second->role() == Role::follower) {
            pit->second->update_follower_high_watermark(a.leader_hw);
        }
    }
    if (ReplicaFetcher* f = fetcher_for(a.source)) f->on_write_done(now, a.round, out);
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
        if (ReplicaFetcher* f = fetcher_for(BrokerId(peer.value()))) f->on_connection_lost(now, out);
    }
    std::erase_if(parked_, [&](const auto& kv) { return kv.second.follower == peer; });
}

}  // namespace ks::kafka
