// The consumer group protocol (KIP-848): CurrentAssignmentBuilder ported
// from Kafka's CurrentAssignmentBuilderTest (group-coordinator/src/test/java/
// org/apache/kafka/coordinator/group/modern/consumer/, Kafka 4.0) with its
// exact expected member states, and the coordinator's heartbeat handling
// driven by hand: revocation precedes assignment, a partition never has two
// owners, session and rebalance timeouts fence, a static member's -2 keeps
// its partitions, commits need the current member epoch.
#include <doctest/doctest.h>

#include <algorithm>
#include <set>

#include "kafka/consumer_group.hpp"
#include "kafka/group_coordinator.hpp"

using namespace ks;
using namespace ks::kafka;

namespace {

constexpr TopicIndex kT1 = 0, kT2 = 1;

TopicPartition tp(TopicIndex t, std::int32_t p) {
    return TopicPartition{t, p};
}

PartitionSet parts(std::initializer_list<std::pair<TopicIndex, std::initializer_list<std::int32_t>>> l) {
    PartitionSet s;
    for (const auto& [t, ps] : l) {
        for (std::int32_t p : ps) s.insert(tp(t, p));
    }
    return s;
}

ModernMember member(MemberState state, std::int32_t epoch, std::int32_t previous, PartitionSet assigned,
                    PartitionSet pending = {}) {
    ModernMember m;
    m.member_id = "member";
    m.state = state;
    m.member_epoch = epoch;
    m.previous_member_epoch = previous;
    m.assigned = std::move(assigned);
    m.pending_revocation = std::move(pending);
    return m;
}

// withCurrentPartitionEpoch: another member holding `held` at `epoch`.
ModernGroup holding(const PartitionSet& held, std::int32_t epoch) {
    ModernGroup g;
    ModernMember other;
    other.member_id = "other";
    other.member_epoch = epoch;
    other.assigned = held;
    g.members.push_back(other);
    return g;
}

void check_member(const ModernMember& m, MemberState state, std::int32_t epoch, std::int32_t previous,
                  const PartitionSet& assigned, const PartitionSet& pending = {}) {
    CHECK(m.state == state);
    CHECK(m.member_epoch == epoch);
    CHECK(m.previous_member_epoch == previous);
    CHECK(m.assigned == assigned);
    CHECK(m.pending_revocation == pending);
}

}  // namespace

// ---- CurrentAssignmentBuilderTest ------------------------------------------------------------------

TEST_CASE("reconcile: testStableToStable") {
    const auto m = member(MemberState::stable, 10, 10, parts({{kT1, {1, 2, 3}}, {kT2, {4, 5, 6}}}));
    const auto next = reconcile(m, 11, parts({{kT1, {1, 2, 3}}, {kT2, {4, 5, 6}}}), std::nullopt, ModernGroup{});
    check_member(next, MemberState::stable, 11, 10, parts({{kT1, {1, 2, 3}}, {kT2, {4, 5, 6}}}));
}

TEST_CASE("reconcile: testStableToStableWithNewPartitions") {
    const auto m = member(MemberState::stable, 10, 10, parts({{kT1, {1, 2, 3}}, {kT2, {4, 5, 6}}}));
    const auto next = reconcile(m, 11, parts({{kT1, {1, 2, 3, 4}}, {kT2, {4, 5, 6, 7}}}), std::nullopt, ModernGroup{});
    check_member(next, MemberState::stable, 11, 10, parts({{kT1, {1, 2, 3, 4}}, {kT2, {4, 5, 6, 7}}}));
}

TEST_CASE("reconcile: testStableToUnrevokedPartitions (revocation first, epoch kept)") {
    const auto m = member(MemberState::stable, 10, 10, parts({{kT1, {1, 2, 3}}, {kT2, {4, 5, 6}}}));
    const auto next = reconcile(m, 11, parts({{kT1, {2, 3, 4}}, {kT2, {5, 6, 7}}}), std::nullopt, ModernGroup{});
    check_member(next, MemberState::unrevoked_partitions, 10, 10, parts({{kT1, {2, 3}}, {kT2, {5, 6}}}),
                 parts({{kT1, {1}}, {kT2, {4}}}));
}

