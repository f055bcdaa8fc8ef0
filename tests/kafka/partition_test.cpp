// Partition (replica) rules, driven call by call with no loop. Sources:
// core/src/main/scala/kafka/cluster/{Partition,Replica}.scala, KIP-101, KIP-279,
// KIP-320, KIP-497, KAFKA-15583.
#include <doctest/doctest.h>

#include <memory>

#include "kafka/partition.hpp"

using namespace ks;
using namespace ks::kafka;

namespace {

const TopicPartition kTp{0, 0};
BrokerId B(int i) {
    return BrokerId(i);
}

PartitionState state(int leader, LeaderEpoch epoch, std::vector<int> isr, std::vector<int> replicas = {1, 2, 3},
                     std::int32_t partition_epoch = 0) {
    PartitionState st;
    st.tp = kTp;
    for (int r : replicas) st.replicas.push_back(B(r));
    for (int r : isr) st.isr.push_back(B(r));
    st.leader = B(leader);
    st.leader_epoch = epoch;
    st.partition_epoch = partition_epoch;
    return st;
}

RecordBatch batch(std::int32_t records, std::int64_t pid = kNoProducerId, std::int32_t seq = kNoSequence) {
    RecordBatch b;
    b.record_count = records;
    b.size_bytes = 100 * records;
    b.producer_id = pid;
    b.base_sequence = seq;
    return b;
}

struct Replica {
    Log log;
    std::unique_ptr<Partition> p;
    Replica(int id, PartitionConfig cfg = {}) { p = std::make_unique<Partition>(kTp, B(id), log, cfg); }
};

FetchPartition fetch_at(Offset o, LeaderEpoch current = kNoEpoch) {
    FetchPartition f;
    f.tp = kTp;
    f.fetch_offset = o;
    f.current_leader_epoch = current;
    return f;
}

FetchPartitionData fetch(Partition& leader, int follower, Offset o, Instant now, bool* advanced = nullptr) {
    bool adv = false;
    auto r = leader.handle_follower_fetch(B(follower), fetch_at(o), now, 1 << 20, adv);
    if (advanced) *advanced = adv;
    return r;
}

}  // namespace

TEST_CASE("partition: HW advances to the minimum LEO of the ISR as followers fetch (maybeIncrementLeaderHW)") {
    Replica l(1);
    l.p->make_leader(state(1, 0, {1, 2, 3}), at(s(0)));
    l.p->append_as_leader(batch(10));
    CHECK(l.p->high_watermark() == 0);
    bool adv = false;
    fetch(*l.p, 2, 10, at(ms(1)), &adv);
    CHECK_FALSE(adv);  // follower 3 has not fetched: its LEO is unknown
    CHECK(l.p->high_watermark() == 0);
    fetch(*l.p, 3, 4, at(ms(2)), &adv);
    CHECK(adv);
    CHECK(l.p->high_watermark() == 4);
    auto r = fetch(*l.p, 3, 10, at(ms(3)), &adv);
    CHECK(l.p->high_watermark() == 10);
    CHECK(r.high_watermark == 10);
    l.p->check_invariants();
}

TEST_CASE("partition: the follower learns the HW one round trip late, clamped to its LEO") {
    Replica l(1), f(2);
    l.p->make_leader(state(1, 0, {1, 2}, {1, 2}), at(s(0)));
    f.p->make_follower(state(1, 0, {1, 2}, {1, 2}));
    l.p->append_as_leader(batch(5));
    auto r1 = fetch(*l.p, 2, 0, at(ms(1)));
    for (const auto& b : r1.batches) CHECK(f.p->append_as_follower(b));
    f.p->update_follower_high_watermark(r1.high_watermark);
    CHECK(f.p->high_watermark() == 0);  // leader HW was 0 when it answered
    auto r2 = fetch(*l.p, 2, 5, at(ms(2)));
    CHECK(r2.high_watermark == 5);
    f.p->update_follower_high_watermark(r2.high_watermark);
    CHECK(f.p->high_watermark() == 5);
    f.p->update_follower_high_watermark(100);
    CHECK(f.p->high_watermark() == 5);  // never above its own LEO
}

