// StickyAssignor / CooperativeStickyAssignor, ported from Kafka's
// AbstractStickyAssignorTest, StickyAssignorTest and CooperativeStickyAssignorTest
// (Kafka 3.5+, run without racks) with their exact expected assignments.
// Kafka's `subscription(topics, i)` is a member with no owned partitions and no
// generation; `buildSubscriptionV2Above(topics, owned, generation, i)` sets both.
// Kafka compares with assertEquals(list) (order matters: CHECK_LIST) or
// assertEquals(new HashSet<>(...)) (CHECK_SET).
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "kafka/assignor.hpp"

using namespace ks::kafka;

namespace {

TopicPartition tp(const std::string& t, int p) {
    return {t, p};
}
using TPs = std::vector<TopicPartition>;

Subscription sub(const std::string& id, std::vector<std::string> topics, TPs owned = {},
                 std::int32_t generation = kDefaultGeneration) {
    Subscription s;
    s.member_id = id;
    s.topics = std::move(topics);
    s.owned_partitions = std::move(owned);
    s.generation = generation;
    return s;
}

const TPs& of(const GroupAssignment& a, const std::string& id) {
    for (const auto& m : a)
        if (m.member_id == id) return m.partitions;
    FAIL("no member " << id);
    static const TPs none;
    return none;
}

std::vector<std::string> strs(TPs v, bool sorted) {
    std::vector<std::string> out;
    for (const auto& x : v) out.push_back(x.str());
    if (sorted) std::sort(out.begin(), out.end());
    return out;
}

std::vector<std::string> transfer_strs(const StickyResult& r) {
    std::vector<std::string> out;
    REQUIRE(r.transferring.has_value());
    for (const auto& [t, c] : *r.transferring) out.push_back(t.str() + "->" + c);
    std::sort(out.begin(), out.end());
    return out;
}

#define CHECK_LIST(actual, ...) CHECK(strs(actual, false) == strs(TPs{__VA_ARGS__}, false))
#define CHECK_SET(actual, ...) CHECK(strs(actual, true) == strs(TPs{__VA_ARGS__}, true))

const std::string topic = "topic", topic1 = "topic1", topic2 = "topic2", topic3 = "topic3";
const std::string consumer1 = "consumer1", consumer2 = "consumer2", consumer3 = "consumer3", consumer4 = "consumer4";
const std::int32_t generationId = 1;

bool fully_balanced(const GroupAssignment& a) {
    std::size_t lo = SIZE_MAX, hi = 0;
    for (const auto& m : a) {
        lo = std::min(lo, m.partitions.size());
        hi = std::max(hi, m.partitions.size());
    }
    return a.empty() || hi <= lo + 1;
}

}  // namespace

// ------------------------------------------------ AbstractStickyAssignorTest (both)

TEST_CASE("sticky: AbstractStickyAssignorTest.testOneConsumerOneTopic / testOneConsumerMultipleTopics") {
    for (auto* f : {&sticky_assign, &cooperative_sticky_assign}) {
        auto r = (*f)({{topic, 3}}, {sub("consumer", {topic})});
        CHECK_LIST(of(r.assignment, "consumer"), tp(topic, 0), tp(topic, 1), tp(topic, 2));
        CHECK(r.transferring->empty());
        r = (*f)({{topic1, 1}, {topic2, 2}}, {sub("consumer", {topic1, topic2})});
        CHECK_LIST(of(r.assignment, "consumer"), tp(topic1, 0), tp(topic2, 0), tp(topic2, 1));
    }
}

TEST_CASE("sticky: AbstractStickyAssignorTest.testOnlyAssignsPartitionsFromSubscribedTopics") {
    for (auto* f : {&sticky_assign, &cooperative_sticky_assign}) {
        auto r = (*f)({{topic, 2}}, {sub("consumer", {topic},
                                         {tp(topic, 0), tp(topic, 1), tp("other", 0), tp("other", 1)}, generationId)});
        CHECK_LIST(of(r.assignment, "consumer"), tp(topic, 0), tp(topic, 1));
        CHECK(r.transferring->empty());
    }
}

