// BurrowStore (monitor/burrow_store.hpp), ported from linkedin/Burrow
// core/internal/storage/inmemory_test.go (the consumerOffsetTests table 0-6 of
// TestInMemoryStorage_addConsumerOffset_testCases, _addConsumerOffset,
// _addConsumerOffset_MinDistance, _addBrokerOffset_AddMany, _fetchConsumer,
// _fetchConsumer_BadGroup, _fetchConsumer_Expired, _Configure_DefaultIntervals)
// and from core/internal/evaluator/caching_test.go's requests against the
// storage fixture (storage/fixtures.go CoordinatorWithOffsets).
#include <doctest/doctest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "monitor/burrow_store.hpp"

namespace {

using ks::Offset;
using ks::monitor::BurrowBrokerOffset;
using ks::monitor::BurrowCommit;
using ks::monitor::BurrowCommitOutcome;
using ks::monitor::BurrowOffset;
using ks::monitor::BurrowStatus;
using ks::monitor::BurrowStore;
using ks::monitor::BurrowStoreOptions;

// A fixed "now" standing in for Go's time.Now(): a whole second, in ms.
constexpr std::int64_t kStartMs = 1700000000000 - 100000;  // startTime in the Go tests

BurrowStoreOptions with_min_distance(std::int64_t s) {
    BurrowStoreOptions o;
    o.min_distance_s = s;
    return o;
}

void broker(BurrowStore& st, Offset offset, std::int64_t ts = kStartMs) {
    st.on_broker_offset(BurrowBrokerOffset{
        .topic = "testtopic", .partition = 0, .partition_count = 1, .offset = offset, .timestamp_ms = ts});
}

BurrowCommitOutcome commit(BurrowStore& st, Offset offset, std::int64_t order, std::int64_t ts,
                           const std::string& group = "testgroup") {
    return st.on_commit(BurrowCommit{
        .group = group, .topic = "testtopic", .partition = 0, .offset = offset, .timestamp_ms = ts, .order = order});
}

// getPartitionOffsets: the non-empty slots, oldest first.
std::vector<BurrowOffset> stored(const BurrowStore& st, const std::string& group = "testgroup") {
    const auto g = st.fetch_group(group);
    REQUIRE(g.has_value());
    REQUIRE(!g->empty());
    std::vector<BurrowOffset> out;
    for (const auto& slot : g->front().window) {
        if (slot) out.push_back(*slot);
    }
    return out;
}

// protocol.ConsumerOffset{Offset, Order, Timestamp, Lag}; lag < 0 stands for nil.
BurrowOffset co(Offset offset, std::int64_t order, std::int64_t ts, std::int64_t lag) {
    BurrowOffset o{.offset = offset, .order = order, .timestamp_ms = ts, .lag = {}};
    if (lag >= 0) o.lag = lag;
    return o;
}
constexpr std::int64_t kNil = -1;

struct OffsetCase {
    Offset partition_offset;
    std::vector<BurrowOffset> inputs;   // lag ignored
    std::vector<BurrowOffset> outputs;  // timestamps relative to kStartMs
};

// TestInMemoryStorage_addConsumerOffset_testCases: min-distance 1 s
// (fixtureModule), one broker offset, then the inputs in sequence.
void run_offset_case(const OffsetCase& t) {
    BurrowStore st(with_min_distance(1));
    broker(st, t.partition_offset);
    for (const auto& in : t.inputs) commit(st, in.offset, in.order, kStartMs + in.timestamp_ms);
    const auto got = stored(st);
    REQUIRE(got.size() == t.outputs.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
        CAPTURE(i);
        BurrowOffset want = t.outputs[i];
        want.timestamp_ms += kStartMs;
        CHECK(got[i].offset == want.offset);
        CHECK(got[i].order == want.order);
        CHECK(got[i].timestamp_ms == want.timestamp_ms);
        CHECK(got[i].lag == want.lag);
    }
}

std::vector<BurrowOffset> ten_in_order() {
    std::vector<BurrowOffset> v;
    for (int i = 1; i <= 10; ++i) v.push_back(co(1000 * i, 10 * i, 100000 * i, kNil));
    return v;
}

// startWithTestConsumerOffsets: broker offset 4321, ten commits 1000..1900,
// order 500.., one every 10 s from startTime.
BurrowStore with_test_consumer_offsets(std::int64_t start_ms) {
    BurrowStore st(with_min_distance(1));
    st.on_broker_offset(BurrowBrokerOffset{
        .topic = "testtopic", .partition = 0, .partition_count = 1, .offset = 4321, .timestamp_ms = 9876});
    for (int i = 0; i < 10; ++i) commit(st, 1000 + i * 100, 500 + i, start_ms + i * 10000);
    return st;
}

}  // namespace

