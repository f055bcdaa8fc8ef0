// Outbox: what a Kafka node asks of the world, as plain data.
//
// A node (broker, controller, producer, consumer) is a deterministic state
// machine. Its inputs are a message, a timer firing or a disk completion, with
// the current time; its outputs are effects appended to an Outbox — send this
// message, set or cancel that timer, write or truncate a log file on disk,
// tell the observers this event (kafkasim/events.hpp). It holds no pointer to
// the loop, a socket or a disk: the cluster module carries the effects out,
// and unit tests read them directly.
//
// Timers are named by a node-local 64-bit key; setting a key that is already
// set moves it. Disk writes carry a token echoed in the completion.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "kafka/messages.hpp"
#include "kafkasim/events.hpp"
#include "kafkasim/settings.hpp"

namespace ks::kafka {

struct SendEffect {
    NodeId to;
    Message message;
    // The message leaves the host no earlier than this (the node's thread is
    // still busy building it, e.g. compressing a producer's batches).
    Instant not_before = Instant::zero();
};
struct SetTimerEffect {
    std::uint64_t key;
    Instant when;
};
struct CancelTimerEffect {
    std::uint64_t key;
};
// A file of a broker's log directory: a partition's log, or one of the
// broker's checkpoint files (LogManager / ReplicaManager).
struct FileRef {
    enum class Kind : std::uint8_t {
        log,                  // the log of `tp`
        hw_checkpoint,        // replication-offset-checkpoint
        recovery_checkpoint,  // recovery-point-offset-checkpoint
        leader_epochs,        // the leader-epoch-checkpoint of `tp`'s log directory
    };
    Kind kind = Kind::log;
    TopicPartition tp;  // log and leader_epochs only
    constexpr auto operator<=>(const FileRef&) const = default;
    static FileRef log(TopicPartition tp) { return FileRef{Kind::log, tp}; }
    static FileRef of(Kind k) { return FileRef{k, {}}; }
    static FileRef leader_epochs_of(TopicPartition tp) { return FileRef{Kind::leader_epochs, tp}; }
};
// Append `bytes` to `file`; completion with `token`.
struct DiskAppendEffect {
    FileRef file;
    Bytes bytes;
    std::uint64_t token;
};
// `file` is now `length` bytes long (truncation, deletion, a rewrite).
struct DiskTruncateEffect {
    FileRef file;
    Bytes length;
};
// fsync: `file` becomes durable up to its length now (or up to `upto`: the
// older segments of a log); completion with `token`.
struct DiskFlushEffect {
    FileRef file;
    std::uint64_t token;
    std::optional<Bytes> upto{};
};

// The broker finished its controlled shutdown: the process may stop.
struct ShutdownCompleteEffect {
    bool clean;
};

// The node closes its connection with `peer` (Selector.close): what it sent
// before still arrives, then the peer learns that the connection is gone.
struct CloseConnectionEffect {
    NodeId peer;
};

// Ground truth for the ledger (monitor/ledger.hpp), emitted by producers.
// Records are numbered per (producer, partition) in send order (RecordBatch::first_record).
// Records `first_record .. first_record + count - 1` of `producer` on `tp` were
// handed to the producer by the application (KafkaProducer.send). Every record
// appears in exactly one RecordsSentEffect, before its outcome.
struct RecordsSentEffect {
    std::int32_t producer = -1;
    TopicPartition tp;
    std::int64_t first_record = 0;
    std::int32_t count = 0;
    std::vector<std::int32_t> keys;  // key index per record, -1 for a null key
};

// The final fate of records first_record .. first_record + count - 1 (one
// producer batch, or one record that never reached a batch), emitted once.
struct RecordsOutcomeEffect {
    enum class Outcome : std::uint8_t {
        acked,   // the producer saw success (acks=0: once written; 1 / all: the answer)
        failed,  // the producer saw a final error
    };
    // Why a failed batch failed (the Java client's exception).
    enum class Failure : std::uint8_t {
        none,
        broker_error,       // a non-retriable error from the broker (error says which)
        retries_exhausted,  // a retriable error after `retries` retries
        delivery_timeout,   // TimeoutException: delivery.timeout.ms since batch creation
        max_block,          // TimeoutException: blocked on buffer.memory for max.block.ms
    };
    std::int32_t producer = -1;
    TopicPartition tp;
    std::int64_t first_record = 0;
    std::int32_t count = 0;
    Outcome outcome = Outcome::failed;
    Error error = Error::none;
    Failure failure = Failure::none;
    Offset base_offset = kUndefinedOffset;  // acked only
    std::vector<std::int64_t> latency_ns;   // acked only: per record, send() to ack
};

// Ground truth for consumption (consumers): the application's poll() returned
// offsets first_offset .. first_offset + count - 1 of `tp` to member `member`
// of scenario group `group`.
struct RecordsConsumedEffect {
    std::int32_t group = -1;
    std::int32_t member = -1;
    TopicPartition tp;
    Offset first_offset = 0;
    std::int32_t count = 0;
};

// A member's position was reset by auto.offset.reset (ListOffsets answered):
// its group had no committed offset for `tp`, or a fetch at `from` was out of
// range (below the log start offset after retention, or above the log end
// after a truncation). The position is now `to`.
// log_truncation (KIP-320): validating its position `from` after a leader
// change, the member learned that the leader's log diverges from `to` on
// (the end offset of its last epoch there), below `from`: it sought back to
// `to` (SubscriptionState.maybeCompleteValidation), or, with `strategy` none,
// stopped fetching the partition (LogTruncationException). What it had read
// in [to, from) is not in the log any more.
struct OffsetResetEffect {
    enum class Cause : std::uint8_t { no_committed_offset, out_of_range, log_truncation };
    std::int32_t group = -1;
    std::int32_t member = -1;
    TopicPartition tp;
    Cause cause = Cause::no_committed_offset;
    OffsetReset strategy = OffsetReset::latest;
    Offset from = kUndefinedOffset;  // out_of_range: the fetch position
    Offset to = 0;
};

// Retention deleted `segments` whole segments of this broker's replica of
// `tp` (UnifiedLog.deleteOldSegments): the log start offset moved from
// `log_start_before` to `log_start`, by time (retention.ms) and/or by size
// (retention.bytes). For the timeline; not a protocol event.
struct SegmentsDeletedEffect {
    TopicPartition tp;
    Offset log_start_before = 0;
    Offset log_start = 0;
    std::int32_t segments = 0;
    bool by_time = false;
    bool by_size = false;
};

// The group coordinator stored a committed offset (one per partition of an
// OffsetCommit it accepted): what Burrow reads from __consumer_offsets.
struct OffsetCommittedEffect {
    std::string group_id;
    TopicPartition tp;
    Offset offset = 0;
};

// A group membership event at the coordinator, for the timeline and counts.
struct GroupEventEffect {
    enum class Kind : std::uint8_t {
        rebalance_started,    // text: why
        rebalance_completed,  // generation, members; text: the protocol
        member_removed,       // text: member id and why
        member_replaced,      // a static member rejoined under a new member id without a
                              // rebalance (KIP-345); text: old and new id; assignment: the group's
        coordinator_moved,    // a broker loaded the group another coordinator held; text: from, to
    };
    Kind kind = Kind::rebalance_started;
    std::string group_id;
    std::int32_t generation = -1;
    std::int32_t members = 0;
    std::string text;
    // rebalance_completed, member_replaced: the assignment, (member id, partitions) in member order.
    std::vector<std::pair<std::string, std::vector<TopicPartition>>> assignment;
};

using Effect = std::variant<SendEffect, SetTimerEffect, CancelTimerEffect, DiskAppendEffect, DiskTruncateEffect,
                            DiskFlushEffect, ShutdownCompleteEffect, ProtocolEvent, RecordsSentEffect,
                            RecordsOutcomeEffect, RecordsConsumedEffect, OffsetResetEffect, SegmentsDeletedEffect,
                            OffsetCommittedEffect, GroupEventEffect, CloseConnectionEffect>;

class Outbox {
  public:
    void send(NodeId to, Message m, Instant not_before = Instant::zero()) {
        effects_.emplace_back(SendEffect{to, std::move(m), not_before});
    }
    void set_timer(std::uint64_t key, Instant when) { effects_.emplace_back(SetTimerEffect{key, when}); }
    void cancel_timer(std::uint64_t key) { effects_.emplace_back(CancelTimerEffect{key}); }
    void disk_append(TopicPartition tp, Bytes bytes, std::uint64_t token) {
        disk_append(FileRef::log(tp), bytes, token);
    }
    void disk_append(FileRef file, Bytes bytes, std::uint64_t token) {
        effects_.emplace_back(DiskAppendEffect{file, bytes, token});
    }
    void disk_truncate(TopicPartition tp, Bytes length) { disk_truncate(FileRef::log(tp), length); }
    void disk_truncate(FileRef file, Bytes length) { effects_.emplace_back(DiskTruncateEffect{file, length}); }
    void disk_flush(FileRef file, std::uint64_t token, std::optional<Bytes> upto = std::nullopt) {
        effects_.emplace_back(DiskFlushEffect{file, token, upto});
    }
    void event(ProtocolEvent e) { effects_.emplace_back(std::move(e)); }
    void shutdown_complete(bool clean) { effects_.emplace_back(ShutdownCompleteEffect{clean}); }
    void close_connection(NodeId peer) { effects_.emplace_back(CloseConnectionEffect{peer}); }
    void records_sent(RecordsSentEffect e) { effects_.emplace_back(std::move(e)); }
    void records_outcome(RecordsOutcomeEffect e) { effects_.emplace_back(std::move(e)); }
    void records_consumed(RecordsConsumedEffect e) { effects_.emplace_back(std::move(e)); }
    void offset_reset(OffsetResetEffect e) { effects_.emplace_back(e); }
    void segments_deleted(SegmentsDeletedEffect e) { effects_.emplace_back(e); }
    void offset_committed(OffsetCommittedEffect e) { effects_.emplace_back(std::move(e)); }
    void group_event(GroupEventEffect e) { effects_.emplace_back(std::move(e)); }

