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