TEST_CASE("sticky: AbstractStickyAssignorTest.testTwoConsumersOneTopicTwoPartitions") {
    auto r = sticky_assign({{topic, 2}}, {sub(consumer1, {topic}), sub(consumer2, {topic})});
    CHECK_LIST(of(r.assignment, consumer1), tp(topic, 0));
    CHECK_LIST(of(r.assignment, consumer2), tp(topic, 1));
}

TEST_CASE("sticky: AbstractStickyAssignorTest.testMultipleConsumersMixedTopicSubscriptions (general path)") {
    for (auto* f : {&sticky_assign, &cooperative_sticky_assign}) {
        auto r = (*f)({{topic1, 3}, {topic2, 2}},
                      {sub(consumer1, {topic1}), sub(consumer2, {topic1, topic2}), sub(consumer3, {topic1})});
        CHECK_LIST(of(r.assignment, consumer1), tp(topic1, 0), tp(topic1, 2));
        CHECK_LIST(of(r.assignment, consumer2), tp(topic2, 0), tp(topic2, 1));
        CHECK_LIST(of(r.assignment, consumer3), tp(topic1, 1));
        CHECK_FALSE(r.transferring.has_value());
        CHECK_FALSE(r.constrained_path);
    }
}

TEST_CASE("sticky: AbstractStickyAssignorTest.testTwoConsumersTwoTopicsSixPartitions") {
    for (auto* f : {&sticky_assign, &cooperative_sticky_assign}) {
        auto r = (*f)({{topic1, 3}, {topic2, 3}}, {sub(consumer1, {topic1, topic2}), sub(consumer2, {topic1, topic2})});
        CHECK_LIST(of(r.assignment, consumer1), tp(topic1, 0), tp(topic1, 2), tp(topic2, 1));
        CHECK_LIST(of(r.assignment, consumer2), tp(topic1, 1), tp(topic2, 0), tp(topic2, 2));
    }
}

TEST_CASE("sticky: AbstractStickyAssignorTest.testConsumerOwningMinQuotaExpectedMaxQuota") {
    for (auto* f : {&sticky_assign, &cooperative_sticky_assign}) {
        std::vector<std::string> ts = {topic1, topic2};
        auto r = (*f)({{topic1, 2}, {topic2, 3}}, {sub(consumer1, ts, {tp(topic1, 0), tp(topic2, 1)}, generationId),
                                                   sub(consumer2, ts, {tp(topic1, 1), tp(topic2, 2)}, generationId)});
        CHECK_LIST(of(r.assignment, consumer1), tp(topic1, 0), tp(topic2, 1), tp(topic2, 0));
        CHECK_LIST(of(r.assignment, consumer2), tp(topic1, 1), tp(topic2, 2));
        CHECK(r.transferring->empty());
    }
}

TEST_CASE("sticky: AbstractStickyAssignorTest.testMaxQuotaConsumerMoreThanNumExpectedMaxCapacityMembers") {
    std::vector<std::string> ts = {topic1, topic2};
    std::vector<Subscription> members = {sub(consumer1, ts, {tp(topic1, 0), tp(topic2, 0)}, generationId),
                                         sub(consumer2, ts, {tp(topic1, 1), tp(topic2, 1)}, generationId),
                                         sub(consumer3, ts, {}, generationId)};
    auto r = sticky_assign({{topic1, 2}, {topic2, 2}}, members);
    CHECK(transfer_strs(r) == std::vector<std::string>{"topic2-0->consumer3"});
    CHECK_LIST(of(r.assignment, consumer1), tp(topic1, 0));
    CHECK_LIST(of(r.assignment, consumer2), tp(topic1, 1), tp(topic2, 1));
    CHECK_LIST(of(r.assignment, consumer3), tp(topic2, 0));
    // Cooperative: topic2-0 changes owner, so it is withheld this round.
    auto c = cooperative_sticky_assign({{topic1, 2}, {topic2, 2}}, members);
    CHECK(of(c.assignment, consumer3).empty());
    CHECK_LIST(of(c.assignment, consumer1), tp(topic1, 0));
}

