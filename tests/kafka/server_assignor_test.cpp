// The KIP-848 broker-side assignors, ported from Kafka's own tests
// (group-coordinator/src/test/java/org/apache/kafka/coordinator/group/assignor/
// {OptimizedUniformAssignmentBuilderTest, UniformHeterogeneousAssignmentBuilderTest,
// RangeAssignorTest}.java, Kafka 4.0) with their exact expected assignments.
//
// Kafka's tests name topics by fixed Uuids; what those decide is reproduced
// through the slots (server_assignor.hpp): a new HashSet<Uuid> of
// T1-A4s3VTwiI5CTbEp6POw, T2-B4s3VTwiI5YHbPp6YUe, T3-CU8fVTLCz5YMkLoDQsa
// iterates T2, T3, T1 (Uuid.hashCode spread into 16 buckets: 1, 9, 10), so
// T2 = slot 0, T3 = 1, T1 = 2, T4 = 3; Uuid.compareTo orders them T1 < T2 <
// T3 < T4 (most significant bits), the id_rank. The members come in sorted
// order (the tests' TreeMap, or TestGroupSpecImpl's sorted memberIds()).
#include <doctest/doctest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "kafka/server_assignor.hpp"

using namespace ks::kafka;

namespace {

constexpr std::int32_t T2 = 0, T3 = 1, T1 = 2, T4 = 3;

// Topics by slot: partition counts (0: absent from the metadata).
ServerGroupSpec spec(std::map<std::int32_t, std::int32_t> partitions) {
    ServerGroupSpec s;
    const std::int64_t rank[] = {2, 3, 1, 4};  // slots T2, T3, T1, T4 → Uuid.compareTo order
    for (std::int32_t slot = 0; slot < 4; ++slot) {
        s.topics.push_back({partitions.contains(slot) ? partitions.at(slot) : 0, rank[slot]});
    }
    return s;
}

void add(ServerGroupSpec& s, const std::string& id, std::set<std::int32_t> topics, SlotAssignment previous = {},
         std::optional<std::string> instance = std::nullopt) {
    s.members.push_back({id, std::move(instance), std::move(topics), std::move(previous)});
}

const SlotAssignment& of(const ServerGroupSpec& s, const std::vector<SlotAssignment>& a, const std::string& id) {
    for (std::size_t i = 0; i < s.members.size(); ++i) {
        if (s.members[i].member_id == id) return a[i];
    }
    FAIL("no member " << id);
    static const SlotAssignment none;
    return none;
}

// OptimizedUniformAssignmentBuilderTest.checkValidityAndBalance: no partition
// twice, only subscribed topics, sizes within one.
void check_valid_and_balanced(const ServerGroupSpec& s, const std::vector<SlotAssignment>& a) {
    std::set<std::pair<std::int32_t, std::int32_t>> seen;
    std::size_t lo = SIZE_MAX, hi = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        std::size_t n = 0;
        for (const auto& [slot, parts] : a[i]) {
            CHECK(s.members[i].topics.contains(slot));
            for (auto p : parts) CHECK(seen.insert({slot, p}).second);
            n += parts.size();
        }
        lo = std::min(lo, n);
        hi = std::max(hi, n);
    }
    CHECK(hi - lo <= 1);
}

}  // namespace

// ---- OptimizedUniformAssignmentBuilderTest --------------------------------------------------------

TEST_CASE("uniform assignor: testOneMemberNoTopicSubscription gives nothing") {
    auto s = spec({{T1, 3}});
    add(s, "A", {});
    const auto a = server_assign(ServerAssignorKind::uniform, s);
    CHECK(of(s, a, "A").empty());
}

TEST_CASE("uniform assignor: testFirstAssignmentTwoMembersTwoTopicsNoMemberRacks") {
    auto s = spec({{T1, 3}, {T3, 2}});
    add(s, "A", {T1, T3});
    add(s, "B", {T1, T3});
    const auto a = server_assign(ServerAssignorKind::uniform, s);
    CHECK(of(s, a, "A") == SlotAssignment{{T1, {0}}, {T3, {0, 1}}});
    CHECK(of(s, a, "B") == SlotAssignment{{T1, {1, 2}}});
    check_valid_and_balanced(s, a);
}

TEST_CASE("uniform assignor: testFirstAssignmentNumMembersGreaterThanTotalNumPartitions") {
    auto s = spec({{T3, 2}});
    for (const char* m : {"A", "B", "C"}) add(s, m, {T3});
    const auto a = server_assign(ServerAssignorKind::uniform, s);
    CHECK(of(s, a, "A") == SlotAssignment{{T3, {0}}});
    CHECK(of(s, a, "B") == SlotAssignment{{T3, {1}}});
    CHECK(of(s, a, "C").empty());
}