TEST_CASE("reconcile: testStableToUnreleasedPartitions (held elsewhere: withheld)") {
    const auto m = member(MemberState::stable, 10, 10, parts({{kT1, {1, 2, 3}}, {kT2, {4, 5, 6}}}));
    const auto group = holding(parts({{kT1, {4}}, {kT2, {7}}}), 10);
    const auto next = reconcile(m, 11, parts({{kT1, {1, 2, 3, 4}}, {kT2, {4, 5, 6, 7}}}), std::nullopt, group);
    check_member(next, MemberState::unreleased_partitions, 11, 10, parts({{kT1, {1, 2, 3}}, {kT2, {4, 5, 6}}}));
}

TEST_CASE("reconcile: testStableToUnreleasedPartitionsWithOwnedPartitionsNotHavingRevokedPartitions") {
    const auto m = member(MemberState::stable, 10, 10, parts({{kT1, {1, 2, 3}}, {kT2, {4, 5, 6}}}));
    const auto group = holding(parts({{kT2, {7}}}), 10);
    const auto next = reconcile(m, 11, parts({{kT1, {1, 2, 3}}, {kT2, {4, 5, 7}}}), PartitionSet{}, group);
    check_member(next, MemberState::unreleased_partitions, 11, 10, parts({{kT1, {1, 2, 3}}, {kT2, {4, 5}}}));
}

TEST_CASE("reconcile: testUnrevokedPartitionsToStable (once the member stops reporting them)") {
    const auto m = member(MemberState::unrevoked_partitions, 10, 10, parts({{kT1, {2, 3}}, {kT2, {5, 6}}}),
                          parts({{kT1, {1}}, {kT2, {4}}}));
    const auto next =
        reconcile(m, 11, parts({{kT1, {2, 3}}, {kT2, {5, 6}}}), parts({{kT1, {2, 3}}, {kT2, {5, 6}}}), ModernGroup{});
    check_member(next, MemberState::stable, 11, 10, parts({{kT1, {2, 3}}, {kT2, {5, 6}}}));
}

TEST_CASE("reconcile: testRemainsInUnrevokedPartitions (null or still-owning reports)") {
    const auto m = member(MemberState::unrevoked_partitions, 10, 10, parts({{kT1, {2, 3}}, {kT2, {5, 6}}}),
                          parts({{kT1, {1}}, {kT2, {4}}}));
    const auto target = parts({{kT1, {3}}, {kT2, {6}}});
    for (const std::optional<PartitionSet>& owned :
         {std::optional<PartitionSet>(), std::optional(parts({{kT1, {1, 2, 3}}, {kT2, {5, 6}}})),
          std::optional(parts({{kT1, {2, 3}}, {kT2, {4, 5, 6}}}))}) {
        const auto next = reconcile(m, 12, target, owned, ModernGroup{});
        check_member(next, MemberState::unrevoked_partitions, 10, 10, m.assigned, m.pending_revocation);
    }
}

// ---- the coordinator ------------------------------------------------------------------------------

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
    // "g" lives in offsets partition 3 → broker 1 coordinates it.
    Fixture() : coord(config(store), BrokerId(1)) {}

    static NodeId node(int client) { return NodeId(kFirstConsumerNode + client); }

    // One heartbeat; returns the coordinator's answer.
    ConsumerGroupHeartbeatResponse heartbeat(int client, const std::string& member_id, std::int32_t epoch,
                                             std::optional<std::vector<TopicPartition>> owned,
                                             const std::string& instance = "") {
        ConsumerGroupHeartbeatRequest r;
        r.group_id = "g";
        r.member_id = member_id;
        r.member_epoch = epoch;
        r.group_instance_id = instance;
        r.client_id = "c" + std::to_string(client);
        if (epoch == 0) {
            r.rebalance_timeout = ms(60000);
            r.topics = std::vector<TopicIndex>{0};
        }
        r.owned = std::move(owned);
        r.correlation = corr++;
        Outbox o;
        coord.on_message(now, node(client), r, live, o);
        for (auto& e : o.effects()) out.effects().push_back(e);
        const auto answers = o.sent<ConsumerGroupHeartbeatResponse>();
        REQUIRE(answers.size() == 1);
        return answers[0].second;
    }
    void advance(Duration d) {
        now = now + d;
        coord.on_timer(now, 0, out);
    }
    ModernGroup& group() { return store.groups.at("g").consumer; }
    std::vector<GroupEventEffect> events() const { return out.all<GroupEventEffect>(); }
};

