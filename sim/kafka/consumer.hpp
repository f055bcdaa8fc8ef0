// Consumer: one member of a consumer group — the Java KafkaConsumer and the
// application's poll loop around it — as a deterministic state machine (like
// Producer: inputs are messages, timers and connection losses with the current
// time; outputs are effects in an Outbox).
//
// Mirrors the Java client's consumer/internals:
//   ConsumerCoordinator /   FindCoordinator, JoinGroup + SyncGroup (a new
//                           dynamic member joins twice: MEMBER_ID_REQUIRED
//                           names it, it rejoins at once with that id —
//                           KIP-394), the
//   AbstractCoordinator     heartbeat thread (every heartbeat.interval.ms,
//                           independent of the application), the poll timer
//                           (no poll within max.poll.interval.ms → LeaveGroup
//                           and a rejoin at the next poll), onJoinPrepare
//                           (auto-commit, then eager: revoke everything;
//                           cooperative: keep), onJoinComplete (cooperative:
//                           revoke what moved away and rejoin at once),
//                           auto-commit inside poll every auto.commit.interval.ms,
//                           on close; commit after processing when
//                           enable.auto.commit=false.
//   Fetcher                 one FetchRequest in flight per leader, only for
//                           partitions with no buffered data; sent from poll()
//                           (pipelined before the application processes);
//                           NOT_LEADER_OR_FOLLOWER → metadata refresh
//                           (3.7+, KIP-951: and the CurrentLeader the
//                           answer names, if newer, at once);
//                           OFFSET_OUT_OF_RANGE → auto.offset.reset.
//   OffsetFetcher.          (2.3+, KIP-320) a position whose leader or leader
//   validatePositionsAsync  epoch changed is validated before fetching on:
//                           OffsetsForLeaderEpoch for the epoch of the last
//                           record consumed; an end offset below the position
//                           means the log was truncated under the consumer,
//                           and it seeks to that end offset ("the first
//                           offset known to diverge",
//                           SubscriptionState.maybeCompleteValidation), or
//                           with auto.offset.reset=none stops fetching the
//                           partition (LogTruncationException).
//   SubscriptionState       positions; OffsetFetch for new partitions, then
//                           auto.offset.reset (ListOffsets earliest / latest)
//                           when nothing is committed (none: the partition
//                           stays unfetched, where the Java client throws).
//
// The application: poll() returns up to max.poll.records buffered records;
// processing them takes the sum of per-record draws of the scenario's
// processing time (times the slow_consumer factor) — one timer per poll, not
// per record; then it polls again. With nothing buffered the poll waits for a
// fetch answer (or the next auto-commit, or poll_timeout).
//
// Static membership (KIP-345, group.instance.id set): every group request
// carries the instance id; the member never sends LeaveGroup — not on close(),
// not on a poll timeout (AbstractCoordinator.maybeLeaveGroup skips static
// members: only the session timeout removes them), so a restart within
// session.timeout.ms takes the member's place without a rebalance.
// FENCED_INSTANCE_ID (another consumer took the instance id) is fatal, as the
// FencedInstanceIdException the Java client raises from poll(): the consumer
// stops (stats().fenced).
//
// Faults: crash() stops everything at once (no LeaveGroup: the coordinator
// notices by session timeout); close() commits (auto-commit), leaves (dynamic
// members only) and stops;
// set_stopped() hangs the application (no polls, no commits; the heartbeat
// thread lives on); set_slow_factor() scales processing time.
//
// Ledger effects: a RecordsConsumedEffect per partition and poll.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/rng.hpp"
#include "kafka/outbox.hpp"
#include "kafkasim/distribution.hpp"
#include "kafkasim/settings.hpp"