TEST_CASE("burrow store: defaults are inmemory.go's Configure() defaults") {
    const BurrowStoreOptions o;
    CHECK(o.intervals == 10);  // _Configure_DefaultIntervals
    CHECK(o.min_distance_s == 0);
    CHECK(o.expire_group_s == 604800);
    CHECK(o.eval.allowed_lag == 0);
}

// consumerOffsetTests[0]
TEST_CASE("burrow store 0: appending multiple offsets stores the lag at commit time") {
    run_offset_case({5000,
                     {co(1000, 1, 100000, kNil), co(2000, 2, 200000, kNil), co(3000, 3, 300000, kNil),
                      co(4000, 4, 400000, kNil), co(5000, 5, 500000, kNil)},
                     {co(1000, 1, 100000, 4000), co(2000, 2, 200000, 3000), co(3000, 3, 300000, 2000),
                      co(4000, 4, 400000, 1000), co(5000, 5, 500000, 0)}});
}

// consumerOffsetTests[1]
TEST_CASE("burrow store 1: prepending by order until full, then older ones are dropped") {
    run_offset_case(
        {5000,
         {co(1000, 20, 100000, kNil), co(2000, 30, 200000, kNil), co(3000, 15, 300000, kNil), co(900, 14, 300000, kNil),
          co(800, 13, 300000, kNil), co(700, 12, 300000, kNil), co(600, 11, 300000, kNil), co(500, 10, 300000, kNil),
          co(400, 9, 300000, kNil), co(300, 8, 300000, kNil), co(200, 7, 300000, kNil), co(100, 6, 300000, kNil)},
         {co(300, 8, 300000, kNil), co(400, 9, 300000, kNil), co(500, 10, 300000, kNil), co(600, 11, 300000, kNil),
          co(700, 12, 300000, kNil), co(800, 13, 300000, kNil), co(900, 14, 300000, kNil), co(3000, 15, 300000, kNil),
          co(1000, 20, 100000, 4000), co(2000, 30, 200000, 3000)}});
}

// consumerOffsetTests[2]
TEST_CASE("burrow store 2: inserting between existing entries stores no lag") {
    run_offset_case({5000,
                     {co(1000, 20, 100000, kNil), co(2000, 30, 300000, kNil), co(3000, 40, 400000, kNil),
                      co(1500, 25, 200000, kNil)},
                     {co(1000, 20, 100000, 4000), co(1500, 25, 200000, kNil), co(2000, 30, 300000, 3000),
                      co(3000, 40, 400000, 2000)}});
}

// consumerOffsetTests[3]
TEST_CASE("burrow store 3: inserting into a full ring drops the oldest") {
    auto inputs = ten_in_order();
    inputs.push_back(co(5500, 55, 550000, kNil));  // between 50 and 60
    run_offset_case({10000,
                     inputs,
                     {co(2000, 20, 200000, 8000), co(3000, 30, 300000, 7000), co(4000, 40, 400000, 6000),
                      co(5000, 50, 500000, 5000), co(5500, 55, 550000, kNil), co(6000, 60, 600000, 4000),
                      co(7000, 70, 700000, 3000), co(8000, 80, 800000, 2000), co(9000, 90, 900000, 1000),
                      co(10000, 100, 1000000, 0)}});
}

