// Partitioners against the behaviours of Kafka's own tests:
//   BuiltInPartitionerTest, RecordAccumulatorTest (testUniformBuiltInPartitioner,
//   testAdaptiveBuiltInPartitioner), RoundRobinPartitionerTest,
//   StickyPartitionCacheTest, DefaultPartitionerTest.
// Where Kafka mocks the random source with a sequential counter
// (BuiltInPartitioner.mockRandom = () -> mockRandom.getAndAdd(1)) so do we
// (SequentialRandom), and the expected values are Kafka's; where Kafka uses
// real randomness, we draw from a seeded ks::Rng and check the same property.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/assert.hpp"
#include "core/rng.hpp"
#include "kafka/partitioner.hpp"
#include "kafka/partitioner_builtin.hpp"
#include "kafka/partitioner_legacy.hpp"
#include "kafka/partitioner_round_robin.hpp"
#include "kafka/partitioner_weighted.hpp"

using namespace ks::kafka;

namespace {

// Kafka's mockRandom: 0, 1, 2, ...
class SequentialRandom final : public RandomSource {
  public:
    std::int32_t next_int() override { return next_++; }
    std::int32_t draws() const { return next_; }

  private:
    std::int32_t next_ = 0;
};

// A topic's metadata; owns the available list the view points into.
struct Topic {
    std::string name;
    std::int32_t partition_count;
    std::vector<std::int32_t> available;
    TopicPartitionsView view() const { return {name, partition_count, available}; }
};

Topic all_available(std::string name, std::int32_t n) {
    Topic t{std::move(name), n, {}};
    for (std::int32_t p = 0; p < n; ++p) t.available.push_back(p);
    return t;
}

// Just enough of RecordAccumulator to drive the built-in partitioner the way
// RecordAccumulator.append does: per partition a deque of batches; a new
// batch's capacity is max(batch.size, record + overhead), as
// free.allocate(max(batchSize, estimateSizeInBytesUpperBound)) gives.
class FakeAccumulator {
  public:
    static constexpr std::int64_t kRecordOverhead = 64;
    FakeAccumulator(std::int32_t batch_size, std::int32_t partitions)
        : batch_size_(batch_size), queues_(static_cast<std::size_t>(partitions)), bp_(batch_size) {}

    struct Batch {
        std::int64_t capacity;
        std::int64_t bytes = 0;
        bool closed = false;
        bool full() const { return closed || bytes >= capacity; }
        bool has_room(std::int64_t n) const { return !full() && (bytes == 0 || bytes + n <= capacity); }
    };

    // append(UNKNOWN_PARTITION): returns the partition the record went to.
    std::int32_t append_unkeyed(std::int64_t record_bytes, const TopicPartitionsView& view, RandomSource& random) {
        for (int attempt = 0; attempt < 3; ++attempt) {
            const std::int32_t p = bp_.peek_current_partition(view, random);
            auto& dq = queues_[static_cast<std::size_t>(p)];
            if (bp_.complete_deferred_switch(all_full(dq), view, random)) continue;
            if (!dq.empty() && dq.back().has_room(record_bytes)) {
                dq.back().bytes += record_bytes;
                bp_.update_partition_info(record_bytes, all_full(dq), view, random);
                return p;
            }
            if (!dq.empty()) dq.back().closed = true;  // tryAppend failed: closeForRecordAppends
            if (bp_.complete_deferred_switch(all_full(dq), view, random)) continue;
            append_new_batch(dq, record_bytes);
            bp_.update_partition_info(record_bytes, all_full(dq), view, random);
            return p;
        }
        FAIL("the partition changed more than twice in one append");
        return -1;
    }

    // append(partition) for a record with an explicit partition.
    void append_to(std::int32_t p, std::int64_t record_bytes) {
        auto& dq = queues_[static_cast<std::size_t>(p)];
        if (!dq.empty() && dq.back().has_room(record_bytes)) {
            dq.back().bytes += record_bytes;
            return;
        }
        if (!dq.empty()) dq.back().closed = true;
        append_new_batch(dq, record_bytes);
    }

