// Consumer groups as their operators see them.
//
// GroupTracker: one group — what its members consumed (to count records
// consumed more than once, and records never consumed below what was read),
// its committed offsets as the coordinator stored them, its rebalances and
// final assignment, and its lag: a partition's high watermark (what
// ListOffsets "latest" and Burrow's broker offsets report) minus the group's
// committed offset, over partitions with a commit and a running leader.
//
// BurrowFeed: Burrow's view of the run (monitor/burrow_store.hpp) — every
// commit as the coordinator stores it, and every partition's newest offset
// each time Burrow's cluster module polls (offset-refresh, on the runner's
// timer, independent of the metrics' sample interval). A commit's lag is
// measured against the last poll, as Burrow measures it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "kafka/outbox.hpp"
#include "monitor/burrow_store.hpp"
#include "monitor/cluster_view.hpp"
#include "monitor/ledger.hpp"

namespace ks::monitor {

class GroupTracker {
  public:
    // The partitions of the group's topics, in topic then partition order.
    explicit GroupTracker(std::vector<TopicPartition> partitions) : partitions_(std::move(partitions)) {}

    void on_consumed(const kafka::RecordsConsumedEffect& c);
    void on_committed(TopicPartition tp, Offset offset) { committed_[tp] = offset; }
    // A member's position was reset (auto.offset.reset) while the log started
    // at `log_start`: the records it passed over, [log_start or the fetch
    // position, new position), are skipped by that reset unless read. Returns
    // how many offsets the reset jumped over above the log start.
    std::int64_t on_reset(const kafka::OffsetResetEffect& r, Offset log_start);
    // A member found the log truncated under its position (KIP-320 validation,
    // cause log_truncation): the records the group read in [r.to, r.from) are
    // no longer in the log, and the offsets now hold other records, so they
    // stop counting as read (reading the new ones is not a repeat). Returns
    // how many read offsets that forgets.
    std::int64_t on_truncation(const kafka::OffsetResetEffect& r);
    // A completed rebalance (a new generation) or a static member's
    // replacement, with the assignment as (member id, partitions).
    using Assignment = std::vector<std::pair<std::string, std::vector<TopicPartition>>>;
    void on_rebalance_completed(Assignment a) {
        ++rebalances_;
        assignment_ = std::move(a);
    }
    void on_member_replaced(Assignment a) { assignment_ = std::move(a); }

    struct Lag {
        std::int64_t total = 0;
        std::int64_t max_partition = 0;
    };
    // The group's lag now (`view` gives the high watermarks); also raises max_lag().
    Lag lag(const ClusterView& view);
    // One partition's lag: nullopt before its first commit or without a running leader.
    std::optional<std::int64_t> partition_lag(const ClusterView& view, TopicPartition tp) const;
    // Records never consumed below the highest consumed offset of each
    // partition, or below `log_start(tp)` (deleted unread by retention).
    template <typename LogStart>
    std::int64_t skipped(LogStart log_start) const;
    // skipped(), by cause. Each record counts once, for the first thing that
    // put it out of the group's reach: a reset that passed over it (with no
    // committed offset, or after an out-of-range fetch), else retention that
    // deleted it (below the final log start offset). `other` is what neither
    // explains (records above the log start no reset passed over).
    struct Skipped {
        std::int64_t initial_reset = 0;       // auto.offset.reset with no committed offset
        std::int64_t out_of_range_reset = 0;  // auto.offset.reset after OFFSET_OUT_OF_RANGE
        std::int64_t deleted_unread = 0;      // deleted by retention before any member read them
        std::int64_t other = 0;
        std::int64_t total() const { return initial_reset + out_of_range_reset + deleted_unread + other; }
    };
    template <typename LogStart>
    Skipped skipped_by_cause(LogStart log_start) const;

    const std::vector<TopicPartition>& partitions() const { return partitions_; }
    const std::map<TopicPartition, Offset>& committed() const { return committed_; }
    std::int64_t consumed() const { return consumed_; }
    std::int64_t reprocessed() const { return reprocessed_; }
    std::int64_t rebalances() const { return rebalances_; }
    std::int64_t max_lag() const { return max_lag_; }
    const Assignment& assignment() const { return assignment_; }

  private:
    std::vector<TopicPartition> partitions_;
    std::map<TopicPartition, RangeSet> consumed_ranges_;
    std::map<TopicPartition, Offset> committed_;
    struct ResetSpan {
        Offset lo = 0, hi = 0;
        kafka::OffsetResetEffect::Cause cause{};
    };
    std::map<TopicPartition, std::vector<ResetSpan>> reset_spans_;  // in time order
    std::int64_t consumed_ = 0;
    std::int64_t reprocessed_ = 0;
    std::int64_t rebalances_ = 0;
    std::int64_t max_lag_ = 0;
    Assignment assignment_;
};

template <typename LogStart>
std::int64_t GroupTracker::skipped(LogStart log_start) const {
    std::int64_t n = 0;
    for (const TopicPartition& tp : partitions_) {
        const auto it = consumed_ranges_.find(tp);
        const bool any = it != consumed_ranges_.end() && !it->second.ranges().empty();
        Offset top = any ? std::prev(it->second.ranges().end())->second : 0;
        top = std::max<Offset>(top, log_start(tp));
        n += top - (any ? it->second.count_in(0, top) : 0);
    }
    return n;
}

template <typename LogStart>
GroupTracker::Skipped GroupTracker::skipped_by_cause(LogStart log_start) const {
    Skipped out;
    for (const TopicPartition& tp : partitions_) {
        const auto it = consumed_ranges_.find(tp);
        const bool any = it != consumed_ranges_.end() && !it->second.ranges().empty();
        const Offset start = log_start(tp);
        const Offset top = std::max<Offset>(any ? std::prev(it->second.ranges().end())->second : 0, start);
        // What is out of reach is [0, top) minus what was read; claim it cause by cause.
        RangeSet claimed = any ? it->second : RangeSet{};
        if (const auto spans = reset_spans_.find(tp); spans != reset_spans_.end()) {
            for (const ResetSpan& r : spans->second) {
                const Offset lo = std::min(r.lo, top), hi = std::min(r.hi, top);
                if (lo >= hi) continue;
                const std::int64_t fresh = (hi - lo) - claimed.add(lo, hi);
                (r.cause == kafka::OffsetResetEffect::Cause::no_committed_offset ? out.initial_reset
                                                                                 : out.out_of_range_reset) += fresh;
            }
        }
        out.deleted_unread += start - claimed.count_in(0, start);
        out.other += (top - start) - claimed.count_in(start, top);
    }
    return out;
}

class BurrowFeed {
  public:
    struct Topic {
        std::string name;
        std::int32_t partitions = 0;
    };
    explicit BurrowFeed(std::vector<Topic> topics, BurrowStoreOptions options = {})
        : topics_(std::move(topics)), store_(options) {}

    // A commit stored by the coordinator, as Burrow's consumer module reads it.
    void on_commit(Instant now, const std::string& group, TopicPartition tp, Offset offset);
    // One poll of Burrow's cluster module (kafka_cluster.go getOffsets): each
    // partition's newest offset — ListOffsets "latest", the leader's high
    // watermark — for partitions with a running leader.
    void on_broker_offsets(Instant now, const ClusterView& view);
    BurrowGroupStatus evaluate(const std::string& group, Instant now) const;

  private:
    std::vector<Topic> topics_;
    BurrowStore store_;
};

}  // namespace ks::monitor
