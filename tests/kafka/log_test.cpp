#include <doctest/doctest.h>

#include "core/assert.hpp"
#include "kafka/log.hpp"

using namespace ks;
using namespace ks::kafka;

namespace {
RecordBatch batch(std::int32_t records, Bytes bytes = 100) {
    RecordBatch b;
    b.record_count = records;
    b.size_bytes = bytes;
    return b;
}
}  // namespace

// Cases mirror storage/src/test/java/.../epoch/LeaderEpochFileCacheTest.java.

TEST_CASE("epoch cache: shouldAddEpochAndMessageOffsetToCache") {
    LeaderEpochCache c;
    c.assign(2, 10);
    CHECK(c.latest_epoch() == 2);
    CHECK(c.end_offset_for(2, 11) == std::pair<LeaderEpoch, Offset>{2, 11});
}

TEST_CASE("epoch cache: shouldReturnUndefinedOffsetIfUndefinedEpochRequested") {
    LeaderEpochCache c;
    c.assign(2, 10);
    CHECK(c.end_offset_for(kNoEpoch, 0) == std::pair<LeaderEpoch, Offset>{kNoEpoch, kUndefinedOffset});
}

TEST_CASE("epoch cache: shouldReturnFirstEpochIfRequestedEpochLessThanFirstEpoch") {
    LeaderEpochCache c;
    c.assign(5, 11);
    c.assign(6, 12);
    c.assign(7, 13);
    CHECK(c.end_offset_for(4, 0) == std::pair<LeaderEpoch, Offset>{4, 11});
}

TEST_CASE("epoch cache: shouldReturnNextAvailableEpochIfThereIsNoExactEpochForTheOneRequested") {
    LeaderEpochCache c;
    c.assign(20, 100);
    c.assign(25, 200);
    CHECK(c.end_offset_for(21, 300) == std::pair<LeaderEpoch, Offset>{20, 200});
    CHECK(c.end_offset_for(20, 300) == std::pair<LeaderEpoch, Offset>{20, 200});
    CHECK(c.end_offset_for(25, 300) == std::pair<LeaderEpoch, Offset>{25, 300});
}

TEST_CASE("epoch cache: shouldReturnInvalidOffsetIfEpochIsRequestedWhichIsNotCurrentlyTracked") {
    LeaderEpochCache c;
    c.assign(2, 100);
    CHECK(c.end_offset_for(3, 200) == std::pair<LeaderEpoch, Offset>{kNoEpoch, kUndefinedOffset});
}

TEST_CASE("epoch cache: shouldNotOverwriteOffsetForALeaderEpochOnceItHasBeenAssigned") {
    LeaderEpochCache c;
    c.assign(2, 6);
    c.assign(2, 7);
    REQUIRE(c.entries().size() == 1);
    CHECK(c.entries()[0] == EpochEntry{2, 6});
}

TEST_CASE("epoch cache: a new entry removes later epochs and later or equal offsets") {
    LeaderEpochCache c;
    c.assign(1, 0);
    c.assign(2, 10);
    c.assign(3, 20);
    c.assign(2, 15);  // epoch 2 again at 15: drops (3,20) and (2,10)
    REQUIRE(c.entries().size() == 2);
    CHECK(c.entries()[0] == EpochEntry{1, 0});
    CHECK(c.entries()[1] == EpochEntry{2, 15});
}

TEST_CASE("epoch cache: truncateFromEnd removes epochs starting at or after the end") {
    LeaderEpochCache c;
    c.assign(2, 6);
    c.assign(3, 8);
    c.assign(4, 11);
    c.truncate_from_end(9);
    REQUIRE(c.entries().size() == 2);
    CHECK(c.latest_epoch() == 3);
}

TEST_CASE("epoch cache: truncateFromStart keeps the epoch covering the new start, moved up") {
    LeaderEpochCache c;
    c.assign(2, 6);
    c.assign(3, 8);
    c.assign(4, 11);
    c.truncate_from_start(9);
    REQUIRE(c.entries().size() == 2);
    CHECK(c.entries()[0] == EpochEntry{3, 9});
    CHECK(c.entries()[1] == EpochEntry{4, 11});
}

TEST_CASE("epoch cache: the 0.11 (pre KIP-279) lookup returns only an end offset") {
    LeaderEpochCache c;
    c.assign(1, 0);
    c.assign(3, 50);
    CHECK(c.end_offset_for_v0(3, 80) == 80);
    CHECK(c.end_offset_for_v0(1, 80) == 50);
    CHECK(c.end_offset_for_v0(2, 80) == 50);
    CHECK(c.end_offset_for_v0(0, 80) == kUndefinedOffset);
    CHECK(c.end_offset_for_v0(4, 80) == kUndefinedOffset);
}