namespace ks::kafka {

using OffsetReset = ks::OffsetReset;

// The consumer's settings (ConsumerSettings, resolved from the group's
// config; group_instance_id is this member's own) and its identity.
struct ConsumerOptions : ConsumerSettings {
    // ---- identity ----
    std::int32_t group_index = 0;   // scenario group index (ledger identity)
    std::int32_t member_index = 0;  // member number within the group
    std::string group_id = "group";
    std::string client_id = "consumer";
    NodeId self{kFirstConsumerNode};
    std::vector<BrokerId> bootstrap;             // non-empty
    std::vector<TopicIndex> topics;              // the subscription
    std::vector<std::int32_t> topic_partitions;  // partition count by topic index (all topics)
    DistSpec processing_ms_per_record = DistSpec::constant(0);
    // ---- model ----
    Duration poll_timeout = ms(1000);  // the application's poll(Duration)
};

// A change of what a consumer owns: at `at` it took (owned) or gave up `tp`
// — an assignment, a revocation, lost partitions, or its process ending.
struct OwnershipChange {
    Instant at;
    TopicPartition tp;
    bool owned = false;
};

struct ConsumerStats {
    std::int64_t polls = 0;
    std::int64_t records = 0;  // returned by poll()
    std::int64_t commits_sent = 0;
    std::int64_t commits_failed = 0;
    std::int64_t joins = 0;               // JoinGroup requests sent
    std::int64_t rebalances = 0;          // assignments received
    std::int64_t partitions_revoked = 0;  // given up in rebalances (eager: all owned; cooperative: moved)
    std::int64_t resets = 0;              // auto.offset.reset applications
    std::int64_t validations = 0;         // positions sent for validation (OffsetsForLeaderEpoch, KIP-320)
    std::int64_t truncations = 0;         // validations that found the log truncated below the position
    std::int64_t leader_hints = 0;        // leaders taken from fetch answers (KIP-951)
    std::int64_t fetches = 0;
    std::int64_t poll_timeouts = 0;  // left the group: max.poll.interval.ms
    bool fenced = false;             // FENCED_INSTANCE_ID: stopped (KIP-345)
    Duration decompress_time{};      // poll() time decompressing batches (kafka/compression.hpp)
};

class Consumer {
  public:
    Consumer(ConsumerOptions options, Rng rng);

    void start(Instant now, Outbox& out);
    void on_message(Instant now, NodeId from, const Message& m, Outbox& out);
    void on_timer(Instant now, std::uint64_t key, Outbox& out);
    void on_connection_lost(Instant now, NodeId peer, Outbox& out);

    // ---- faults ----
    void crash(Instant now);
    void close(Instant now, Outbox& out);
    void set_stopped(bool stopped, Instant now, Outbox& out);
    void set_slow_factor(double factor) { slow_factor_ = factor; }

    const ConsumerOptions& options() const { return opt_; }
    const ConsumerStats& stats() const { return stats_; }
    // Every change of ownership, in time order (the runner's unowned-partition time).
    const std::vector<OwnershipChange>& ownership_log() const { return ownership_log_; }
    bool alive() const { return !dead_; }
    bool cooperative() const { return cooperative_; }
    const std::string& member_id() const { return member_id_; }
    std::int32_t generation() const { return generation_; }
    // The current assignment, ascending.
    std::vector<TopicPartition> assignment() const;
    std::optional<Offset> position(TopicPartition tp) const;
    // The consumer's records-lag of tp (SubscriptionState.partitionLag,
    // read_uncommitted): the high watermark of the last fetch response minus
    // the position; nullopt without either.
    std::optional<std::int64_t> records_lag(TopicPartition tp) const;
    bool stable() const { return modern() ? membership_ == Membership::stable : state_ == State::stable; }
    // group.protocol=consumer (KIP-848; consumer_membership.cpp).
    bool modern() const { return opt_.group_protocol == GroupProtocol::consumer; }
    std::int32_t member_epoch() const { return member_epoch_; }

    enum TimerKind : std::uint64_t {
        kHeartbeat = 1,
        kPollDone,
        kPollWait,
        kRetry,
        kGroupRequestTimeout,
        kMetadataTimeout,
        kMetadataRefresh,
        kPollTimeout,
        kReconcileCommitTimeout,  // consumer protocol: the commit before a reconciliation went unanswered
    };
    static std::uint64_t timer_key(TimerKind kind, std::uint64_t id = 0) { return (kind << 56) | id; }