TEST_CASE("sticky: AbstractStickyAssignorTest.testAllConsumersAreUnderMinQuota") {
    std::vector<std::string> ts = {topic1, topic2};
    for (auto* f : {&sticky_assign, &cooperative_sticky_assign}) {
        auto r = (*f)({{topic1, 2}, {topic2, 3}},
                      {sub(consumer1, ts, {tp(topic1, 0)}, generationId),
                       sub(consumer2, ts, {tp(topic1, 1)}, generationId), sub(consumer3, ts, {}, generationId)});
        CHECK(r.transferring->empty());
        CHECK_LIST(of(r.assignment, consumer1), tp(topic1, 0), tp(topic2, 1));
        CHECK_LIST(of(r.assignment, consumer2), tp(topic1, 1), tp(topic2, 2));
        CHECK_LIST(of(r.assignment, consumer3), tp(topic2, 0));
    }
}

TEST_CASE("sticky: AbstractStickyAssignorTest.testAddRemoveConsumerOneTopic") {
    auto r = sticky_assign({{topic, 3}}, {sub(consumer1, {topic})});
    CHECK_LIST(of(r.assignment, consumer1), tp(topic, 0), tp(topic, 1), tp(topic, 2));
    r = sticky_assign({{topic, 3}}, {sub(consumer1, {topic}, of(r.assignment, consumer1), generationId),
                                     sub(consumer2, {topic}, {}, generationId)});
    CHECK(transfer_strs(r) == std::vector<std::string>{"topic-2->consumer2"});
    CHECK_LIST(of(r.assignment, consumer1), tp(topic, 0), tp(topic, 1));
    CHECK_LIST(of(r.assignment, consumer2), tp(topic, 2));
    r = sticky_assign({{topic, 3}}, {sub(consumer2, {topic}, of(r.assignment, consumer2), generationId)});
    CHECK_SET(of(r.assignment, consumer2), tp(topic, 2), tp(topic, 1), tp(topic, 0));
}

TEST_CASE("sticky: AbstractStickyAssignorTest.testAddRemoveTwoConsumersTwoTopics (StickyAssignor)") {
    std::vector<std::string> all = {topic1, topic2};
    const PartitionsPerTopic ppt = {{topic1, 3}, {topic2, 4}};
    auto r = sticky_assign(ppt, {sub(consumer1, all), sub(consumer2, all)});
    CHECK_LIST(of(r.assignment, consumer1), tp(topic1, 0), tp(topic1, 2), tp(topic2, 1), tp(topic2, 3));
    CHECK_LIST(of(r.assignment, consumer2), tp(topic1, 1), tp(topic2, 0), tp(topic2, 2));

    r = sticky_assign(ppt, {sub(consumer1, all, of(r.assignment, consumer1), generationId),
                            sub(consumer2, all, of(r.assignment, consumer2), generationId),
                            sub(consumer3, all, {}, generationId), sub(consumer4, all, {}, generationId)});
    CHECK(transfer_strs(r) ==
          std::vector<std::string>{"topic1-2->consumer3", "topic2-2->consumer4", "topic2-3->consumer3"});
    CHECK_LIST(of(r.assignment, consumer1), tp(topic1, 0), tp(topic2, 1));
    CHECK_LIST(of(r.assignment, consumer2), tp(topic2, 0), tp(topic1, 1));
    CHECK_LIST(of(r.assignment, consumer3), tp(topic1, 2), tp(topic2, 3));
    CHECK_LIST(of(r.assignment, consumer4), tp(topic2, 2));

    r = sticky_assign(ppt, {sub(consumer3, all, of(r.assignment, consumer3), generationId),
                            sub(consumer4, all, of(r.assignment, consumer4), generationId)});
    CHECK_LIST(of(r.assignment, consumer3), tp(topic1, 2), tp(topic2, 3), tp(topic1, 0), tp(topic2, 1));
    CHECK_LIST(of(r.assignment, consumer4), tp(topic2, 2), tp(topic1, 1), tp(topic2, 0));
    CHECK(r.transferring->empty());
}

TEST_CASE("sticky: AbstractStickyAssignorTest.testAllConsumersReachExpectedQuotaAndAreConsideredFilled") {
    for (auto* f : {&sticky_assign, &cooperative_sticky_assign}) {
        auto r = (*f)({{topic, 4}}, {sub(consumer1, {topic}, {tp(topic, 0), tp(topic, 1)}, generationId),
                                     sub(consumer2, {topic}, {tp(topic, 2)}, generationId),
                                     sub(consumer3, {topic}, {}, generationId)});
        CHECK_LIST(of(r.assignment, consumer1), tp(topic, 0), tp(topic, 1));
        CHECK_LIST(of(r.assignment, consumer2), tp(topic, 2));
        CHECK_LIST(of(r.assignment, consumer3), tp(topic, 3));
        CHECK(r.transferring->empty());
    }
}