TEST_CASE(
    "partition: lastCaughtUpTime is the fetch time when the fetch reaches the leader's LEO "
    "(Replica.updateFetchState)") {
    Replica l(1);
    l.p->make_leader(state(1, 0, {1, 2}, {1, 2}), at(s(0)));
    l.p->append_as_leader(batch(10));
    fetch(*l.p, 2, 10, at(s(3)));
    CHECK(l.p->follower(B(2))->last_caught_up_time == at(s(3)));
}

TEST_CASE(
    "partition: a fetch behind the leader's LEO credits the previous fetch time if it reached the LEO seen then") {
    Replica l(1);
    l.p->make_leader(state(1, 0, {1, 2}, {1, 2}), at(s(0)));
    l.p->append_as_leader(batch(10));
    fetch(*l.p, 2, 0, at(s(1)));       // leader LEO 10 at this fetch
    l.p->append_as_leader(batch(10));  // LEO 20
    fetch(*l.p, 2, 10, at(s(2)));      // reached 10 = leader LEO at previous fetch
    CHECK(l.p->follower(B(2))->last_caught_up_time == at(s(1)));
    fetch(*l.p, 2, 15, at(s(3)));  // 15 < 20 (LEO at previous fetch): no credit
    CHECK(l.p->follower(B(2))->last_caught_up_time == at(s(1)));
    fetch(*l.p, 2, 20, at(s(4)));
    CHECK(l.p->follower(B(2))->last_caught_up_time == at(s(4)));
}

TEST_CASE(
    "partition: a silent follower leaves the ISR at the first check more than replica.lag.time.max.ms after it was "
    "last caught up") {
    Replica l(1);
    l.p->make_leader(state(1, 0, {1, 2, 3}), at(s(0)));
    l.p->append_as_leader(batch(10));
    fetch(*l.p, 2, 10, at(s(1)));
    fetch(*l.p, 3, 10, at(s(1)));
    // Follower 3 keeps fetching; follower 2 goes silent after t=1 s.
    for (int t = 2; t <= 60; ++t) {
        l.p->append_as_leader(batch(1));
        fetch(*l.p, 3, l.p->log_end_offset(), at(s(t)));
    }
    // The leader checks every replica.lag.time.max.ms / 2 = 15 s.
    CHECK_FALSE(l.p->maybe_shrink_isr(at(s(15))));
    CHECK_FALSE(l.p->maybe_shrink_isr(at(s(30))));
    CHECK_FALSE(l.p->maybe_shrink_isr(at(s(31))));  // 30 s exactly is still caught up
    auto shrunk = l.p->maybe_shrink_isr(at(s(45)));
    REQUIRE(shrunk);
    CHECK(*shrunk == std::vector<BrokerId>{B(1), B(3)});
    // Pending shrink: the maximal ISR still holds 2, so the HW still waits for it.
    CHECK(l.p->alter_partition_in_flight());
    CHECK(l.p->maximal_isr().size() == 3);
    CHECK(l.p->high_watermark() == 10);
    AlterPartitionResponse ok{kTp, Error::none, B(1), 0, 1, {B(1), B(3)}};
    l.p->on_alter_partition_response(ok, at(s(45)));
    CHECK(l.p->isr() == std::vector<BrokerId>{B(1), B(3)});
    l.p->maybe_increment_hw(at(s(45)));
    CHECK(l.p->high_watermark() == l.p->log_end_offset());
}

TEST_CASE("partition: a follower equal to the leader's LEO is caught up however long ago it fetched") {
    Replica l(1);
    l.p->make_leader(state(1, 0, {1, 2}, {1, 2}), at(s(0)));
    l.p->append_as_leader(batch(10));
    fetch(*l.p, 2, 10, at(s(1)));
    CHECK_FALSE(l.p->maybe_shrink_isr(at(s(600))));  // no new data: still in sync
}

