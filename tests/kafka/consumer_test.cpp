// Consumer: the client state machine driven by hand — discovery, join, sync,
// offsets, fetch, poll with max.poll.records and processing time, commits.
#include <doctest/doctest.h>

#include "kafka/compression.hpp"
#include "kafka/consumer.hpp"

using namespace ks;
using namespace ks::kafka;

namespace {

struct Fixture {
    Consumer c;
    Outbox out;
    Instant now = Instant::zero();

    static ConsumerOptions options(std::int32_t max_poll_records, bool auto_commit) {
        ConsumerOptions o;
        o.group_id = "g";
        o.client_id = "g-0";
        o.bootstrap = {BrokerId(1), BrokerId(2)};
        o.topics = {0};
        o.topic_partitions = {1};
        o.processing_ms_per_record = DistSpec::constant(2);
        o.max_poll_records = max_poll_records;
        o.auto_commit = auto_commit;
        o.assignors = {"range"};
        return o;
    }
    explicit Fixture(std::int32_t max_poll_records = 500, bool auto_commit = true)
        : c(options(max_poll_records, auto_commit), Rng(1)) {}
    explicit Fixture(ConsumerOptions o) : c(std::move(o), Rng(1)) {}
    static ConsumerOptions static_member(const std::string& instance) {
        ConsumerOptions o = options(500, true);
        o.group_instance_id = instance;
        return o;
    }

    template <typename M>
    M last_sent() const {
        const auto v = out.sent<M>();
        REQUIRE(!v.empty());
        return v.back().second;
    }
    void recv(int broker, Message m) { c.on_message(now, broker_node(BrokerId(broker)), m, out); }

    // Drives the consumer to an assignment of orders-0 at position `position`;
    // the join completes `sync_after` after the start.
    void join_and_assign(Offset position, Duration sync_after = Duration::zero()) {
        c.start(now, out);
        const auto md = last_sent<MetadataRequest>();
        PartitionState st;
        st.tp = TopicPartition{0, 0};
        st.leader = BrokerId(2);
        st.leader_epoch = 1;
        recv(1, MetadataResponse{{st}, {BrokerId(1), BrokerId(2)}, md.correlation});
        const auto fc = last_sent<FindCoordinatorRequest>();
        CHECK(fc.group_id == "g");
        recv(1, FindCoordinatorResponse{Error::none, BrokerId(3), fc.correlation});
        const auto jg = last_sent<JoinGroupRequest>();
        CHECK(jg.member_id.empty());
        CHECK(jg.protocols == std::vector<std::string>{"range"});
        JoinGroupResponse jr;
        jr.generation = 1;
        jr.member_id = "g-0-1";
        jr.leader = "g-0-1";
        jr.protocol = "range";
        jr.correlation = jg.correlation;
        recv(3, jr);
        const auto sg = last_sent<SyncGroupRequest>();
        CHECK(sg.generation == 1);
        now = now + sync_after;
        recv(3, SyncGroupResponse{Error::none, {TopicPartition{0, 0}}, sg.correlation});
        CHECK(c.stable());
        const auto ofr = last_sent<OffsetFetchRequest>();
        recv(3, OffsetFetchResponse{Error::none, {{TopicPartition{0, 0}, position}}, ofr.correlation});
    }
};

RecordBatch batch(Offset base, std::int32_t count) {
    RecordBatch b;
    b.base_offset = base;
    b.record_count = count;
    b.size_bytes = 100 * count;
    return b;
}

}  // namespace

TEST_CASE("consumer: finds the coordinator, joins, syncs, and resets to latest without a committed offset") {
    Fixture f;
    f.join_and_assign(kUndefinedOffset);
    const auto lo = f.last_sent<ListOffsetsRequest>();
    REQUIRE(lo.partitions.size() == 1);
    CHECK(lo.partitions[0].second == kLatestTimestamp);
    f.recv(2, ListOffsetsResponse{{ListOffsetsPartition{TopicPartition{0, 0}, Error::none, 70}}, lo.correlation});
    CHECK(f.c.position(TopicPartition{0, 0}) == 70);
    // The application is waiting in poll: a consumer fetch goes to the leader.
    const auto fr = f.last_sent<FetchRequest>();
    CHECK(fr.replica.value() == -1);
    CHECK(fr.partitions.at(0).fetch_offset == 70);
    CHECK(fr.max_wait == ms(500));
}

