// The follower side of Broker: its replica fetchers (kafka/replica_fetcher.hpp),
// one per source broker, and the disk writes of what they fetch.
#include <algorithm>

#include <limits>

#include "core/assert.hpp"
#include "kafka/broker.hpp"
#include "kafka/java_hash.hpp"

namespace ks::kafka {

// AbstractFetcherManager.getFetcherId: Utils.abs(31 * topic.hashCode() +
// partition) % num.replica.fetchers, in Java's int arithmetic.
std::int32_t replica_fetcher_id(std::string_view topic, std::int32_t partition, std::int32_t fetchers) {
    if (fetchers <= 1) return 0;
    const std::uint32_t h =
        31U * static_cast<std::uint32_t>(java::string_hash(topic)) + static_cast<std::uint32_t>(partition);
    const auto signed_h = static_cast<std::int32_t>(h);
    const std::int32_t abs = signed_h == std::numeric_limits<std::int32_t>::min() ? 0 : std::abs(signed_h);
    return abs % fetchers;
}

std::int32_t Broker::fetcher_id_of(TopicPartition tp) const {
    if (config_.num_replica_fetchers <= 1) return 0;
    const auto& names = config_.groups.topic_names;
    KS_ASSERT_MSG(tp.topic >= 0 && static_cast<std::size_t>(tp.topic) < names.size(),
                  "broker {}: no name for topic index {}", config_.id.value(), tp.topic);
    return replica_fetcher_id(names[static_cast<std::size_t>(tp.topic)], tp.partition, config_.num_replica_fetchers);
}

ReplicaFetcher* Broker::fetcher_for(BrokerId leader, TopicPartition tp) {
    auto it = fetchers_.find(FetcherKey{leader, fetcher_id_of(tp)});
    return it == fetchers_.end() ? nullptr : &it->second;
}

ReplicaFetcher* Broker::fetcher_by_key(std::uint64_t timer_id) {
    const FetcherKey key{BrokerId(static_cast<std::int32_t>(timer_id >> 16)),
                         static_cast<std::int32_t>(timer_id & 0xffff)};
    auto it = fetchers_.find(key);
    return it == fetchers_.end() ? nullptr : &it->second;
}

void Broker::add_to_fetcher(Instant now, Partition& p, Outbox& out) {
    const BrokerId leader = p.leader();
    const FetcherKey key{leader, fetcher_id_of(p.tp())};
    auto it = fetchers_.find(key);
    if (it == fetchers_.end()) {
        KS_ASSERT_LT(fetchers_.size(), kFetchersMax);
        ReplicaFetcher::Options o;
        o.self = config_.id;
        o.leader = leader;
        o.protocol = config_.protocol;
        o.fetch_wait_max = config_.replica_fetch_wait_max;
        o.fetch_min_bytes = config_.replica_fetch_min_bytes;
        o.fetch_max_bytes = config_.replica_fetch_max_bytes;
        o.fetch_response_max_bytes = config_.replica_fetch_response_max_bytes;
        o.fetch_backoff = config_.replica_fetch_backoff;
        o.socket_timeout = config_.replica_socket_timeout;
        // One fetcher thread per (source broker, fetcher id), each with its
        // own requests (AbstractFetcherManager.addFetcherForPartitions).
        const std::uint64_t id =
            (static_cast<std::uint64_t>(leader.value()) << 16) | static_cast<std::uint64_t>(key.fetcher_id);
        o.timeout_timer_key = timer_key(kFetcherTimeout, id);
        o.backoff_timer_key = timer_key(kFetcherBackoff, id);
        it = fetchers_.try_emplace(key, o, static_cast<ReplicaFetcher::Host&>(*this)).first;
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
    if (appended && write_epochs_if_changed(w.tp, out, a, rolls)) return;
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
    if (ReplicaFetcher* f = fetcher_for(a.source, a.tp)) f->on_write_done(now, a.round, out);
}

void Broker::truncate(Partition& p, Offset to, Outbox& out) {
    const Offset before = p.log_end_offset();
    if (to >= before) return;
    // What is cut, for the timeline (the ledger counts the acknowledged ones).
    std::vector<Truncated::Batch> cut;
    for (const RecordBatch& b : p.log().read(to, std::numeric_limits<Bytes>::max())) {
        if (b.next_offset() <= to) continue;
        cut.push_back({.producer = b.producer, .first_record = b.first_record, .count = b.record_count});
    }
    const Offset after = p.truncate_to(to);
    if (after == before) return;
    ++counters_.truncations;
    out.event(Truncated{.broker = config_.id, .tp = p.tp(), .from = before, .to = after, .batches = std::move(cut)});
    out.disk_truncate(p.tp(), p.log().end_position());
    write_epochs_if_changed(p.tp(), out);  // truncateFromEndAsyncFlush
}

void Broker::on_connection_lost(Instant now, NodeId peer, Outbox& out) {
    if (shutdown_complete_) return;
    if (is_broker_node(peer)) {
        for (auto& [key, f] : fetchers_) {
            if (key.leader == BrokerId(peer.value())) f.on_connection_lost(now, out);
        }
    }
    std::erase_if(parked_, [&](const auto& kv) { return kv.second.follower == peer; });
}

}  // namespace ks::kafka