// consumerOffsetTests[4]
TEST_CASE("burrow store 4: an order between the oldest two replaces the oldest of a full ring") {
    auto inputs = ten_in_order();
    inputs.push_back(co(1500, 15, 150000, kNil));
    run_offset_case({10000,
                     inputs,
                     {co(1500, 15, 150000, kNil), co(2000, 20, 200000, 8000), co(3000, 30, 300000, 7000),
                      co(4000, 40, 400000, 6000), co(5000, 50, 500000, 5000), co(6000, 60, 600000, 4000),
                      co(7000, 70, 700000, 3000), co(8000, 80, 800000, 2000), co(9000, 90, 900000, 1000),
                      co(10000, 100, 1000000, 0)}});
}

// consumerOffsetTests[5]
TEST_CASE("burrow store 5: a commit within min-distance replaces the newest, keeping its time") {
    run_offset_case({10000,
                     {co(1000, 10, 100000, kNil), co(2000, 20, 200000, kNil), co(3000, 30, 300000, kNil),
                      co(4000, 40, 400000, kNil), co(5000, 50, 500000, kNil), co(6000, 60, 500001, kNil)},
                     {co(1000, 10, 100000, 9000), co(2000, 20, 200000, 8000), co(3000, 30, 300000, 7000),
                      co(4000, 40, 400000, 6000), co(6000, 60, 500000, 4000)}});
}

// consumerOffsetTests[6]
TEST_CASE("burrow store 6: a back-filled commit within min-distance replaces its predecessor") {
    run_offset_case({10000,
                     {co(1000, 10, 100000, kNil), co(2000, 20, 200000, kNil), co(3000, 30, 300000, kNil),
                      co(4000, 40, 400000, kNil), co(5000, 50, 500000, kNil), co(4500, 45, 400001, kNil)},
                     {co(1000, 10, 100000, 9000), co(2000, 20, 200000, 8000), co(3000, 30, 300000, 7000),
                      co(4500, 45, 400000, kNil), co(5000, 50, 500000, 5000)}});
}

TEST_CASE("burrow store: outcomes of each commit are reported") {
    BurrowStore st(with_min_distance(1));
    broker(st, 10000);
    for (const auto& c : ten_in_order()) {
        CHECK(commit(st, c.offset, c.order, kStartMs + c.timestamp_ms) == BurrowCommitOutcome::appended);
    }
    CHECK(commit(st, 5500, 55, kStartMs + 550000) == BurrowCommitOutcome::inserted);
    CHECK(commit(st, 500, 5, kStartMs + 50000) == BurrowCommitOutcome::dropped_backfill);
    CHECK(commit(st, 7000, 70, kStartMs + 700000) == BurrowCommitOutcome::dropped_duplicate);
    CHECK(commit(st, 11000, 110, kStartMs + 1000500) == BurrowCommitOutcome::merged);
}

// TestInMemoryStorage_addConsumerOffset
TEST_CASE("burrow store: an 11th commit pushes the oldest out of the ring of 10") {
    BurrowStore st = with_test_consumer_offsets(kStartMs);
    commit(st, 2000, 1000, kStartMs + 100000);
    const auto g = st.fetch_group("testgroup");
    REQUIRE(g.has_value());
    REQUIRE(g->size() == 1);
    REQUIRE(g->front().window.size() == 10);
    for (int i = 0; i < 10; ++i) {
        CAPTURE(i);
        const auto& slot = g->front().window[static_cast<std::size_t>(i)];
        REQUIRE(slot.has_value());
        const Offset offset = i == 9 ? 2000 : 1100 + i * 100;
        CHECK(slot->offset == offset);
        CHECK(slot->timestamp_ms == kStartMs + 10000 + i * 10000);
        CHECK(slot->lag == 4321 - offset);
    }
}

// TestInMemoryStorage_addConsumerOffset_MinDistance
TEST_CASE("burrow store: a commit within min-distance does not advance the ring") {
    BurrowStore st = with_test_consumer_offsets(kStartMs);
    CHECK(commit(st, 2000, 1000, kStartMs + 90001) == BurrowCommitOutcome::merged);
    const auto g = st.fetch_group("testgroup");
    REQUIRE(g.has_value());
    for (int i = 0; i < 10; ++i) {
        CAPTURE(i);
        const auto& slot = g->front().window[static_cast<std::size_t>(i)];
        REQUIRE(slot.has_value());
        const Offset offset = i == 9 ? 2000 : 1000 + i * 100;  // the last got the update
        CHECK(slot->offset == offset);
        CHECK(slot->timestamp_ms == kStartMs + i * 10000);
        CHECK(slot->lag == 4321 - offset);
    }
}