    // ready(): the load-statistics part of partitionReady.
    void ready(const PartitionerConfig& config, const NodeLatencyTracker& latency,
               const std::vector<std::int32_t>& leader_of_partition) {
        std::vector<PartitionQueue> queues;
        for (std::size_t p = 0; p < queues_.size(); ++p) {
            queues.push_back({.partition = static_cast<std::int32_t>(p),
                              .leader = leader_of_partition[p],
                              .queued_batches = static_cast<std::int32_t>(queues_[p].size())});
        }
        update_load_stats_from_queues(bp_, config, static_cast<std::int32_t>(queues_.size()), queues, latency);
    }

    std::size_t queued(std::int32_t p) const { return queues_[static_cast<std::size_t>(p)].size(); }
    BuiltInPartitioner& partitioner() { return bp_; }

  private:
    static bool all_full(const std::vector<Batch>& dq) { return dq.empty() || dq.back().full(); }
    void append_new_batch(std::vector<Batch>& dq, std::int64_t record_bytes) {
        dq.push_back({.capacity = std::max<std::int64_t>(batch_size_, record_bytes + kRecordOverhead),
                      .bytes = record_bytes,
                      .closed = false});
    }

    std::int32_t batch_size_;
    std::vector<std::vector<Batch>> queues_;
    BuiltInPartitioner bp_;
};

}  // namespace

// ---------------------------------------------------------------------------
// BuiltInPartitioner (KIP-794)
// ---------------------------------------------------------------------------

TEST_CASE(
    "built-in: stays on a partition until batch.size bytes, then switches "
    "(BuiltInPartitionerTest.testStickyPartitioning)") {
    const Topic a = all_available("topicA", 3);
    SequentialRandom random;
    BuiltInPartitioner bp(3);  // "sticky" batch size of 3 records of 1 byte
    const std::int32_t part_a = bp.peek_current_partition(a.view(), random);
    CHECK(part_a == 0);  // draw 0 -> available[0]
    bp.update_partition_info(1, true, a.view(), random);
    CHECK(bp.peek_current_partition(a.view(), random) == part_a);
    bp.update_partition_info(1, true, a.view(), random);
    CHECK(bp.peek_current_partition(a.view(), random) == part_a);
    bp.update_partition_info(1, true, a.view(), random);
    // After producing 3 records the partition must have switched (draw 1).
    CHECK(bp.peek_current_partition(a.view(), random) != part_a);
    CHECK(bp.peek_current_partition(a.view(), random) == 1);
    CHECK(bp.switch_count() == 1);

    // Switching works even with one partition.
    const Topic b = all_available("topicB", 1);
    BuiltInPartitioner bp_b(1);
    for (int c = 0; c < 10; ++c) {
        CHECK(bp_b.peek_current_partition(b.view(), random) == 0);
        bp_b.update_partition_info(1, true, b.view(), random);
    }
}

TEST_CASE(
    "built-in: never picks a partition without a leader; picks among all when none has "
    "one (BuiltInPartitionerTest.unavailablePartitionsTest)") {
    ks::Rng rng(7);
    RngRandomSource random(rng);
    const Topic a{"topicA", 3, {0, 2}};  // partition 1 has no leader
    BuiltInPartitioner bp_a(1);
    const std::int32_t part_a = bp_a.peek_current_partition(a.view(), random);
    bp_a.update_partition_info(1, true, a.view(), random);
    CHECK(part_a != 1);
    bool found_another = false;
    for (int i = 0; i < 100; ++i) {
        const std::int32_t p = bp_a.peek_current_partition(a.view(), random);
        bp_a.update_partition_info(1, true, a.view(), random);
        CHECK(p != 1);
        found_another = found_another || p != part_a;
    }
    CHECK(found_another);

    const Topic b{"topicB", 2, {1}};  // partition 0 has no leader
    BuiltInPartitioner bp_b(1);
    for (int i = 0; i < 100; ++i) {
        CHECK(bp_b.peek_current_partition(b.view(), random) == 1);
        bp_b.update_partition_info(1, true, b.view(), random);
    }

    const Topic c{"topicC", 1, {}};  // no partition has a leader
    BuiltInPartitioner bp_c(1);
    CHECK(bp_c.peek_current_partition(c.view(), random) == 0);
    bp_c.update_partition_info(1, true, c.view(), random);
    CHECK(bp_c.peek_current_partition(c.view(), random) == 0);
}