TEST_CASE(
    "sticky: AbstractStickyAssignorTest.testOwnedPartitionsAreInvalidatedForConsumerWithStaleGeneration / "
    "NoGeneration") {
    for (std::int32_t stale : {9, kDefaultGeneration}) {
        for (auto* f : {&sticky_assign, &cooperative_sticky_assign}) {
            std::vector<std::string> ts = {topic, topic2};
            TPs owned = {tp(topic, 0), tp(topic, 2), tp(topic2, 1)};
            auto r = (*f)({{topic, 3}, {topic2, 3}}, {sub(consumer1, ts, owned, 10), sub(consumer2, ts, owned, stale)});
            CHECK_SET(of(r.assignment, consumer1), tp(topic, 0), tp(topic, 2), tp(topic2, 1));
            CHECK_SET(of(r.assignment, consumer2), tp(topic, 1), tp(topic2, 0), tp(topic2, 2));
            CHECK(r.transferring->empty());
        }
    }
}

TEST_CASE(
    "sticky: "
    "AbstractStickyAssignorTest."
    "testPartitionsTransferringOwnershipIncludeThePartitionClaimedByMultipleConsumersInSameGeneration") {
    auto r = sticky_assign({{topic, 3}}, {sub(consumer1, {topic}, {tp(topic, 0), tp(topic, 1)}, generationId),
                                          sub(consumer2, {topic}, {tp(topic, 0), tp(topic, 2)}, generationId),
                                          sub(consumer3, {topic}, {}, generationId)});
    CHECK(transfer_strs(r) == std::vector<std::string>{"topic-0->consumer3"});
    CHECK_LIST(of(r.assignment, consumer1), tp(topic, 1));
    CHECK_LIST(of(r.assignment, consumer2), tp(topic, 2));
    CHECK_LIST(of(r.assignment, consumer3), tp(topic, 0));
}

TEST_CASE("sticky: AbstractStickyAssignorTest.testEnsurePartitionsAssignedToHighestGeneration") {
    for (auto* f : {&sticky_assign, &cooperative_sticky_assign}) {
        std::vector<std::string> ts = {topic, topic2, topic3};
        auto r = (*f)({{topic, 3}, {topic2, 3}, {topic3, 3}},
                      {sub(consumer1, ts, {tp(topic, 0), tp(topic2, 0), tp(topic3, 0)}, 10),
                       sub(consumer2, ts, {tp(topic, 1), tp(topic2, 1), tp(topic3, 1)}, 9),
                       sub(consumer3, ts, {tp(topic2, 1), tp(topic3, 0), tp(topic3, 2)}, 8)});
        CHECK_SET(of(r.assignment, consumer1), tp(topic, 0), tp(topic2, 0), tp(topic3, 0));
        CHECK_SET(of(r.assignment, consumer2), tp(topic, 1), tp(topic2, 1), tp(topic3, 1));
        CHECK_SET(of(r.assignment, consumer3), tp(topic, 2), tp(topic2, 2), tp(topic3, 2));
        CHECK(r.transferring->empty());
    }
}

TEST_CASE("sticky: AbstractStickyAssignorTest.testNoReassignmentOnCurrentMembers") {
    for (auto* f : {&sticky_assign, &cooperative_sticky_assign}) {
        std::vector<std::string> ts = {topic, topic2, topic3, topic1};
        auto r = (*f)({{topic, 3}, {topic1, 3}, {topic2, 3}, {topic3, 3}},
                      {sub(consumer1, ts, {}, kDefaultGeneration),
                       sub(consumer2, ts, {tp(topic, 0), tp(topic2, 0), tp(topic1, 0)}, 9),
                       sub(consumer3, ts, {tp(topic3, 2), tp(topic2, 2), tp(topic1, 1)}, 8),
                       sub(consumer4, ts, {tp(topic3, 1), tp(topic, 1), tp(topic, 2)}, 7)});
        CHECK_SET(of(r.assignment, consumer1), tp(topic1, 2), tp(topic2, 1), tp(topic3, 0));
        CHECK(r.transferring->empty());
        CHECK(fully_balanced(r.assignment));
    }
}