TEST_CASE("consumer: poll returns at most max.poll.records, processing takes their summed time") {
    Fixture f(30);
    f.join_and_assign(100);
    const auto fr = f.last_sent<FetchRequest>();
    CHECK(fr.partitions.at(0).fetch_offset == 100);
    f.out.clear();
    FetchPartitionData d;
    d.tp = TopicPartition{0, 0};
    d.high_watermark = 150;
    d.batches = {batch(90, 20), batch(110, 40)};  // the first batch straddles the position
    f.recv(2, FetchResponse{{d}, fr.correlation});
    const auto consumed = f.out.all<RecordsConsumedEffect>();
    REQUIRE(consumed.size() == 1);
    CHECK(consumed[0].first_offset == 100);
    CHECK(consumed[0].count == 30);
    CHECK(f.c.position(TopicPartition{0, 0}) == 130);
    // 30 records × 2 ms.
    bool done_timer = false;
    for (const auto& t : f.out.all<SetTimerEffect>()) {
        if (t.key == Consumer::timer_key(Consumer::kPollDone)) {
            CHECK(t.when == f.now + ms(60));
            done_timer = true;
        }
    }
    CHECK(done_timer);
    // The next poll takes the rest of the buffer.
    f.out.clear();
    f.now = f.now + ms(60);
    f.c.on_timer(f.now, Consumer::timer_key(Consumer::kPollDone), f.out);
    const auto more = f.out.all<RecordsConsumedEffect>();
    REQUIRE(more.size() == 1);
    CHECK(more[0].first_offset == 130);
    CHECK(more[0].count == 20);
}

TEST_CASE(
    "consumer: poll() decompresses the records it returns before the application processes them "
    "(CompletedFetch reads compressed batches through their codec)") {
    Fixture f(30);
    f.join_and_assign(100);
    const auto fr = f.last_sent<FetchRequest>();
    f.out.clear();
    auto zstd = [](Offset base, std::int32_t count) {
        RecordBatch b = batch(base, count);
        b.codec = Codec::zstd;
        b.records_bytes = 1000 * count;  // uncompressed
        b.size_bytes = kRecordBatchHeaderBytes + compressed_records_bytes(Codec::zstd, b.records_bytes, 1.0);
        return b;
    };
    FetchPartitionData d;
    d.tp = TopicPartition{0, 0};
    d.high_watermark = 150;
    d.batches = {zstd(90, 20), zstd(110, 40)};
    f.recv(2, FetchResponse{{d}, fr.correlation});
    // 10 records of the first batch (its half) and 20 of the second (its half),
    // then 30 records x 2 ms of processing.
    const Duration decompress = decompress_time(Codec::zstd, 10000) + decompress_time(Codec::zstd, 20000);
    CHECK(decompress > Duration::zero());
    bool done_timer = false;
    for (const auto& t : f.out.all<SetTimerEffect>()) {
        if (t.key == Consumer::timer_key(Consumer::kPollDone)) {
            CHECK(t.when == f.now + decompress + ms(60));
            done_timer = true;
        }
    }
    CHECK(done_timer);
    CHECK(f.c.stats().decompress_time == decompress);
}

TEST_CASE("consumer: auto-commit commits positions inside a poll once the interval has passed") {
    Fixture f;
    f.join_and_assign(5);
    f.out.clear();
    f.now = f.now + ms(5000);
    f.c.on_timer(f.now, Consumer::timer_key(Consumer::kPollWait), f.out);
    const auto commits = f.out.sent<OffsetCommitRequest>();
    REQUIRE(commits.size() == 1);
    CHECK(commits[0].first == broker_node(BrokerId(3)));
    CHECK(commits[0].second.generation == 1);
    CHECK(commits[0].second.offsets.at(0).second == 5);
}

// ConsumerCoordinator.onJoinComplete: "Reschedule the auto commit starting
// from now" (nextAutoCommitTimer.updateAndReset(autoCommitIntervalMs)).
TEST_CASE("consumer: a completed join restarts the auto-commit interval") {
    Fixture f;
    f.join_and_assign(5, ms(4000));  // the join completes at 4 s
    f.out.clear();
    f.now = Instant::zero() + ms(5000);  // the interval counted from the start would end here
    f.c.on_timer(f.now, Consumer::timer_key(Consumer::kPollWait), f.out);
    CHECK(f.out.sent<OffsetCommitRequest>().empty());
    f.now = Instant::zero() + ms(9000);  // 5 s after the join
    f.c.on_timer(f.now, Consumer::timer_key(Consumer::kPollWait), f.out);
    CHECK(f.out.sent<OffsetCommitRequest>().size() == 1);
}

