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
    static NodeId node(int client) { return NodeId(kFirstConsumerNode + client); }
    JoinGroupRequest join_request(int client, const std::string& member_id = "", const std::string& instance = "") {
        JoinGroupRequest r;
        r.group_id = "g";
        r.member_id = member_id;
        r.group_instance_id = instance;
        r.client_id = "c" + std::to_string(client);
        r.session_timeout = ms(10000);
        r.rebalance_timeout = ms(60000);
        r.protocols = {"range"};
        r.topics = {0};
        r.correlation = corr++;
        return r;
    }
    // A JoinGroup as the Java client sends it. A new dynamic member joins in two
    // rounds (KIP-394): the MEMBER_ID_REQUIRED answer of the first is kept out of
    // `out`, the second carries the member id it named. Returns that id.
    std::string join(int client, const std::string& member_id = "", const std::string& instance = "") {
        JoinGroupRequest r = join_request(client, member_id, instance);
        if (member_id.empty() && instance.empty()) {
            Outbox first;
            coord.on_message(now, node(client), r, live, first);
            const auto answer = first.sent<JoinGroupResponse>();
            REQUIRE(answer.size() == 1);
            REQUIRE(answer[0].second.error == Error::member_id_required);
            r = join_request(client, answer[0].second.member_id);
        }
        send(node(client), r);
        return r.member_id;
    }
    // A member of generation `gen` rejoining as the Java client does: its
    // subscription carries that generation (ConsumerProtocol v2+, KIP-792), so
    // its metadata differs from the JoinGroup that made it a member.
    void rejoin(int client, const std::string& member_id, const std::string& instance, std::int32_t gen) {
        JoinGroupRequest r = join_request(client, member_id, instance);
        r.owned_generation = gen;
        send(node(client), r);
    }
    void advance(Duration d) {
        now = now + d;
        coord.on_timer(now, 0, out);
    }
    std::vector<std::pair<NodeId, JoinGroupResponse>> joins() const { return out.sent<JoinGroupResponse>(); }
    Group& group() { return store.groups.at("g"); }
};

// Two dynamic members (clients 0 and 1) form generation 1: the JoinGroup
// answers, once the initial delay (3 s, extended once) has passed.
std::vector<std::pair<NodeId, JoinGroupResponse>> first_generation(Fixture& f) {
    f.join(0);
    f.join(1);
    f.advance(ms(3000));
    f.advance(ms(3000));
    auto r = f.joins();
    REQUIRE(r.size() == 2);
    return r;
}

}  // namespace