TEST_CASE("uniform assignor: testValidityAndBalanceForLargeSampleSet (99 topics x 3, 49 members)") {
    ServerGroupSpec s;
    std::set<std::int32_t> all;
    for (std::int32_t t = 0; t < 99; ++t) {
        s.topics.push_back({3, t});
        all.insert(t);
    }
    for (int m = 1; m < 50; ++m) add(s, "member" + std::to_string(m), all);
    check_valid_and_balanced(s, server_assign(ServerAssignorKind::uniform, s));
}

TEST_CASE("uniform assignor: testReassignmentForTwoMembersTwoTopicsGivenUnbalancedPrevAssignment") {
    // The test's previous assignments are mkOrderedAssignment (topic1 first),
    // so here topic1 takes the lower slot: the member's topics use up its
    // quota in that order. Nothing is unassigned before the revocation, so
    // the HashSet order does not matter in this case.
    constexpr std::int32_t t1 = 0, t2 = 1;
    ServerGroupSpec s;
    s.topics = {{3, 1}, {3, 2}};
    add(s, "A", {t1, t2}, {{t1, {0, 1}}, {t2, {0, 1}}});
    add(s, "B", {t1, t2}, {{t1, {2}}, {t2, {2}}});
    const auto a = server_assign(ServerAssignorKind::uniform, s);
    CHECK(of(s, a, "A") == SlotAssignment{{t1, {0, 1}}, {t2, {0}}});
    CHECK(of(s, a, "B") == SlotAssignment{{t1, {2}}, {t2, {1, 2}}});
    check_valid_and_balanced(s, a);
}

TEST_CASE("uniform assignor: testReassignmentWhenPartitionsAreAddedForTwoMembersTwoTopics") {
    auto s = spec({{T1, 6}, {T2, 5}});
    add(s, "A", {T1, T2}, {{T1, {0, 2}}, {T2, {0}}});
    add(s, "B", {T1, T2}, {{T1, {1}}, {T2, {1, 2}}});
    const auto a = server_assign(ServerAssignorKind::uniform, s);
    CHECK(of(s, a, "A") == SlotAssignment{{T1, {0, 2, 3}}, {T2, {0, 3, 4}}});
    CHECK(of(s, a, "B") == SlotAssignment{{T1, {1, 4, 5}}, {T2, {1, 2}}});
    check_valid_and_balanced(s, a);
}

TEST_CASE("uniform assignor: testReassignmentWhenOneMemberAddedAfterInitialAssignmentWithTwoMembersTwoTopics") {
    // mkOrderedAssignment(topic1, topic2) again: topic1 in the lower slot.
    constexpr std::int32_t t1 = 0, t2 = 1;
    ServerGroupSpec s;
    s.topics = {{3, 1}, {3, 2}};
    add(s, "A", {t1, t2}, {{t1, {0, 2}}, {t2, {0}}});
    add(s, "B", {t1, t2}, {{t1, {1}}, {t2, {1, 2}}});
    add(s, "C", {t1, t2});
    const auto a = server_assign(ServerAssignorKind::uniform, s);
    CHECK(of(s, a, "A") == SlotAssignment{{t1, {0, 2}}});
    CHECK(of(s, a, "B") == SlotAssignment{{t1, {1}}, {t2, {1}}});
    CHECK(of(s, a, "C") == SlotAssignment{{t2, {0, 2}}});
    check_valid_and_balanced(s, a);
}

TEST_CASE("uniform assignor: testReassignmentWhenOneMemberRemovedAfterInitialAssignmentWithThreeMembersTwoTopics") {
    auto s = spec({{T1, 3}, {T2, 3}});
    add(s, "A", {T1, T2}, {{T1, {0}}, {T2, {0}}});
    add(s, "B", {T1, T2}, {{T1, {1}}, {T2, {1}}});
    const auto a = server_assign(ServerAssignorKind::uniform, s);
    CHECK(of(s, a, "A") == SlotAssignment{{T1, {0}}, {T2, {0, 2}}});
    CHECK(of(s, a, "B") == SlotAssignment{{T1, {1, 2}}, {T2, {1}}});
}

TEST_CASE("uniform assignor: testReassignmentWhenOneSubscriptionRemovedAfterInitialAssignmentWithTwoMembersTwoTopics") {
    auto s = spec({{T1, 2}, {T2, 2}});
    add(s, "A", {T2}, {{T1, {0}}, {T2, {0}}});
    add(s, "B", {T2}, {{T1, {1}}, {T2, {1}}});
    const auto a = server_assign(ServerAssignorKind::uniform, s);
    CHECK(of(s, a, "A") == SlotAssignment{{T2, {0}}});
    CHECK(of(s, a, "B") == SlotAssignment{{T2, {1}}});
}

// ---- UniformHeterogeneousAssignmentBuilderTest ----------------------------------------------------

