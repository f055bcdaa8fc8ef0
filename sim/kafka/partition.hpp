// Partition: one broker's replica of one partition — leader or follower — and
// the replication rules that act on it. Mirrors kafka.cluster.Partition and
// kafka.cluster.Replica (Kafka 3.9), with the older rules selectable through
// ProtocolVersion.
//
// Pure: every method takes the current time and returns what happened; the
// Broker turns results into messages. The Log is owned by the broker's storage
// (it outlives a process crash) and referenced here.
//
// Leader rules:
//   * HW = min LEO over the leader and the *maximal* ISR (a pending expand
//     includes the joiner, a pending shrink still includes the leaver), plus any
//     caught-up ISR-eligible follower about to join; it never decreases.
//     From 3.7 it does not advance while the committed ISR < min ISR.
//     [Partition.maybeIncrementLeaderHW]
//   * Follower fetch state: the fetch offset is the follower's LEO;
//     lastCaughtUpTime := fetch time if fetch offset >= leader LEO now, else the
//     previous fetch time if fetch offset >= the leader LEO at that fetch.
//     [Replica.updateFetchStateOrThrow]
//   * Caught up: follower LEO == leader LEO, or now - lastCaughtUp <= lag max.
//   * Expand: a non-ISR follower with LEO >= HW and >= the current epoch's start
//     offset, no AlterPartition in flight. Shrink: ISR followers not caught up.
//     [Partition.maybeExpandIsr / maybeShrinkIsr / getOutOfSyncReplicas]
//   * Produce with acks=all is refused with NOT_ENOUGH_REPLICAS before the
//     append when the committed ISR < min(min.insync.replicas, replicas).
//     [Partition.appendRecordsToLeader]
//
// Invariants: hw <= LEO; the leader's HW never decreases within an epoch; the
// leader is in its committed ISR; the maximal ISR contains the committed ISR
// (expand) or is contained in it (shrink).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <vector>

#include "core/assert.hpp"
#include "kafka/log.hpp"
#include "kafka/messages.hpp"
#include "kafka/versions.hpp"

namespace ks::kafka {

enum class Role : std::uint8_t { none, leader, follower };
const char* to_string(Role r);

struct PartitionConfig {
    Duration replica_lag_time_max = ms(30000);         // replica.lag.time.max.ms
    std::int32_t min_insync_replicas = 1;              // min.insync.replicas (topic)
    ProtocolVersion protocol = ProtocolVersion::v2_1;  // inter.broker.protocol.version
    KafkaVersion kafka_version{};                      // the broker's release
    bool unclean_leader_election = false;              // unclean.leader.election.enable (topic)
};

// "Long ago": Kafka's 0 ms timestamps, which are decades before any wall-clock
// now. Simulated time starts at 0, so the sentinel must lie far before it.
inline constexpr Instant kLongAgo = Instant::from_ns(-(std::int64_t{1} << 62));

// The leader's view of one follower (Replica.scala's ReplicaState).
struct FollowerState {
    BrokerId id;
    Offset log_end_offset = kUndefinedOffset;  // its last fetch offset
    Offset log_start_offset = kUndefinedOffset;
    Instant last_fetch_time = kLongAgo;
    Offset last_fetch_leader_leo = kUndefinedOffset;
    Instant last_caught_up_time = kLongAgo;

    bool is_caught_up(Offset leader_leo, Instant now, Duration max_lag) const {
        return leader_leo == log_end_offset || now - last_caught_up_time <= max_lag;
    }
};

// Idempotent producer state (ProducerStateManager): the last five batches of
// each producer id, enough to recognise a retried batch.
struct ProducerBatchMeta {
    std::int32_t first_seq;
    std::int32_t last_seq;
    Offset first_offset;
};

struct AppendResult {
    Error error = Error::none;
    Offset base_offset = kUndefinedOffset;
    bool duplicate = false;  // a retry of a batch already in the log: not appended again
};

// What a follower does after an OffsetsForLeaderEpoch answer.
struct TruncationDecision {
    Offset truncate_to;
    bool completed;  // false: ask again with the (new) latest epoch (KIP-279)
};

class Partition {
  public:
    Partition(TopicPartition tp, BrokerId local, Log& log, PartitionConfig config);