    std::vector<Effect>& effects() { return effects_; }
    const std::vector<Effect>& effects() const { return effects_; }
    void clear() { effects_.clear(); }
    bool empty() const { return effects_.empty(); }

    // Test helpers: the effects of one kind, in order.
    template <typename T>
    std::vector<T> all() const {
        std::vector<T> out;
        for (const auto& e : effects_) {
            if (const T* p = std::get_if<T>(&e)) out.push_back(*p);
        }
        return out;
    }
    // The protocol events of one kind, in order.
    template <typename T>
    std::vector<T> events() const {
        std::vector<T> out;
        for (const auto& e : effects_) {
            if (const auto* pe = std::get_if<ProtocolEvent>(&e)) {
                if (const T* p = std::get_if<T>(pe)) out.push_back(*p);
            }
        }
        return out;
    }
    template <typename M>
    std::vector<std::pair<NodeId, M>> sent() const {
        std::vector<std::pair<NodeId, M>> out;
        for (const auto& e : effects_) {
            if (const auto* s = std::get_if<SendEffect>(&e)) {
                if (const M* m = std::get_if<M>(&s->message)) out.emplace_back(s->to, *m);
            }
        }
        return out;
    }

  private:
    std::vector<Effect> effects_;
};

}  // namespace ks::kafka