TEST_CASE("uniform assignor: heterogeneous testFirstAssignmentTwoMembersTwoTopics") {
    auto s = spec({{T1, 3}, {T3, 6}});
    add(s, "A", {T1, T3});
    add(s, "B", {T3});
    CHECK_FALSE(homogeneous(s));
    const auto a = server_assign(ServerAssignorKind::uniform, s);
    CHECK(of(s, a, "A") == SlotAssignment{{T1, {0, 1, 2}}, {T3, {4}}});
    CHECK(of(s, a, "B") == SlotAssignment{{T3, {0, 1, 2, 3, 5}}});
}

TEST_CASE("uniform assignor: heterogeneous testFirstAssignmentNumMembersGreaterThanTotalNumPartitions") {
    auto s = spec({{T3, 1}, {T1, 2}});
    add(s, "A", {T3});
    add(s, "B", {T3});
    add(s, "C", {T1});
    const auto a = server_assign(ServerAssignorKind::uniform, s);
    CHECK(of(s, a, "A") == SlotAssignment{{T3, {0}}});
    CHECK(of(s, a, "B").empty());
    CHECK(of(s, a, "C") == SlotAssignment{{T1, {0, 1}}});
}

TEST_CASE("uniform assignor: heterogeneous testReassignmentForTwoMembersThreeTopicsGivenUnbalancedPrevAssignment") {
    auto s = spec({{T1, 6}, {T2, 4}, {T3, 4}});
    add(s, "A", {T1}, {{T1, {0, 1, 2}}});
    add(s, "B", {T1, T2}, {{T1, {3}}, {T2, {0}}});
    add(s, "C", {T1, T2, T3}, {{T1, {4, 5}}, {T2, {1, 2, 3}}, {T3, {0, 1, 2, 3}}});
    const auto a = server_assign(ServerAssignorKind::uniform, s);
    CHECK(of(s, a, "A") == SlotAssignment{{T1, {0, 1, 2, 5}}});
    CHECK(of(s, a, "B") == SlotAssignment{{T1, {3}}, {T2, {0, 1, 2, 3}}});
    CHECK(of(s, a, "C") == SlotAssignment{{T1, {4}}, {T3, {0, 1, 2, 3}}});
}

TEST_CASE("uniform assignor: heterogeneous testReassignmentWhenPartitionsAreAddedForTwoMembers") {
    auto s = spec({{T1, 6}, {T2, 5}, {T3, 3}, {T4, 3}});
    add(s, "A", {T1, T3}, {{T1, {0, 1, 2, 3}}, {T3, {0, 1}}});
    add(s, "B", {T1, T2, T3, T4}, {{T2, {0, 1, 2}}, {T4, {0, 1, 2}}});
    const auto a = server_assign(ServerAssignorKind::uniform, s);
    CHECK(of(s, a, "A") == SlotAssignment{{T1, {0, 1, 2, 3, 4, 5}}, {T3, {0, 1, 2}}});
    CHECK(of(s, a, "B") == SlotAssignment{{T2, {0, 1, 2, 3, 4}}, {T4, {0, 1, 2}}});
}

TEST_CASE("uniform assignor: heterogeneous testReassignmentWhenOneMemberAddedAndPartitionsAddedTwoMembersTwoTopics") {
    auto s = spec({{T1, 6}, {T2, 7}});
    add(s, "A", {T1}, {{T1, {0, 2}}, {T2, {0}}});
    add(s, "B", {T1, T2}, {{T1, {1}}, {T2, {1, 2}}});
    add(s, "C", {T1, T2});
    const auto a = server_assign(ServerAssignorKind::uniform, s);
    CHECK(of(s, a, "A") == SlotAssignment{{T1, {0, 2, 3, 4, 5}}});
    CHECK(of(s, a, "B") == SlotAssignment{{T1, {1}}, {T2, {1, 2, 6}}});
    CHECK(of(s, a, "C") == SlotAssignment{{T2, {0, 3, 4, 5}}});
}

TEST_CASE("uniform assignor: heterogeneous testReassignmentWhenOneMemberRemovedAfterInitialAssignment...") {
    auto s = spec({{T1, 3}, {T2, 8}, {T3, 3}});
    add(s, "A", {T1, T3}, {{T1, {0, 1, 2}}, {T3, {0, 1}}});
    add(s, "B", {T2}, {{T2, {3, 4, 5, 6}}});
    const auto a = server_assign(ServerAssignorKind::uniform, s);
    CHECK(of(s, a, "A") == SlotAssignment{{T1, {0, 1, 2}}, {T3, {0, 1, 2}}});
    CHECK(of(s, a, "B") == SlotAssignment{{T2, {0, 1, 2, 3, 4, 5, 6, 7}}});
}