TEST_CASE(
    "built-in: adaptive switching follows (max queue + 1 - queue) frequencies "
    "(BuiltInPartitionerTest.adaptivePartitionsTest)") {
    SequentialRandom random;
    BuiltInPartitioner bp(1);
    const std::vector<std::int32_t> queue_sizes = {5, 0, 3, 0, 1};
    bp.update_partition_load_stats(queue_sizes, {0, 1, 2, 3, 4}, 5);
    REQUIRE(bp.has_load_stats());
    const std::vector<std::int32_t> cft(bp.cumulative_frequency_table().begin(), bp.cumulative_frequency_table().end());
    CHECK(cft == std::vector<std::int32_t>{1, 7, 10, 16, 21});

    const Topic t = all_available("topicA", 5);
    const int cycles = 2;
    const int iterations = bp.load_stats_range_end() * cycles;
    std::vector<int> frequencies(5, 0);
    for (int i = 0; i < iterations; ++i) {
        ++frequencies[static_cast<std::size_t>(bp.peek_current_partition(t.view(), random))];
        bp.update_partition_info(1, true, t.view(), random);
    }
    for (std::size_t i = 0; i < 5; ++i) {
        CAPTURE(i);
        CHECK(frequencies[i] == (6 - queue_sizes[i]) * cycles);
    }
}

TEST_CASE(
    "built-in: batch.size below 1 is a bug (BuiltInPartitionerTest."
    "testStickyBatchSizeMoreThatZero)") {
    CHECK_THROWS_AS(BuiltInPartitioner(0), ks::AssertionFailure);
    CHECK_NOTHROW(BuiltInPartitioner(1));
}

TEST_CASE("built-in: with the last batch incomplete the switch waits, up to 2 x batch.size") {
    const Topic t = all_available("t", 4);
    SequentialRandom random;
    BuiltInPartitioner bp(100);
    CHECK(bp.peek_current_partition(t.view(), random) == 0);
    bp.update_partition_info(150, false, t.view(), random);  // >= batch.size, batch not full
    CHECK(bp.current_partition() == 0);
    CHECK(bp.produced_bytes() == 150);
    CHECK_FALSE(bp.complete_deferred_switch(false, t.view(), random));
    CHECK(bp.current_partition() == 0);
    CHECK(bp.complete_deferred_switch(true, t.view(), random));  // the batch filled up
    CHECK(bp.current_partition() == 1);
    CHECK(bp.produced_bytes() == 0);
    bp.update_partition_info(199, false, t.view(), random);
    CHECK(bp.current_partition() == 1);
    bp.update_partition_info(1, false, t.view(), random);  // 200 = 2 x batch.size: switch anyway
    CHECK(bp.current_partition() == 2);
    CHECK(random.draws() == 3);
}

TEST_CASE(
    "built-in: load stats are dropped for < 2 partitions and for equal queues with "
    "nothing excluded (BuiltInPartitioner.updatePartitionLoadStats)") {
    BuiltInPartitioner bp(1);
    bp.update_partition_load_stats({3}, {0}, 1);
    CHECK_FALSE(bp.has_load_stats());
    bp.update_partition_load_stats({2, 2, 2}, {0, 1, 2}, 3);
    CHECK_FALSE(bp.has_load_stats());
    bp.update_partition_load_stats({2, 2, 2}, {0, 1, 2}, 2);  // one excluded: adaptive anyway
    REQUIRE(bp.has_load_stats());
    CHECK(bp.load_stats_range_end() == 2);
    bp.update_partition_load_stats({2, 2, 2}, {0, 1, 2}, 0);  // all excluded
    CHECK_FALSE(bp.has_load_stats());
    bp.update_partition_load_stats({0, 3, 1}, {0, 1, 2}, 3);  // the example in Kafka's comment
    REQUIRE(bp.has_load_stats());
    const std::vector<std::int32_t> cft(bp.cumulative_frequency_table().begin(), bp.cumulative_frequency_table().end());
    CHECK(cft == std::vector<std::int32_t>{4, 5, 8});
    bp.clear_partition_load_stats();
    CHECK_FALSE(bp.has_load_stats());
}

