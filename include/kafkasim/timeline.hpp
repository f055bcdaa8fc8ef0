// The timeline of a run: what happened and when, as typed events. The
// protocol's own events (kafkasim/events.hpp) stand beside the run's: its
// phases, the faults of its schedule as they start, step and end, consumer
// group changes, and breaks of the ISR properties. report/narrate.hpp turns
// each into a sentence; tools can read the fields.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "kafkasim/events.hpp"
#include "kafkasim/time.hpp"

namespace ks {

// Warm-up is over: brokers registered, topics created, leaders elected.
struct WarmupDone {};

// Fault `fault` of the run's schedule (RunResult::scenario.faults: the file's
// faults, then chaos's) took effect. `broker`: the broker a power loss of a
// whole rack reached (one event per broker). `member`: the consumer started by
// a consumer_join, with its group.instance.id when the group is static.
struct FaultStarted {
    std::size_t fault = 0;
    std::optional<BrokerId> broker{};
    std::optional<std::int32_t> member{};
    std::optional<std::string> instance_id{};
};

// Fault `fault` ended: it healed by itself (for_s) or in the heal phase.
struct FaultEnded {
    std::size_t fault = 0;
};

// One step of a rolling restart or upgrade (fault `fault`).
struct RollingStep {
    enum class Step : std::uint8_t {
        controlled_shutdown,  // `broker` begins a controlled shutdown
        stopped,              // `broker` stopped without one
        back,                 // `broker` runs again (with the new config for an upgrade)
        done,                 // every broker went through
    };
    std::size_t fault = 0;
    Step step = Step::back;
    BrokerId broker{};
};

// The heal phase began: every fault ends, producers stop sending and drain.
struct HealStarted {};

// A broker still down at the heal was restarted.
struct BrokerRestarted {
    BrokerId broker{};
};

// The settle phase ended: converged (replicas caught up, producers idle)
// after `after`, or not within the settle bound.
struct SettleEnded {
    bool converged = false;
    Duration after = Duration::zero();
};

// A change of a consumer group at its coordinator.
struct GroupChanged {
    enum class Kind : std::uint8_t {
        rebalance_started,    // detail: why
        rebalance_completed,  // generation, members, detail: the protocol; assignment
        member_removed,       // detail: the member id and why
        member_replaced,      // a static member rejoined under a new member id (KIP-345); detail: old and new
        coordinator_moved,    // another broker became the group's coordinator and loaded it; detail: from, to
    };
    std::string group_id{};
    Kind kind = Kind::rebalance_started;
    std::int32_t generation = -1;
    std::int32_t members = 0;
    std::string detail{};
    std::vector<std::pair<std::string, std::vector<TopicPartition>>> assignment{};  // (member id, partitions)
    // rebalance_completed after the first: the partitions that changed owner
    // (from / to "": no member), in the new assignment's order, then those
    // no member owns any more.
    struct Move {
        TopicPartition tp{};
        std::string from{};
        std::string to{};
    };
    std::vector<Move> moved{};
};

// A consumer's position was reset by auto.offset.reset (its ListOffsets was
// answered): its group had no committed offset for `tp`, or its fetch at
// `from` was out of range. `passed_over`: the offsets the reset jumped over at
// or above the log start offset (records the group skips unless a member reads
// them some other way); `deleted_unread`: for an out-of-range fetch below the
// log start offset, the records retention had deleted before it read them.
// log_truncation (KIP-320): after a leader change the member validated its
// position `from` and learned the new leader's log diverges from `to`: it
// sought back to `to` ("the first offset known to diverge"), or with
// auto.offset.reset=none (`stopped`) got a LogTruncationException and fetches
// the partition no more; `read_then_truncated`: the records its group had
// read in [to, from), no longer in the log.
struct ConsumerOffsetReset {
    enum class Cause : std::uint8_t { no_committed_offset, out_of_range, log_truncation };
    std::string group_id{};
    std::int32_t member = 0;  // the member's number in its group (consumer_join order)
    TopicPartition tp{};
    Cause cause = Cause::no_committed_offset;
    bool earliest = false;  // auto.offset.reset=earliest (else latest)
    std::optional<Offset> from{};
    Offset to = 0;
    Offset log_start = 0;
    std::int64_t passed_over = 0;
    std::int64_t deleted_unread = 0;
    bool stopped = false;
    std::int64_t read_then_truncated = 0;
};

// Retention deleted `segments` old segments of the current leader's log of
// `tp` (UnifiedLog.deleteOldSegments; each replica deletes its own, the
// leader's is what clients see): its log start offset moved from `from` to
// `to`. By time: retention.ms; by size: retention.bytes.
struct RetentionDeleted {
    BrokerId leader{};
    TopicPartition tp{};
    Offset from = 0;
    Offset to = 0;
    std::int32_t segments = 0;
    bool by_time = false;
    bool by_size = false;
};

// StrongIsr or WeakIsr (RunSummary::strong_isr_violations) found broken: ISR
// member `member` lacks, or holds other records than, leader `leader`'s from
// offset `from` up to the leader's high watermark.
struct IsrPropertyBroken {
    bool weak = false;  // WeakIsr: the leader's own ISR (else the controller's: StrongIsr)
    TopicPartition tp{};
    BrokerId leader{};
    BrokerId member{};
    Offset from = 0;
    Offset high_watermark = 0;
    bool lacks = true;         // the member's log ends before the HW (else it differs)
    bool member_down = false;  // judged by its log on disk
};

// Burrow's verdict on a group changed (as its /status endpoint would answer,
// evaluated at every sample up to the end of duration_s). Statuses by
// Burrow's names ("OK", "WARN", "ERR", "NOTFOUND"; partitions also "STOP",
// "STALL", "REWIND").
struct BurrowStatusChanged {
    std::string group_id{};
    std::string from{};
    std::string to{};
    std::vector<std::pair<TopicPartition, std::string>> partitions{};  // those not OK, in order
};

using TimelineEvent =
    std::variant<LeaderElected, PartitionOffline, IsrChanged, BrokerFenced, BrokerUnfenced, RegistrationRefused,
                 ControlledShutdownDone, Truncated, WarmupDone, FaultStarted, FaultEnded, RollingStep, HealStarted,
                 BrokerRestarted, SettleEnded, GroupChanged, IsrPropertyBroken, ControlledShutdownFailed, BrokerExited,
                 BurrowStatusChanged, ConsumerOffsetReset, RetentionDeleted>;

struct TimelineEntry {
    Duration at;  // since the end of warm-up (negative during warm-up)
    TimelineEvent event;
};

}  // namespace ks