  private:
    enum class State : std::uint8_t { unjoined, joining, syncing, stable };
    void set_state(State to);  // asserts the transition
    friend const char* to_string(State s);
    enum class App : std::uint8_t { waiting, processing, stopped };
    struct Part {
        std::optional<Offset> position;
        bool offset_pending = false;  // OffsetFetch / ListOffsets in flight
        bool need_reset = false;      // no valid committed offset: auto.offset.reset applies
        bool reset_blocked = false;   // auto.offset.reset=none and no offset
        // Why the pending reset applies, and the fetch position that was out
        // of range (OffsetResetEffect).
        OffsetResetEffect::Cause reset_cause = OffsetResetEffect::Cause::no_committed_offset;
        Offset reset_from = kUndefinedOffset;
        // KIP-320 (FetchPosition.offsetEpoch / currentLeader): the epoch of the
        // batch of the last record consumed (kNoEpoch: unknown, e.g. after a
        // reset or an OffsetFetch), and the leader and epoch the position was
        // last validated against.
        LeaderEpoch offset_epoch = kNoEpoch;
        BrokerId position_leader{-1};
        LeaderEpoch position_leader_epoch = kNoEpoch;
        bool awaiting_validation = false;          // FetchStates.AWAIT_VALIDATION: not fetched
        std::uint64_t validation_correlation = 0;  // the OffsetsForLeaderEpoch in flight; 0: none
        bool truncation_blocked = false;           // LogTruncationException (auto.offset.reset=none)
        Instant next_validation;                   // after a failed validation: retry.backoff.ms
        std::deque<RecordBatch> buffer;
        std::optional<Offset> high_watermark;  // from the last fetch response (none before the first)
    };

    // poll loop
    void poll(Instant now, Outbox& out);
    // Also adds to `decompress` the time poll() spends decompressing them
    // (CompletedFetch.fetchRecords reads compressed batches through their
    // codec): each record's share of its batch's decompression.
    std::int32_t take_records(Instant now, Outbox& out, Duration& decompress);
    Duration processing_time(std::int32_t records);
    void wait_in_poll(Instant now, Outbox& out);
    void maybe_auto_commit(Instant now, Outbox& out);
    // Re-drives whatever waits: the group, offsets, and (in poll) fetches or a poll.
    void kick(Instant now, Outbox& out);
    // Sends an OffsetCommit of every position; returns its correlation (0: nothing sent).
    std::uint64_t commit_positions(Instant now, Outbox& out);
    // group
    void drive_group(Instant now, Outbox& out);
    void find_coordinator(Instant now, Outbox& out);
    void send_join(Instant now, Outbox& out);
    void coordinator_lost(Instant now, Outbox& out);
    void reset_generation(Outbox& out);
    void on_assignment(Instant now, const std::vector<TopicPartition>& assigned, Outbox& out);
    void handle_join(Instant now, const JoinGroupResponse& r, Outbox& out);
    void handle_sync(Instant now, const SyncGroupResponse& r, Outbox& out);
    void handle_heartbeat(Instant now, const HeartbeatResponse& r, Outbox& out);
    void heartbeat_tick(Instant now, Outbox& out);
    // The heartbeat thread's poll-timeout check; true if it expired (and the
    // member left or reset its generation).
    bool poll_timeout_expired(Instant now, Outbox& out);
    // Arms the check for the moment max.poll.interval.ms runs out.
    void arm_poll_timeout(Outbox& out);
    bool group_error(Instant now, Error e, Outbox& out);
    void fence();
    bool is_static() const { return opt_.group_instance_id.has_value(); }
    const std::string& instance_id() const { return instance_id_; }  // empty for a dynamic member
    // positions and fetching
    void fetch_offsets(Instant now, Outbox& out);
    void reset_offsets(Instant now, const std::vector<TopicPartition>& tps, Outbox& out);
    void send_fetches(Instant now, Outbox& out);
    void handle_fetch(Instant now, NodeId from, const FetchResponse& r, Outbox& out);
    void handle_list_offsets(Instant now, const ListOffsetsResponse& r, Outbox& out);
    void handle_offset_fetch(Instant now, const OffsetFetchResponse& r, Outbox& out);
    void request_metadata(Instant now, Outbox& out);
    void handle_metadata(Instant now, const MetadataResponse& r, Outbox& out);
    // KIP-320: a position takes the leader the metadata names now (and, 2.3+,
    // awaits validation when that leader or epoch changed).
    void set_position_leader(TopicPartition tp, Part& p);
    void update_position_leaders();
    void validate_positions(Instant now, Outbox& out);
    void handle_epoch_answers(Instant now, const OffsetsForLeaderEpochResponse& r, Outbox& out);
    void complete_validation(Instant now, TopicPartition tp, Part& p, const EpochAnswer& a, Outbox& out);
    // KIP-951: the leader a fetch answer names; true if it was newer than the metadata.
    bool take_leader_hint(const FetchPartitionData& d);
    std::optional<BrokerId> leader_of(TopicPartition tp) const;