TEST_CASE("sticky: AbstractStickyAssignorTest.testOwnedPartitionsAreInvalidatedForConsumerWithMultipleGeneration") {
    for (auto* f : {&sticky_assign, &cooperative_sticky_assign}) {
        std::vector<std::string> ts = {topic, topic2};
        auto r = (*f)({{topic, 3}, {topic2, 3}}, {sub(consumer1, ts, {tp(topic, 0), tp(topic2, 1), tp(topic, 1)}, 10),
                                                  sub(consumer2, ts, {tp(topic, 0), tp(topic2, 1), tp(topic2, 2)}, 8)});
        CHECK_SET(of(r.assignment, consumer1), tp(topic, 0), tp(topic2, 1), tp(topic, 1));
        CHECK_SET(of(r.assignment, consumer2), tp(topic, 2), tp(topic2, 2), tp(topic2, 0));
    }
}

TEST_CASE(
    "sticky: AbstractStickyAssignorTest.testAssignmentUpdatedForDeletedTopic / "
    "testNoExceptionThrownWhenOnlySubscribedTopicDeleted") {
    auto r = sticky_assign({{topic1, 1}, {topic3, 100}}, {sub("consumer", {topic1, topic2, topic3})});
    CHECK(of(r.assignment, "consumer").size() == 101);
    r = sticky_assign({}, {sub("consumer", {topic}, {tp(topic, 0), tp(topic, 1), tp(topic, 2)}, generationId)});
    CHECK(of(r.assignment, "consumer").empty());
}

TEST_CASE(
    "sticky: AbstractStickyAssignorTest.testReassignmentAfterOneConsumerLeaves and testStickiness are balanced and "
    "sticky") {
    // testStickiness: 4 consumers, 3 partitions; drop consumer1; the others keep theirs.
    std::vector<Subscription> members = {sub(consumer1, {topic1}), sub(consumer2, {topic1}), sub(consumer3, {topic1}),
                                         sub(consumer4, {topic1})};
    auto r = sticky_assign({{topic1, 3}}, members);
    for (const auto& m : r.assignment) CHECK(m.partitions.size() <= 1);
    std::vector<Subscription> next;
    for (std::size_t i = 1; i < members.size(); ++i)
        next.push_back(sub(members[i].member_id, {topic1}, of(r.assignment, members[i].member_id), generationId));
    auto r2 = sticky_assign({{topic1, 3}}, next);
    for (const auto& s : next) {
        REQUIRE(of(r2.assignment, s.member_id).size() == 1);
        if (!s.owned_partitions.empty()) CHECK(of(r2.assignment, s.member_id) == s.owned_partitions);
    }
}

// ------------------------------------------------------- CooperativeStickyAssignorTest

TEST_CASE(
    "cooperative-sticky: "
    "CooperativeStickyAssignorTest."
    "testAllConsumersHaveOwnedPartitionInvalidatedWhenClaimedByMultipleConsumersInSameGenerationWithEqualPartitionsPerC"
    "onsumer") {
    auto r =
        cooperative_sticky_assign({{topic, 3}}, {sub(consumer1, {topic}, {tp(topic, 0), tp(topic, 1)}, generationId),
                                                 sub(consumer2, {topic}, {tp(topic, 0), tp(topic, 2)}, generationId),
                                                 sub(consumer3, {topic}, {}, generationId)});
    CHECK_LIST(of(r.assignment, consumer1), tp(topic, 1));
    CHECK_LIST(of(r.assignment, consumer2), tp(topic, 2));
    CHECK(of(r.assignment, consumer3).empty());
}

TEST_CASE(
    "cooperative-sticky: "
    "CooperativeStickyAssignorTest."
    "testAllConsumersHaveOwnedPartitionInvalidatedWhenClaimedByMultipleConsumersInSameGenerationWithUnequalPartitionsPe"
    "rConsumer") {
    auto r =
        cooperative_sticky_assign({{topic, 4}}, {sub(consumer1, {topic}, {tp(topic, 0), tp(topic, 1)}, generationId),
                                                 sub(consumer2, {topic}, {tp(topic, 0), tp(topic, 2)}, generationId),
                                                 sub(consumer3, {topic}, {}, generationId)});
    CHECK_LIST(of(r.assignment, consumer1), tp(topic, 1), tp(topic, 3));
    CHECK_LIST(of(r.assignment, consumer2), tp(topic, 2));
    CHECK(of(r.assignment, consumer3).empty());
}