TEST_CASE("burrow store: with min-distance 0 only a commit stamped earlier merges") {
    // Burrow's condition is (ts - prev.ts) < min-distance * 1000: with 0, an equal
    // timestamp appends and a timestamp that went back replaces the previous commit.
    BurrowStore st;  // min-distance 0
    broker(st, 100);
    CHECK(commit(st, 10, 1, 1000) == BurrowCommitOutcome::appended);
    CHECK(commit(st, 10, 2, 1000) == BurrowCommitOutcome::appended);  // equal offset and time
    CHECK(commit(st, 20, 3, 999) == BurrowCommitOutcome::merged);
    const auto got = stored(st);
    REQUIRE(got.size() == 2);
    CHECK(got[1].offset == 20);
    CHECK(got[1].timestamp_ms == 1000);
    CHECK(got[1].lag == 80);
}

// TestInMemoryStorage_addBrokerOffset_AddMany
TEST_CASE("burrow store: the broker ring keeps the last `intervals` offsets") {
    BurrowStore st;
    Offset offset = 4321;
    broker(st, offset);
    for (int i = 0; i < 100; ++i) broker(st, ++offset);
    commit(st, 4000, 1, kStartMs);
    const auto g = st.fetch_group("testgroup");
    REQUIRE(g.has_value());
    const auto& b = g->front().broker_offsets;
    REQUIRE(b.size() == 10);
    for (std::size_t i = 0; i < b.size(); ++i) CHECK(b[i] == offset - 9 + static_cast<Offset>(i));
    CHECK(g->front().window.back()->lag == offset - 4000);
}

// TestInMemoryStorage_fetchConsumer, _fetchConsumer_BadGroup
TEST_CASE("burrow store: fetchConsumer gives the window, broker offsets and current lag") {
    const BurrowStore st = with_test_consumer_offsets(kStartMs);
    const auto g = st.fetch_group("testgroup");
    REQUIRE(g.has_value());
    REQUIRE(g->size() == 1);
    const auto& p = g->front();
    CHECK(p.topic == "testtopic");
    CHECK(p.current_lag == 2421);
    REQUIRE(p.window.size() == 10);
    for (int i = 0; i < 10; ++i) {
        const auto& slot = p.window[static_cast<std::size_t>(i)];
        REQUIRE(slot.has_value());
        CHECK(slot->offset == 1000 + i * 100);
        CHECK(slot->timestamp_ms == kStartMs + i * 10000);
        CHECK(slot->lag == 4321 - (1000 + i * 100));
    }
    CHECK_FALSE(st.fetch_group("nogroup").has_value());
    CHECK(st.groups() == std::vector<std::string>{"testgroup"});
}

// TestInMemoryStorage_fetchConsumer_Expired
TEST_CASE("burrow store: a group idle for longer than expire-group is NOTFOUND") {
    BurrowStore st;
    broker(st, 4321, 9876);
    for (int i = 0; i < 10; ++i) commit(st, 1000 + i * 100, i, 1000000 + i * 10000);
    CHECK(st.evaluate("testgroup", 1000000 + 604800 * 1000).status != BurrowStatus::not_found);
    CHECK(st.evaluate("testgroup", kStartMs + 100000).status == BurrowStatus::not_found);
}