TEST_CASE(
    "accumulator: unkeyed records switch partition as batches complete "
    "(RecordAccumulatorTest.testUniformBuiltInPartitioner)") {
    const std::int32_t batch_size = 1024;
    const Topic t = all_available("topic", 3);
    FakeAccumulator accum(batch_size, 3);
    SequentialRandom random;
    // A small record: the first choice (draw 0).
    CHECK(accum.append_unkeyed(10, t.view(), random) == 0);
    CHECK(random.draws() == 1);
    // A large record exceeds the sticky limit, but its batch is incomplete: no switch.
    CHECK(accum.append_unkeyed(batch_size, t.view(), random) == 0);
    CHECK(random.draws() == 1);
    // Each further large record completes the previous batch: switch, then append.
    CHECK(accum.append_unkeyed(batch_size, t.view(), random) == 1);
    CHECK(random.draws() == 2);
    CHECK(accum.append_unkeyed(batch_size, t.view(), random) == 2);
    CHECK(random.draws() == 3);
    CHECK(accum.append_unkeyed(batch_size, t.view(), random) == 0);
    CHECK(random.draws() == 4);
}

TEST_CASE(
    "accumulator: adaptive partitioning weights by queue size and avoids leaders "
    "unready past partitioner.availability.timeout.ms "
    "(RecordAccumulatorTest.testAdaptiveBuiltInPartitioner)") {
    const PartitionerConfig config{.enable_adaptive_partitioning = true, .partition_availability_timeout = ks::ms(100)};
    const std::int32_t batch_size = 128;
    const Topic t = all_available("topic", 3);
    const std::vector<std::int32_t> leaders = {0, 0, 1};  // partitions 0, 1 on node 0; 2 on node 1
    FakeAccumulator accum(batch_size, 3);
    NodeLatencyTracker latency(config);
    SequentialRandom random;

    const std::vector<std::int32_t> queue_sizes = {1, 7, 2};
    for (std::int32_t p = 0; p < 3; ++p) {
        for (int c = 0; c < queue_sizes[static_cast<std::size_t>(p)]; ++c) {
            accum.append_to(p, batch_size);  // each large record makes a batch
        }
        CHECK(accum.queued(p) == static_cast<std::size_t>(queue_sizes[static_cast<std::size_t>(p)]));
    }
    accum.ready(config, latency, leaders);
    REQUIRE(accum.partitioner().has_load_stats());

    accum.append_unkeyed(batch_size, t.view(), random);  // prime: switch on every record after
    const int cycles = 2;
    const int iterations = accum.partitioner().load_stats_range_end() * cycles;
    std::vector<int> frequencies(3, 0);
    for (int i = 0; i < iterations; ++i) {
        ++frequencies[static_cast<std::size_t>(accum.append_unkeyed(batch_size, t.view(), random))];
    }
    for (std::size_t i = 0; i < 3; ++i) {
        CAPTURE(i);
        CHECK(frequencies[i] == (8 - queue_sizes[i]) * cycles);
    }

    // Node 0 had data ready but could not drain for 200 ms > 100 ms.
    const ks::Instant now = ks::at(ks::s(10));
    latency.update_node_latency_stats(0, now - ks::ms(200), true);
    latency.update_node_latency_stats(0, now, false);
    CHECK(latency.unready_too_long(0));
    accum.ready(config, latency, leaders);
    REQUIRE(accum.partitioner().has_load_stats());
    CHECK(accum.partitioner().load_stats_partition_ids().size() == 1);
    accum.append_unkeyed(batch_size, t.view(), random);  // the switch happens after an append
    for (int c = 0; c < 10; ++c) CHECK(accum.append_unkeyed(batch_size, t.view(), random) == 2);
}