std::vector<TopicPartition> all3() {
    return {tp(0, 0), tp(0, 1), tp(0, 2)};
}

// Members A (client 0) and B (client 1), A first; returns their ids. B ends
// UNRELEASED (waiting), A owes a revocation it has not acknowledged yet.
std::pair<std::string, std::string> two_members(Fixture& f) {
    const auto a = f.heartbeat(0, "", 0, std::vector<TopicPartition>{});
    REQUIRE(a.error == Error::none);
    CHECK(a.member_epoch == 1);
    REQUIRE(a.assignment);
    CHECK(*a.assignment == all3());
    CHECK(f.heartbeat(0, a.member_id, 1, all3()).error == Error::none);
    const auto b = f.heartbeat(1, "", 0, std::vector<TopicPartition>{});
    REQUIRE(b.error == Error::none);
    CHECK(b.member_epoch == 2);                            // the target's epoch ...
    CHECK(b.assignment == std::vector<TopicPartition>{});  // ... without the partition A still holds
    CHECK(f.group().member(b.member_id)->state == MemberState::unreleased_partitions);
    CHECK(f.heartbeat(1, b.member_id, 2, std::vector<TopicPartition>{}).assignment == std::nullopt);
    return {a.member_id, b.member_id};
}

}  // namespace

TEST_CASE("consumer group: a joining member gets a partition only after its owner acknowledged revoking it") {
    Fixture f;
    const auto [a, b] = two_members(f);
    // A learns what to give up; it stays in epoch 1 (UNREVOKED_PARTITIONS).
    const auto ra = f.heartbeat(0, a, 1, all3());
    CHECK(ra.member_epoch == 1);
    REQUIRE(ra.assignment);
    const ModernMember& ma = *f.group().member(a);
    CHECK(ma.state == MemberState::unrevoked_partitions);
    const PartitionSet moving = ma.pending_revocation;
    REQUIRE(!moving.empty());
    CHECK(ra.assignment->size() + moving.size() == 3);
    // B asks again: still withheld while A has not acknowledged.
    const auto rb = f.heartbeat(1, b, 2, std::vector<TopicPartition>{});
    CHECK((!rb.assignment || rb.assignment->empty()));
    for (const TopicPartition& p : moving) CHECK(f.group().partition_epoch(p) == 1);
    // A acknowledges (it reports only what it keeps): epoch 2, stable; the partitions are free.
    const auto ack = f.heartbeat(0, a, 1, *ra.assignment);
    CHECK(ack.member_epoch == 2);
    CHECK(f.group().member(a)->state == MemberState::stable);
    for (const TopicPartition& p : moving) CHECK(f.group().partition_epoch(p) == -1);
    // B's next heartbeat takes them.
    const auto rb2 = f.heartbeat(1, b, 2, std::vector<TopicPartition>{});
    REQUIRE(rb2.assignment);
    CHECK(*rb2.assignment == std::vector<TopicPartition>(moving.begin(), moving.end()));
    CHECK(f.group().state == ModernGroupState::stable);
    // One rebalance, announced then completed, the move visible in its assignment.
    const auto ev = f.events();
    CHECK(std::count_if(ev.begin(), ev.end(), [](const GroupEventEffect& e) {
              return e.kind == GroupEventEffect::Kind::rebalance_completed;
          }) == 2);  // the first member's, then this one
}