TEST_CASE("log: leader appends assign contiguous offsets and stamp the epoch") {
    Log log;
    log.assign_epoch_start(0);
    CHECK(log.append_as_leader(batch(5), 0).base_offset == 0);
    CHECK(log.append_as_leader(batch(3), 0).base_offset == 5);
    CHECK(log.log_end_offset() == 8);
    CHECK(log.size_bytes() == 200);
    CHECK(log.batches().back().epoch == 0);
    log.check_invariants();
}

TEST_CASE("log: a new leader's epoch starts at its LEO even before it writes") {
    Log log;
    log.assign_epoch_start(0);
    log.append_as_leader(batch(10), 0);
    log.assign_epoch_start(1);
    CHECK(log.epochs().end_offset_for(0, log.log_end_offset()) == std::pair<LeaderEpoch, Offset>{0, 10});
    CHECK(log.epochs().end_offset_for(1, log.log_end_offset()) == std::pair<LeaderEpoch, Offset>{1, 10});
}

TEST_CASE("log: follower appends keep the leader's offsets and learn its epochs") {
    Log leader, follower;
    leader.assign_epoch_start(0);
    leader.append_as_leader(batch(4), 0);
    leader.assign_epoch_start(2);
    leader.append_as_leader(batch(6), 2);
    for (const auto& b : leader.read(0, 1 << 20)) follower.append_as_follower(b);
    CHECK(follower.log_end_offset() == 10);
    REQUIRE(follower.epochs().entries().size() == 2);
    CHECK(follower.epochs().entries()[1] == EpochEntry{2, 4});
    follower.check_invariants();
}

TEST_CASE("log: truncation removes the whole batch holding the target (LogSegment.truncateTo)") {
    Log log;
    log.assign_epoch_start(0);
    log.append_as_leader(batch(5), 0);  // 0..4
    log.assign_epoch_start(1);
    log.append_as_leader(batch(5), 1);  // 5..9
    CHECK(log.truncate_to(7) == 5);
    CHECK(log.latest_epoch() == 0);
    CHECK(log.truncate_to(5) == 5);
    CHECK(log.truncate_to(100) == 5);
    log.check_invariants();
}

TEST_CASE("log: reads return whole batches from the one holding the offset, bounded by bytes") {
    Log log;
    log.assign_epoch_start(0);
    for (int i = 0; i < 10; ++i) log.append_as_leader(batch(10, 1000), 0);
    auto r = log.read(15, 2500);
    REQUIRE(r.size() == 2);
    CHECK(r[0].base_offset == 10);
    CHECK(log.read(0, 10).size() == 1);  // an oversized first batch is still returned
    CHECK(log.read(100, 1000).empty());
}

TEST_CASE("log: before 0.11 a read from inside a batch starts at that very offset (message format v1)") {
    Log log;
    log.assign_epoch_start(0);
    RecordBatch b = batch(10, 1000);
    b.producer = 3;
    b.first_record = 100;
    log.append_as_leader(b, 0);                // 0..9
    log.append_as_leader(batch(10, 1000), 0);  // 10..19
    auto whole = log.read(4, 1 << 20);
    CHECK(whole[0].base_offset == 0);  // format v2: the whole batch
    auto exact = log.read(4, 1 << 20, true);
    REQUIRE(exact.size() == 2);
    CHECK(exact[0].base_offset == 4);
    CHECK(exact[0].record_count == 6);
    CHECK(exact[0].first_record == 104);  // the same records, from the fifth on
    CHECK(exact[0].size_bytes == 600);
    CHECK(exact[1].base_offset == 10);
    CHECK(log.read(10, 1 << 20, true)[0].record_count == 10);  // at a boundary nothing is cut
}

TEST_CASE("log: first_difference compares records, not batch boundaries") {
    auto records = [](std::int32_t count, std::int64_t first, LeaderEpoch epoch = 0) {
        RecordBatch b = batch(count);
        b.producer = 0;
        b.first_record = first;
        b.epoch = epoch;
        return b;
    };
    Log a, b;
    a.assign_epoch_start(0);
    a.append_as_leader(records(10, 0), 0);  // records 0..9 at offsets 0..9
    b.assign_epoch_start(0);
    b.append_as_leader(records(4, 0), 0);  // the same records in two batches
    b.append_as_leader(records(6, 4), 0);
    CHECK(a.first_difference(b, 0, 10) == 10);
    CHECK(b.first_difference(a, 3, 10) == 10);
    a.append_as_leader(records(5, 10), 0);  // 10..14
    b.append_as_leader(records(2, 10), 0);  // 10..11, then other records from 12
    b.append_as_leader(records(3, 50), 0);
    CHECK(a.first_difference(b, 0, 15) == 12);
    Log c;  // the same records written in another leader epoch differ too
    c.assign_epoch_start(0);
    c.append_as_leader(records(8, 0), 0);
    c.assign_epoch_start(1);
    c.append_as_leader(records(2, 8, 1), 1);
    CHECK(a.first_difference(c, 0, 10) == 8);
}

