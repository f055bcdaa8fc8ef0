// BurrowStore: Burrow's in-memory storage of commits and broker offsets, fed by the
// simulator during a run and evaluated with Burrow's rules (monitor/burrow.hpp).
//
// Mirrors linkedin/Burrow core/internal/storage/inmemory.go (addBrokerOffset,
// getConsumerPartition, addConsumerOffset, findConsumerOffsetDestination,
// mergeFrequentCommitIntoPrevious, storeConsumerOffset, fetchConsumer) with the
// defaults of its Configure(): intervals 10, min-distance 0 s (the shipped
// config/burrow.toml sets 1), expire-group 604800 s.
//
// Per group / topic / partition Burrow keeps a ring of `intervals` commit slots,
// ordered by `order` (the commit's offset in __consumer_offsets). A commit is
//   - dropped when no broker offset has been polled yet for its partition
//     (getBrokerOffset: "no topic", "no broker partition", "no broker offset");
//   - appended when its order is the newest: it takes the oldest slot once the ring
//     is full, and its lag is stored: the newest polled broker offset − committed
//     offset, floored at 0 (a consumer ahead of a stale poll is at lag 0);
//   - inserted (back-filled) before newer ones when it is older but newer than the
//     oldest slot; the slots after it shift forward and the oldest falls out. Its
//     lag is not stored (null), as in Burrow;
//   - dropped when the ring is full and it is not newer than the oldest slot, or
//     when a stored commit has the same order;
//   - merged instead when the slot before its destination holds an older commit
//     less than min-distance earlier: it replaces that commit and keeps that
//     commit's timestamp (so commits faster than min-distance still advance the
//     ring every min-distance). Burrow compares no offsets here: an equal offset is
//     stored like any other.
// Per topic / partition the store keeps the last `intervals` broker offsets.
//
// Differences from Burrow:
//   - groups expire only at evaluation (NOTFOUND, nothing deleted);
//   - a commit is never dropped as too old ("old offset": stamped more than
//     expire-group before Burrow's clock) — the simulator hands Burrow each commit
//     when it is made, so none can be.
//
// Times are int64 milliseconds on the caller's clock (the simulator: ms since the
// start of the run), as Burrow's are. evaluate() reads `now` in whole seconds, as
// Burrow's time.Now().Unix() does. Iteration is over ordered maps only: topics by
// name, partitions by index.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kafkasim/ids.hpp"
#include "monitor/burrow.hpp"

namespace ks::monitor {

struct BurrowStoreOptions {
    std::int32_t intervals = 10;           // storage "intervals": commits kept per partition
    std::int64_t min_distance_s = 0;       // storage "min-distance"
    std::int64_t expire_group_s = 604800;  // storage "expire-group"
    BurrowEvalOptions eval;                // evaluator options
};

// An offset commit as Burrow's consumer module reads it from __consumer_offsets.
struct BurrowCommit {
    std::string group;
    std::string topic;
    std::int32_t partition = 0;
    Offset offset = 0;
    std::int64_t timestamp_ms = 0;
    // Position in __consumer_offsets; nullopt → after every commit seen so far.
    // Give it for all commits or for none.
    std::optional<std::int64_t> order;
};

// A partition's log end offset as Burrow's cluster module polls it (offset-refresh).
struct BurrowBrokerOffset {
    std::string topic;
    std::int32_t partition = 0;
    std::int32_t partition_count = 0;  // the topic's partition count (> partition)
    Offset offset = 0;
    std::int64_t timestamp_ms = 0;
};

enum class BurrowCommitOutcome {
    dropped_no_broker_offset,  // no broker offset polled yet for the partition
    appended,                  // newest commit, took a new slot (or the oldest one)
    inserted,                  // back-filled between stored commits
    merged,                    // replaced the previous commit (min-distance)
    dropped_backfill,          // ring full and not newer than its oldest commit
    dropped_duplicate,         // a stored commit has the same order
};
const char* to_string(BurrowCommitOutcome o);

class BurrowStore {
  public:
    explicit BurrowStore(BurrowStoreOptions opts = {});

    // addConsumerOffset. Creates the group and, up to the topic's known partition
    // count, its partitions. REQUIRES partition ≥ 0, offset ≥ 0.
    BurrowCommitOutcome on_commit(const BurrowCommit& c);

    // addBrokerOffset. REQUIRES 0 ≤ partition < max(partition_count, known count).
    void on_broker_offset(const BurrowBrokerOffset& b);

    // fetchConsumer: every partition of the group, topics by name then partition
    // index, each with its window (oldest first, `intervals` slots, empty ones
    // leading), its stored broker offsets and its current lag. nullopt for a group
    // never seen. Partitions padded in without commits have an empty window.
    std::optional<std::vector<BurrowPartitionInput>> fetch_group(std::string_view group) const;

    // evaluateConsumerStatus at now_ms (floored to a whole second): NOTFOUND for a
    // group never seen or idle (no appended commit) for longer than expire-group.
    BurrowGroupStatus evaluate(std::string_view group, std::int64_t now_ms) const;

    // Groups seen, by name.
    std::vector<std::string> groups() const;

    const BurrowStoreOptions& options() const { return opts_; }

  private:
    // Go's container/ring of `intervals` slots; `head` is the oldest slot, or where
    // the next append goes.
    struct Ring {
        std::vector<std::optional<BurrowOffset>> slots;
        std::size_t head = 0;
        std::size_t next(std::size_t i) const { return (i + 1) % slots.size(); }
        std::size_t prev(std::size_t i) const { return (i + slots.size() - 1) % slots.size(); }
    };
    // offsetRingDestination: insert only → replace that slot; extend only → append;
    // both → insert before `insert`, shifting up to `extend`.
    struct Destination {
        std::optional<std::size_t> insert;
        std::optional<std::size_t> extend;
        std::size_t slot() const { return insert ? *insert : *extend; }
    };
    struct ConsumerPartition {
        std::optional<Ring> ring;  // created by the first stored commit
    };
    struct Group {
        std::map<std::string, std::vector<ConsumerPartition>, std::less<>> topics;
        std::int64_t last_commit_ms = 0;  // newest appended commit (Burrow: lastCommit)
    };
    using BrokerRing = std::deque<Offset>;  // newest last, at most `intervals`

    static std::optional<Destination> find_destination(const Ring& ring, std::int64_t order);
    Destination merge_frequent(const Ring& ring, Destination d, BurrowOffset& c) const;
    static void store(Ring& ring, const Destination& d, const BurrowOffset& c);
    std::optional<Offset> newest_broker_offset(std::string_view topic, std::int32_t partition) const;
    BurrowPartitionInput fetch_partition(const std::string& topic, std::int32_t partition,
                                         const ConsumerPartition& cp) const;

    BurrowStoreOptions opts_;
    std::map<std::string, std::vector<BrokerRing>, std::less<>> broker_;
    std::map<std::string, Group, std::less<>> groups_;
    std::int64_t next_order_ = 0;
};

}  // namespace ks::monitor
