#include "kafka/partition.hpp"

#include <algorithm>

#include "core/assert.hpp"

namespace ks::kafka {

namespace {
constexpr std::size_t kProducerBatchesKept = 5;  // ProducerStateEntry.NUM_BATCHES_TO_RETAIN

bool contains(const std::vector<BrokerId>& v, BrokerId b) {
    return std::find(v.begin(), v.end(), b) != v.end();
}
}  // namespace

Partition::Partition(TopicPartition tp, BrokerId local, Log& log, PartitionConfig config)
    : tp_(tp), local_(local), log_(log), config_(config) {
    rebuild_producer_state();
}

const FollowerState* Partition::follower(BrokerId id) const {
    for (const auto& f : followers_) {
        if (f.id == id) return &f;
    }
    return nullptr;
}

FollowerState* Partition::follower_mut(BrokerId id) {
    for (auto& f : followers_) {
        if (f.id == id) return &f;
    }
    return nullptr;
}

std::vector<BrokerId> Partition::with(std::vector<BrokerId> isr, BrokerId add) const {
    isr.push_back(add);
    return isr;
}

// ---- transitions -----------------------------------------------------------------------

void Partition::reset_followers(Instant now, bool new_leader) {
    std::vector<FollowerState> next;
    for (BrokerId r : replicas_) {
        if (r == local_) continue;
        FollowerState f;
        f.id = r;
        if (const FollowerState* old = follower(r); old && !new_leader) {
            f = *old;
        } else {
            // Replica.resetReplicaState: an ISR member counts as caught up now.
            f.last_caught_up_time = contains(isr_, r) ? now : kLongAgo;
        }
        next.push_back(f);
    }
    followers_ = std::move(next);
}

bool Partition::make_leader(const PartitionState& st, Instant now) {
    KS_ASSERT(st.leader == local_);
    KS_ASSERT_MSG(contains(st.isr, local_) || st.isr.empty(), "leader {} not in its ISR", local_.value());
    const bool new_epoch = role_ != Role::leader || st.leader_epoch > leader_epoch_;
    if (role_ == Role::leader && st.leader_epoch < leader_epoch_) return false;  // stale
    replicas_ = st.replicas;
    isr_ = st.isr;
    partition_epoch_ = st.partition_epoch;
    pending_.reset();
    if (new_epoch) {
        leader_epoch_ = st.leader_epoch;
        // The new leader records (epoch, LEO) before any write and never
        // truncates itself (Partition.makeLeader).
        if (uses_leader_epochs(config_.protocol)) log_.assign_epoch_start(leader_epoch_);
        leader_epoch_start_offset_ = log_.log_end_offset();
    }
    set_role(Role::leader, local_);
    reset_followers(now, new_epoch);
    KS_ASSERT_LE(hw_, log_.log_end_offset());
    return new_epoch;
}

const char* to_string(Role r) {
    return r == Role::leader ? "leader" : r == Role::follower ? "follower" : "none";
}

// The replica's role and the leader it knows, changed together in one place
// (Partition.makeLeader / makeFollower / a replica taken offline). Any role
// may follow any other, as in Kafka; what must hold is that a leader leads
// itself, a follower follows another broker, and no role means no leader.
void Partition::set_role(Role to, BrokerId leader) {
    const bool consistent = to == Role::leader     ? leader == local_
                            : to == Role::follower ? leader.value() >= 0 && leader != local_
                                                   : leader.value() < 0;
    KS_ASSERT_MSG(consistent, "{}-{} on broker {}: role {} with leader {}", tp_.topic, tp_.partition, local_.value(),
                  to_string(to), leader.value());
    role_ = to;
    leader_ = leader;
}

bool Partition::make_follower(const PartitionState& st) {
    KS_ASSERT(st.leader != local_);
    const bool changed = role_ != Role::follower || st.leader != leader_ || st.leader_epoch > leader_epoch_;
    if (role_ == Role::follower && st.leader_epoch < leader_epoch_) return false;  // stale
    set_role(Role::follower, st.leader);
    leader_epoch_ = st.leader_epoch;
    partition_epoch_ = st.partition_epoch;
    replicas_ = st.replicas;
    isr_ = st.isr;
    pending_.reset();
    followers_.clear();
    leader_epoch_start_offset_ = kUndefinedOffset;
    return changed;
}

void Partition::make_offline() {
    set_role(Role::none, BrokerId(-1));
    pending_.reset();
    followers_.clear();
}

void Partition::restore_high_watermark(Offset hw) {
    set_hw(std::min(hw, log_.log_end_offset()));
}

// ---- leader ----------------------------------------------------------------------------

std::int32_t Partition::effective_min_isr() const {
    if (!caps_min_isr_at_replication_factor(config_.kafka_version)) return config_.min_insync_replicas;
    return std::min(config_.min_insync_replicas, static_cast<std::int32_t>(replicas_.size()));
}

// Partition.isUnderMinIsr; before 3.7 with the raw min.insync.replicas, so a
// min ISR above the replication factor refuses every acks=all write
// (NOT_ENOUGH_REPLICAS, before the append).
bool Partition::is_under_min_isr() const {
    return static_cast<std::int32_t>(isr_.size()) < effective_min_isr();
}

Error Partition::check_produce(Acks acks) const {
    if (role_ != Role::leader) return Error::not_leader_or_follower;
    if (acks == Acks::all && is_under_min_isr()) return Error::not_enough_replicas;
    return Error::none;
}

AppendResult Partition::append_as_leader(const RecordBatch& batch) {
    KS_ASSERT(role_ == Role::leader);
    if (batch.producer_id != kNoProducerId && batch.base_sequence != kNoSequence) {
        const std::int32_t last_seq = batch.base_sequence + batch.record_count - 1;
        auto it = producers_.find(batch.producer_id);
        if (it != producers_.end() && !it->second.empty()) {
            for (const ProducerBatchMeta& m : it->second) {
                if (m.first_seq == batch.base_sequence && m.last_seq == last_seq) {
                    return AppendResult{Error::none, m.first_offset, true};  // a retry: same offset
                }
            }
            if (batch.base_sequence != it->second.back().last_seq + 1) {
                return AppendResult{Error::out_of_order_sequence_number, kUndefinedOffset, false};
            }
        }
    }
    const RecordBatch& stored = log_.append_as_leader(batch, leader_epoch_);
    update_producer_state(stored);
    return AppendResult{Error::none, stored.base_offset, false};
}

FetchPartitionData Partition::handle_follower_fetch(BrokerId follower, const FetchPartition& req, Instant now,
                                                    Bytes max_bytes, bool& hw_advanced,
                                                    const std::function<bool(BrokerId)>& eligible) {
    hw_advanced = false;
    FetchPartitionData out;
    out.tp = tp_;
    if (role_ != Role::leader) {
        out.error = Error::not_leader_or_follower;
        return out;
    }
    if (fences_stale_epochs(config_.protocol) && req.current_leader_epoch != kNoEpoch) {
        if (req.current_leader_epoch < leader_epoch_) {
            out.error = Error::fenced_leader_epoch;
            return out;
        }
        if (req.current_leader_epoch > leader_epoch_) {
            out.error = Error::unknown_leader_epoch;
            return out;
        }
    }
    const Offset leo = log_.log_end_offset();
    out.log_start_offset = log_.log_start_offset();
    out.log_end_offset = leo;
    if (req.fetch_offset > leo || req.fetch_offset < log_.log_start_offset()) {
        out.error = Error::offset_out_of_range;
        out.high_watermark = hw_;
        return out;
    }
    FollowerState* f = follower_mut(follower);
    if (!f) {
        out.error = Error::not_leader_or_follower;  // not a replica of ours
        return out;
    }
    // Replica.updateFetchStateOrThrow.
    if (req.fetch_offset >= leo) {
        f->last_caught_up_time = std::max(f->last_caught_up_time, now);
    } else if (req.fetch_offset >= f->last_fetch_leader_leo) {
        f->last_caught_up_time = std::max(f->last_caught_up_time, f->last_fetch_time);
    }
    f->log_start_offset = req.log_start_offset;
    f->log_end_offset = req.fetch_offset;
    f->last_fetch_leader_leo = leo;
    f->last_fetch_time = now;
    hw_advanced = maybe_increment_hw(now, eligible);
    out.high_watermark = hw_;
    out.batches = log_.read(req.fetch_offset, max_bytes, !uses_leader_epochs(config_.protocol));
    return out;
}

std::optional<std::vector<BrokerId>> Partition::maybe_shrink_isr(Instant now) {
    if (role_ != Role::leader || pending_) return std::nullopt;
    const Offset leo = log_.log_end_offset();
    std::vector<BrokerId> keep;
    bool any_out = false;
    for (BrokerId b : isr_) {
        if (b == local_) {
            keep.push_back(b);
            continue;
        }
        const FollowerState* f = follower(b);
        const bool caught_up = f && f->is_caught_up(leo, now, config_.replica_lag_time_max);
        if (caught_up) {
            keep.push_back(b);
        } else {
            any_out = true;
        }
    }
    if (!any_out) return std::nullopt;
    // PendingShrinkIsr: the maximal ISR stays the committed one until the
    // controller confirms, so the HW still waits for the leavers.
    pending_ = isr_;
    return keep;
}

Partition::AlterOutcome Partition::on_alter_partition_response(const AlterPartitionResponse& r, Instant now) {
    // A proposal overtaken by new metadata (the caller matches the answer to
    // the proposal in flight): Kafka ignores the answer.
    if (role_ != Role::leader || !pending_) return AlterOutcome::pending;
    switch (r.error) {
        case Error::none:
            break;
        case Error::operation_not_attempted:
        case Error::ineligible_replica:
            // The controller says the epoch is right and nothing was applied.
            pending_.reset();
            return AlterOutcome::reverted;
        case Error::unknown_topic_or_partition:
        case Error::fenced_leader_epoch:
        case Error::invalid_update_version:
        case Error::invalid_request:
        case Error::new_leader_elected:
            // "Partition state may be out of sync, awaiting new the latest
            // metadata": no new proposal until it arrives; the HW keeps
            // counting the maximal ISR meanwhile.
            return AlterOutcome::pending;
        default:
            return AlterOutcome::retry;  // STALE_BROKER_EPOCH, NOT_CONTROLLER, ...
    }
    if (r.leader_epoch != leader_epoch_ || r.partition_epoch < partition_epoch_) {
        // handleAlterPartitionUpdate: a stale answer; the state stays pending.
        return AlterOutcome::pending;
    }
    KS_ASSERT_MSG(contains(r.isr, local_), "AlterPartition left leader {} out of the ISR of {}-{}", local_.value(),
                  tp_.topic, tp_.partition);
    isr_ = r.isr;
    partition_epoch_ = r.partition_epoch;
    pending_.reset();
    (void)now;  // Kafka leaves the followers' fetch state as it is
    return AlterOutcome::committed;
}

// ---- follower --------------------------------------------------------------------------

bool Partition::append_as_follower(const RecordBatch& batch) {
    if (batch.base_offset != log_.log_end_offset()) return false;
    log_.append_as_follower(batch);
    update_producer_state(batch);
    return true;
}

void Partition::update_follower_high_watermark(Offset leader_hw) {
    const Offset next = std::min(leader_hw, log_.log_end_offset());
    // A follower's HW may move back only through truncation; here it only follows.
    if (next > hw_) set_hw(next);
}

LeaderEpoch Partition::epoch_to_query() const {
    auto e = log_.latest_epoch();
    return e ? *e : kNoEpoch;
}

TruncationDecision Partition::decide_truncation(const EpochAnswer& a) const {
    const Offset leo = log_.log_end_offset();
    if (a.end_offset == kUndefinedOffset) {
        // The leader knows no such epoch: fall back to the high watermark.
        return {std::min(hw_, leo), true};
    }
    if (!epoch_in_epoch_response(config_.protocol) || a.leader_epoch == kNoEpoch) {
        // KIP-101 (0.11): truncate to min(leader's end offset, own LEO).
        return {std::min(a.end_offset, leo), true};
    }
    // KIP-279: find our own end offset for the leader's answered epoch.
    const auto [own_epoch, own_end] = log_.epochs().end_offset_for(a.leader_epoch, leo);
    if (own_end == kUndefinedOffset) {
        return {std::min(a.end_offset, leo), true};
    }
    if (own_epoch != a.leader_epoch) {
        // We do not have the leader's epoch: cut to the end of our largest
        // smaller epoch and ask again.
        return {std::min(own_end, leo), false};
    }
    return {std::min({own_end, a.end_offset, leo}), true};
}

Offset Partition::truncate_to(Offset offset) {
    const Offset before = log_.log_end_offset();
    const Offset after = log_.truncate_to(offset);
    if (hw_ > after) {
        KS_ASSERT_MSG(role_ != Role::leader, "a leader of {}-{} truncated below its HW", tp_.topic, tp_.partition);
        set_hw(after);
    }
    if (after != before) rebuild_producer_state();
    return after;
}

void Partition::truncate_fully_and_start_at(Offset offset) {
    log_.truncate_fully_and_start_at(offset);
    hw_ = offset;  // the log is empty at `offset`: HW = LEO, whatever it was
    KS_ASSERT_EQ(hw_, log_.log_end_offset());
    rebuild_producer_state();
}

EpochAnswer Partition::answer_epoch_query(const EpochQuery& q) const {
    EpochAnswer a;
    a.tp = tp_;
    if (role_ != Role::leader) {
        a.error = Error::not_leader_or_follower;
        return a;
    }
    if (fences_stale_epochs(config_.protocol) && q.current_leader_epoch != kNoEpoch) {
        if (q.current_leader_epoch < leader_epoch_) {
            a.error = Error::fenced_leader_epoch;
            return a;
        }
        if (q.current_leader_epoch > leader_epoch_) {
            a.error = Error::unknown_leader_epoch;
            return a;
        }
    }
    const Offset leo = log_.log_end_offset();
    if (epoch_in_epoch_response(config_.protocol)) {
        const auto [e, end] = log_.epochs().end_offset_for(q.leader_epoch, leo);
        a.leader_epoch = e;
        a.end_offset = end;
    } else {
        a.leader_epoch = kNoEpoch;
        a.end_offset = log_.epochs().end_offset_for_v0(q.leader_epoch, leo);
    }
    return a;
}

// ---- producer state ---------------------------------------------------------------------

void Partition::update_producer_state(const RecordBatch& b) {
    if (b.producer_id == kNoProducerId || b.base_sequence == kNoSequence) return;
    auto& q = producers_[b.producer_id];
    q.push_back(ProducerBatchMeta{b.base_sequence, b.base_sequence + b.record_count - 1, b.base_offset});
    while (q.size() > kProducerBatchesKept) q.pop_front();
}

void Partition::rebuild_producer_state() {
    producers_.clear();
    for (const RecordBatch& b : log_.batches()) update_producer_state(b);
}

void Partition::check_invariants() const {
    KS_ASSERT_LE(hw_, log_.log_end_offset());
    if (role_ == Role::leader) {
        KS_ASSERT_MSG(contains(isr_, local_), "leader {} not in ISR of {}-{}", local_.value(), tp_.topic,
                      tp_.partition);
        if (pending_) {
            // The maximal ISR is a superset of the committed one (expand) or
            // equal to it (shrink: the leavers stay until committed).
            for (BrokerId b : isr_) KS_ASSERT(contains(*pending_, b));
        }
    }
    log_.check_invariants();
}

}  // namespace ks::kafka