TEST_CASE("log: a power loss keeps only batches wholly within the durable bytes") {
    Log log;
    log.assign_epoch_start(0);
    for (int i = 0; i < 4; ++i) log.append_as_leader(batch(10, 1000), 0);
    CHECK(log.offset_at_position(2999) == 20);
    CHECK(log.offset_at_position(3000) == 30);
    CHECK(log.offset_at_position(0) == 0);
    CHECK(log.position_of(20) == 2000);
}

TEST_CASE("log: retention advances the log start and the epoch cache with it") {
    Log log;
    log.assign_epoch_start(0);
    for (int i = 0; i < 4; ++i) log.append_as_leader(batch(10, 1000), 0);
    log.advance_log_start(20);
    CHECK(log.log_start_offset() == 20);
    CHECK(log.batches().size() == 2);
    CHECK(log.size_bytes() == 2000);
    CHECK(log.epochs().entries()[0] == EpochEntry{0, 20});
    log.check_invariants();
}

// storage LogLoader.load and LogSegment.recover (trunk 1eb7644): the cache is
// read from the leader-epoch-checkpoint; an unclean start re-reads the
// segments from the one holding the recovery point and assigns each batch's
// epoch when it is above the latest; then truncateFromEnd(log end) and
// truncateFromStart(log start).
TEST_CASE("log: LogLoader builds the epoch cache from the checkpoint file, the recovered segments and the log's ends") {
    Log log;
    log.assign_epoch_start(0);
    for (int i = 0; i < 2; ++i) log.append_as_leader(batch(5), 0);
    log.assign_epoch_start(2);
    for (int i = 0; i < 2; ++i) log.append_as_leader(batch(5), 2);
    REQUIRE(log.log_end_offset() == 20);

    SUBCASE("a clean start takes the file as it is, cut at the log end") {
        // The file also holds a new leader's entry at the log end (makeLeader, no write since).
        log.load_epochs({{0, 0}, {2, 10}, {3, 20}}, std::nullopt);
        CHECK(log.epochs().entries() == std::vector<EpochEntry>{{0, 0}, {2, 10}});
    }
    SUBCASE("an unclean start recovers the epochs of the batches above the recovery point") {
        log.load_epochs({{0, 0}}, Offset{10});  // epoch 2's write never reached the file
        CHECK(log.epochs().entries() == std::vector<EpochEntry>{{0, 0}, {2, 10}});
    }
    SUBCASE("a clean start does not read the segments") {
        log.load_epochs({{0, 0}}, std::nullopt);
        CHECK(log.epochs().entries() == std::vector<EpochEntry>{{0, 0}});
    }
    SUBCASE("the first entry moves up to the log start") {
        log.advance_log_start(5);
        log.load_epochs({{0, 0}, {2, 10}}, std::nullopt);
        CHECK(log.epochs().entries() == std::vector<EpochEntry>{{0, 5}, {2, 10}});
    }
}

TEST_CASE("epoch cache: the change count moves only when the entries change (when the checkpoint is rewritten)") {
    LeaderEpochCache cache;
    const auto c0 = cache.changes();
    cache.assign(1, 0);
    CHECK(cache.changes() == c0 + 1);
    cache.assign(1, 5);  // the same epoch, a later offset: no update (isUpdateNeeded)
    cache.truncate_from_end(100);
    cache.truncate_from_start(0);
    CHECK(cache.changes() == c0 + 1);
    cache.truncate_from_start(3);  // the first entry moves up
    CHECK(cache.changes() == c0 + 2);
    cache.truncate_from_end(3);
    CHECK(cache.changes() == c0 + 3);
    CHECK(cache.entries().empty());
}

TEST_CASE("log: a follower append at the wrong offset is a bug") {
    Log log;
    RecordBatch b = batch(3);
    b.base_offset = 5;
    b.epoch = 0;
    CHECK_THROWS_AS(log.append_as_follower(b), AssertionFailure);
}

namespace {
RecordBatch timed(std::int32_t records, Bytes bytes, Instant created) {
    RecordBatch b = batch(records, bytes);
    b.created = created;
    return b;
}
}  // namespace

