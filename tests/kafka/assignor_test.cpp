// RangeAssignor, RoundRobinAssignor and protocol selection, ported from Kafka's
// RangeAssignorTest / RoundRobinAssignorTest (clients/src/test/java/org/apache/
// kafka/clients/consumer/) with their exact expected assignments. Kafka's
// assertAssignment() compares as sets; its assertEquals(map) compares lists in
// order — the ports keep that distinction (CHECK_SET vs CHECK_LIST).
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "kafka/assignor.hpp"
#include "kafka/rebalance_protocol.hpp"

using namespace ks::kafka;

namespace {

TopicPartition tp(const std::string& t, int p) {
    return {t, p};
}
using TPs = std::vector<TopicPartition>;

Subscription sub(const std::string& id, std::vector<std::string> topics,
                 std::optional<std::string> instance = std::nullopt) {
    Subscription s;
    s.member_id = id;
    s.topics = std::move(topics);
    s.group_instance_id = std::move(instance);
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

#define CHECK_LIST(actual, ...) CHECK(strs(actual, false) == strs(TPs{__VA_ARGS__}, false))
#define CHECK_SET(actual, ...) CHECK(strs(actual, true) == strs(TPs{__VA_ARGS__}, true))

const std::string topic1 = "topic1", topic2 = "topic2";
const std::string consumer1 = "consumer1", consumer2 = "consumer2", consumer3 = "consumer3";

// "t1-0, t1-1" -> sorted strings, for the verifyRackAssignment-style cases.
std::vector<std::string> parse(const std::string& s) {
    std::vector<std::string> out;
    std::size_t i = 0;
    while (i < s.size()) {
        std::size_t j = s.find(", ", i);
        if (j == std::string::npos) j = s.size();
        out.push_back(s.substr(i, j - i));
        i = j + 2;
    }
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace

// ---------------------------------------------------------------- RangeAssignorTest

TEST_CASE("range: RangeAssignorTest.testOneConsumerNoTopic / testOneConsumerNonexistentTopic") {
    auto a = range_assign({}, {sub(consumer1, {})});
    REQUIRE(a.size() == 1);
    CHECK(of(a, consumer1).empty());
    a = range_assign({}, {sub(consumer1, {topic1})});
    CHECK(of(a, consumer1).empty());
}

TEST_CASE("range: RangeAssignorTest.testOneConsumerOneTopic / testOnlyAssignsPartitionsFromSubscribedTopics") {
    auto a = range_assign({{topic1, 3}}, {sub(consumer1, {topic1})});
    CHECK_SET(of(a, consumer1), tp(topic1, 0), tp(topic1, 1), tp(topic1, 2));
    a = range_assign({{topic1, 3}, {"other", 3}}, {sub(consumer1, {topic1})});
    CHECK_SET(of(a, consumer1), tp(topic1, 0), tp(topic1, 1), tp(topic1, 2));
}

TEST_CASE("range: RangeAssignorTest.testOneConsumerMultipleTopics") {
    auto a = range_assign({{topic1, 1}, {topic2, 2}}, {sub(consumer1, {topic1, topic2})});
    CHECK_SET(of(a, consumer1), tp(topic1, 0), tp(topic2, 0), tp(topic2, 1));
}

TEST_CASE("range: RangeAssignorTest.testTwoConsumersOneTopicOnePartition / TwoPartitions") {
    auto a = range_assign({{topic1, 1}}, {sub(consumer1, {topic1}), sub(consumer2, {topic1})});
    CHECK_SET(of(a, consumer1), tp(topic1, 0));
    CHECK(of(a, consumer2).empty());
    a = range_assign({{topic1, 2}}, {sub(consumer1, {topic1}), sub(consumer2, {topic1})});
    CHECK_SET(of(a, consumer1), tp(topic1, 0));
    CHECK_SET(of(a, consumer2), tp(topic1, 1));
}

TEST_CASE("range: RangeAssignorTest.testMultipleConsumersMixedTopics") {
    auto a = range_assign({{topic1, 3}, {topic2, 2}},
                          {sub(consumer1, {topic1}), sub(consumer2, {topic1, topic2}), sub(consumer3, {topic1})});
    CHECK_SET(of(a, consumer1), tp(topic1, 0));
    CHECK_SET(of(a, consumer2), tp(topic1, 1), tp(topic2, 0), tp(topic2, 1));
    CHECK_SET(of(a, consumer3), tp(topic1, 2));
}

TEST_CASE("range: RangeAssignorTest.testTwoConsumersTwoTopicsSixPartitions") {
    auto a =
        range_assign({{topic1, 3}, {topic2, 3}}, {sub(consumer1, {topic1, topic2}), sub(consumer2, {topic1, topic2})});
    CHECK_SET(of(a, consumer1), tp(topic1, 0), tp(topic1, 1), tp(topic2, 0), tp(topic2, 1));
    CHECK_SET(of(a, consumer2), tp(topic1, 2), tp(topic2, 2));
}

TEST_CASE("range: RangeAssignorTest.testTwoStaticConsumersTwoTopicsSixPartitions (instance id decides)") {
    auto a = range_assign({{topic1, 3}, {topic2, 3}}, {sub("consumer-b", {topic1, topic2}, "instance1"),
                                                       sub("consumer-a", {topic1, topic2}, "instance2")});
    CHECK_SET(of(a, "consumer-b"), tp(topic1, 0), tp(topic1, 1), tp(topic2, 0), tp(topic2, 1));
    CHECK_SET(of(a, "consumer-a"), tp(topic1, 2), tp(topic2, 2));
}

TEST_CASE("range: RangeAssignorTest.testOneStaticConsumerAndOneDynamicConsumerTwoTopicsSixPartitions") {
    auto a = range_assign({{topic1, 3}, {topic2, 3}},
                          {sub("consumer-b", {topic1, topic2}, "instance1"), sub("consumer-a", {topic1, topic2})});
    CHECK_SET(of(a, "consumer-b"), tp(topic1, 0), tp(topic1, 1), tp(topic2, 0), tp(topic2, 1));
    CHECK_SET(of(a, "consumer-a"), tp(topic1, 2), tp(topic2, 2));
}

TEST_CASE("range: RangeAssignorTest.testStaticMemberRangeAssignmentPersistent (lists in order)") {
    std::vector<Subscription> members = {
        sub(consumer1, {topic1, topic2}, "instance1"), sub(consumer2, {topic1, topic2}, "instance2"),
        sub(consumer3, {topic1, topic2}, "instance3"), sub("consumer4", {topic1, topic2})};
    const PartitionsPerTopic ppt = {{topic1, 5}, {topic2, 4}};
    auto a = range_assign(ppt, members);
    CHECK_LIST(of(a, consumer1), tp(topic1, 0), tp(topic1, 1), tp(topic2, 0));
    CHECK_LIST(of(a, consumer2), tp(topic1, 2), tp(topic2, 1));
    CHECK_LIST(of(a, consumer3), tp(topic1, 3), tp(topic2, 2));
    CHECK_LIST(of(a, "consumer4"), tp(topic1, 4), tp(topic2, 3));
    members[3] = sub("consumer5", {topic1, topic2});
    a = range_assign(ppt, members);
    CHECK_LIST(of(a, consumer1), tp(topic1, 0), tp(topic1, 1), tp(topic2, 0));
    CHECK_LIST(of(a, "consumer5"), tp(topic1, 4), tp(topic2, 3));
}

TEST_CASE("range: RangeAssignorTest.testStaticMemberRangeAssignmentPersistentAfterMemberIdChanges") {
    const PartitionsPerTopic ppt = {{topic1, 5}, {topic2, 5}};
    auto a =
        range_assign(ppt, {sub(consumer1, {topic1, topic2}, "instance1"), sub(consumer2, {topic1, topic2}, "instance2"),
                           sub(consumer3, {topic1, topic2}, "instance3")});
    CHECK_LIST(of(a, consumer1), tp(topic1, 0), tp(topic1, 1), tp(topic2, 0), tp(topic2, 1));
    CHECK_LIST(of(a, consumer2), tp(topic1, 2), tp(topic1, 3), tp(topic2, 2), tp(topic2, 3));
    CHECK_LIST(of(a, consumer3), tp(topic1, 4), tp(topic2, 4));
    auto b = range_assign(
        ppt, {sub(consumer1, {topic1, topic2}, "instance1"), sub("consumer5", {topic1, topic2}, "instance2"),
              sub("consumer4", {topic1, topic2}, "instance3")});
    CHECK(strs(of(b, "consumer5"), false) == strs(of(a, consumer2), false));
    CHECK(strs(of(b, "consumer4"), false) == strs(of(a, consumer3), false));
}

namespace {
// verifyNonRackAwareAssignment: consumers "consumer0".. in index order, no racks.
void check_range_cases(const PartitionsPerTopic& ppt, const std::vector<std::vector<std::string>>& topics,
                       const std::vector<std::string>& expected) {
    std::vector<Subscription> members;
    for (std::size_t i = 0; i < topics.size(); ++i) members.push_back(sub("consumer" + std::to_string(i), topics[i]));
    auto a = range_assign(ppt, members);
    for (std::size_t i = 0; i < expected.size(); ++i)
        CHECK(strs(of(a, members[i].member_id), true) == parse(expected[i]));
}
}  // namespace

TEST_CASE("range: RangeAssignorTest.testRackAwareAssignmentWithUniformSubscription (non-rack-aware part)") {
    std::vector<std::string> all = {"t1", "t2", "t3"};
    check_range_cases({{"t1", 6}, {"t2", 7}, {"t3", 2}}, {all, all, all},
                      {"t1-0, t1-1, t2-0, t2-1, t2-2, t3-0", "t1-2, t1-3, t2-3, t2-4, t3-1", "t1-4, t1-5, t2-5, t2-6"});
}

TEST_CASE("range: RangeAssignorTest.testRackAwareAssignmentWithNonEqualSubscription (non-rack-aware part)") {
    std::vector<std::string> all = {"t1", "t2", "t3"};
    check_range_cases({{"t1", 6}, {"t2", 7}, {"t3", 2}}, {all, all, {"t1", "t3"}},
                      {"t1-0, t1-1, t2-0, t2-1, t2-2, t2-3, t3-0", "t1-2, t1-3, t2-4, t2-5, t2-6, t3-1", "t1-4, t1-5"});
}

TEST_CASE("range: RangeAssignorTest.testRackAwareAssignmentWithUniformPartitionsNonEqualSubscription (non-rack)") {
    std::vector<std::string> all = {"t1", "t2", "t3"};
    check_range_cases({{"t1", 5}, {"t2", 5}, {"t3", 5}}, {all, all, {"t1", "t3"}},
                      {"t1-0, t1-1, t2-0, t2-1, t2-2, t3-0, t3-1", "t1-2, t1-3, t2-3, t2-4, t3-2, t3-3", "t1-4, t3-4"});
}

TEST_CASE("range: RangeAssignorTest.testCoPartitionedAssignmentWithSameSubscription (no racks)") {
    std::vector<std::string> all = {"t1", "t2", "t3", "t4", "t5", "t6", "t7", "t8", "t9"};
    check_range_cases({{"t1", 6}, {"t2", 6}, {"t3", 2}, {"t4", 2}, {"t5", 4}, {"t6", 4}}, {all, all, all},
                      {"t1-0, t1-1, t2-0, t2-1, t3-0, t4-0, t5-0, t5-1, t6-0, t6-1",
                       "t1-2, t1-3, t2-2, t2-3, t3-1, t4-1, t5-2, t6-2", "t1-4, t1-5, t2-4, t2-5, t5-3, t6-3"});
}

TEST_CASE("range: each member's list follows Kafka's partitionsPerTopic HashMap order, not topic names") {
    // "topic1" is in bucket 0, "topic3" in bucket 6 of the 16-bucket HashMap.
    auto a = range_assign({{"topic3", 1}, {"topic1", 1}}, {sub(consumer1, {"topic3", "topic1"})});
    CHECK_LIST(of(a, consumer1), tp("topic1", 0), tp("topic3", 0));
}

// ----------------------------------------------------------- RoundRobinAssignor

TEST_CASE(
    "roundrobin: RoundRobinAssignorTest.testOneConsumerOneTopic / testOnlyAssignsPartitionsFromSubscribedTopics") {
    auto a = round_robin_assign({{topic1, 3}, {"other", 3}}, {sub(consumer1, {topic1})});
    CHECK_LIST(of(a, consumer1), tp(topic1, 0), tp(topic1, 1), tp(topic1, 2));
}

TEST_CASE("roundrobin: RoundRobinAssignorTest.testMultipleConsumersMixedTopics") {
    auto a = round_robin_assign({{topic1, 3}, {topic2, 2}},
                                {sub(consumer1, {topic1}), sub(consumer2, {topic1, topic2}), sub(consumer3, {topic1})});
    CHECK_LIST(of(a, consumer1), tp(topic1, 0));
    CHECK_LIST(of(a, consumer2), tp(topic1, 1), tp(topic2, 0), tp(topic2, 1));
    CHECK_LIST(of(a, consumer3), tp(topic1, 2));
}

TEST_CASE("roundrobin: RoundRobinAssignorTest.testTwoConsumersTwoTopicsSixPartitions") {
    auto a = round_robin_assign({{topic1, 3}, {topic2, 3}},
                                {sub(consumer1, {topic1, topic2}), sub(consumer2, {topic1, topic2})});
    CHECK_LIST(of(a, consumer1), tp(topic1, 0), tp(topic1, 2), tp(topic2, 1));
    CHECK_LIST(of(a, consumer2), tp(topic1, 1), tp(topic2, 0), tp(topic2, 2));
}

TEST_CASE("roundrobin: RoundRobinAssignorTest.testTwoStaticConsumersTwoTopicsSixPartitions") {
    auto a = round_robin_assign({{topic1, 3}, {topic2, 3}}, {sub("consumer-b", {topic1, topic2}, "instance1"),
                                                             sub("consumer-a", {topic1, topic2}, "instance2")});
    CHECK_LIST(of(a, "consumer-b"), tp(topic1, 0), tp(topic1, 2), tp(topic2, 1));
    CHECK_LIST(of(a, "consumer-a"), tp(topic1, 1), tp(topic2, 0), tp(topic2, 2));
}

TEST_CASE("roundrobin: StickyAssignor javadoc example 2 (round robin column)") {
    auto a = round_robin_assign({{"t0", 1}, {"t1", 2}, {"t2", 3}},
                                {sub("C0", {"t0"}), sub("C1", {"t0", "t1"}), sub("C2", {"t0", "t1", "t2"})});
    CHECK_LIST(of(a, "C0"), tp("t0", 0));
    CHECK_LIST(of(a, "C1"), tp("t1", 0));
    CHECK_LIST(of(a, "C2"), tp("t1", 1), tp("t2", 0), tp("t2", 1), tp("t2", 2));
}

// ------------------------------------------------------------ protocol selection

TEST_CASE("protocol: ConsumerCoordinator picks the highest protocol common to all assignors") {
    using K = AssignorKind;
    CHECK(client_rebalance_protocol({K::kRange, K::kCooperativeSticky}) == RebalanceProtocol::kEager);
    CHECK(client_rebalance_protocol({K::kCooperativeSticky}) == RebalanceProtocol::kCooperative);
    CHECK(client_rebalance_protocol({K::kSticky}) == RebalanceProtocol::kEager);
    CHECK_FALSE(client_rebalance_protocol({}).has_value());
}

TEST_CASE("protocol: the coordinator picks the common assignor with most first-preference votes") {
    CHECK(select_group_protocol({{"range", "cooperative-sticky"}, {"range", "cooperative-sticky"}}) == "range");
    CHECK(select_group_protocol(
              {{"cooperative-sticky", "range"}, {"range", "cooperative-sticky"}, {"cooperative-sticky"}}) ==
          "cooperative-sticky");
    CHECK_FALSE(select_group_protocol({{"range"}, {"roundrobin"}}).has_value());
    // A tie: Stream.max over the votes HashMap keeps the first in HashMap order
    // ("range" bucket 9, "cooperative-sticky" bucket 15).
    CHECK(select_group_protocol({{"cooperative-sticky", "range"}, {"range", "cooperative-sticky"}}) == "range");
}