TEST_CASE(
    "accumulator: no adaptive stats until every partition has a deque, none when disabled, "
    "none for leaderless partitions (RecordAccumulator.partitionReady)") {
    BuiltInPartitioner bp(16384);
    const PartitionerConfig on{};
    const PartitionerConfig off{.enable_adaptive_partitioning = false};
    NodeLatencyTracker latency(on);
    const std::vector<PartitionQueue> two_of_three = {{.partition = 0, .leader = 1, .queued_batches = 3},
                                                      {.partition = 2, .leader = 2, .queued_batches = 0}};
    update_load_stats_from_queues(bp, on, 3, two_of_three, latency);
    CHECK_FALSE(bp.has_load_stats());

    const std::vector<PartitionQueue> all = {{.partition = 0, .leader = 1, .queued_batches = 3},
                                             {.partition = 1, .leader = std::nullopt, .queued_batches = 5},
                                             {.partition = 2, .leader = 2, .queued_batches = 0}};
    update_load_stats_from_queues(bp, off, 3, all, latency);
    CHECK_FALSE(bp.has_load_stats());
    update_load_stats_from_queues(bp, on, 3, all, latency);
    REQUIRE(bp.has_load_stats());
    const std::vector<std::int32_t> ids(bp.load_stats_partition_ids().begin(), bp.load_stats_partition_ids().end());
    CHECK(ids == std::vector<std::int32_t>{0, 2});  // partition 1 has no leader
    const std::vector<std::int32_t> cft(bp.cumulative_frequency_table().begin(), bp.cumulative_frequency_table().end());
    CHECK(cft == std::vector<std::int32_t>{1, 5});  // sizes {3, 0}: frequencies {1, 4}
}

TEST_CASE(
    "accumulator: node latency stats are not kept when the availability timeout is 0 "
    "(RecordAccumulator.updateNodeLatencyStats)") {
    NodeLatencyTracker latency(PartitionerConfig{});
    latency.update_node_latency_stats(3, ks::at(ks::s(1)), false);
    CHECK(latency.stats(3) == nullptr);
    CHECK_FALSE(latency.unready_too_long(3));
}

TEST_CASE("built-in: draws from a seeded Rng are reproducible") {
    const Topic t = all_available("t", 12);
    std::vector<std::int32_t> runs[2];
    for (auto& run : runs) {
        ks::Rng rng = ks::Rng::stream(42, "producer-0");
        RngRandomSource random(rng);
        BuiltInPartitioner bp(1);
        for (int i = 0; i < 50; ++i) {
            run.push_back(bp.peek_current_partition(t.view(), random));
            bp.update_partition_info(1, true, t.view(), random);
        }
    }
    CHECK(runs[0] == runs[1]);
    CHECK(std::set<std::int32_t>(runs[0].begin(), runs[0].end()).size() > 6);
}

// ---------------------------------------------------------------------------
// RoundRobinPartitioner
// ---------------------------------------------------------------------------

TEST_CASE(
    "round robin: cycles over available partitions only "
    "(RoundRobinPartitionerTest.testRoundRobinWithUnavailablePartitions)") {
    const Topic t{"test", 3, {0, 2}};  // partition 1 has no leader
    RoundRobinPartitioner rr;
    SequentialRandom random;
    std::map<std::int32_t, int> counts;
    for (int i = 1; i <= 100; ++i) ++counts[rr.partition(std::nullopt, t.view(), random)];
    CHECK(counts[0] == 50);
    CHECK(counts[1] == 0);
    CHECK(counts[2] == 50);
    CHECK(random.draws() == 0);  // no randomness at all
}