// caching_test.go TestCachingEvaluator_Start / _SingleRequest_ShowAll /
// _SingleRequest_Incomplete against storage/fixtures.go CoordinatorWithOffsets.
TEST_CASE("burrow store: the evaluator fixture groups evaluate as in caching_test.go") {
    BurrowStore st;  // fixture: intervals 10, min-distance 0
    st.on_broker_offset(BurrowBrokerOffset{
        .topic = "testtopic", .partition = 0, .partition_count = 1, .offset = 4321, .timestamp_ms = 9876});
    for (int i = 0; i < 10; ++i) commit(st, 1000 + i * 100, 10 + i, kStartMs + i * 10000);
    for (int i = 0; i < 5; ++i) {
        commit(st, 1000 + i * 100, 10 + i, kStartMs + i * 10000, "testgroup2");
    }
    const std::int64_t now_ms = kStartMs + 100000;

    CHECK(st.evaluate("nosuchgroup", now_ms).status == BurrowStatus::not_found);

    const auto g = st.evaluate("testgroup", now_ms);
    CHECK(std::string(to_string(g.status)) == "OK");
    CHECK(g.complete == 1.0f);
    CHECK(g.partition_count == 1);
    CHECK(g.totallag == 2421);
    CHECK(g.partitions.size() == 1);

    const auto g2 = st.evaluate("testgroup2", now_ms);
    CHECK(std::string(to_string(g2.status)) == "ERR");
    CHECK(g2.complete == 0.0f);
    CHECK(g2.partition_count == 1);
    CHECK(g2.totallag == 2921);
    REQUIRE(g2.partitions.size() == 1);
    CHECK(g2.partitions[0].complete == 0.5f);
    CHECK(std::string(to_string(g2.partitions[0].status)) == "STOP");
    REQUIRE(g2.maxlag.has_value());
    REQUIRE(g2.maxlag->start.has_value());
    CHECK(g2.maxlag->start->offset == 1000);
    REQUIRE(g2.maxlag->end.has_value());
    CHECK(g2.maxlag->end->offset == 1400);
}

TEST_CASE("burrow store: partitions are padded to the broker's count, sorted by topic") {
    BurrowStore st;
    for (int p = 0; p < 3; ++p) {
        st.on_broker_offset(
            BurrowBrokerOffset{.topic = "b", .partition = p, .partition_count = 3, .offset = 100, .timestamp_ms = 0});
    }
    st.on_broker_offset(
        BurrowBrokerOffset{.topic = "a", .partition = 0, .partition_count = 1, .offset = 9, .timestamp_ms = 0});
    st.on_commit(BurrowCommit{
        .group = "g", .topic = "b", .partition = 1, .offset = 100, .timestamp_ms = 1000, .order = std::nullopt});
    st.on_commit(BurrowCommit{
        .group = "g", .topic = "a", .partition = 0, .offset = 5, .timestamp_ms = 1000, .order = std::nullopt});
    const auto g = st.evaluate("g", 2000);
    REQUIRE(g.partitions.size() == 4);
    CHECK(g.partitions[0].topic == "a");
    CHECK(g.partitions[1].topic == "b");
    CHECK(g.partitions[1].partition == 0);
    CHECK(g.partitions[1].complete == 0.0f);  // padded, never committed
    CHECK(g.partitions[2].partition == 1);
    CHECK(g.partitions[2].complete == 0.1f);  // one commit in a ring of 10
    CHECK(g.partitions[0].current_lag == 4);
    CHECK(g.partitions[0].end->lag == 4);
    CHECK(g.totallag == 4);
    CHECK(g.complete == 0.0f);
}

// inmemory.go addConsumerOffset → getBrokerOffset: "no topic", "no broker
// partition", "no broker offset" all drop the commit, and no group is made.
TEST_CASE("burrow store: a commit before any broker offset of its partition is dropped (getBrokerOffset)") {
    BurrowStore st;
    const BurrowCommit c{
        .group = "g", .topic = "t", .partition = 1, .offset = 5, .timestamp_ms = 1000, .order = std::nullopt};
    CHECK(st.on_commit(c) == BurrowCommitOutcome::dropped_no_broker_offset);  // no topic
    st.on_broker_offset(
        BurrowBrokerOffset{.topic = "t", .partition = 0, .partition_count = 1, .offset = 10, .timestamp_ms = 0});
    CHECK(st.on_commit(c) == BurrowCommitOutcome::dropped_no_broker_offset);  // no broker partition
    st.on_broker_offset(
        BurrowBrokerOffset{.topic = "t", .partition = 0, .partition_count = 2, .offset = 10, .timestamp_ms = 0});
    CHECK(st.on_commit(c) == BurrowCommitOutcome::dropped_no_broker_offset);  // no broker offset
    CHECK_FALSE(st.fetch_group("g").has_value());
    CHECK(st.evaluate("g", 2000).status == BurrowStatus::not_found);
    st.on_broker_offset(
        BurrowBrokerOffset{.topic = "t", .partition = 1, .partition_count = 2, .offset = 8, .timestamp_ms = 0});
    CHECK(st.on_commit(c) == BurrowCommitOutcome::appended);
    const auto g = st.fetch_group("g");
    REQUIRE(g.has_value());
    REQUIRE(g->size() == 2);
    CHECK(g->at(1).window.back()->lag == 3);
}