TEST_CASE("partition: expand needs LEO >= HW and >= the leader epoch's start offset, and no change in flight") {
    Replica l(1);
    l.log.assign_epoch_start(0);
    l.log.append_as_leader(batch(10), 0);  // 10 records from an earlier epoch
    l.p->make_leader(state(1, 1, {1, 3}), at(s(0)));
    CHECK(l.p->leader_epoch_start_offset() == 10);
    l.p->append_as_leader(batch(5));  // LEO 15
    fetch(*l.p, 3, 15, at(s(1)));
    CHECK(l.p->high_watermark() == 15);
    fetch(*l.p, 2, 8, at(s(1)));
    auto yes = [](BrokerId) { return true; };
    CHECK_FALSE(l.p->maybe_expand_isr(B(2), at(s(1)), yes));  // 8 < HW 15
    fetch(*l.p, 2, 15, at(s(2)));
    CHECK_FALSE(l.p->maybe_expand_isr(B(2), at(s(2)), [](BrokerId) { return false; }));  // fenced
    auto e = l.p->maybe_expand_isr(B(2), at(s(2)), yes);
    REQUIRE(e);
    CHECK(*e == std::vector<BrokerId>{B(1), B(3), B(2)});
    CHECK(l.p->maximal_isr().size() == 3);  // pending expand includes the joiner
    CHECK(l.p->isr().size() == 2);
    CHECK_FALSE(l.p->maybe_shrink_isr(at(s(100))));  // one change at a time
}

// Partition.handleAlterPartitionError: OPERATION_NOT_ATTEMPTED and
// INELIGIBLE_REPLICA reset to the last committed state; UNKNOWN_TOPIC_OR_PARTITION,
// FENCED_LEADER_EPOCH, INVALID_UPDATE_VERSION, INVALID_REQUEST and
// NEW_LEADER_ELECTED leave the state pending until new metadata; anything else
// is retried.
TEST_CASE(
    "partition: an AlterPartition error reverts, stays pending or retries as Partition.handleAlterPartitionError") {
    struct Case {
        Error error;
        Partition::AlterOutcome outcome;
    };
    using O = Partition::AlterOutcome;
    const std::vector<Case> cases = {
        {Error::operation_not_attempted, O::reverted},
        {Error::ineligible_replica, O::reverted},
        {Error::unknown_topic_or_partition, O::pending},
        {Error::fenced_leader_epoch, O::pending},
        {Error::invalid_update_version, O::pending},
        {Error::invalid_request, O::pending},
        {Error::new_leader_elected, O::pending},
        {Error::stale_broker_epoch, O::retry},
        {Error::not_controller, O::retry},
    };
    for (const Case& c : cases) {
        CAPTURE(error_name(c.error));
        Replica l(1);
        l.p->make_leader(state(1, 0, {1, 2}, {1, 2, 3}), at(s(0)));
        fetch(*l.p, 3, 0, at(s(1)));
        REQUIRE(l.p->maybe_expand_isr(B(3), at(s(1)), [](BrokerId) { return true; }));
        CHECK(l.p->on_alter_partition_response(AlterPartitionResponse{kTp, c.error, B(1), 0, 0, {}}, at(s(1))) ==
              c.outcome);
        CHECK(l.p->alter_partition_in_flight() == (c.outcome != O::reverted));
        CHECK(l.p->isr().size() == 2);
        // While pending the maximal ISR (with the joiner) is what the HW counts,
        // and no other change can be proposed.
        if (c.outcome != O::reverted) {
            CHECK(l.p->maximal_isr().size() == 3);
            CHECK_FALSE(l.p->maybe_shrink_isr(at(s(100))));
        }
        // New metadata ends the pending state (makeLeader).
        l.p->make_leader(state(1, 0, {1, 2}, {1, 2, 3}, 1), at(s(2)));
        CHECK_FALSE(l.p->alter_partition_in_flight());
    }
}