TEST_CASE(
    "log: a segment rolls when segment.bytes would be exceeded or segment.ms has passed (LogSegment.shouldRoll)") {
    Log log;
    RetentionPolicy p;
    p.segment_bytes = 2500;
    p.segment_ms = s(60);
    log.set_policy(p);
    log.assign_epoch_start(0);
    for (int i = 0; i < 5; ++i) log.append_as_leader(timed(10, 1000, at(s(i))), 0);
    REQUIRE(log.segments().size() == 3);  // 2 + 2 + 1 batches
    CHECK(log.segments()[1].base == 20);
    log.append_as_leader(timed(10, 100, at(s(200))), 0);  // segment.ms passed
    CHECK(log.segments().size() == 4);
}

TEST_CASE("log: retention.ms deletes whole old segments below the HW, the active one too (deletableSegments)") {
    Log log;
    RetentionPolicy p;
    p.segment_bytes = 2000;
    p.retention = s(100);
    log.set_policy(p);
    log.assign_epoch_start(0);
    for (int i = 0; i < 6; ++i) log.append_as_leader(timed(10, 1000, at(s(10 * i))), 0);  // 3 segments
    CHECK(log.retention_target(at(s(50)), 60) == 0);    // nothing older than 100 s yet
    CHECK(log.retention_target(at(s(125)), 60) == 20);  // segment [0,20) ended at t=10
    // UnifiedLog.deletableSegments: the active segment's upper bound is the log
    // end; once the HW reaches it, it is deleted too (deleteSegments rolls an
    // empty segment first), and the log starts at the log end.
    CHECK(log.retention_target(at(s(1000)), 60) == 60);
    CHECK(log.retention_target(at(s(1000)), 59) == 40);  // the active segment is not wholly below the HW
    CHECK(log.retention_target(at(s(1000)), 25) == 20);  // segment [20,40) is not wholly below the HW
    log.advance_log_start(40);
    CHECK(log.log_start_offset() == 40);
    CHECK(log.segments().size() == 1);
    log.advance_log_start(60);
    CHECK(log.log_start_offset() == 60);
    CHECK(log.log_end_offset() == 60);
    CHECK(log.size_bytes() == 0);
    CHECK(log.retention_target(at(s(2000)), 60) == 60);  // an empty log has nothing to delete
    log.append_as_leader(timed(10, 1000, at(s(2000))), 0);
    CHECK(log.segments().size() == 1);
    CHECK(log.segments()[0].base == 60);
    log.check_invariants();
}

TEST_CASE("log: retention.bytes deletes the oldest segments while the log stays at or above the limit") {
    Log log;
    RetentionPolicy p;
    p.segment_bytes = 2000;
    p.retention = Duration::max();
    p.retention_bytes = 3000;
    log.set_policy(p);
    log.assign_epoch_start(0);
    for (int i = 0; i < 6; ++i) log.append_as_leader(timed(10, 1000, at(s(i))), 0);  // 6000 bytes, 3 segments
    CHECK(log.retention_target(at(s(10)), 60) == 20);  // 6000 - 2000 >= 3000: drop one; 4000 - 2000 < 3000: stop
}

// LocalLog.recoveryPoint / unflushedMessages / markFlushed / truncateTo.
TEST_CASE("log: the recovery point follows completed flushes and is cut back with the log") {
    Log log;
    log.append_as_leader(batch(5), 0);
    log.append_as_leader(batch(5), 0);
    CHECK(log.recovery_point() == 0);
    CHECK(log.unflushed_messages() == 10);
    log.mark_flushed(5, Instant::zero() + s(1));
    CHECK(log.recovery_point() == 5);
    CHECK(log.unflushed_messages() == 5);
    CHECK(log.last_flush_time() == Instant::zero() + s(1));
    log.mark_flushed(3, Instant::zero() + s(2));  // behind the recovery point: nothing
    CHECK(log.recovery_point() == 5);
    CHECK(log.last_flush_time() == Instant::zero() + s(1));
    log.mark_flushed(99, Instant::zero() + s(3));  // never past the log end
    CHECK(log.recovery_point() == 10);
    log.truncate_to(5);
    CHECK(log.recovery_point() == 5);
    log.mark_recovered(Instant::zero() + s(4));
    CHECK(log.unflushed_messages() == 0);
    log.truncate_fully_and_start_at(40);
    CHECK(log.recovery_point() == 40);
}

TEST_CASE("log: an append that starts a new segment counts as a roll; the first segment and rebuilds do not") {
    Log log;
    RetentionPolicy small;
    small.segment_bytes = 250;
    log.set_policy(small);
    log.append_as_leader(batch(1, 100), 0);  // the first segment
    log.append_as_leader(batch(1, 100), 0);
    CHECK(log.rolls() == 0);
    log.append_as_leader(batch(1, 100), 0);  // 300 > 250: a new segment
    CHECK(log.rolls() == 1);
    REQUIRE(log.segments().size() == 2);
    CHECK(log.segments().back().base == 2);
    log.truncate_to(1);  // segments rebuilt, no roll
    CHECK(log.rolls() == 1);
}
