// The consumer's side of the consumer group protocol (KIP-848) driven by
// hand: the join heartbeat carries the subscription, the rebalance timeout
// and no partitions; a new assignment is reconciled as
// AbstractMembershipManager.maybeReconcile does it — commit what was
// consumed, revoke, assign, then acknowledge at once with a heartbeat
// reporting the new ownership; FENCED_MEMBER_EPOCH drops the partitions
// without a commit and joins again with epoch 0.
#include <doctest/doctest.h>

#include "kafka/consumer.hpp"
#include "kafka/consumer_group.hpp"

using namespace ks;
using namespace ks::kafka;

namespace {

struct Fixture {
    Consumer c;
    Outbox out;
    Instant now = Instant::zero();

    static ConsumerOptions options() {
        ConsumerOptions o;
        o.group_id = "g";
        o.client_id = "g-0";
        o.bootstrap = {BrokerId(1)};
        o.topics = {0};
        o.topic_partitions = {3};
        o.group_protocol = GroupProtocol::consumer;
        o.max_poll_interval = ms(60000);
        return o;
    }
    explicit Fixture(ConsumerOptions o = options()) : c(std::move(o), Rng(1)) {}

    template <typename M>
    std::vector<M> sent() const {
        std::vector<M> v;
        for (const auto& [to, m] : out.sent<M>()) v.push_back(m);
        return v;
    }
    void recv(Message m) { c.on_message(now, broker_node(BrokerId(1)), m, out); }

    // Start, discover the coordinator (broker 1), return the join heartbeat.
    ConsumerGroupHeartbeatRequest join() {
        c.start(now, out);
        const auto fc = sent<FindCoordinatorRequest>();
        REQUIRE(fc.size() == 1);
        recv(FindCoordinatorResponse{Error::none, BrokerId(1), fc[0].correlation});
        const auto hb = sent<ConsumerGroupHeartbeatRequest>();
        REQUIRE(hb.size() == 1);
        return hb[0];
    }
    ConsumerGroupHeartbeatResponse answer(const ConsumerGroupHeartbeatRequest& r, std::int32_t epoch,
                                          std::optional<std::vector<TopicPartition>> assignment) {
        return ConsumerGroupHeartbeatResponse{.error = Error::none,
                                              .member_id = "g-0-1",
                                              .member_epoch = epoch,
                                              .heartbeat_interval = ms(5000),
                                              .assignment = std::move(assignment),
                                              .correlation = r.correlation};
    }
};

const TopicPartition p0{0, 0}, p1{0, 1}, p2{0, 2};

}  // namespace

TEST_CASE("consumer protocol: the join heartbeat carries the subscription and no partitions") {
    Fixture f;
    const auto hb = f.join();
    CHECK(hb.member_epoch == 0);
    CHECK(hb.member_id.empty());
    REQUIRE(hb.topics);
    CHECK(*hb.topics == std::vector<TopicIndex>{0});
    CHECK(hb.rebalance_timeout == ms(60000));
    REQUIRE(hb.owned);
    CHECK(hb.owned->empty());
    CHECK(f.sent<JoinGroupRequest>().empty());  // no classic join
}

TEST_CASE("consumer protocol: an assignment is taken and acknowledged at once, without waiting for the interval") {
    Fixture f;
    const auto hb = f.join();
    f.out.clear();
    f.recv(f.answer(hb, 1, std::vector<TopicPartition>{p0, p1, p2}));
    CHECK(f.c.assignment() == std::vector<TopicPartition>{p0, p1, p2});
    CHECK(f.c.member_epoch() == 1);
    const auto ack = f.sent<ConsumerGroupHeartbeatRequest>();
    REQUIRE(ack.size() == 1);
    CHECK(ack[0].member_epoch == 1);
    CHECK(ack[0].owned == std::vector<TopicPartition>{p0, p1, p2});
    CHECK(f.sent<OffsetCommitRequest>().empty());  // nothing consumed: nothing to commit
}

