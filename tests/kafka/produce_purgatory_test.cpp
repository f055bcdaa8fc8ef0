// The produce purgatory alone (DelayedProduce): requests, acks=all waits,
// completion by the HW, failure on a leadership move, the request timeout.
#include <doctest/doctest.h>

#include "core/assert.hpp"
#include "kafka/produce_purgatory.hpp"

using namespace ks;
using namespace ks::kafka;

namespace {
const TopicPartition kA{0, 0};
const TopicPartition kB{0, 1};
const NodeId kClient(100);
constexpr std::uint64_t kTimer = std::uint64_t{4} << 56;

ProducePurgatory purgatory() {
    return ProducePurgatory(ProducePurgatory::Options{.timeout_timer_base = kTimer});
}
}  // namespace

TEST_CASE("produce purgatory: acks=1 answers once every partition is resolved; acks=0 never") {
    auto pg = purgatory();
    Outbox out;
    pg.begin(7, kClient, 70, Acks::leader, {kA, kB}, Instant::zero(), ms(30000), out);
    CHECK(out.all<SetTimerEffect>().empty());  // no timeout below acks=all
    pg.resolve(7, 0, Error::none, 40, out);
    CHECK(out.sent<ProduceResponse>().empty());
    pg.resolve(7, 1, Error::not_leader_or_follower, kUndefinedOffset, out);
    const auto sent = out.sent<ProduceResponse>();
    REQUIRE(sent.size() == 1);
    CHECK(sent[0].first == kClient);
    CHECK(sent[0].second.correlation == 70);
    CHECK(sent[0].second.partitions[0].base_offset == 40);
    CHECK(sent[0].second.partitions[1].error == Error::not_leader_or_follower);
    CHECK(pg.requests() == 0);
    pg.resolve(7, 0, Error::none, 0, out);  // the request is answered: a late result is dropped
    CHECK(out.sent<ProduceResponse>().size() == 1);
}

// KafkaApis.handleProduceRequest (3.7+, KIP-951): for ProduceRequest v10 each
// NOT_LEADER_OR_FOLLOWER partition gets CurrentLeader from getCurrentLeader.
TEST_CASE(
    "produce purgatory: NOT_LEADER_OR_FOLLOWER names the leader the broker knows, when the request asks (KIP-951)") {
    ProducePurgatory::Options o;
    o.timeout_timer_base = kTimer;
    o.current_leader = [](TopicPartition) { return std::pair<BrokerId, LeaderEpoch>{BrokerId(3), 7}; };
    ProducePurgatory pg(std::move(o));
    Outbox out;
    pg.begin(1, kClient, 10, Acks::leader, {kA, kB}, Instant::zero(), ms(30000), out, true);
    pg.resolve(1, 0, Error::none, 5, out);
    pg.resolve(1, 1, Error::not_leader_or_follower, kUndefinedOffset, out);
    auto sent = out.sent<ProduceResponse>();
    REQUIRE(sent.size() == 1);
    CHECK(sent[0].second.partitions[0].current_leader == BrokerId(-1));
    CHECK(sent[0].second.partitions[1].current_leader == BrokerId(3));
    CHECK(sent[0].second.partitions[1].current_leader_epoch == 7);
    out.clear();
    // An older request version (a client before 3.7) gets no hint.
    pg.begin(2, kClient, 20, Acks::leader, {kA}, Instant::zero(), ms(30000), out);
    pg.resolve(2, 0, Error::not_leader_or_follower, kUndefinedOffset, out);
    sent = out.sent<ProduceResponse>();
    REQUIRE(sent.size() == 1);
    CHECK(sent[0].second.partitions[0].current_leader == BrokerId(-1));
}

TEST_CASE("produce purgatory: a result resolved twice is a bug") {
    auto pg = purgatory();
    Outbox out;
    pg.begin(2, kClient, 20, Acks::leader, {kA, kB}, Instant::zero(), ms(30000), out);
    pg.resolve(2, 0, Error::none, 0, out);
    CHECK_THROWS_AS(pg.resolve(2, 0, Error::none, 0, out), AssertionFailure);
}

TEST_CASE("produce purgatory: acks=0 resolves without a response") {
    auto pg = purgatory();
    Outbox out;
    pg.begin(1, kClient, 10, Acks::none, {kA}, Instant::zero(), ms(30000), out);
    pg.resolve(1, 0, Error::none, 0, out);
    CHECK(out.sent<ProduceResponse>().empty());
    CHECK(pg.requests() == 0);
}

TEST_CASE("produce purgatory: acks=all waits until the HW passes the batch, then answers and cancels its timer") {
    auto pg = purgatory();
    Outbox out;
    pg.begin(3, kClient, 30, Acks::all, {kA}, Instant::zero(), ms(30000), out);
    REQUIRE(out.all<SetTimerEffect>().size() == 1);
    CHECK(out.all<SetTimerEffect>()[0].key == (kTimer | 3));
    pg.wait(kA, 3, 0, /*required=*/15, /*base=*/10);
    CHECK(pg.waiting_on(kA));
    pg.complete(kA, 14, true, out);  // the HW is not past the batch yet
    CHECK(out.sent<ProduceResponse>().empty());
    pg.complete(kA, 15, true, out);
    REQUIRE(out.sent<ProduceResponse>().size() == 1);
    CHECK(out.sent<ProduceResponse>()[0].second.partitions[0].base_offset == 10);
    CHECK(out.all<CancelTimerEffect>().size() == 1);
    CHECK(pg.waiting() == 0);
}

TEST_CASE("produce purgatory: an ISR below min.insync.replicas at completion is NOT_ENOUGH_REPLICAS_AFTER_APPEND") {
    auto pg = purgatory();
    Outbox out;
    pg.begin(3, kClient, 30, Acks::all, {kA}, Instant::zero(), ms(30000), out);
    pg.wait(kA, 3, 0, 15, 10);
    pg.complete(kA, 20, /*enough_isr=*/false, out);
    const auto r = out.sent<ProduceResponse>();
    REQUIRE(r.size() == 1);
    CHECK(r[0].second.partitions[0].error == Error::not_enough_replicas_after_append);
    CHECK(r[0].second.partitions[0].base_offset == kUndefinedOffset);
}

TEST_CASE("produce purgatory: a leadership move fails the partition's waits; the timeout fails what is left") {
    auto pg = purgatory();
    Outbox out;
    pg.begin(5, kClient, 50, Acks::all, {kA, kB}, Instant::zero(), ms(30000), out);
    pg.wait(kA, 5, 0, 15, 10);
    pg.wait(kB, 5, 1, 8, 3);
    pg.fail(kA, Error::not_leader_or_follower, out);
    CHECK(out.sent<ProduceResponse>().empty());  // kB still waits
    CHECK(pg.waiting() == 1);
    pg.time_out(5, out);
    const auto r = out.sent<ProduceResponse>();
    REQUIRE(r.size() == 1);
    CHECK(r[0].second.partitions[0].error == Error::not_leader_or_follower);
    CHECK(r[0].second.partitions[1].error == Error::request_timed_out);
    CHECK(pg.waiting() == 0);
    CHECK(pg.requests() == 0);
    CHECK_FALSE(pg.acks(5).has_value());
}