TEST_CASE(
    "round robin: ignores keys and deals each topic from its own counter "
    "(RoundRobinPartitionerTest.testRoundRobinWithKeyBytes)") {
    const Topic a = all_available("topicA", 3);
    const Topic b = all_available("topicB", 3);
    RoundRobinPartitioner rr;
    SequentialRandom random;
    std::map<std::int32_t, int> counts;
    const std::string key = "same-key";
    for (int i = 0; i < 30; ++i) ++counts[rr.partition(as_key_bytes(key), a.view(), random)];
    CHECK(counts[0] == 10);
    CHECK(counts[1] == 10);
    CHECK(counts[2] == 10);
    CHECK(rr.partition(std::nullopt, b.view(), random) == 0);  // topicB starts at 0
    CHECK(rr.counter("topicA") == 30);
    const Topic none{"topicC", 4, {}};
    CHECK(rr.partition(std::nullopt, none.view(), random) == 0);  // no leader: counter % all
    CHECK(rr.partition(std::nullopt, none.view(), random) == 1);
}

TEST_CASE(
    "round robin: a new batch per record makes it skip every other partition "
    "(KAFKA-9965 / KAFKA-16283: partition() is called twice, onNewBatch does nothing)") {
    const Topic t = all_available("t", 4);
    RoundRobinPartitioner rr;  // Kafka 2.4 .. 3.9.1
    SequentialRandom random;
    std::map<std::int32_t, int> counts;
    for (int i = 0; i < 40; ++i) {
        ++counts[partition_for_send(rr, std::nullopt, t.view(), random, [](std::int32_t) { return true; })];
    }
    CHECK(counts[0] == 0);
    CHECK(counts[1] == 20);
    CHECK(counts[2] == 0);
    CHECK(counts[3] == 20);
    CHECK(rr.counter("t") == 80);
}

TEST_CASE(
    "round robin: with KAFKA-17632 the partition given up by onNewBatch is reused "
    "and all partitions get records") {
    const Topic t = all_available("t", 4);
    RoundRobinPartitioner rr({.kafka_17632_fix = true});
    SequentialRandom random;
    std::vector<std::int32_t> seq;
    for (int i = 0; i < 8; ++i) {
        seq.push_back(partition_for_send(rr, std::nullopt, t.view(), random, [](std::int32_t) { return true; }));
    }
    CHECK(seq == std::vector<std::int32_t>{0, 1, 2, 3, 0, 1, 2, 3});
    // Without new batches the two versions agree.
    RoundRobinPartitioner old_rr;
    for (int i = 0; i < 8; ++i) {
        CHECK(partition_for_send(old_rr, std::nullopt, t.view(), random, [](std::int32_t) { return false; }) == i % 4);
    }
}

// 2.3.0 DefaultPartitioner.partition / nextValue: a null key takes the topic's
// counter, started at ThreadLocalRandom.nextInt() and incremented per record;
// available[toPositive(n) % |available|]; a key, murmur2 over all partitions.
TEST_CASE("default partitioner before 2.4: one record per partition in turn, from a random start") {
    Topic t = all_available("t", 4);
    t.available = {0, 2, 3};  // partition 1 has no leader
    SequentialRandom random;  // the first draw, 0, starts the counter
    RoundRobinDefaultPartitioner p;
    std::vector<std::int32_t> seq;
    for (int i = 0; i < 6; ++i) seq.push_back(p.partition(std::nullopt, t.view(), random));
    CHECK(seq == std::vector<std::int32_t>{0, 2, 3, 0, 2, 3});
    CHECK(random.draws() == 1);  // one draw per topic, at its first record
    const std::string key = "42";
    CHECK(p.partition(as_key_bytes(key), t.view(), random) == partition_for_key(as_key_bytes(key), 4));
    const Topic none{"u", 4, {}};
    CHECK(p.partition(std::nullopt, none.view(), random) == 1);  // the draw 1: toPositive(1) % 4
    CHECK(p.partition(std::nullopt, none.view(), random) == 2);
}

// ---------------------------------------------------------------------------
// Legacy sticky partitioners (KIP-480)
// ---------------------------------------------------------------------------