    TopicPartition tp() const { return tp_; }
    Role role() const { return role_; }
    BrokerId leader() const { return leader_; }
    LeaderEpoch leader_epoch() const { return leader_epoch_; }
    std::int32_t partition_epoch() const { return partition_epoch_; }
    const std::vector<BrokerId>& replicas() const { return replicas_; }
    const std::vector<BrokerId>& isr() const { return isr_; }
    // The ISR used for the high watermark: the committed one plus a pending joiner.
    const std::vector<BrokerId>& maximal_isr() const { return pending_ ? *pending_ : isr_; }
    bool alter_partition_in_flight() const { return pending_.has_value(); }
    Offset high_watermark() const { return hw_; }
    Offset log_end_offset() const { return log_.log_end_offset(); }
    Offset leader_epoch_start_offset() const { return leader_epoch_start_offset_; }
    const Log& log() const { return log_; }
    Log& log() { return log_; }
    const PartitionConfig& config() const { return config_; }
    void set_config(PartitionConfig c) { config_ = c; }
    const std::vector<FollowerState>& followers() const { return followers_; }
    const FollowerState* follower(BrokerId id) const;

    // ---- transitions (from the controller's PartitionState) -------------------------
    // Partition.makeLeader. Returns true iff this is a new leader epoch (as
    // opposed to an ISR update of the current one).
    bool make_leader(const PartitionState& st, Instant now);
    // Partition.makeFollower. Returns true iff the leader or epoch changed, so
    // the fetcher must (re)start with truncation.
    bool make_follower(const PartitionState& st);
    // The replica is no longer hosted or its broker stops: forget volatile state.
    void make_offline();
    // Restores the high watermark from the checkpoint file on startup.
    void restore_high_watermark(Offset hw);

    // ---- leader -----------------------------------------------------------------------
    // min ISR and leadership checks before the append.
    Error check_produce(Acks acks) const;
    // The min ISR every check compares with: min.insync.replicas, capped at
    // the replication factor from 3.7 (Partition.effectiveMinIsr).
    std::int32_t effective_min_isr() const;
    bool is_under_min_isr() const;
    // Appends (assigning offsets) unless the batch duplicates a recent one of its
    // idempotent producer; OUT_OF_ORDER_SEQUENCE_NUMBER on a sequence gap.
    // REQUIRES: role leader.
    AppendResult append_as_leader(const RecordBatch& batch);
    // A follower's fetch. Validates, updates the follower's state, returns the
    // data to send back (HW as of after the update). `hw_advanced` is set when
    // the fetch moved the HW.
    // `eligible` tells whether a broker may join the ISR (not fenced, not
    // shutting down): only eligible caught-up followers hold the HW back.
    FetchPartitionData handle_follower_fetch(BrokerId follower, const FetchPartition& req, Instant now, Bytes max_bytes,
                                             bool& hw_advanced, const std::function<bool(BrokerId)>& eligible);
    FetchPartitionData handle_follower_fetch(BrokerId follower, const FetchPartition& req, Instant now, Bytes max_bytes,
                                             bool& hw_advanced) {
        return handle_follower_fetch(follower, req, now, max_bytes, hw_advanced, [](BrokerId) { return true; });
    }
    // The ISR the leader proposes when `follower` may join (maybeExpandIsr), or
    // nullopt. `eligible` tells whether a broker may be in the ISR (not fenced,
    // not shutting down). On a proposal the partition enters the pending state.
    template <typename Eligible>
    std::optional<std::vector<BrokerId>> maybe_expand_isr(BrokerId follower, Instant now, Eligible eligible);
    // The periodic check (every replica.lag.time.max.ms / 2): the shrunken ISR
    // to propose, or nullopt. Enters the pending state on a proposal.
    std::optional<std::vector<BrokerId>> maybe_shrink_isr(Instant now);
    // The controller's answer to our AlterPartition, and what the leader does
    // next (Partition.submitAlterPartition's completion,
    // handleAlterPartitionUpdate, handleAlterPartitionError).
    enum class AlterOutcome : std::uint8_t {
        committed,  // the ISR the controller holds is ours now
        reverted,   // refused and not applied: back to the committed ISR
        pending,    // stays pending until new metadata for the partition arrives
        retry,      // send the same proposal again
    };
    AlterOutcome on_alter_partition_response(const AlterPartitionResponse& r, Instant now);
    // Recomputes the HW; returns true iff it advanced.
    template <typename Eligible>
    bool maybe_increment_hw(Instant now, Eligible eligible);
    bool maybe_increment_hw(Instant now) {
        return maybe_increment_hw(now, [](BrokerId) { return true; });
    }

    // ---- follower ---------------------------------------------------------------------
    // Appends a fetched batch; returns false (and ignores it) if it does not start
    // at LEO (a stale response).
    bool append_as_follower(const RecordBatch& batch);
    // The HW a follower takes from a fetch response: min(leader HW, own LEO).
    void update_follower_high_watermark(Offset leader_hw);
    // The truncation a follower does on becoming follower before KIP-101: to its HW.
    Offset truncation_offset_pre_kip101() const { return hw_; }
    // What to do with an OffsetsForLeaderEpoch answer (AbstractFetcherThread
    // getOffsetTruncationState, by protocol version).
    TruncationDecision decide_truncation(const EpochAnswer& a) const;
    // The epoch to ask the leader about: the latest in our cache.
    LeaderEpoch epoch_to_query() const;
    // Truncates the log (and HW, producer state) to `offset`. Returns new LEO.
    Offset truncate_to(Offset offset);
    void truncate_fully_and_start_at(Offset offset);