TEST_CASE("consumer: with enable.auto.commit=false the position is committed after processing") {
    Fixture f(500, false);
    f.join_and_assign(0);
    const auto fr = f.last_sent<FetchRequest>();
    FetchPartitionData d;
    d.tp = TopicPartition{0, 0};
    d.high_watermark = 10;
    d.batches = {batch(0, 10)};
    f.recv(2, FetchResponse{{d}, fr.correlation});
    CHECK(f.out.sent<OffsetCommitRequest>().empty());
    f.now = f.now + ms(20);
    f.c.on_timer(f.now, Consumer::timer_key(Consumer::kPollDone), f.out);
    const auto commits = f.out.sent<OffsetCommitRequest>();
    REQUIRE(commits.size() == 1);
    CHECK(commits[0].second.offsets.at(0).second == 10);
}

// StickyAssignor (eager): onAssignment remembers the assignment and its
// generation, subscriptionUserData sends them with every later JoinGroup —
// the member has revoked its partitions, but the leader's sticky assignor
// still sees what it held (StickyAssignor.memberData reads the userData).
TEST_CASE("consumer: an eager sticky member's JoinGroup carries its last assignment as the sticky userData") {
    ConsumerOptions o = Fixture::options(500, true);
    o.assignors = {"sticky"};
    Fixture f(o);
    f.c.start(f.now, f.out);
    const auto md = f.last_sent<MetadataRequest>();
    PartitionState st;
    st.tp = TopicPartition{0, 0};
    st.leader = BrokerId(2);
    st.leader_epoch = 1;
    f.recv(1, MetadataResponse{{st}, {BrokerId(1), BrokerId(2)}, md.correlation});
    const auto fc = f.last_sent<FindCoordinatorRequest>();
    f.recv(1, FindCoordinatorResponse{Error::none, BrokerId(3), fc.correlation});
    const auto first = f.last_sent<JoinGroupRequest>();
    CHECK(first.owned.empty());  // no assignment yet: null userData
    JoinGroupResponse jr;
    jr.generation = 4;
    jr.member_id = "g-0-1";
    jr.leader = "g-0-1";
    jr.protocol = "sticky";
    jr.correlation = first.correlation;
    f.recv(3, jr);
    const auto sg = f.last_sent<SyncGroupRequest>();
    f.recv(3, SyncGroupResponse{Error::none, {TopicPartition{0, 0}}, sg.correlation});
    REQUIRE(f.c.stable());
    f.out.clear();
    f.now = f.now + ms(3000);
    f.c.on_timer(f.now, Consumer::timer_key(Consumer::kHeartbeat), f.out);
    const auto hb = f.last_sent<HeartbeatRequest>();
    f.recv(3, HeartbeatResponse{Error::rebalance_in_progress, hb.correlation});
    const auto again = f.last_sent<JoinGroupRequest>();
    CHECK(f.c.assignment().empty());  // eager: revoked before the join
    CHECK(again.owned == std::vector<TopicPartition>{TopicPartition{0, 0}});
    CHECK(again.owned_generation == 4);
}

TEST_CASE("consumer: REBALANCE_IN_PROGRESS on a heartbeat makes an eager member revoke everything and rejoin") {
    Fixture f;
    f.join_and_assign(0);
    f.out.clear();
    f.now = f.now + ms(3000);
    f.c.on_timer(f.now, Consumer::timer_key(Consumer::kHeartbeat), f.out);
    const auto hb = f.last_sent<HeartbeatRequest>();
    CHECK(hb.member_id == "g-0-1");
    f.recv(3, HeartbeatResponse{Error::rebalance_in_progress, hb.correlation});
    const auto jg = f.last_sent<JoinGroupRequest>();
    CHECK(jg.member_id == "g-0-1");
    CHECK(jg.owned.empty());  // eager: revoked before the join
    CHECK(f.c.assignment().empty());
    // The position was committed first (auto-commit before a rebalance).
    CHECK(!f.out.sent<OffsetCommitRequest>().empty());
}