TEST_CASE(
    "sticky cache: keeps a partition per topic and changes it only on a new batch for it "
    "(StickyPartitionCacheTest.testStickyPartitionCache)") {
    const Topic a = all_available("topicA", 3);
    const Topic b = all_available("topicB", 3);
    ks::Rng rng(1);
    RngRandomSource random(rng);
    StickyPartitionCache cache;
    const std::int32_t part_a = cache.partition(a.view(), random);
    CHECK(cache.partition(a.view(), random) == part_a);
    const std::int32_t part_b = cache.partition(b.view(), random);
    CHECK(cache.partition(b.view(), random) == part_b);

    const std::int32_t changed_a = cache.next_partition(a.view(), part_a, random);
    CHECK(changed_a != part_a);  // >= 2 available: always a different one
    CHECK(cache.partition(a.view(), random) == changed_a);
    // A stale onNewBatch (prev is not the cached partition) changes nothing.
    const std::int32_t stale = (changed_a + 1) % 3;
    CHECK(cache.next_partition(a.view(), stale, random) == changed_a);
    CHECK(cache.partition(b.view(), random) == part_b);
    for (int i = 0; i < 50; ++i) {
        const std::int32_t before = cache.partition(a.view(), random);
        CHECK(cache.next_partition(a.view(), before, random) != before);
    }
}

TEST_CASE(
    "sticky cache: only available partitions; the one available; any when none "
    "(StickyPartitionCacheTest.unavailablePartitionsTest)") {
    ks::Rng rng(3);
    RngRandomSource random(rng);
    StickyPartitionCache cache;
    const Topic a{"topicA", 3, {0, 2}};
    std::int32_t part = cache.partition(a.view(), random);
    CHECK(part != 1);
    for (int i = 0; i < 100; ++i) {
        const std::int32_t next = cache.next_partition(a.view(), part, random);
        CHECK(next != 1);
        CHECK(next != part);  // two available: alternates
        part = next;
    }
    const Topic b{"topicB", 2, {1}};
    CHECK(cache.partition(b.view(), random) == 1);
    CHECK(cache.next_partition(b.view(), 1, random) == 1);
    const Topic c{"topicC", 1, {}};
    CHECK(cache.partition(c.view(), random) == 0);
    CHECK(cache.next_partition(c.view(), 0, random) == 0);
}

TEST_CASE(
    "legacy DefaultPartitioner: keys by murmur2, null keys sticky until a new batch "
    "(DefaultPartitionerTest)") {
    const Topic t = all_available("t", 6);
    ks::Rng rng(5);
    RngRandomSource random(rng);
    DefaultPartitioner dp;
    const std::string key = "key-42";
    CHECK(dp.partition(as_key_bytes(key), t.view(), random) == 3);
    const std::int32_t sticky = dp.partition(std::nullopt, t.view(), random);
    CHECK(dp.partition(std::nullopt, t.view(), random) == sticky);
    const std::int32_t after =
        partition_for_send(dp, std::nullopt, t.view(), random, [](std::int32_t) { return true; });
    CHECK(after != sticky);  // onNewBatch moved it
    // Keyed records are unaffected by new batches.
    CHECK(partition_for_send(dp, as_key_bytes(key), t.view(), random, [](std::int32_t) { return true; }) == 3);

    UniformStickyPartitioner usp;
    const std::int32_t u = usp.partition(as_key_bytes(key), t.view(), random);
    CHECK(usp.partition(as_key_bytes("other"), t.view(), random) == u);  // keys ignored
}

// ---------------------------------------------------------------------------
// Keys and the weighted custom partitioner
// ---------------------------------------------------------------------------

TEST_CASE("keys: key index renders as decimal text and parses back") {
    CHECK(record_key(0) == "0");
    CHECK(record_key(42) == "42");
    CHECK(parse_record_key(as_key_bytes("42")) == 42);
    CHECK(parse_record_key(as_key_bytes("0")) == 0);
    CHECK(parse_record_key(as_key_bytes("9223372036854775807")) == INT64_MAX);
    CHECK_FALSE(parse_record_key(as_key_bytes("9223372036854775808")).has_value());
    CHECK_FALSE(parse_record_key(as_key_bytes("042")).has_value());
    CHECK_FALSE(parse_record_key(as_key_bytes("key-42")).has_value());
    CHECK_FALSE(parse_record_key(as_key_bytes("")).has_value());
    CHECK_FALSE(parse_record_key(as_key_bytes("-1")).has_value());
}