// handleAlterPartitionUpdate: a success naming another leader epoch, or an
// older partition epoch, is ignored and the state stays pending.
TEST_CASE("partition: a stale AlterPartition success leaves the proposal pending (handleAlterPartitionUpdate)") {
    Replica l(1);
    l.p->make_leader(state(1, 3, {1, 2}, {1, 2, 3}, 5), at(s(0)));
    fetch(*l.p, 3, 0, at(s(1)));
    REQUIRE(l.p->maybe_expand_isr(B(3), at(s(1)), [](BrokerId) { return true; }));
    const AlterPartitionResponse other_epoch{kTp, Error::none, B(1), 2, 6, {B(1), B(2), B(3)}};
    CHECK(l.p->on_alter_partition_response(other_epoch, at(s(1))) == Partition::AlterOutcome::pending);
    CHECK(l.p->isr().size() == 2);
    const AlterPartitionResponse ok{kTp, Error::none, B(1), 3, 6, {B(1), B(2), B(3)}};
    CHECK(l.p->on_alter_partition_response(ok, at(s(1))) == Partition::AlterOutcome::committed);
    CHECK(l.p->isr().size() == 3);
    CHECK(l.p->partition_epoch() == 6);
}

TEST_CASE("partition: acks=all is refused before the append when the ISR is below min.insync.replicas") {
    PartitionConfig cfg;
    cfg.min_insync_replicas = 2;
    Replica l(1, cfg);
    l.p->make_leader(state(1, 0, {1}), at(s(0)));
    CHECK(l.p->check_produce(Acks::all) == Error::not_enough_replicas);
    CHECK(l.p->check_produce(Acks::leader) == Error::none);
    CHECK(l.p->check_produce(Acks::none) == Error::none);
    l.p->make_leader(state(1, 0, {1, 2}, {1, 2, 3}, 1), at(s(1)));
    CHECK(l.p->check_produce(Acks::all) == Error::none);
    Replica f(2);
    f.p->make_follower(state(1, 0, {1, 2}));
    CHECK(f.p->check_produce(Acks::leader) == Error::not_leader_or_follower);
}

// Partition.effectiveMinIsr (3.7+, KAFKA-15583) against 3.6's
// leaderLog.config.minInSyncReplicas in isUnderMinIsr and appendRecordsToLeader.
TEST_CASE(
    "partition: min.insync.replicas above the replica count is capped by it from 3.7; before, acks=all is refused") {
    for (const KafkaVersion v : {KafkaVersion{3, 7, 0}, KafkaVersion{3, 6, 0}}) {
        INFO(to_string(v));
        PartitionConfig cfg;
        cfg.min_insync_replicas = 3;
        cfg.kafka_version = v;
        Replica l(1, cfg);
        l.p->make_leader(state(1, 0, {1, 2}, {1, 2}), at(s(0)));
        const bool capped = v >= KafkaVersion{3, 7, 0};
        CHECK(l.p->effective_min_isr() == (capped ? 2 : 3));
        CHECK(l.p->check_produce(Acks::all) == (capped ? Error::none : Error::not_enough_replicas));
        CHECK(l.p->check_produce(Acks::leader) == Error::none);
        CHECK(l.p->is_under_min_isr() == !capped);
    }
}

// Partition.maybeIncrementLeaderHW returns early under min ISR from the 3.7.0
// binary on, whatever inter.broker.protocol.version says.
TEST_CASE(
    "partition: from Kafka 3.7 the HW is frozen while the ISR is below min ISR; before, it advances (KAFKA-15583)") {
    for (const KafkaVersion v : {KafkaVersion{3, 7, 0}, KafkaVersion{3, 6, 0}}) {
        for (auto protocol : {ProtocolVersion::v2_1, ProtocolVersion::v0_10}) {
            PartitionConfig cfg;
            cfg.min_insync_replicas = 2;
            cfg.kafka_version = v;
            cfg.protocol = protocol;
            Replica l(1, cfg);
            l.p->make_leader(state(1, 0, {1}), at(s(0)));
            l.p->append_as_leader(batch(5));
            l.p->maybe_increment_hw(at(s(1)));
            CHECK(l.p->high_watermark() == (v >= KafkaVersion{3, 7, 0} ? 0 : 5));
        }
    }
}

