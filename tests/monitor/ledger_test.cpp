// The ground-truth ledger: accounting, and judging synthetic final logs.
#include <doctest/doctest.h>

#include <cmath>

#include "core/assert.hpp"
#include "monitor/ledger.hpp"

using namespace ks;
using namespace ks::kafka;
using namespace ks::monitor;

namespace {

const TopicPartition kTp{0, 0};

RecordsSentEffect sent(std::int64_t first, std::int32_t count, std::vector<std::int32_t> keys = {}) {
    return RecordsSentEffect{0, kTp, first, count, std::move(keys)};
}

RecordsOutcomeEffect outcome(std::int64_t first, std::int32_t count, RecordsOutcomeEffect::Outcome o,
                             std::int64_t latency_ns = 1'000'000) {
    RecordsOutcomeEffect e;
    e.producer = 0;
    e.tp = kTp;
    e.first_record = first;
    e.count = count;
    e.outcome = o;
    if (o == RecordsOutcomeEffect::Outcome::acked) e.latency_ns.assign(static_cast<std::size_t>(count), latency_ns);
    return e;
}

void append(Log& log, std::int64_t first, std::int32_t count, std::int32_t producer = 0) {
    RecordBatch b;
    b.record_count = count;
    b.size_bytes = 100;
    b.producer = producer;
    b.first_record = first;
    log.append_as_leader(b, 0);
}

using O = RecordsOutcomeEffect::Outcome;

}  // namespace

TEST_CASE("ledger: range set merges, counts overlaps and intersections") {
    RangeSet s;
    CHECK(s.add(0, 10) == 0);
    CHECK(s.add(20, 30) == 0);
    CHECK(s.add(10, 20) == 0);
    CHECK(s.range_count() == 1);
    CHECK(s.size() == 30);
    CHECK(s.add(5, 35) == 25);
    CHECK(s.size() == 35);
    CHECK(s.contains(34));
    CHECK(!s.contains(35));
    RangeSet t;
    t.add(30, 40);
    t.add(0, 2);
    CHECK(s.count_common(t) == 7);
    CHECK(s.count_in(33, 100) == 2);
}

TEST_CASE("ledger: range set removes a span, splitting the ranges it cuts") {
    RangeSet s;
    s.add(0, 10);
    s.add(20, 30);
    CHECK(s.remove(5, 25) == 10);  // 5..9 and 20..24
    CHECK(s.size() == 10);
    CHECK(s.range_count() == 2);
    CHECK(s.contains(4));
    CHECK(!s.contains(5));
    CHECK(!s.contains(24));
    CHECK(s.contains(25));
    CHECK(s.remove(10, 20) == 0);
    CHECK(s.remove(0, 100) == 10);
    CHECK(s.size() == 0);
    CHECK(s.range_count() == 0);
}

TEST_CASE("ledger: a clean run closes the accounting with nothing lost") {
    Ledger l;
    l.on_sent(sent(0, 10));
    l.on_sent(sent(10, 5));
    CHECK(l.pending() == 15);
    l.on_outcome(outcome(0, 10, O::acked, 2'000'000));
    l.on_outcome(outcome(10, 5, O::acked, 4'000'000));
    Log log;
    append(log, 0, 10);
    append(log, 10, 5);
    const auto v = l.judge({{kTp, &log}}, {{kTp, 15}});
    CHECK(v.sent == 15);
    CHECK(v.acked == 15);
    CHECK(v.pending == 0);
    CHECK(v.acked_lost == 0);
    CHECK(v.duplicated == 0);
    CHECK(v.reordered == 0);
    const auto lat = l.latency_verdict();
    CHECK(lat.count == 15);
    CHECK(lat.p50_ms == doctest::Approx(2.0).epsilon(0.01));
    CHECK(lat.max_ms == doctest::Approx(4.0));
}

TEST_CASE("ledger: acked records missing from the log or above the high watermark are lost") {
    Ledger l;
    l.on_sent(sent(0, 30));
    l.on_outcome(outcome(0, 10, O::acked));
    l.on_outcome(outcome(10, 10, O::acked));
    l.on_outcome(outcome(20, 10, O::acked));
    Log log;
    append(log, 0, 10);   // offsets 0..9
    append(log, 20, 10);  // offsets 10..19: records 10..19 never made it
    SUBCASE("below the HW") {
        const auto v = l.judge({{kTp, &log}}, {{kTp, 20}});
        CHECK(v.acked_lost == 10);
    }
    SUBCASE("a HW in the middle of a batch keeps only the committed part") {
        const auto v = l.judge({{kTp, &log}}, {{kTp, 15}});
        CHECK(v.acked_lost == 15);
    }
    SUBCASE("no final log at all") {
        const auto v = l.judge({}, {});
        CHECK(v.acked_lost == 30);
    }
}

TEST_CASE("ledger: the loss is judged per partition and the partitions sum to the totals") {
    const TopicPartition other{0, 1};
    Ledger l;
    l.on_sent(sent(0, 20));
    l.on_outcome(outcome(0, 20, O::acked));
    l.on_sent(RecordsSentEffect{0, other, 0, 10, {}});
    RecordsOutcomeEffect o = outcome(0, 10, O::acked);
    o.tp = other;
    l.on_outcome(o);
    Log log, other_log;
    append(log, 0, 20);
    append(other_log, 0, 4);  // records 4..9 of the other partition never made it
    const auto v = l.judge({{kTp, &log}, {other, &other_log}}, {{kTp, 20}, {other, 4}});
    REQUIRE(v.by_partition.size() == 2);
    CHECK(v.by_partition.at(kTp).acked == 20);
    CHECK(v.by_partition.at(kTp).acked_lost == 0);
    CHECK(v.by_partition.at(other).acked == 10);
    CHECK(v.by_partition.at(other).acked_lost == 6);
    CHECK(v.acked_lost == 6);
    SUBCASE("a partition without a final log loses all its acked records") {
        const auto w = l.judge({{kTp, &log}}, {{kTp, 20}});
        CHECK(w.by_partition.at(other).acked_lost == 10);
        CHECK(w.acked_lost == 10);
    }
}