TEST_CASE("group coordinator: the group lives in abs(groupId.hashCode) % offsets.topic.num.partitions") {
    CHECK(offsets_partition_for("billing", 50) == 9);  // "billing".hashCode() = -109829509
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
    f.send(Fixture::node(0), f.join_request(0));
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
    auto r = first_generation(f);
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

TEST_CASE(
    "group coordinator: a known member rejoining with unchanged metadata gets the current generation, no "
    "rebalance, unless it leads a Stable group (GroupCoordinator.doCurrentMemberJoinGroup, MemberMetadata.matches)") {
    Fixture f;
    auto r = first_generation(f);
    const std::string a = r[0].second.member_id, b = r[1].second.member_id;
    REQUIRE(f.group().leader == a);
    REQUIRE(f.group().rebalances == 1);

    // CompletingRebalance: b missed its answer and sends the same JoinGroup again.
    f.out.clear();
    f.join(1, b);
    r = f.joins();
    REQUIRE(r.size() == 1);
    CHECK(r[0].second.error == Error::none);
    CHECK(r[0].second.generation == 1);
    CHECK(r[0].second.leader == a);
    CHECK(r[0].second.member_id == b);
    CHECK(f.group().state == GroupState::completing_rebalance);

    // Stable: the same from the follower b, still at once and without a rebalance.
    f.send(Fixture::node(0), SyncGroupRequest{"g", 1, a, 50});
    REQUIRE(f.group().state == GroupState::stable);
    f.out.clear();
    f.join(1, b);
    r = f.joins();
    REQUIRE(r.size() == 1);
    CHECK(r[0].second.generation == 1);
    CHECK(f.group().state == GroupState::stable);
    CHECK(f.group().rebalances == 1);

    // Changed metadata (b now owns its partition of generation 1): a rebalance.
    f.out.clear();
    JoinGroupRequest changed = f.join_request(1, b);
    changed.owned = f.group().member(b)->assignment;
    changed.owned_generation = 1;
    f.send(Fixture::node(1), changed);
    CHECK(f.joins().empty());
    CHECK(f.group().state == GroupState::preparing_rebalance);
}

TEST_CASE("group coordinator: the leader rejoining a Stable group starts a rebalance even with unchanged metadata") {
    Fixture f;
    const auto r = first_generation(f);
    const std::string a = r[0].second.member_id;
    f.send(r[0].first, SyncGroupRequest{"g", 1, a, 50});
    REQUIRE(f.group().state == GroupState::stable);
    f.out.clear();
    f.join(0, a);
    CHECK(f.joins().empty());
    CHECK(f.group().state == GroupState::preparing_rebalance);
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

// ---- KIP-394: the member id is required ------------------------------------------------------

TEST_CASE(
    "group coordinator: a new member joins in two rounds, MEMBER_ID_REQUIRED naming it (KIP-394, "
    "GroupCoordinator.doDynamicNewMemberJoinGroup)") {
    Fixture f;
    f.send(Fixture::node(0), f.join_request(0));
    auto r = f.joins();
    REQUIRE(r.size() == 1);
    CHECK(r[0].second.error == Error::member_id_required);
    const std::string id = r[0].second.member_id;
    CHECK(id == "c0-1");  // clientId + "-" + a store counter where Kafka appends a UUID
    // Only a pending member so far: no member, no rebalance.
    CHECK(f.group().members.empty());
    CHECK(f.group().state == GroupState::empty);
    CHECK(f.group().pending_members.count(id) == 1);
    CHECK(f.out.all<GroupEventEffect>().empty());
    // The second JoinGroup, with the id, is a normal join.
    f.out.clear();
    f.send(Fixture::node(0), f.join_request(0, id));
    CHECK(f.group().pending_members.empty());
    CHECK(f.group().state == GroupState::preparing_rebalance);
    REQUIRE(f.group().member(id) != nullptr);
    f.advance(ms(3000));
    r = f.joins();
    REQUIRE(r.size() == 1);
    CHECK(r[0].second.error == Error::none);
    CHECK(r[0].second.member_id == id);
    CHECK(r[0].second.generation == 1);
}

TEST_CASE("group coordinator: a JoinGroup v0-v3 client (no KIP-394) gets its member id in its first answer") {
    Fixture f;
    JoinGroupRequest r = f.join_request(0);
    r.require_known_member_id = false;
    f.send(Fixture::node(0), r);
    CHECK(f.group().members.size() == 1);
    CHECK(f.group().state == GroupState::preparing_rebalance);
    f.advance(ms(3000));
    const auto j = f.joins();
    REQUIRE(j.size() == 1);
    CHECK(j[0].second.error == Error::none);
    CHECK(j[0].second.generation == 1);
}

TEST_CASE(
    "group coordinator: a pending member that never rejoins expires after its session.timeout.ms and stops "
    "holding up the rebalance (GroupMetadata.hasAllMembersJoined, removePendingMemberAndUpdateGroup)") {
    Fixture f;
    const std::string a = f.join(0);
    f.advance(ms(3000));
    f.send(Fixture::node(0), SyncGroupRequest{"g", 1, a, 50});
    REQUIRE(f.group().state == GroupState::stable);
    // Client 1 gets its id but never comes back.
    f.send(Fixture::node(1), f.join_request(1));
    REQUIRE(f.group().pending_members.size() == 1);
    CHECK(f.group().state == GroupState::stable);  // a pending member starts no rebalance
    // a rejoins: every member has joined, but a pending member is outstanding.
    f.out.clear();
    f.join(0, a);
    CHECK(f.group().state == GroupState::preparing_rebalance);
    f.advance(ms(9999));
    CHECK(f.joins().empty());
    f.send(Fixture::node(0), HeartbeatRequest{"g", 1, a, 51});  // a stays alive meanwhile
    f.advance(ms(1));  // 10 s after the first JoinGroup: the pending member is gone
    CHECK(f.group().pending_members.empty());
    const auto r = f.joins();
    REQUIRE(r.size() == 1);
    CHECK(r[0].second.member_id == a);
    CHECK(r[0].second.generation == 2);
    CHECK(f.group().members.size() == 1);
    // Its late second JoinGroup is refused: it must start again with an empty member id.
    f.out.clear();
    f.send(Fixture::node(1), f.join_request(1, "c1-2"));
    REQUIRE(f.joins().size() == 1);
    CHECK(f.joins()[0].second.error == Error::unknown_member_id);
}

// ---- KIP-345: static membership ---------------------------------------------------------------

namespace {
// Two static members, i0 (client 0) and i1 (client 1), Stable at generation 1.
std::pair<std::string, std::string> stable_static_group(Fixture& f) {
    // A static member joins in one round: no MEMBER_ID_REQUIRED (doStaticNewMemberJoinGroup).
    f.join(0, "", "i0");
    f.join(1, "", "i1");
    CHECK(f.out.sent<JoinGroupResponse>().empty());
    f.advance(ms(3000));  // a second member arrived in the delay: another 3 s
    f.advance(ms(3000));
    const auto r = f.joins();
    REQUIRE(r.size() == 2);
    CHECK(r[0].second.error == Error::none);
    const std::string ida = r[0].second.member_id, idb = r[1].second.member_id;
    CHECK(ida.rfind("i0-", 0) == 0);  // group.instance.id + "-" + ... (GroupMetadata.generateMemberId)
    CHECK(idb.rfind("i1-", 0) == 0);
    f.send(Fixture::node(0), SyncGroupRequest{"g", 1, ida, 60, "i0"});
    f.send(Fixture::node(1), SyncGroupRequest{"g", 1, idb, 61, "i1"});
    REQUIRE(f.group().state == GroupState::stable);
    f.out.clear();
    return {ida, idb};
}
}  // namespace

TEST_CASE(
    "group coordinator: a static member rejoining while Stable takes a new member id with its old assignment, "
    "no rebalance, and the old id is FENCED_INSTANCE_ID (KIP-345, updateStaticMemberAndRebalance)") {
    Fixture f;
    const auto [a, b] = stable_static_group(f);
    const std::vector<TopicPartition> owned = f.group().member(a)->assignment;
    REQUIRE(owned.size() == 2);  // range: i0 sorts first
    const std::int64_t rebalances = f.group().rebalances;
    // i0's process restarted: an empty member id, the same group.instance.id.
    f.now = f.now + ms(4000);
    f.send(Fixture::node(2), f.join_request(2, "", "i0"));
    const auto r = f.joins();
    REQUIRE(r.size() == 1);
    CHECK(r[0].first == Fixture::node(2));
    CHECK(r[0].second.error == Error::none);
    const std::string a2 = r[0].second.member_id;
    CHECK(a2 != a);
    CHECK(a2.rfind("i0-", 0) == 0);
    CHECK(r[0].second.generation == 1);  // the current generation: no bump
    CHECK(f.group().generation == 1);
    CHECK(f.group().state == GroupState::stable);
    CHECK(f.group().rebalances == rebalances);
    CHECK(f.group().member(a) == nullptr);
    CHECK(f.group().members.size() == 2);
    bool started = false;
    for (const auto& e : f.out.all<GroupEventEffect>())
        started = started || e.kind == GroupEventEffect::Kind::rebalance_started;
    CHECK(!started);
    // Its SyncGroup gets the old assignment.
    f.send(Fixture::node(2), SyncGroupRequest{"g", 1, a2, 70, "i0"});
    const auto sync = f.out.sent<SyncGroupResponse>();
    REQUIRE(sync.size() == 1);
    CHECK(sync[0].second.error == Error::none);
    CHECK(sync[0].second.assignment == owned);
    // The old member id is fenced (validateCurrentMember): heartbeat, commit, sync, rejoin.
    f.out.clear();
    f.send(Fixture::node(0), HeartbeatRequest{"g", 1, a, 71, "i0"});
    f.send(Fixture::node(0), OffsetCommitRequest{"g", 1, a, {{TopicPartition{0, 0}, 5}}, 72, "i0"});
    f.send(Fixture::node(0), SyncGroupRequest{"g", 1, a, 73, "i0"});
    f.send(Fixture::node(0), f.join_request(0, a, "i0"));
    CHECK(f.out.sent<HeartbeatResponse>().at(0).second.error == Error::fenced_instance_id);
    CHECK(f.out.sent<OffsetCommitResponse>().at(0).second.error == Error::fenced_instance_id);
    CHECK(f.out.sent<SyncGroupResponse>().at(0).second.error == Error::fenced_instance_id);
    CHECK(f.joins().at(0).second.error == Error::fenced_instance_id);
    CHECK(f.out.all<OffsetCommittedEffect>().empty());
    // The new id heartbeats fine, and the group is still Stable at generation 1.
    f.out.clear();
    f.send(Fixture::node(2), HeartbeatRequest{"g", 1, a2, 74, "i0"});
    CHECK(f.out.sent<HeartbeatResponse>().at(0).second.error == Error::none);
    CHECK(f.group().state == GroupState::stable);
    CHECK(f.group().generation == 1);
}

TEST_CASE(
    "group coordinator: a static member whose old id awaits a join answer is fenced at once "
    "(GroupMetadata.replaceStaticMember)") {
    Fixture f;
    const auto [a, b] = stable_static_group(f);
    f.rejoin(1, b, "i1", 1);  // b rejoins: PreparingRebalance, a has not rejoined yet
    f.join(0, a, "i0");
    REQUIRE(f.group().state == GroupState::completing_rebalance);  // both joined → generation 2
    f.out.clear();
    // Now i0 restarts while the group waits for SyncGroups: its old id is replaced, and a rebalance follows.
    f.send(Fixture::node(2), f.join_request(2, "", "i0"));
    CHECK(f.group().state == GroupState::preparing_rebalance);
    f.join(1, b, "i1");
    const auto r = f.joins();
    REQUIRE(r.size() == 2);
    CHECK(r[0].second.generation == 3);
    CHECK(r[0].second.member_id.rfind("i0-", 0) == 0);
    CHECK(r[0].second.member_id != a);
}

TEST_CASE(
    "group coordinator: a static member not back within session.timeout.ms is evicted and the group "
    "rebalances (onExpireHeartbeat)") {
    Fixture f;
    const auto [a, b] = stable_static_group(f);
    // Only i1 heartbeats; i0 sends nothing (its process is down, and static members send no LeaveGroup).
    for (int i = 0; i < 4; ++i) {
        f.now = f.now + ms(3000);
        f.send(Fixture::node(1), HeartbeatRequest{"g", 1, b, static_cast<std::uint64_t>(80 + i), "i1"});
        f.coord.on_timer(f.now, 0, f.out);
    }
    CHECK(f.group().member(a) == nullptr);
    CHECK(f.group().static_member("i0") == nullptr);
    CHECK(f.group().state == GroupState::preparing_rebalance);
    bool removed = false;
    for (const auto& e : f.out.all<GroupEventEffect>()) {
        removed = removed || (e.kind == GroupEventEffect::Kind::member_removed && e.text.find(a) == 0);
    }
    CHECK(removed);
    f.out.clear();
    f.join(1, b, "i1");
    const auto r = f.joins();
    REQUIRE(r.size() == 1);
    CHECK(r[0].second.generation == 2);
    CHECK(f.group().member(b)->assignment.size() == 3);
    // i0 coming back later is a new static member: it joins and triggers another rebalance.
    f.out.clear();
    f.send(Fixture::node(1), SyncGroupRequest{"g", 2, b, 90, "i1"});
    f.send(Fixture::node(2), f.join_request(2, "", "i0"));
    CHECK(f.group().state == GroupState::preparing_rebalance);
    CHECK(f.group().static_member("i0") != nullptr);
}

TEST_CASE(
    "group coordinator: a static member that misses a rebalance keeps its membership until its session expires "
    "(onCompleteJoin drops only dynamic members)") {
    Fixture f;
    // i0 with a session longer than the rebalance timeout.
    JoinGroupRequest r0 = f.join_request(0, "", "i0");
    r0.session_timeout = ms(120000);
    f.send(Fixture::node(0), r0);
    const std::string dyn = f.join(1);
    f.advance(ms(3000));
    f.advance(ms(3000));
    const auto first = f.joins();
    REQUIRE(first.size() == 2);
    const std::string a = first[0].second.member_id;
    f.send(Fixture::node(0), SyncGroupRequest{"g", 1, a, 60, "i0"});
    REQUIRE(f.group().state == GroupState::stable);
    // The dynamic member rejoins; i0 stays silent past the 60 s rebalance timeout.
    f.out.clear();
    f.rejoin(1, dyn, "", 1);
    for (int i = 0; i < 20; ++i) {
        f.now = f.now + ms(3000);
        f.coord.on_timer(f.now, 0, f.out);
    }
    const auto r = f.joins();
    REQUIRE(r.size() == 1);
    CHECK(r[0].second.member_id == dyn);
    CHECK(r[0].second.generation == 2);
    CHECK(r[0].second.leader == dyn);         // the leader that rejoined (maybeElectNewJoinedLeader)
    REQUIRE(f.group().member(a) != nullptr);  // still a member, with its partitions
    CHECK(f.group().members.size() == 2);
    CHECK(f.group().member(a)->assignment.size() == 2);  // range: the static member sorts first
}

TEST_CASE("group coordinator: static members sort first in the assignor's member order (KIP-345, RangeAssignor)") {
    Fixture f;
    const std::string d = f.join(0);  // dynamic "c0-1" joins first
    f.join(1, "", "z-instance");      // static
    f.advance(ms(3000));
    f.advance(ms(3000));
    REQUIRE(f.joins().size() == 2);
    const GroupMember* s = f.group().static_member("z-instance");
    REQUIRE(s != nullptr);
    CHECK(s->assignment == std::vector<TopicPartition>{TopicPartition{0, 0}, TopicPartition{0, 1}});
    CHECK(f.group().member(d)->assignment == std::vector<TopicPartition>{TopicPartition{0, 2}});
}

TEST_CASE("group coordinator: LeaveGroup by group.instance.id without a member id removes the static member") {
    Fixture f;
    const auto [a, b] = stable_static_group(f);
    f.send(Fixture::node(5), LeaveGroupRequest{"g", "", 95, "i0"});
    CHECK(f.out.sent<LeaveGroupResponse>().at(0).second.error == Error::none);
    CHECK(f.group().member(a) == nullptr);
    CHECK(f.group().state == GroupState::preparing_rebalance);
    // A LeaveGroup from a fenced (old) member id does nothing.
    f.out.clear();
    f.send(Fixture::node(1), LeaveGroupRequest{"g", "i1-stale", 96, "i1"});
    CHECK(f.out.sent<LeaveGroupResponse>().at(0).second.error == Error::fenced_instance_id);
    CHECK(f.group().member(b) != nullptr);
}