TEST_CASE("partition: an idempotent retry returns the original offset and is not appended twice") {
    Replica l(1);
    l.p->make_leader(state(1, 0, {1}, {1}), at(s(0)));
    auto a = l.p->append_as_leader(batch(3, 77, 0));
    auto b = l.p->append_as_leader(batch(2, 77, 3));
    auto retry = l.p->append_as_leader(batch(3, 77, 0));
    CHECK(a.base_offset == 0);
    CHECK(b.base_offset == 3);
    CHECK(retry.duplicate);
    CHECK(retry.base_offset == 0);
    CHECK(l.p->log_end_offset() == 5);
    auto gap = l.p->append_as_leader(batch(1, 77, 9));
    CHECK(gap.error == Error::out_of_order_sequence_number);
    auto other = l.p->append_as_leader(batch(1, 78, 0));
    CHECK(other.error == Error::none);
}

TEST_CASE("partition: a new leader's follower deduplicates retries using state replicated in the log") {
    Replica l(1), f(2);
    l.p->make_leader(state(1, 0, {1, 2}, {1, 2}), at(s(0)));
    f.p->make_follower(state(1, 0, {1, 2}, {1, 2}));
    l.p->append_as_leader(batch(3, 5, 0));
    for (const auto& bt : fetch(*l.p, 2, 0, at(ms(1))).batches) f.p->append_as_follower(bt);
    f.p->make_leader(state(2, 1, {2}, {1, 2}), at(s(1)));
    auto retry = f.p->append_as_leader(batch(3, 5, 0));
    CHECK(retry.duplicate);
    CHECK(f.p->log_end_offset() == 3);
}

TEST_CASE("partition: KIP-320 fences fetches carrying a stale or unknown leader epoch (from 2.1)") {
    Replica l(1);
    l.p->make_leader(state(1, 5, {1, 2}, {1, 2}), at(s(0)));
    bool adv;
    CHECK(l.p->handle_follower_fetch(B(2), fetch_at(0, 4), at(s(1)), 1000, adv).error == Error::fenced_leader_epoch);
    CHECK(l.p->handle_follower_fetch(B(2), fetch_at(0, 6), at(s(1)), 1000, adv).error == Error::unknown_leader_epoch);
    CHECK(l.p->handle_follower_fetch(B(2), fetch_at(0, 5), at(s(1)), 1000, adv).error == Error::none);
    PartitionConfig old;
    old.protocol = ProtocolVersion::v2_0;
    Replica l2(1, old);
    l2.p->make_leader(state(1, 5, {1, 2}, {1, 2}), at(s(0)));
    CHECK(l2.p->handle_follower_fetch(B(2), fetch_at(0, 4), at(s(1)), 1000, adv).error == Error::none);
}

TEST_CASE("partition: a fetch beyond the leader's LEO is out of range and reports the leader's LEO") {
    Replica l(1);
    l.p->make_leader(state(1, 0, {1, 2}, {1, 2}), at(s(0)));
    l.p->append_as_leader(batch(5));
    auto r = fetch(*l.p, 2, 9, at(s(1)));
    CHECK(r.error == Error::offset_out_of_range);
    CHECK(r.log_end_offset == 5);
}

// ---- truncation (KIP-101 / KIP-279) ----------------------------------------------------

namespace {
void write(Log& log, LeaderEpoch epoch, int batches, int records = 1) {
    log.assign_epoch_start(epoch);
    for (int i = 0; i < batches; ++i) log.append_as_leader(batch(records), epoch);
}
}  // namespace

