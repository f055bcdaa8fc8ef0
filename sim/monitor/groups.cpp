#include "monitor/groups.hpp"

#include <algorithm>

#include "core/assert.hpp"

namespace ks::monitor {

namespace {
// Burrow's clock: milliseconds since the start of the run.
std::int64_t ms_of(Instant t) {
    return t.ns() / 1'000'000;
}
}  // namespace

void GroupTracker::on_consumed(const kafka::RecordsConsumedEffect& c) {
    consumed_ += c.count;
    reprocessed_ += consumed_ranges_[c.tp].add(c.first_offset, c.first_offset + c.count);
}

std::int64_t GroupTracker::on_reset(const kafka::OffsetResetEffect& r, Offset log_start) {
    const Offset lo =
        r.cause == kafka::OffsetResetEffect::Cause::out_of_range ? std::max(r.from, log_start) : log_start;
    if (r.to <= lo) return 0;
    reset_spans_[r.tp].push_back(ResetSpan{lo, r.to, r.cause});
    return r.to - lo;
}

std::int64_t GroupTracker::on_truncation(const kafka::OffsetResetEffect& r) {
    KS_ASSERT(r.cause == kafka::OffsetResetEffect::Cause::log_truncation);
    if (r.to >= r.from) return 0;
    const auto it = consumed_ranges_.find(r.tp);
    return it == consumed_ranges_.end() ? 0 : it->second.remove(r.to, r.from);
}

GroupTracker::Lag GroupTracker::lag(const ClusterView& view) {
    Lag out;
    for (const auto& [tp, committed] : committed_) {
        const Offset hw = view.leader_high_watermark(tp);
        if (hw < 0) continue;
        const std::int64_t lag = std::max<std::int64_t>(0, hw - committed);
        out.total += lag;
        out.max_partition = std::max(out.max_partition, lag);
    }
    max_lag_ = std::max(max_lag_, out.total);
    return out;
}

std::optional<std::int64_t> GroupTracker::partition_lag(const ClusterView& view, TopicPartition tp) const {
    const auto c = committed_.find(tp);
    const Offset hw = view.leader_high_watermark(tp);
    if (c == committed_.end() || hw < 0) return std::nullopt;
    return std::max<std::int64_t>(0, hw - c->second);
}

void BurrowFeed::on_commit(Instant now, const std::string& group, TopicPartition tp, Offset offset) {
    BurrowCommit bc;
    bc.group = group;
    bc.topic = topics_.at(static_cast<std::size_t>(tp.topic)).name;
    bc.partition = tp.partition;
    bc.offset = offset;
    bc.timestamp_ms = ms_of(now);
    store_.on_commit(bc);
}

void BurrowFeed::on_broker_offsets(Instant now, const ClusterView& view) {
    for (std::size_t t = 0; t < topics_.size(); ++t) {
        for (std::int32_t p = 0; p < topics_[t].partitions; ++p) {
            const TopicPartition tp{static_cast<TopicIndex>(t), p};
            const Offset hw = view.leader_high_watermark(tp);
            if (hw < 0) continue;
            store_.on_broker_offset(BurrowBrokerOffset{.topic = topics_[t].name,
                                                       .partition = p,
                                                       .partition_count = topics_[t].partitions,
                                                       .offset = hw,
                                                       .timestamp_ms = ms_of(now)});
        }
    }
}

BurrowGroupStatus BurrowFeed::evaluate(const std::string& group, Instant now) const {
    return store_.evaluate(group, ms_of(now));
}

}  // namespace ks::monitor