TEST_CASE("ledger: a batch written twice counts its records as duplicated") {
    Ledger l;
    l.on_sent(sent(0, 20));
    l.on_outcome(outcome(0, 10, O::acked));
    l.on_outcome(outcome(10, 10, O::acked));
    Log log;
    append(log, 0, 10);
    append(log, 0, 10);  // the retry after a timeout, written again
    append(log, 10, 10);
    const auto v = l.judge({{kTp, &log}}, {{kTp, 30}});
    CHECK(v.duplicated == 10);
    CHECK(v.reordered == 0);
    CHECK(v.acked_lost == 0);
}

TEST_CASE("ledger: same-key records out of send order are reordered, other keys are not") {
    Ledger l;
    // Records 0..3 keys 7,8,9,7 ; records 4..5 keys 7,1.
    l.on_sent(sent(0, 4, {7, 8, 9, 7}));
    l.on_sent(sent(4, 2, {7, 1}));
    l.on_outcome(outcome(0, 4, O::acked));
    l.on_outcome(outcome(4, 2, O::acked));
    SUBCASE("the later batch landed first") {
        Log log;
        append(log, 4, 2);  // keys 7, 1
        append(log, 0, 4);  // keys 7, 8, 9, 7: records 0 and 3 (key 7) come after record 4 (key 7)
        const auto v = l.judge({{kTp, &log}}, {{kTp, 6}});
        CHECK(v.reordered == 2);
        CHECK(v.duplicated == 0);
        CHECK(v.acked_lost == 0);
    }
    SUBCASE("in order") {
        Log log;
        append(log, 0, 4);
        append(log, 4, 2);
        CHECK(l.judge({{kTp, &log}}, {{kTp, 6}}).reordered == 0);
    }
}

TEST_CASE("ledger: null keys are never reordered") {
    Ledger l;
    l.on_sent(sent(0, 2, {-1, -1}));
    l.on_sent(sent(2, 2, {-1, -1}));
    l.on_outcome(outcome(0, 2, O::acked));
    l.on_outcome(outcome(2, 2, O::acked));
    Log log;
    append(log, 2, 2);
    append(log, 0, 2);
    CHECK(l.judge({{kTp, &log}}, {{kTp, 4}}).reordered == 0);
}

TEST_CASE("ledger: failed records present in the log, and pending ones, are reported") {
    Ledger l;
    l.on_sent(sent(0, 30));
    l.on_outcome(outcome(0, 10, O::failed));
    l.on_outcome(outcome(10, 10, O::acked));
    Log log;
    append(log, 0, 10);
    append(log, 10, 5);
    const auto v = l.judge({{kTp, &log}}, {{kTp, 15}});
    CHECK(v.failed == 10);
    CHECK(v.acked == 10);
    CHECK(v.pending == 10);
    CHECK(v.unacked_present == 10);
    CHECK(v.acked_lost == 5);  // records 15..19: acked, not in the log
    CHECK(v.sent == v.acked + v.failed + v.pending);
}

TEST_CASE("ledger: a second outcome for the same records is a bug") {
    Ledger l;
    l.on_sent(sent(0, 5));
    l.on_outcome(outcome(0, 5, O::acked));
    CHECK_THROWS_AS(l.on_outcome(outcome(2, 1, O::failed)), AssertionFailure);
    CHECK_THROWS_AS(l.on_sent(sent(4, 2)), AssertionFailure);
}

TEST_CASE("ledger: ten million records in order stay a handful of ranges") {
    Ledger l(LedgerOptions{.track_keys = false});
    for (std::int64_t i = 0; i < 10'000'000; i += 1000) {
        l.on_sent(sent(i, 1000));
        l.on_outcome(outcome(i, 1000, O::acked));
    }
    Log log;
    append(log, 0, 10'000'000);
    const auto v = l.judge({{kTp, &log}}, {{kTp, 10'000'000}});
    CHECK(v.acked == 10'000'000);
    CHECK(v.acked_lost == 0);
}

TEST_CASE("ledger: the interval latency p99 covers only what was acknowledged since the last take") {
    Ledger l;
    l.on_sent(sent(0, 20));
    l.on_outcome(outcome(0, 10, O::acked, 900'000'000));  // a stall: 900 ms
    const auto first = l.take_interval_latency();
    CHECK(first.p99_ms == doctest::Approx(900).epsilon(0.01));
    CHECK(first.p99_ms_by_producer.at(0) == doctest::Approx(900).epsilon(0.01));
    const auto empty = l.take_interval_latency();
    CHECK(std::isnan(empty.p99_ms));
    CHECK(empty.p99_ms_by_producer.empty());
    l.on_outcome(outcome(10, 10, O::acked, 2'000'000));
    CHECK(l.take_interval_latency().p99_ms == doctest::Approx(2).epsilon(0.01));
    CHECK(l.latency_verdict().p99_ms == doctest::Approx(900).epsilon(0.01));  // the whole run still sees the stall
}