TEST_CASE(
    "partition: KIP-101 scenario 1 — truncating to the HW loses a committed record; the epoch end offset keeps it") {
    // Leader A and follower B both hold m1, m2 (offsets 0, 1), but B's HW is 1:
    // it learns the HW one fetch late. B restarts and becomes follower.
    for (auto v : {ProtocolVersion::v0_10, ProtocolVersion::v0_11}) {
        PartitionConfig cfg;
        cfg.protocol = v;
        Replica a(1, cfg), b(2, cfg);
        write(a.log, 0, 2);
        write(b.log, 0, 2);
        b.p->restore_high_watermark(1);
        a.p->make_leader(state(1, 1, {1, 2}, {1, 2}), at(s(0)));
        b.p->make_follower(state(1, 1, {1, 2}, {1, 2}));
        Offset target;
        if (uses_leader_epochs(v)) {
            EpochQuery q{kTp, b.p->epoch_to_query(), kNoEpoch};
            auto d = b.p->decide_truncation(a.p->answer_epoch_query(q));
            CHECK(d.completed);
            target = d.truncate_to;
        } else {
            target = b.p->truncation_offset_pre_kip101();
        }
        b.p->truncate_to(target);
        CHECK(b.p->log_end_offset() == (v == ProtocolVersion::v0_10 ? 1 : 2));
    }
}

TEST_CASE(
    "partition: KIP-101 scenario 2 — after a double failure the HW rule leaves diverged logs; epochs truncate the "
    "stale record") {
    // A wrote m2 at offset 1 in epoch 0 (HW 2 on A), then both died. B came back
    // first with only m1, became leader in epoch 1 and wrote m3 at offset 1.
    for (auto v : {ProtocolVersion::v0_10, ProtocolVersion::v0_11, ProtocolVersion::v2_0}) {
        PartitionConfig cfg;
        cfg.protocol = v;
        Replica a(1, cfg), b(2, cfg);
        write(a.log, 0, 2);
        a.p->restore_high_watermark(2);
        write(b.log, 0, 1);
        b.p->make_leader(state(2, 1, {2}, {1, 2}), at(s(0)));
        b.p->append_as_leader(batch(1));  // m3 at offset 1, epoch 1
        a.p->make_follower(state(2, 1, {2}, {1, 2}));
        Offset target;
        if (uses_leader_epochs(v)) {
            auto d = a.p->decide_truncation(b.p->answer_epoch_query(EpochQuery{kTp, a.p->epoch_to_query(), kNoEpoch}));
            target = d.truncate_to;
        } else {
            target = a.p->truncation_offset_pre_kip101();
        }
        a.p->truncate_to(target);
        // Pre KIP-101 A keeps m2 at offset 1 while the leader has m3 there.
        CHECK(a.p->log_end_offset() == (v == ProtocolVersion::v0_10 ? 2 : 1));
    }
}

TEST_CASE(
    "partition: KIP-279 — a follower lacking the leader's answered epoch steps down and asks again; 0.11 keeps a "
    "diverged tail") {
    // Follower F: epoch 0 [0..4], epoch 2 [5..9] (written while F led epoch 2,
    // never replicated). Leader L: epoch 0 [0..4], epoch 1 [5..7], epoch 3 [8..9].
    for (auto v : {ProtocolVersion::v0_11, ProtocolVersion::v2_0}) {
        PartitionConfig cfg;
        cfg.protocol = v;
        Replica f(2, cfg), l(1, cfg);
        write(f.log, 0, 5);
        write(f.log, 2, 5);
        write(l.log, 0, 5);
        write(l.log, 1, 3);
        write(l.log, 3, 2);
        l.p->make_leader(state(1, 4, {1}, {1, 2}), at(s(0)));
        f.p->make_follower(state(1, 4, {1}, {1, 2}));
        int rounds = 0;
        for (;;) {
            ++rounds;
            auto d = f.p->decide_truncation(l.p->answer_epoch_query(EpochQuery{kTp, f.p->epoch_to_query(), kNoEpoch}));
            f.p->truncate_to(d.truncate_to);
            if (d.completed) break;
            REQUIRE(rounds < 10);
        }
        if (v == ProtocolVersion::v2_0) {
            CHECK(f.p->log_end_offset() == 5);  // truncated to the common prefix
            CHECK(rounds == 2);
        } else {
            CHECK(f.p->log_end_offset() == 8);  // keeps [5..7] of epoch 2: diverged from L's epoch 1
            CHECK(rounds == 1);
        }
    }
}