TEST_CASE("uniform assignor: heterogeneous testReassignmentWhenOneSubscriptionRemovedAfterInitialAssignment...") {
    auto s = spec({{T1, 3}, {T2, 5}});
    add(s, "A", {T1}, {{T1, {0, 2}}, {T2, {1, 3}}});
    add(s, "B", {T1, T2}, {{T1, {1}}, {T2, {0, 2, 4}}});
    const auto a = server_assign(ServerAssignorKind::uniform, s);
    CHECK(of(s, a, "A") == SlotAssignment{{T1, {0, 1, 2}}});
    CHECK(of(s, a, "B") == SlotAssignment{{T2, {0, 1, 2, 3, 4}}});
}

TEST_CASE("uniform assignor: heterogeneous testReassignmentWhenTopicPartitionsRunOutAndMembersHaveNoPartitions") {
    // Kafka's test runs the heterogeneous builder on equal subscriptions.
    auto s = spec({{T1, 2}, {T2, 2}, {T3, 2}});
    add(s, "A", {T1, T2, T3}, {{T1, {0, 1}}, {T2, {0, 1}}, {T3, {0, 1}}});
    add(s, "B", {T1, T2, T3});
    const auto a = uniform_heterogeneous_assign(s);
    CHECK(of(s, a, "A") == SlotAssignment{{T2, {0}}, {T3, {0, 1}}});
    CHECK(of(s, a, "B") == SlotAssignment{{T1, {0, 1}}, {T2, {1}}});
}

TEST_CASE("uniform assignor: heterogeneous testFirstAssignmentWithTwoMembersIncludingOneWithoutSubscriptions") {
    auto s = spec({{T1, 3}});
    add(s, "A", {T1});
    add(s, "B", {});
    const auto a = server_assign(ServerAssignorKind::uniform, s);
    CHECK(of(s, a, "A") == SlotAssignment{{T1, {0, 1, 2}}});
    CHECK(of(s, a, "B").empty());
}

// ---- RangeAssignorTest ----------------------------------------------------------------------------

TEST_CASE("server range assignor: testFirstAssignmentThreeMembersThreeTopicsDifferentSubscriptions") {
    auto s = spec({{T1, 3}, {T2, 3}, {T3, 2}});
    add(s, "A", {T1, T2});
    add(s, "B", {T3});
    add(s, "C", {T2, T3});
    const auto a = server_assign(ServerAssignorKind::range, s);
    CHECK(of(s, a, "A") == SlotAssignment{{T1, {0, 1, 2}}, {T2, {0, 1}}});
    CHECK(of(s, a, "B") == SlotAssignment{{T3, {0}}});
    CHECK(of(s, a, "C") == SlotAssignment{{T2, {2}}, {T3, {1}}});
}

TEST_CASE("server range assignor: testFirstAssignmentNumMembersGreaterThanNumPartitions") {
    auto s = spec({{T1, 3}, {T3, 2}});
    for (const char* m : {"A", "B", "C"}) add(s, m, {T1, T3});
    const auto a = server_assign(ServerAssignorKind::range, s);
    CHECK(of(s, a, "A") == SlotAssignment{{T1, {0}}, {T3, {0}}});
    CHECK(of(s, a, "B") == SlotAssignment{{T1, {1}}, {T3, {1}}});
    CHECK(of(s, a, "C") == SlotAssignment{{T1, {2}}});
}

TEST_CASE("server range assignor: testMixedStaticMembership keeps each instance's range under a new member id") {
    auto first = spec({{T1, 5}});
    add(first, "A", {T1}, {}, "instanceA");
    add(first, "B", {T1});
    add(first, "C", {T1}, {}, "instanceC");
    const auto a = server_assign(ServerAssignorKind::range, first);
    auto second = spec({{T1, 5}});
    add(second, "B", {T1});
    add(second, "C", {T1}, {}, "instanceC");
    add(second, "memberA1", {T1}, {}, "instanceA");
    const auto b = server_assign(ServerAssignorKind::range, second);
    CHECK(of(first, a, "A") == of(second, b, "memberA1"));
    CHECK(of(first, a, "B") == of(second, b, "B"));
    CHECK(of(first, a, "C") == of(second, b, "C"));
    // Static members first, by instance id; then the dynamic one.
    CHECK(of(first, a, "A") == SlotAssignment{{T1, {0, 1}}});
    CHECK(of(first, a, "C") == SlotAssignment{{T1, {2, 3}}});
    CHECK(of(first, a, "B") == SlotAssignment{{T1, {4}}});
}

TEST_CASE("server assignors: names") {
    CHECK(parse_server_assignor_name("uniform") == ServerAssignorKind::uniform);
    CHECK(parse_server_assignor_name("range") == ServerAssignorKind::range);
    CHECK_FALSE(parse_server_assignor_name("cooperative-sticky"));
}