TEST_CASE("consumer group: a member that does not revoke within its rebalance timeout is fenced") {
    Fixture f;
    const auto [a, b] = two_members(f);
    f.heartbeat(0, a, 1, all3());  // asked to revoke: the rebalance timeout (60 s) starts
    f.now = f.now + s(40);
    f.heartbeat(1, b, 2, std::vector<TopicPartition>{});  // B keeps its session
    f.heartbeat(0, a, 1, all3());                         // A keeps its session but never revokes
    f.advance(s(21));
    CHECK(f.group().member(a) == nullptr);
    CHECK(f.group().group_epoch == 3);
    const auto rb = f.heartbeat(1, b, 2, std::vector<TopicPartition>{});
    REQUIRE(rb.assignment);
    CHECK(*rb.assignment == all3());
    CHECK(rb.member_epoch == 3);
}

TEST_CASE("consumer group: a silent member is fenced at group.consumer.session.timeout.ms") {
    Fixture f;
    const auto a = f.heartbeat(0, "", 0, std::vector<TopicPartition>{});
    f.advance(s(44));
    CHECK(f.group().member(a.member_id) != nullptr);
    f.advance(s(1));
    CHECK(f.group().member(a.member_id) == nullptr);
    CHECK(f.group().state == ModernGroupState::empty);
    // Its next heartbeat is answered UNKNOWN_MEMBER_ID: it joins again with epoch 0.
    CHECK(f.heartbeat(0, a.member_id, 1, all3()).error == Error::unknown_member_id);
}

TEST_CASE("consumer group: leaving with epoch -1 frees the partitions at once; a stale epoch is fenced") {
    Fixture f;
    const auto [a, b] = two_members(f);
    CHECK(f.heartbeat(1, b, 7, std::vector<TopicPartition>{}).error == Error::fenced_member_epoch);
    // (B is still a member: a fenced request changes nothing.)
    CHECK(f.heartbeat(0, a, kLeaveGroupMemberEpoch, std::nullopt).error == Error::none);
    CHECK(f.group().member(a) == nullptr);
    const auto rb = f.heartbeat(1, b, 2, std::vector<TopicPartition>{});
    REQUIRE(rb.assignment);
    CHECK(*rb.assignment == all3());
}

TEST_CASE("consumer group: a static member's leave (-2) keeps its partitions until it rejoins") {
    Fixture f;
    const auto s0 = f.heartbeat(0, "", 0, std::vector<TopicPartition>{}, "host-0");
    f.heartbeat(0, s0.member_id, 1, all3(), "host-0");
    CHECK(f.heartbeat(0, s0.member_id, kLeaveGroupStaticMemberEpoch, std::nullopt, "host-0").member_epoch ==
          kLeaveGroupStaticMemberEpoch);
    CHECK(f.group().group_epoch == 1);  // no rebalance
    CHECK(f.group().partition_epoch(tp(0, 0)) == kLeaveGroupStaticMemberEpoch);
    // The restarted process (a new member id) takes the instance's place and its partitions.
    const auto back = f.heartbeat(2, "", 0, std::vector<TopicPartition>{}, "host-0");
    CHECK(back.error == Error::none);
    CHECK(back.member_id != s0.member_id);
    REQUIRE(back.assignment);
    CHECK(*back.assignment == all3());
    CHECK(f.group().group_epoch == 1);
    // A second process with the same instance id while it is held: UNRELEASED_INSTANCE_ID.
    CHECK(f.heartbeat(3, "", 0, std::vector<TopicPartition>{}, "host-0").error == Error::unreleased_instance_id);
}

TEST_CASE("consumer group: OffsetCommit needs the member's current epoch (STALE_MEMBER_EPOCH)") {
    Fixture f;
    const auto a = f.heartbeat(0, "", 0, std::vector<TopicPartition>{});
    auto commit = [&](std::int32_t epoch) {
        OffsetCommitRequest r;
        r.group_id = "g";
        r.member_id = a.member_id;
        r.generation = epoch;
        r.offsets = {{tp(0, 0), 5}};
        r.correlation = f.corr++;
        Outbox o;
        f.coord.on_message(f.now, Fixture::node(0), r, f.live, o);
        return o.sent<OffsetCommitResponse>().at(0).second.error;
    };
    CHECK(commit(1) == Error::none);
    CHECK(commit(0) == Error::stale_member_epoch);
    CHECK(f.store.groups.at("g").offsets.at(tp(0, 0)) == 5);
}