TEST_CASE("partition: an unknown epoch answer falls back to truncating to the HW") {
    Replica f(2);
    write(f.log, 0, 5);
    f.p->restore_high_watermark(3);
    EpochAnswer a{kTp, Error::none, kNoEpoch, kUndefinedOffset};
    auto d = f.p->decide_truncation(a);
    CHECK(d.truncate_to == 3);
    CHECK(d.completed);
}

TEST_CASE("partition: truncation lowers the HW with the LEO and the leader never truncates itself on election") {
    Replica r(1);
    write(r.log, 0, 5);
    r.p->restore_high_watermark(5);
    r.p->truncate_to(3);
    CHECK(r.p->high_watermark() == 3);
    r.p->make_leader(state(1, 1, {1}, {1}), at(s(0)));
    CHECK(r.p->log_end_offset() == 3);
    CHECK(r.log.epochs().latest_epoch() == 1);
}

TEST_CASE("partition: a recently caught-up follower that is not ISR-eligible (fenced) does not hold the HW back") {
    // Partition.maybeIncrementLeaderHW waits for a caught-up follower outside the
    // ISR only if isReplicaIsrEligible; a fenced broker is not.
    Replica l(1);
    l.p->make_leader(state(1, 0, {1, 2, 3}), at(s(0)));
    l.p->append_as_leader(batch(10));
    fetch(*l.p, 2, 10, at(s(1)));
    fetch(*l.p, 3, 10, at(s(1)));
    l.p->make_leader(state(1, 0, {1, 2}, {1, 2, 3}, 1), at(s(2)));  // 3 fenced and removed by the controller
    l.p->append_as_leader(batch(5));
    bool adv = false;
    l.p->handle_follower_fetch(B(2), fetch_at(15), at(s(3)), 1 << 20, adv, [](BrokerId b) { return b != BrokerId(3); });
    CHECK(adv);
    CHECK(l.p->high_watermark() == 15);
    // Were broker 3 eligible, its recent catch-up (within replica.lag.time.max.ms) would hold the HW.
    Replica l2(1);
    l2.p->make_leader(state(1, 0, {1, 2, 3}), at(s(0)));
    l2.p->append_as_leader(batch(10));
    fetch(*l2.p, 2, 10, at(s(1)));
    fetch(*l2.p, 3, 10, at(s(1)));
    l2.p->make_leader(state(1, 0, {1, 2}, {1, 2, 3}, 1), at(s(2)));
    l2.p->append_as_leader(batch(5));
    l2.p->handle_follower_fetch(B(2), fetch_at(15), at(s(3)), 1 << 20, adv, [](BrokerId) { return true; });
    CHECK(l2.p->high_watermark() == 10);
}

// Invariants are checked on every change, not only by the periodic sweep: a
// leader never truncates below its HW (Partition.makeLeader: a leader never
// truncates itself), so a path that tried would abort the run at once.
TEST_CASE("partition: a leader truncating below its HW aborts at once (invariant on every HW change)") {
    Replica l(1);
    l.p->make_leader(state(1, 0, {1, 2}), at(s(0)));
    l.p->append_as_leader(batch(10));
    fetch(*l.p, 2, 10, at(ms(1)));
    fetch(*l.p, 3, 10, at(ms(1)));
    REQUIRE(l.p->high_watermark() == 10);
    CHECK_THROWS_AS(l.p->truncate_to(5), AssertionFailure);
}
