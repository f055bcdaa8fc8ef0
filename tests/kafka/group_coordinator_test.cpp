// GroupCoordinator: the classic protocol's state machine, driven by hand.
#include <doctest/doctest.h>

#include "kafka/group_coordinator.hpp"

using namespace ks;
using namespace ks::kafka;

namespace {

struct Fixture {
    GroupStore store;
    std::vector<BrokerId> live{BrokerId(1), BrokerId(2), BrokerId(3)};
    GroupCoordinator coord;
    Outbox out;
    Instant now = Instant::zero();
    std::uint64_t corr = 1;

    static GroupCoordinatorConfig config(GroupStore& s) {
        GroupCoordinatorConfig c;
        c.store = &s;
        c.brokers = {BrokerId(1), BrokerId(2), BrokerId(3)};
        c.topic_names = {"orders"};
        c.topic_partitions = {3};
        return c;
    }
    // "g" lives in offsets partition 3 → replicas [1, 2, 3] rotated by 3 → broker 1 leads.
    Fixture() : coord(config(store), BrokerId(1)) {}

    void send(NodeId from, Message m) { coord.on_message(now, from, m, live, out); }
    void join(int client, const std::string& member_id = "") {
        JoinGroupRequest r;
        r.group_id = "g";
        r.member_id = member_id;
        r.client_id = "c" + std::to_string(client);
        r.session_timeout = ms(10000);
        r.rebalance_timeout = ms(60000);
        r.protocols = {"range"};
        r.topics = {0};
        r.correlation = corr++;
        send(NodeId(kFirstConsumerNode + client), r);
    }
    void advance(Duration d) {
        now = now + d;
        coord.on_timer(now, 0, out);
    }
    std::vector<std::pair<NodeId, JoinGroupResponse>> joins() const { return out.sent<JoinGroupResponse>(); }
    Group& group() { return store.groups.at("g"); }
};

}  // namespace

TEST_CASE("group coordinator: the group lives in abs(groupId.hashCode) % offsets.topic.num.partitions") {
    CHECK(offsets_partition_for("billing", 50) == 9);   // "billing".hashCode() = -109829509
    CHECK(offsets_partition_for("audit", 50) == 5);
    CHECK(offsets_partition_for("g", 50) == 3);
    Fixture f;
    CHECK(f.coord.coordinator_for("g", f.live) == BrokerId(1));
    // The leader moves to the next live replica when broker 1 is gone.
    CHECK(f.coord.coordinator_for("g", {BrokerId(2), BrokerId(3)}) == BrokerId(2));
    CHECK(!f.coord.coordinator_for("g", {}).has_value());
}

TEST_CASE("group coordinator: a broker that is not the coordinator answers NOT_COORDINATOR") {
    Fixture f;
    f.live = {BrokerId(2), BrokerId(3)};  // broker 1 (us) looks dead: 2 leads the offsets partition
    f.join(0);
    const auto r = f.joins();
    REQUIRE(r.size() == 1);
    CHECK(r[0].second.error == Error::not_coordinator);
}

TEST_CASE("group coordinator: a new group waits group.initial.rebalance.delay.ms, extended while members arrive") {
    Fixture f;
    f.join(0);
    CHECK(f.group().state == GroupState::preparing_rebalance);
    f.now = f.now + ms(1000);
    f.join(1);
    f.advance(ms(2000));  // 3 s: a member arrived during the delay → another 3 s
    CHECK(f.joins().empty());
    f.advance(ms(2999));
    CHECK(f.joins().empty());
    f.advance(ms(1));
    const auto r = f.joins();
    REQUIRE(r.size() == 2);
    CHECK(r[0].second.generation == 1);
    CHECK(r[0].second.leader == r[0].second.member_id);  // the first member leads
    CHECK(r[1].second.leader == r[0].second.member_id);
    CHECK(r[0].second.protocol == "range");
    CHECK(f.group().state == GroupState::completing_rebalance);
    // Range over 3 partitions and 2 members: 2 + 1.
    CHECK(f.group().members[0].assignment.size() == 2);
    CHECK(f.group().members[1].assignment.size() == 1);
    // The leader's SyncGroup makes the group Stable.
    f.send(r[0].first, SyncGroupRequest{"g", 1, r[0].second.member_id, 99});
    CHECK(f.group().state == GroupState::stable);
    const auto sync = f.out.sent<SyncGroupResponse>();
    REQUIRE(sync.size() == 1);
    CHECK(sync[0].second.assignment.size() == 2);
}

