#include "monitor/burrow_store.hpp"

#include <algorithm>
#include <utility>

#include "core/assert.hpp"

namespace ks::monitor {

namespace {

constexpr std::int32_t kIntervalsMax = 100000;  // a ring larger than this is a config bug

// Burrow's time.Now().Unix() * 1000: the clock read in whole seconds.
std::int64_t floor_to_second_ms(std::int64_t now_ms) {
    std::int64_t s = now_ms / 1000;
    if (now_ms % 1000 < 0) --s;
    return s * 1000;
}

}  // namespace

const char* to_string(BurrowCommitOutcome o) {
    switch (o) {
        case BurrowCommitOutcome::dropped_no_broker_offset:
            return "dropped_no_broker_offset";
        case BurrowCommitOutcome::appended:
            return "appended";
        case BurrowCommitOutcome::inserted:
            return "inserted";
        case BurrowCommitOutcome::merged:
            return "merged";
        case BurrowCommitOutcome::dropped_backfill:
            return "dropped_backfill";
        case BurrowCommitOutcome::dropped_duplicate:
            return "dropped_duplicate";
    }
    KS_UNREACHABLE("bad BurrowCommitOutcome");
}

BurrowStore::BurrowStore(BurrowStoreOptions opts) : opts_(std::move(opts)) {
    KS_ASSERT_GE(opts_.intervals, 1);
    KS_ASSERT_LE(opts_.intervals, kIntervalsMax);
    KS_ASSERT_GE(opts_.min_distance_s, 0);
    KS_ASSERT_GE(opts_.expire_group_s, 0);
    KS_ASSERT_GE(opts_.eval.allowed_lag, 0);
}

void BurrowStore::on_broker_offset(const BurrowBrokerOffset& b) {
    KS_ASSERT_GE(b.partition, 0);
    auto& partitions = broker_[b.topic];
    // The partition count has grown: add rings for the new partitions.
    if (static_cast<std::size_t>(b.partition_count) > partitions.size()) {
        partitions.resize(static_cast<std::size_t>(b.partition_count));
    }
    KS_ASSERT_LT(static_cast<std::size_t>(b.partition), partitions.size());
    auto& ring = partitions[static_cast<std::size_t>(b.partition)];
    ring.push_back(b.offset);
    if (ring.size() > static_cast<std::size_t>(opts_.intervals)) ring.pop_front();
    KS_ASSERT_LE(ring.size(), static_cast<std::size_t>(opts_.intervals));
}

std::optional<Offset> BurrowStore::newest_broker_offset(std::string_view topic, std::int32_t partition) const {
    const auto it = broker_.find(topic);
    if (it == broker_.end() || static_cast<std::size_t>(partition) >= it->second.size()) {
        return std::nullopt;
    }
    const auto& ring = it->second[static_cast<std::size_t>(partition)];
    if (ring.empty()) return std::nullopt;
    return ring.back();
}

// findConsumerOffsetDestination: where a commit of this order goes, by order.
std::optional<BurrowStore::Destination> BurrowStore::find_destination(const Ring& ring, std::int64_t order) {
    std::size_t dest = ring.head;
    std::size_t prev = ring.prev(ring.head);
    if (ring.slots[prev]) {
        // Non-empty ring; prev is the newest commit. A full ring's head is its oldest.
        if (ring.slots[ring.head] && ring.slots[ring.head]->order >= order) {
            return std::nullopt;  // back-fill older than everything kept
        }
        if (ring.slots[prev]->order >= order) {
            // Not the newest: walk back to the first older commit.
            for (std::size_t steps = 0; steps <= ring.slots.size(); ++steps) {
                prev = ring.prev(dest);
                if (!ring.slots[prev] || prev == ring.head) {
                    return Destination{.insert = prev, .extend = std::nullopt};  // replace it
                }
                const std::int64_t prev_order = ring.slots[prev]->order;
                if (prev_order < order) return Destination{.insert = dest, .extend = ring.head};
                if (prev_order == order) return std::nullopt;
                dest = prev;
            }
            KS_UNREACHABLE("Burrow ring walk did not reach the oldest slot");
        }
    }
    return Destination{.insert = std::nullopt, .extend = ring.head};  // append
}

// mergeFrequentCommitIntoPrevious: a commit less than min-distance after the older
// commit before its destination replaces that commit and keeps its timestamp.
BurrowStore::Destination BurrowStore::merge_frequent(const Ring& ring, Destination d, BurrowOffset& c) const {
    const std::size_t prev = ring.prev(d.slot());
    if (!ring.slots[prev]) return d;
    const BurrowOffset& p = *ring.slots[prev];
    if (p.order < c.order && (c.timestamp_ms - p.timestamp_ms) < opts_.min_distance_s * 1000) {
        c.timestamp_ms = p.timestamp_ms;
        return Destination{.insert = prev, .extend = std::nullopt};
    }
    return d;
}

// storeConsumerOffset: shift when inserting, write, move the head when extending.
void BurrowStore::store(Ring& ring, const Destination& d, const BurrowOffset& c) {
    if (d.insert && d.extend) {
        std::size_t to = *d.extend;
        for (std::size_t steps = 0; to != *d.insert; ++steps) {
            KS_ASSERT_LT(steps, ring.slots.size());
            const std::size_t from = ring.prev(to);
            ring.slots[to] = ring.slots[from];
            ring.slots[from].reset();
            to = from;
        }
    }
    ring.slots[d.slot()] = c;
    if (d.extend) ring.head = ring.next(*d.extend);
}

BurrowCommitOutcome BurrowStore::on_commit(const BurrowCommit& c) {
    KS_ASSERT_GE(c.partition, 0);
    KS_ASSERT_GE(c.offset, 0);
    const std::int64_t order = c.order.value_or(next_order_);
    next_order_ = std::max(next_order_, order + 1);

    // getBrokerOffset: without a polled offset for the partition the commit is
    // dropped before the group is even made.
    const std::optional<Offset> broker_offset = newest_broker_offset(c.topic, c.partition);
    if (!broker_offset) return BurrowCommitOutcome::dropped_no_broker_offset;
    const std::size_t count = broker_.find(c.topic)->second.size();

    // getConsumerPartition: pad the topic up to the partition count the brokers
    // report, then make the ring.
    Group& group = groups_[c.group];
    auto& partitions = group.topics[c.topic];
    if (static_cast<std::size_t>(c.partition) >= partitions.size()) partitions.resize(count);
    ConsumerPartition& cp = partitions[static_cast<std::size_t>(c.partition)];
    if (!cp.ring) {
        cp.ring = Ring{.slots = std::vector<std::optional<BurrowOffset>>(static_cast<std::size_t>(opts_.intervals)),
                       .head = 0};
    }
    Ring& ring = *cp.ring;

    const auto found = find_destination(ring, order);
    if (!found) {
        const bool full = ring.slots[ring.head] && ring.slots[ring.head]->order >= order;
        return full ? BurrowCommitOutcome::dropped_backfill : BurrowCommitOutcome::dropped_duplicate;
    }
    Destination dest = *found;
    BurrowOffset entry{.offset = c.offset, .order = order, .timestamp_ms = c.timestamp_ms, .lag = {}};
    const bool append = !dest.insert;
    if (append) {
        // Only an appended commit gets a lag, against the newest polled broker
        // offset; a consumer ahead of a stale poll is at lag 0.
        entry.lag = std::max<std::int64_t>(0, *broker_offset - c.offset);
        group.last_commit_ms = c.timestamp_ms;
    }
    const Destination merged = merge_frequent(ring, dest, entry);
    const bool was_merged = merged.insert != dest.insert || merged.extend != dest.extend;
    store(ring, merged, entry);
    if (was_merged) return BurrowCommitOutcome::merged;
    return append ? BurrowCommitOutcome::appended : BurrowCommitOutcome::inserted;
}

BurrowPartitionInput BurrowStore::fetch_partition(const std::string& topic, std::int32_t partition,
                                                  const ConsumerPartition& cp) const {
    BurrowPartitionInput in;
    in.topic = topic;
    in.partition = partition;
    if (cp.ring) {
        // getConsumerTopicList: the ring from its head, oldest first.
        const Ring& ring = *cp.ring;
        in.window.reserve(ring.slots.size());
        for (std::size_t i = 0, at = ring.head; i < ring.slots.size(); ++i, at = ring.next(at)) {
            in.window.push_back(ring.slots[at]);
        }
    }
    if (const auto it = broker_.find(topic);
        it != broker_.end() && static_cast<std::size_t>(partition) < it->second.size()) {
        const auto& ring = it->second[static_cast<std::size_t>(partition)];
        in.broker_offsets.assign(ring.begin(), ring.end());
    }
    // fetchConsumer: current lag = newest broker offset − newest commit, floored at 0.
    if (!in.window.empty() && in.window.back() && !in.broker_offsets.empty()) {
        in.current_lag = std::max<std::int64_t>(0, in.broker_offsets.back() - in.window.back()->offset);
    }
    return in;
}

std::optional<std::vector<BurrowPartitionInput>> BurrowStore::fetch_group(std::string_view group) const {
    const auto it = groups_.find(group);
    if (it == groups_.end()) return std::nullopt;
    std::vector<BurrowPartitionInput> out;
    for (const auto& [topic, partitions] : it->second.topics) {
        for (std::size_t p = 0; p < partitions.size(); ++p) {
            out.push_back(fetch_partition(topic, static_cast<std::int32_t>(p), partitions[p]));
        }
    }
    return out;
}

BurrowGroupStatus BurrowStore::evaluate(std::string_view group, std::int64_t now_ms) const {
    const auto it = groups_.find(group);
    if (it == groups_.end()) return burrow_not_found();
    const std::int64_t now_s_ms = floor_to_second_ms(now_ms);
    // fetchConsumer's lazy purge of groups idle for longer than expire-group.
    if (now_s_ms - opts_.expire_group_s * 1000 > it->second.last_commit_ms) {
        return burrow_not_found();
    }
    const auto partitions = fetch_group(group);
    KS_ASSERT(partitions.has_value());
    return evaluate_group(*partitions, now_s_ms, opts_.eval);
}

std::vector<std::string> BurrowStore::groups() const {
    std::vector<std::string> out;
    out.reserve(groups_.size());
    for (const auto& [name, g] : groups_) out.push_back(name);
    return out;
}

}  // namespace ks::monitor