TEST_CASE("consumer: no poll within max.poll.interval.ms → LeaveGroup") {
    Fixture f;
    f.join_and_assign(0);
    f.c.set_stopped(true, f.now, f.out);
    f.out.clear();
    for (int i = 0; i < 101; ++i) {
        f.now = f.now + ms(3000);
        f.out.clear();
        f.c.on_timer(f.now, Consumer::timer_key(Consumer::kHeartbeat), f.out);
        if (!f.out.sent<LeaveGroupRequest>().empty()) break;
        const auto hb = f.out.sent<HeartbeatRequest>();
        REQUIRE(hb.size() == 1);  // the heartbeat thread lives on
        f.recv(3, HeartbeatResponse{Error::none, hb[0].second.correlation});
    }
    CHECK(f.now - Instant::zero() >= ms(300000));
    CHECK(f.out.sent<LeaveGroupRequest>().size() == 1);
    CHECK(f.c.stats().poll_timeouts == 1);
    CHECK(f.c.assignment().empty());
}

// AbstractCoordinator.HeartbeatThread: an idle pass of its loop waits
// retry.backoff.ms, so the poll timeout (Heartbeat.pollTimeoutExpired) is
// noticed when it runs out, not at the next 3 s heartbeat.
TEST_CASE("consumer: a poll timeout is noticed when max.poll.interval.ms runs out, between heartbeats") {
    ConsumerOptions o = Fixture::options(500, true);
    o.max_poll_interval = ms(10000);
    Fixture f(o);
    f.join_and_assign(0);                 // the application polls at 0 s
    f.c.set_stopped(true, f.now, f.out);  // and never again
    // Heartbeats at 3, 6 and 9 s: 9 s without a poll is not yet too long.
    for (int i = 1; i <= 3; ++i) {
        f.now = Instant::zero() + ms(3000 * i);
        f.out.clear();
        f.c.on_timer(f.now, Consumer::timer_key(Consumer::kHeartbeat), f.out);
        for (const auto& [to, hb] : f.out.sent<HeartbeatRequest>())
            f.recv(3, HeartbeatResponse{Error::none, hb.correlation});
    }
    CHECK(f.c.stats().poll_timeouts == 0);
    bool armed = false;
    for (const auto& t : f.out.all<SetTimerEffect>()) {
        if (t.key != Consumer::timer_key(Consumer::kPollTimeout)) continue;
        armed = true;
        CHECK(t.when == Instant::zero() + ms(10000));
    }
    CHECK(armed);
    // At 10 s, two seconds before the next heartbeat, the member leaves.
    f.now = Instant::zero() + ms(10000);
    f.out.clear();
    f.c.on_timer(f.now, Consumer::timer_key(Consumer::kPollTimeout), f.out);
    CHECK(f.c.stats().poll_timeouts == 1);
    CHECK(f.out.sent<LeaveGroupRequest>().size() == 1);
}

TEST_CASE(
    "consumer: MEMBER_ID_REQUIRED → joins again at once with the member id it names (KIP-394, "
    "AbstractCoordinator.JoinGroupResponseHandler)") {
    Fixture f;
    f.c.start(f.now, f.out);
    const auto fc = f.last_sent<FindCoordinatorRequest>();
    f.recv(1, FindCoordinatorResponse{Error::none, BrokerId(3), fc.correlation});
    const auto first = f.last_sent<JoinGroupRequest>();
    CHECK(first.member_id.empty());
    CHECK(first.group_instance_id.empty());
    CHECK(first.require_known_member_id);
    f.out.clear();
    JoinGroupResponse jr;
    jr.error = Error::member_id_required;
    jr.member_id = "g-0-7";
    jr.correlation = first.correlation;
    f.recv(3, jr);
    // No backoff: the second JoinGroup leaves with the answer.
    const auto again = f.out.sent<JoinGroupRequest>();
    REQUIRE(again.size() == 1);
    CHECK(again[0].first == broker_node(BrokerId(3)));
    CHECK(again[0].second.member_id == "g-0-7");
    CHECK(again[0].second.owned_generation == -1);
    CHECK(f.c.stats().joins == 2);
    JoinGroupResponse ok;
    ok.generation = 1;
    ok.member_id = "g-0-7";
    ok.leader = "g-0-7";
    ok.protocol = "range";
    ok.correlation = again[0].second.correlation;
    f.recv(3, ok);
    CHECK(f.last_sent<SyncGroupRequest>().member_id == "g-0-7");
    CHECK(f.c.member_id() == "g-0-7");
}