TEST_CASE("consumer protocol: revocation commits first, then drops the partition, then acknowledges") {
    Fixture f;
    const auto hb = f.join();
    f.recv(f.answer(hb, 1, std::vector<TopicPartition>{p0, p1, p2}));
    auto ack = f.sent<ConsumerGroupHeartbeatRequest>().back();
    f.recv(f.answer(ack, 1, std::nullopt));
    // Positions for every partition (OffsetFetch answered), so there is something to commit.
    const auto of = f.sent<OffsetFetchRequest>();
    REQUIRE(!of.empty());
    f.recv(OffsetFetchResponse{Error::none, {{p0, 10}, {p1, 20}, {p2, 30}}, of.back().correlation});
    // The next heartbeat (interval) asks to give up p2.
    f.now = f.now + ms(5000);
    f.c.on_timer(f.now, Consumer::timer_key(Consumer::kHeartbeat), f.out);
    const auto periodic = f.sent<ConsumerGroupHeartbeatRequest>().back();
    CHECK(periodic.owned == std::vector<TopicPartition>{p0, p1, p2});
    f.out.clear();
    f.recv(f.answer(periodic, 1, std::vector<TopicPartition>{p0, p1}));
    // 1. the commit of what was consumed, p2 still owned and no acknowledgement yet
    const auto commits = f.sent<OffsetCommitRequest>();
    REQUIRE(commits.size() == 1);
    CHECK(commits[0].generation == 1);  // the member epoch
    CHECK(commits[0].offsets.size() == 3);
    CHECK(f.c.assignment() == std::vector<TopicPartition>{p0, p1, p2});
    CHECK(f.sent<ConsumerGroupHeartbeatRequest>().empty());
    // 2. the commit answered: p2 revoked, and the acknowledgement reports it gone
    f.recv(OffsetCommitResponse{Error::none, commits[0].offsets, commits[0].correlation});
    CHECK(f.c.assignment() == std::vector<TopicPartition>{p0, p1});
    CHECK(f.c.stats().partitions_revoked == 1);
    const auto acks = f.sent<ConsumerGroupHeartbeatRequest>();
    REQUIRE(acks.size() == 1);
    CHECK(acks[0].owned == std::vector<TopicPartition>{p0, p1});
}

TEST_CASE("consumer protocol: FENCED_MEMBER_EPOCH drops the partitions uncommitted and joins with epoch 0") {
    Fixture f;
    const auto hb = f.join();
    f.recv(f.answer(hb, 1, std::vector<TopicPartition>{p0, p1, p2}));
    const auto ack = f.sent<ConsumerGroupHeartbeatRequest>().back();
    f.out.clear();
    ConsumerGroupHeartbeatResponse fenced;
    fenced.error = Error::fenced_member_epoch;
    fenced.correlation = ack.correlation;
    f.recv(fenced);
    CHECK(f.c.assignment().empty());
    CHECK(f.sent<OffsetCommitRequest>().empty());
    CHECK(f.c.member_epoch() == 0);
    // After retry.backoff.ms, the join (same member id, epoch 0).
    f.now = f.now + ms(100);
    f.c.on_timer(f.now, Consumer::timer_key(Consumer::kRetry), f.out);
    f.c.on_timer(f.now, Consumer::timer_key(Consumer::kHeartbeat), f.out);
    const auto rejoin = f.sent<ConsumerGroupHeartbeatRequest>();
    REQUIRE(!rejoin.empty());
    CHECK(rejoin.back().member_epoch == 0);
    CHECK(rejoin.back().member_id == "g-0-1");
}

TEST_CASE("consumer protocol: close commits, then leaves with epoch -1 (a static member with -2)") {
    for (const bool is_static : {false, true}) {
        ConsumerOptions o = Fixture::options();
        if (is_static) o.group_instance_id = "host-0";
        Fixture f(o);
        const auto hb = f.join();
        f.recv(f.answer(hb, 1, std::vector<TopicPartition>{p0}));
        f.out.clear();
        f.c.close(f.now, f.out);
        const auto leave = f.sent<ConsumerGroupHeartbeatRequest>();
        REQUIRE(leave.size() == 1);
        CHECK(leave[0].member_epoch == (is_static ? kLeaveGroupStaticMemberEpoch : kLeaveGroupMemberEpoch));
        CHECK_FALSE(f.c.alive());
    }
}