TEST_CASE("cooperative-sticky: CooperativeStickyAssignorTest.testAssignorWithOldVersionSubscriptions") {
    auto r = cooperative_sticky_assign({{topic1, 3}}, {sub(consumer1, {topic1}, {tp(topic1, 0)}, generationId),
                                                       sub(consumer2, {topic1}, {tp(topic1, 1)}, generationId),
                                                       sub(consumer3, {topic1}, {}, generationId)});
    CHECK_LIST(of(r.assignment, consumer1), tp(topic1, 0));
    CHECK_LIST(of(r.assignment, consumer2), tp(topic1, 1));
    CHECK_LIST(of(r.assignment, consumer3), tp(topic1, 2));
}

TEST_CASE(
    "cooperative-sticky: a move takes two rebalances (CooperativeStickyAssignorTest.verifyValidityAndBalance loop)") {
    // testAddRemoveConsumerOneTopic under the cooperative assignor: the new member
    // gets nothing until consumer1 has revoked topic-2, then gets it.
    auto r = cooperative_sticky_assign(
        {{topic, 3}}, {sub(consumer1, {topic}, {tp(topic, 0), tp(topic, 1), tp(topic, 2)}, generationId),
                       sub(consumer2, {topic}, {}, generationId)});
    CHECK_LIST(of(r.assignment, consumer1), tp(topic, 0), tp(topic, 1));
    CHECK(of(r.assignment, consumer2).empty());
    r = cooperative_sticky_assign({{topic, 3}}, {sub(consumer1, {topic}, of(r.assignment, consumer1), generationId),
                                                 sub(consumer2, {topic}, {}, generationId)});
    CHECK_LIST(of(r.assignment, consumer1), tp(topic, 0), tp(topic, 1));
    CHECK_LIST(of(r.assignment, consumer2), tp(topic, 2));
}

TEST_CASE("cooperative-sticky: general path computes the transfers itself (computePartitionsTransferringOwnership)") {
    // consumer2 subscribes to more topics -> general path; topic1 partitions move
    // from consumer1 to consumer2 only after consumer1 revokes them.
    auto r = cooperative_sticky_assign(
        {{topic1, 4}, {topic2, 1}},
        {sub(consumer1, {topic1}, {tp(topic1, 0), tp(topic1, 1), tp(topic1, 2), tp(topic1, 3)}, generationId),
         sub(consumer2, {topic1, topic2}, {}, generationId)});
    CHECK_FALSE(r.transferring.has_value());
    const auto s = sticky_assign(
        {{topic1, 4}, {topic2, 1}},
        {sub(consumer1, {topic1}, {tp(topic1, 0), tp(topic1, 1), tp(topic1, 2), tp(topic1, 3)}, generationId),
         sub(consumer2, {topic1, topic2}, {}, generationId)});
    // The eager result moves one topic1 partition to consumer2; cooperative withholds it.
    CHECK(of(s.assignment, consumer2).size() == 2);
    CHECK_LIST(of(r.assignment, consumer2), tp(topic2, 0));
    CHECK(of(r.assignment, consumer1).size() == 3);
}

// ------------------------------------------------------------- StickyAssignorTest

TEST_CASE("sticky: StickyAssignor userData regroups owned partitions by topic in HashMap order") {
    // CollectionUtils.groupPartitionsByTopic: HashMap<String, List<Integer>>;
    // "topic1" is bucket 0, "topic3" bucket 6, "topic" bucket 9.
    CHECK(strs(sticky_user_data_order({tp(topic, 1), tp(topic3, 0), tp(topic1, 2), tp(topic, 0)}), false) ==
          std::vector<std::string>{"topic1-2", "topic3-0", "topic-1", "topic-0"});
    CHECK(strs(consumer_protocol_order({tp(topic, 1), tp(topic3, 0), tp(topic, 0)}), false) ==
          std::vector<std::string>{"topic-1", "topic-0", "topic3-0"});
}