TEST_CASE("group coordinator: heartbeats, session expiry and REBALANCE_IN_PROGRESS") {
    Fixture f;
    f.join(0);
    f.join(1);
    f.advance(ms(3000));
    f.advance(ms(3000));
    auto r = f.joins();
    REQUIRE(r.size() == 2);
    const std::string a = r[0].second.member_id, b = r[1].second.member_id;
    f.send(r[0].first, SyncGroupRequest{"g", 1, a, 10});
    // Only member a heartbeats; b's session (10 s) runs out.
    for (int i = 0; i < 4; ++i) {
        f.now = f.now + ms(3000);
        f.send(r[0].first, HeartbeatRequest{"g", 1, a, 20});
        f.coord.on_timer(f.now, 0, f.out);
    }
    CHECK(f.group().member(b) == nullptr);
    CHECK(f.group().state == GroupState::preparing_rebalance);
    f.send(r[0].first, HeartbeatRequest{"g", 1, a, 23});
    auto hb = f.out.sent<HeartbeatResponse>();
    CHECK(hb.back().second.error == Error::rebalance_in_progress);
    // Unknown members and stale generations are refused.
    f.out.clear();
    f.send(r[1].first, HeartbeatRequest{"g", 1, b, 21});
    f.send(r[0].first, HeartbeatRequest{"g", 7, a, 22});
    hb = f.out.sent<HeartbeatResponse>();
    REQUIRE(hb.size() == 2);
    CHECK(hb[0].second.error == Error::unknown_member_id);
    CHECK(hb[1].second.error == Error::illegal_generation);
    // a rejoins: the only member, the join completes at once with generation 2.
    f.out.clear();
    f.join(0, a);
    r = f.joins();
    REQUIRE(r.size() == 1);
    CHECK(r[0].second.generation == 2);
    CHECK(f.group().members.size() == 1);
    CHECK(f.group().members[0].assignment.size() == 3);
}

TEST_CASE("group coordinator: commits need the current generation and survive a coordinator move") {
    Fixture f;
    f.join(0);
    f.advance(ms(3000));
    const auto r = f.joins();
    REQUIRE(r.size() == 1);
    const std::string a = r[0].second.member_id;
    f.send(r[0].first, SyncGroupRequest{"g", 1, a, 5});
    const TopicPartition tp{0, 1};
    f.send(r[0].first, OffsetCommitRequest{"g", 0, a, {{tp, 10}}, 6});
    f.send(r[0].first, OffsetCommitRequest{"g", 1, a, {{tp, 42}}, 7});
    const auto c = f.out.sent<OffsetCommitResponse>();
    REQUIRE(c.size() == 2);
    CHECK(c[0].second.error == Error::illegal_generation);
    CHECK(c[1].second.error == Error::none);
    CHECK(f.out.all<OffsetCommittedEffect>().size() == 1);
    // Broker 1 dies; broker 2 takes over the group from the store.
    GroupCoordinator second(Fixture::config(f.store), BrokerId(2));
    Outbox out2;
    const std::vector<BrokerId> live{BrokerId(2), BrokerId(3)};
    second.on_message(f.now, r[0].first, OffsetFetchRequest{"g", {tp, TopicPartition{0, 2}}, 8}, live, out2);
    const auto of = out2.sent<OffsetFetchResponse>();
    REQUIRE(of.size() == 1);
    CHECK(of[0].second.offsets[0].second == 42);
    CHECK(of[0].second.offsets[1].second == kUndefinedOffset);
    // The member carries on with its generation.
    second.on_message(f.now, r[0].first, HeartbeatRequest{"g", 1, a, 9}, live, out2);
    CHECK(out2.sent<HeartbeatResponse>().at(0).second.error == Error::none);
    // The old owner's timers are void now.
    Outbox out3;
    f.coord.on_timer(f.now + s(60), 0, out3);
    CHECK(out3.all<GroupEventEffect>().empty());
}