TEST_CASE(
    "consumer: a static member (group.instance.id) names its instance in every group request and sends no "
    "LeaveGroup on close (KIP-345, AbstractCoordinator.maybeLeaveGroup)") {
    Fixture f(Fixture::static_member("billing-host-0"));
    f.join_and_assign(0);
    const auto jg = f.out.sent<JoinGroupRequest>();
    REQUIRE(jg.size() == 1);  // one round: the coordinator names a static member at once
    CHECK(jg[0].second.group_instance_id == "billing-host-0");
    CHECK(f.last_sent<SyncGroupRequest>().group_instance_id == "billing-host-0");
    f.out.clear();
    f.now = f.now + ms(5000);
    f.c.on_timer(f.now, Consumer::timer_key(Consumer::kHeartbeat), f.out);
    CHECK(f.last_sent<HeartbeatRequest>().group_instance_id == "billing-host-0");
    f.c.on_timer(f.now, Consumer::timer_key(Consumer::kPollWait), f.out);
    CHECK(f.last_sent<OffsetCommitRequest>().group_instance_id == "billing-host-0");
    // close(): the auto-commit, but no LeaveGroup — only the session timeout removes it.
    f.out.clear();
    f.c.close(f.now, f.out);
    CHECK(f.out.sent<LeaveGroupRequest>().empty());
    CHECK(f.out.sent<OffsetCommitRequest>().size() == 1);
    CHECK(!f.c.alive());
    // A dynamic member does leave.
    Fixture d;
    d.join_and_assign(0);
    d.out.clear();
    d.c.close(d.now, d.out);
    REQUIRE(d.out.sent<LeaveGroupRequest>().size() == 1);
    CHECK(d.out.sent<LeaveGroupRequest>()[0].second.member_id == "g-0-1");
}

TEST_CASE("consumer: a static member whose poll times out sends no LeaveGroup and rejoins with its instance id") {
    Fixture f(Fixture::static_member("i-0"));
    f.join_and_assign(0);
    f.c.set_stopped(true, f.now, f.out);
    for (int i = 0; i < 101 && f.c.stats().poll_timeouts == 0; ++i) {
        f.now = f.now + ms(3000);
        f.out.clear();
        f.c.on_timer(f.now, Consumer::timer_key(Consumer::kHeartbeat), f.out);
        for (const auto& [to, hb] : f.out.sent<HeartbeatRequest>())
            f.recv(3, HeartbeatResponse{Error::none, hb.correlation});
    }
    CHECK(f.c.stats().poll_timeouts == 1);
    CHECK(f.out.sent<LeaveGroupRequest>().empty());
    CHECK(f.c.member_id().empty());  // resetGenerationOnLeaveGroup
    CHECK(f.c.assignment().empty());
    f.out.clear();
    f.c.set_stopped(false, f.now, f.out);
    const auto jg = f.last_sent<JoinGroupRequest>();
    CHECK(jg.member_id.empty());
    CHECK(jg.group_instance_id == "i-0");
}

TEST_CASE("consumer: FENCED_INSTANCE_ID is fatal: the fenced consumer stops (FencedInstanceIdException)") {
    Fixture f(Fixture::static_member("i-0"));
    f.join_and_assign(0);
    f.out.clear();
    f.now = f.now + ms(3000);
    f.c.on_timer(f.now, Consumer::timer_key(Consumer::kHeartbeat), f.out);
    const auto hb = f.last_sent<HeartbeatRequest>();
    f.recv(3, HeartbeatResponse{Error::fenced_instance_id, hb.correlation});
    CHECK(f.c.stats().fenced);
    CHECK(!f.c.alive());
    f.out.clear();
    f.now = f.now + ms(3000);
    f.c.on_timer(f.now, Consumer::timer_key(Consumer::kHeartbeat), f.out);
    f.c.on_timer(f.now, Consumer::timer_key(Consumer::kPollWait), f.out);
    CHECK(f.out.empty());
}