// The lag stored with a commit is against the last poll, not the log at commit
// time: a consumer ahead of a stale poll reads lag 0.
TEST_CASE("burrow store: a commit's lag is measured against the newest polled broker offset") {
    BurrowStore st;
    st.on_broker_offset(
        BurrowBrokerOffset{.topic = "t", .partition = 0, .partition_count = 1, .offset = 100, .timestamp_ms = 0});
    st.on_commit(BurrowCommit{
        .group = "g", .topic = "t", .partition = 0, .offset = 60, .timestamp_ms = 5000, .order = std::nullopt});
    st.on_commit(BurrowCommit{
        .group = "g", .topic = "t", .partition = 0, .offset = 150, .timestamp_ms = 9000, .order = std::nullopt});
    const auto g = st.fetch_group("g");
    REQUIRE(g.has_value());
    const auto& w = g->front().window;
    CHECK(w[8]->lag == 40);
    CHECK(w[9]->lag == 0);
    CHECK(g->front().current_lag == 0);
}

TEST_CASE("burrow store: a consumer that stops committing goes STOP, then OK once caught up") {
    // Broker offsets polled every 10 s, a commit just after each poll, always
    // 10 behind it.
    BurrowStore st;
    Offset leo = 0;
    Offset committed = 0;
    std::int64_t t = 0;
    for (; t <= 60000; t += 10000) {
        leo += 100;
        committed = leo - 10;
        st.on_broker_offset(
            BurrowBrokerOffset{.topic = "t", .partition = 0, .partition_count = 1, .offset = leo, .timestamp_ms = t});
        st.on_commit(BurrowCommit{
            .group = "g", .topic = "t", .partition = 0, .offset = committed, .timestamp_ms = t, .order = std::nullopt});
    }
    // Lag 10 every commit, never 0 and never decreasing: WARN.
    CHECK(std::string(to_string(st.evaluate("g", 60000).status)) == "WARN");
    // The consumer stops; the log keeps growing. After the window's span: STOP → ERR.
    for (; t <= 200000; t += 10000) {
        leo += 100;
        st.on_broker_offset(
            BurrowBrokerOffset{.topic = "t", .partition = 0, .partition_count = 1, .offset = leo, .timestamp_ms = t});
    }
    const auto g = st.evaluate("g", 200000);
    CHECK(std::string(to_string(g.status)) == "ERR");
    CHECK(std::string(to_string(g.partitions.at(0).status)) == "STOP");
    CHECK(g.totallag == leo - committed);
}

TEST_CASE("burrow store: commits between polls are measured against the stale poll") {
    // The same consumer, 10 behind the log at every commit, but committing every
    // 5 s against polls every 10 s: each commit between polls is ahead of the
    // last poll, so Burrow stores lag 0 for it and the partition reads OK.
    BurrowStore st;
    Offset leo = 0;
    for (std::int64_t t = 0; t <= 60000; t += 5000) {
        leo += 50;
        if (t % 10000 == 0) {
            st.on_broker_offset(BurrowBrokerOffset{
                .topic = "t", .partition = 0, .partition_count = 1, .offset = leo, .timestamp_ms = t});
        }
        st.on_commit(BurrowCommit{
            .group = "g", .topic = "t", .partition = 0, .offset = leo - 10, .timestamp_ms = t, .order = std::nullopt});
    }
    const auto p = st.fetch_group("g");
    REQUIRE(p.has_value());
    const auto& w = p->front().window;
    CHECK(w[9]->lag == 10);  // t = 60 s, on a poll
    CHECK(w[8]->lag == 0);   // t = 55 s, 40 ahead of the t = 50 s poll
    CHECK(std::string(to_string(st.evaluate("g", 60000).status)) == "OK");
}