TEST_CASE(
    "weighted: VIP keys go to 8 of 10 partitions, everyone else to the other 2, "
    "each key always to the same partition") {
    const std::int64_t vip_keys = 100;
    WeightedPartitioner wp(vip_example_options(vip_keys));
    const Topic t = all_available("orders", 10);
    SequentialRandom random;
    std::set<std::int32_t> vip_parts;
    std::set<std::int32_t> other_parts;
    for (std::int64_t k = 0; k < 2000; ++k) {
        const std::string key = record_key(k);
        const std::int32_t p = wp.partition(as_key_bytes(key), t.view(), random);
        CHECK(p == wp.partition_for_index(k));
        CHECK(p == wp.partition(as_key_bytes(key), t.view(), random));  // stable
        (k < vip_keys ? vip_parts : other_parts).insert(p);
    }
    CHECK(vip_parts == std::set<std::int32_t>{0, 1, 2, 3, 4, 5, 6, 7});
    CHECK(other_parts == std::set<std::int32_t>{8, 9});
    // Non-decimal keys match no rule; null keys draw over the default target.
    CHECK(wp.partition(as_key_bytes("customer-7"), t.view(), random) >= 8);
    for (int i = 0; i < 10; ++i) CHECK(wp.partition(std::nullopt, t.view(), random) >= 8);
    CHECK(wp.matching_rule(99) == 0u);
    CHECK_FALSE(wp.matching_rule(100).has_value());
}

TEST_CASE("weighted: weights split keys in proportion; key lists match like ranges") {
    WeightedPartitionerOptions options{
        .partition_count = 4,
        .rules =
            {{.name = "listed", .key_ranges = {}, .keys = {7, 3, 11}, .partitions = {{.partition = 3, .weight = 1}}}},
        .default_partitions = {{.partition = 0, .weight = 3}, {.partition = 1, .weight = 1}},
    };
    REQUIRE_FALSE(validate_weighted_options(options).has_value());
    WeightedPartitioner wp(options);
    CHECK(wp.partition_for_index(3) == 3);
    CHECK(wp.partition_for_index(7) == 3);
    CHECK(wp.partition_for_index(11) == 3);
    std::map<std::int32_t, int> counts;
    for (std::int64_t k = 100; k < 10100; ++k) ++counts[wp.partition_for_index(k)];
    CHECK(counts[2] == 0);
    CHECK(counts[3] == 0);
    CHECK(counts[0] > 7200);  // expected 7500
    CHECK(counts[0] < 7800);
    CHECK(counts[0] + counts[1] == 10000);
}

TEST_CASE("weighted: bad options are reported by validate and asserted by the constructor") {
    auto bad = vip_example_options(10);
    bad.default_partitions.push_back({.partition = 10, .weight = 1});
    const auto error = validate_weighted_options(bad);
    REQUIRE(error.has_value());
    CHECK(error->find("partition 10 is not in [0, 10)") != std::string::npos);
    CHECK_THROWS_AS(WeightedPartitioner{bad}, ks::AssertionFailure);

    auto dup = vip_example_options(10);
    dup.rules[0].partitions.push_back({.partition = 0, .weight = 2});
    CHECK(validate_weighted_options(dup)->find("rule 'vip': partition 0 listed twice") != std::string::npos);
    auto weight = vip_example_options(10);
    weight.rules[0].partitions[0].weight = 0;
    CHECK(validate_weighted_options(weight).has_value());
    auto range = vip_example_options(10);
    range.rules[0].key_ranges[0] = {.first = 5, .last = 4};
    CHECK(validate_weighted_options(range).has_value());
}