TEST_CASE("sticky: StickyAssignor javadoc example 1 (initial assignment)") {
    // Only the first step: the javadoc's "C1 leaves" outcome predates the
    // constrained algorithm (KAFKA-9987) and is not what Kafka 3.x computes.
    std::vector<std::string> all = {"t0", "t1", "t2", "t3"};
    const PartitionsPerTopic ppt = {{"t0", 2}, {"t1", 2}, {"t2", 2}, {"t3", 2}};
    auto r = sticky_assign(ppt, {sub("C0", all), sub("C1", all), sub("C2", all)});
    CHECK_SET(of(r.assignment, "C0"), tp("t0", 0), tp("t1", 1), tp("t3", 0));
    CHECK_SET(of(r.assignment, "C1"), tp("t0", 1), tp("t2", 0), tp("t3", 1));
    CHECK_SET(of(r.assignment, "C2"), tp("t1", 0), tp("t2", 1));
}

TEST_CASE("sticky: StickyAssignor javadoc example 2 (unequal subscriptions, then C0 leaves)") {
    const PartitionsPerTopic ppt = {{"t0", 1}, {"t1", 2}, {"t2", 3}};
    auto r = sticky_assign(ppt, {sub("C0", {"t0"}), sub("C1", {"t0", "t1"}), sub("C2", {"t0", "t1", "t2"})});
    CHECK_SET(of(r.assignment, "C0"), tp("t0", 0));
    CHECK_SET(of(r.assignment, "C1"), tp("t1", 0), tp("t1", 1));
    CHECK_SET(of(r.assignment, "C2"), tp("t2", 0), tp("t2", 1), tp("t2", 2));
    auto r2 = sticky_assign(ppt, {sub("C1", {"t0", "t1"}, of(r.assignment, "C1"), 1),
                                  sub("C2", {"t0", "t1", "t2"}, of(r.assignment, "C2"), 1)});
    CHECK_SET(of(r2.assignment, "C1"), tp("t1", 0), tp("t1", 1), tp("t0", 0));
    CHECK_SET(of(r2.assignment, "C2"), tp("t2", 0), tp("t2", 1), tp("t2", 2));
}

// ------------------------------------------------ validity (verifyValidityAndBalance)

TEST_CASE(
    "sticky: AbstractStickyAssignorTest.testReassignmentWithRandomSubscriptionsAndChanges (validity, fixed seed)") {
    std::uint64_t state = 42;
    auto next = [&](std::uint64_t n) {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        return (state >> 33) % n;
    };
    for (int round = 0; round < 60; ++round) {
        const int num_topics = 2 + static_cast<int>(next(6));
        std::map<std::string, std::int32_t> metadata;
        std::vector<std::string> topics;
        for (int t = 0; t < num_topics; ++t) {
            topics.push_back("t" + std::to_string(t));
            metadata[topics.back()] = 1 + static_cast<std::int32_t>(next(6));
        }
        std::vector<Subscription> members;
        const int n = 2 + static_cast<int>(next(8));
        for (int c = 0; c < n; ++c) {
            std::vector<std::string> ts;
            for (const auto& t : topics)
                if (next(2) == 0 || ts.empty()) ts.push_back(t);
            members.push_back(sub("c" + std::to_string(c), ts));
        }
        for (int step = 0; step < 3; ++step) {
            // As the leader builds it: only subscribed topics (AbstractPartitionAssignor.assign).
            const PartitionsPerTopic ppt = partitions_per_topic_from_metadata(metadata, members);
            for (auto* f : {&sticky_assign, &cooperative_sticky_assign}) {
                const auto r = (*f)(ppt, members);
                std::map<std::string, int> seen;
                for (std::size_t i = 0; i < members.size(); ++i)
                    for (const auto& x : r.assignment[i].partitions) {
                        ++seen[x.str()];
                        CHECK(std::find(members[i].topics.begin(), members[i].topics.end(), x.topic) !=
                              members[i].topics.end());
                    }
                for (const auto& [k, v] : seen) CHECK(v == 1);
            }
            // next generation: owned = the eager result; some members change subscription
            const auto r = sticky_assign(ppt, members);
            for (std::size_t i = 0; i < members.size(); ++i) {
                members[i].owned_partitions = r.assignment[i].partitions;
                members[i].generation = step + 1;
                if (next(4) == 0) members[i].topics = {topics[next(topics.size())]};
            }
        }
    }
}