    // The inputs; the public ones also log what the consumer owns afterwards.
    void handle_message(Instant now, NodeId from, const Message& m, Outbox& out);
    void handle_timer(Instant now, std::uint64_t key, Outbox& out);
    void handle_connection_lost(Instant now, NodeId peer, Outbox& out);
    void handle_close(Instant now, Outbox& out);
    void note_ownership(Instant now);
    std::vector<TopicPartition> owned_noted_;  // the assignment ownership_log_ last saw
    std::vector<OwnershipChange> ownership_log_;

    // ---- the consumer group protocol (KIP-848), consumer_membership.cpp ----
    // ConsumerMembershipManager's states, reduced to what changes behaviour:
    // joining (heartbeat with epoch 0 now), stable, acknowledging (a
    // reconciliation finished: heartbeat now), stale (left on a poll
    // timeout: rejoin at the next poll), left (closed or fatal).
    enum class Membership : std::uint8_t { joining, stable, acknowledging, stale, left };
    friend const char* to_string(Membership m);
    bool in_group() const { return modern() ? member_epoch_ > 0 : state_ == State::stable; }
    void cg_drive(Instant now, Outbox& out);
    void cg_heartbeat_tick(Instant now, Outbox& out);
    void cg_send_heartbeat(Instant now, Outbox& out);
    void cg_send_leave(Outbox& out);
    void cg_handle_heartbeat(Instant now, const ConsumerGroupHeartbeatResponse& r, Outbox& out);
    bool cg_error(Instant now, Error e, Outbox& out);
    void cg_fenced(Instant now, Outbox& out);
    void cg_reconcile(Instant now, Outbox& out);
    void cg_finish_reconcile(Instant now, Outbox& out);
    // True if `correlation` was the commit a reconciliation waits for (it then goes on).
    bool cg_commit_answered(Instant now, std::uint64_t correlation, Outbox& out);
    bool cg_poll_timeout_expired(Instant now, Outbox& out);
    void cg_close(Outbox& out);
    Membership membership_ = Membership::joining;
    std::int32_t member_epoch_ = 0;
    Duration cg_heartbeat_interval_ = Duration::zero();  // from the coordinator's last answer
    Instant cg_next_heartbeat_ = Instant::zero();
    std::uint64_t cg_in_flight_ = 0;                        // the heartbeat awaiting its answer (0: none)
    bool cg_send_full_ = true;                              // subscription and rebalance timeout in the next heartbeat
    std::optional<std::vector<TopicPartition>> cg_target_;  // the latest assignment from the coordinator
    std::uint64_t cg_reconcile_commit_ = 0;                 // the commit a reconciliation waits for (0: none)

    ConsumerOptions opt_;
    std::string instance_id_;  // group.instance.id as the requests carry it; empty: dynamic
    Rng rng_;
    bool cooperative_ = false;
    bool dead_ = false;
    double slow_factor_ = 1.0;

    // group
    State state_ = State::unjoined;
    std::optional<BrokerId> coordinator_;
    bool finding_ = false;
    BrokerId find_broker_{-1};
    std::size_t bootstrap_index_ = 0;
    std::string member_id_;
    std::int32_t generation_ = -1;
    // StickyAssignor's own memory (onAssignment): the last assignment and its
    // generation, sent as the subscription's userData by an eager "sticky"
    // member although it revoked everything before joining.
    std::optional<std::vector<TopicPartition>> sticky_assignment_;
    std::int32_t sticky_generation_ = -1;
    bool rejoin_needed_ = true;
    std::uint64_t group_correlation_ = 0;  // the find / join / sync request in flight
    Instant last_heartbeat_ack_;
    bool heartbeat_in_flight_ = false;
    Instant last_poll_;

    // application
    App app_ = App::waiting;
    App app_before_stop_ = App::waiting;
    Instant next_auto_commit_ = Instant::max();

    // partitions
    std::map<TopicPartition, Part> parts_;
    std::map<BrokerId, std::uint64_t> fetch_in_flight_;  // leader -> correlation
    std::map<TopicPartition, PartitionState> metadata_;
    bool metadata_in_flight_ = false;
    BrokerId metadata_broker_{-1};
    std::uint64_t metadata_correlation_ = 0;
    std::size_t rotate_ = 0;  // poll fairness: where the next poll starts

    std::uint64_t next_correlation_ = 1;
    ConsumerStats stats_;
};

}  // namespace ks::kafka