    // ---- leader answering OffsetsForLeaderEpoch --------------------------------------
    EpochAnswer answer_epoch_query(const EpochQuery& q) const;

    // Asserts hw <= LEO, leader in ISR, log invariants.
    void check_invariants() const;

  private:
    // Every change of the HW goes through here: HW <= LEO always, and a
    // leader's HW never goes back within its epoch (checked on each change,
    // not only by the periodic check_invariants).
    void set_hw(Offset hw) {
        KS_ASSERT_MSG(hw <= log_.log_end_offset(), "HW {} above LEO {} of {}-{} on broker {}", hw,
                      log_.log_end_offset(), tp_.topic, tp_.partition, local_.value());
        KS_ASSERT_MSG(role_ != Role::leader || hw >= hw_,
                      "leader HW of {}-{} on broker {} back from {} to {} in epoch {}", tp_.topic, tp_.partition,
                      local_.value(), hw_, hw, leader_epoch_);
        hw_ = hw;
    }
    FollowerState* follower_mut(BrokerId id);
    void reset_followers(Instant now, bool new_leader);
    void update_producer_state(const RecordBatch& b);
    void rebuild_producer_state();
    std::vector<BrokerId> with(std::vector<BrokerId> isr, BrokerId add) const;

    TopicPartition tp_;
    BrokerId local_;
    Log& log_;
    PartitionConfig config_;

    Role role_ = Role::none;
    void set_role(Role to, BrokerId leader);
    BrokerId leader_{-1};
    LeaderEpoch leader_epoch_ = kNoEpoch;
    std::int32_t partition_epoch_ = -1;
    std::vector<BrokerId> replicas_;
    std::vector<BrokerId> isr_;
    std::optional<std::vector<BrokerId>> pending_;  // the maximal ISR while an AlterPartition is in flight
    Offset hw_ = 0;
    Offset leader_epoch_start_offset_ = kUndefinedOffset;
    std::vector<FollowerState> followers_;
    std::map<std::int64_t, std::deque<ProducerBatchMeta>> producers_;
};

// ---- template definitions -------------------------------------------------------------

template <typename Eligible>
std::optional<std::vector<BrokerId>> Partition::maybe_expand_isr(BrokerId follower, Instant now, Eligible eligible) {
    (void)now;
    if (role_ != Role::leader || pending_) return std::nullopt;
    for (BrokerId b : isr_) {
        if (b == follower) return std::nullopt;
    }
    const FollowerState* f = this->follower(follower);
    if (!f || f->log_end_offset == kUndefinedOffset) return std::nullopt;
    // isFollowerInSync: LEO >= HW and >= the start offset of the leader's epoch.
    if (f->log_end_offset < hw_) return std::nullopt;
    if (leader_epoch_start_offset_ == kUndefinedOffset || f->log_end_offset < leader_epoch_start_offset_) {
        return std::nullopt;
    }
    if (!eligible(follower)) return std::nullopt;
    pending_ = with(isr_, follower);
    return pending_;
}

template <typename Eligible>
bool Partition::maybe_increment_hw(Instant now, Eligible eligible) {
    if (role_ != Role::leader) return false;
    if (freezes_hw_below_min_isr(config_.kafka_version) && is_under_min_isr()) return false;
    const Offset leader_leo = log_.log_end_offset();
    Offset new_hw = leader_leo;
    const auto& maximal = maximal_isr();
    for (const FollowerState& f : followers_) {
        bool in_maximal = false;
        for (BrokerId b : maximal) in_maximal = in_maximal || b == f.id;
        // shouldWaitForReplicaToJoinIsr (Kafka 3.x): a caught-up eligible follower
        // outside the ISR also holds the HW back, so it can join.
        const bool about_to_join = !in_maximal && f.log_end_offset != kUndefinedOffset &&
                                   f.is_caught_up(leader_leo, now, config_.replica_lag_time_max) && eligible(f.id);
        if ((in_maximal || about_to_join) && f.log_end_offset < new_hw) {
            // An ISR follower that has not fetched yet (LEO unknown) holds the HW.
            new_hw = std::max<Offset>(f.log_end_offset, 0);
        }
    }
    if (new_hw > hw_) {
        set_hw(new_hw);
        return true;
    }
    return false;
}

}  // namespace ks::kafka
