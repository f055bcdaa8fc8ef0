// Broker: serving consumers — fetches up to the high watermark with long
// polling (kafka.server.ReplicaManager.fetchMessages with FetchIsolation
// HIGH_WATERMARK, DelayedFetch), ListOffsets for auto.offset.reset, and
// OffsetsForLeaderEpoch for the positions consumers validate (KIP-320).
#include <algorithm>
#include <tuple>

#include "core/assert.hpp"
#include "kafka/broker.hpp"
#include "kafka/versions.hpp"

namespace ks::kafka {

FetchResponse Broker::read_for_consumer(const FetchRequest& r, Bytes& total, bool& any_error) const {
    FetchResponse resp;
    resp.correlation = r.correlation;
    total = 0;
    any_error = false;
    for (const FetchPartition& fp : r.partitions) {
        FetchPartitionData d;
        d.tp = fp.tp;
        auto it = partitions_.find(fp.tp);
        Error fenced = Error::none;
        if (it == partitions_.end() || it->second->role() != Role::leader) {
            fenced = Error::not_leader_or_follower;
        } else if (fences_client_fetch_epochs(config_.kafka_version) && fp.current_leader_epoch != kNoEpoch &&
                   fp.current_leader_epoch != it->second->leader_epoch()) {
            // Partition.getLocalLog → checkCurrentLeaderEpoch.
            fenced = fp.current_leader_epoch < it->second->leader_epoch() ? Error::fenced_leader_epoch
                                                                          : Error::unknown_leader_epoch;
        }
        if (fenced != Error::none) {
            d.error = fenced;
            any_error = true;
            // KafkaApis.handleFetchRequest (3.7, KIP-951): CurrentLeader from the metadata cache.
            if (r.leader_hints && fenced != Error::unknown_leader_epoch &&
                sends_fetch_leader_hints(config_.kafka_version)) {
                std::tie(d.current_leader, d.current_leader_epoch) = current_leader(fp.tp);
            }
            resp.partitions.push_back(std::move(d));
            continue;
        }
        const Partition& p = *it->second;
        d.high_watermark = p.high_watermark();
        d.log_start_offset = p.log().log_start_offset();
        d.log_end_offset = p.log_end_offset();
        if (fp.fetch_offset > p.log_end_offset() || fp.fetch_offset < p.log().log_start_offset()) {
            d.error = Error::offset_out_of_range;
            any_error = true;
        } else if (fp.fetch_offset < p.high_watermark()) {
            // Consumers see only committed data: whole batches below the HW
            // (the HW is always at a batch boundary: followers fetch whole batches).
            for (const RecordBatch& b : p.log().read(fp.fetch_offset, r.max_bytes_per_partition)) {
                if (b.next_offset() > p.high_watermark()) break;
                total += b.size_bytes;
                d.batches.push_back(b);
                // Message format v1 (before 0.11) has no partition leader epoch.
                if (!uses_leader_epochs(config_.protocol)) d.batches.back().epoch = kNoEpoch;
            }
        }
        resp.partitions.push_back(std::move(d));
    }
    return resp;
}

void Broker::handle_consumer_fetch(Instant now, NodeId from, const FetchRequest& r, Outbox& out) {
    Bytes total = 0;
    bool any_error = false;
    FetchResponse resp = read_for_consumer(r, total, any_error);
    if (total >= r.min_bytes || any_error || r.max_wait <= Duration::zero()) {
        out.send(from, std::move(resp));
        return;
    }
    const std::uint64_t id = next_id_++;
    KS_ASSERT_LT(parked_consumers_.size(), kParkedConsumersMax);
    parked_consumers_.emplace(id, ParkedConsumerFetch{from, r});
    out.set_timer(timer_key(kConsumerFetchWait, id), now + r.max_wait);
}

void Broker::answer_parked_consumer(std::uint64_t id, Outbox& out) {
    auto it = parked_consumers_.find(id);
    if (it == parked_consumers_.end()) return;
    ParkedConsumerFetch pf = std::move(it->second);
    parked_consumers_.erase(it);
    Bytes total = 0;
    bool any_error = false;
    out.send(pf.consumer, read_for_consumer(pf.request, total, any_error));
}

void Broker::wake_parked_consumers(Instant now, TopicPartition tp, Outbox& out) {
    (void)now;
    std::vector<std::uint64_t> ready;
    for (const auto& [id, pf] : parked_consumers_) {
        for (const FetchPartition& fp : pf.request.partitions) {
            if (fp.tp != tp) continue;
            Bytes total = 0;
            bool any_error = false;
            (void)read_for_consumer(pf.request, total, any_error);
            if (total >= pf.request.min_bytes || any_error) ready.push_back(id);
            break;
        }
    }
    for (std::uint64_t id : ready) {
        out.cancel_timer(timer_key(kConsumerFetchWait, id));
        answer_parked_consumer(id, out);
    }
}

// KafkaApis.handleOffsetForLeaderEpochRequest for a consumer (replica -1):
// Partition.lastOffsetForLeaderEpoch from the leader only, fenced by the
// current leader epoch, answered from LeaderEpochFileCache.endOffsetFor (the
// largest epoch at or below the one asked, and where it ends). The answer
// carries the epoch whatever inter.broker.protocol.version says: that setting
// chooses what followers ask, not what a 2.3+ broker answers.
void Broker::handle_consumer_epoch_query(NodeId from, const OffsetsForLeaderEpochRequest& r, Outbox& out) {
    OffsetsForLeaderEpochResponse resp;
    resp.correlation = r.correlation;
    for (const EpochQuery& q : r.partitions) {
        EpochAnswer a;
        a.tp = q.tp;
        auto it = partitions_.find(q.tp);
        if (!answers_consumer_epoch_queries(config_.kafka_version)) {
            a.error = Error::unsupported_version;
        } else if (it == partitions_.end() || it->second->role() != Role::leader) {
            a.error = Error::not_leader_or_follower;
        } else if (q.current_leader_epoch != kNoEpoch && q.current_leader_epoch != it->second->leader_epoch()) {
            a.error = q.current_leader_epoch < it->second->leader_epoch() ? Error::fenced_leader_epoch
                                                                          : Error::unknown_leader_epoch;
        } else {
            const Partition& p = *it->second;
            std::tie(a.leader_epoch, a.end_offset) =
                p.log().epochs().end_offset_for(q.leader_epoch, p.log_end_offset());
        }
        resp.partitions.push_back(a);
    }
    out.send(from, std::move(resp));
}

void Broker::handle_list_offsets(NodeId from, const ListOffsetsRequest& r, Outbox& out) {
    ListOffsetsResponse resp;
    resp.correlation = r.correlation;
    for (const auto& [tp, ts] : r.partitions) {
        ListOffsetsPartition lp;
        lp.tp = tp;
        auto it = partitions_.find(tp);
        if (it == partitions_.end() || it->second->role() != Role::leader) {
            lp.error = Error::not_leader_or_follower;
        } else {
            const Partition& p = *it->second;
            lp.offset = ts == kEarliestTimestamp ? p.log().log_start_offset() : p.high_watermark();
        }
        resp.partitions.push_back(lp);
    }
    out.send(from, std::move(resp));
}

}  // namespace ks::kafka
