// describe_groups: kafka-consumer-groups --describe as Kafka's tool prints it.
// The expected files in data/ were printed by Kafka's own print functions
// (data/ConsumerGroupCommandHarness.java) from the same groups as below.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "runner/describe_groups.hpp"

using namespace ks;
using namespace ks::runner;

namespace {

std::string data_file(const std::string& name) {
    std::ifstream in(std::string(KS_SOURCE_DIR) + "/tests/runner/data/" + name);
    REQUIRE(in.good());
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

DescribedPartition part(const std::string& topic, std::int32_t p, std::optional<std::int64_t> committed,
                        std::optional<std::int64_t> log_end) {
    return DescribedPartition{.topic = topic, .partition = p, .committed = committed, .log_end = log_end};
}

DescribedMember member(const std::string& id, const std::string& instance, const std::string& client,
                       const std::string& host, std::vector<std::pair<std::string, std::int32_t>> assignment) {
    return DescribedMember{
        .member_id = id, .group_instance_id = instance, .client_id = client, .host = host, .assignment = assignment};
}

DescribedGroup group(const std::string& id, const std::string& state, const std::string& strategy,
                     std::vector<DescribedMember> members, std::vector<DescribedPartition> partitions) {
    return DescribedGroup{.group_id = id,
                          .state = state,
                          .coordinator_host = "10.0.0.2:9092",
                          .coordinator = 2,
                          .assignment_strategy = strategy,
                          .members = std::move(members),
                          .partitions = std::move(partitions)};
}

// The groups of ConsumerGroupCommandHarness.java, in its order.
std::vector<DescribedGroup> harness_groups() {
    constexpr auto none = std::nullopt;
    std::vector<std::pair<std::string, std::int32_t>> clicks;
    std::vector<DescribedPartition> clicks_parts{part("clicks-long-topic-name", 0, 0, 0)};
    for (std::int32_t p = 0; p < 12; ++p) {
        clicks.emplace_back("clicks", p);
        clicks_parts.push_back(part("clicks", p, 1, 1));
    }
    return {
        group("billing", "Stable", "range",
              {member("billing-0-1", "", "billing-0", "/10.1.0.1", {{"orders", 3}}),
               member("billing-1-2-with-a-long-member-id", "", "billing-1", "/10.1.0.2",
                      {{"orders", 0}, {"orders", 1}, {"orders", 2}}),
               member("billing-2-3", "", "billing-2", "/10.1.0.3", {})},
              {part("orders", 0, 10, 15), part("orders", 1, none, 7), part("orders", 2, 3, none),
               part("orders", 3, 4, 4), part("orders", 4, 8, 9), part("events", 0, 1, 2)}),
        group("clicks-readers", "Stable", "cooperative-sticky",
              {member("c-1", "", "c-a", "/10.3.0.1", {{"clicks-long-topic-name", 0}}),
               member("c-2", "", "c-b", "/10.3.0.2", clicks)},
              clicks_parts),
        group("idle", "Empty", "", {}, {part("orders", 0, 5, 9)}),
        group("fresh", "Empty", "", {}, {}),
        group("ghost", "Dead", "", {}, {}),
        group("moving", "PreparingRebalance", "", {member("moving-0-9", "", "moving-0", "/10.4.0.1", {})},
              {part("orders", 1, 2, 3)}),
        group("static-group-with-a-long-name", "Stable", "range",
              {member("app-0-11", "app-0", "static-0", "/10.5.0.1",
                      {{"orders", 0}, {"events", 1}, {"events", 0}, {"orders", 10}, {"orders", 2}}),
               member("app-1-12", "", "static-1", "/10.5.0.2", {})},
              {}),
    };
}

void check_against_kafka(DescribeView view, bool verbose, const std::string& name) {
    const DescribeOutput out = print_groups(harness_groups(), view, verbose);
    CHECK(out.out() == data_file("describe_groups_" + name + ".out"));
    CHECK(out.err() == data_file("describe_groups_" + name + ".err"));
}

}  // namespace

TEST_CASE("describe_groups: the offsets table is Kafka's, column for column and row for row") {
    check_against_kafka(DescribeView::group_offsets, false, "offsets");
}

TEST_CASE("describe_groups: the members table is Kafka's, with and without --verbose") {
    check_against_kafka(DescribeView::group_members, false, "members");
    check_against_kafka(DescribeView::group_members, true, "members_verbose");
}

TEST_CASE("describe_groups: the state table is Kafka's") {
    check_against_kafka(DescribeView::group_state, false, "state");
}

TEST_CASE("describe_groups: the header lines, as ConsumerGroupCommand prints them") {
    const std::vector<DescribedGroup> g{
        group("g", "Stable", "range", {member("m-1", "", "c", "/10.1.0.1", {{"t", 0}})}, {part("t", 0, 1, 2)})};
    const std::string offsets = print_groups(g, DescribeView::group_offsets, false).out();
    CHECK(
        offsets.starts_with("\nGROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG     "
                            "        CONSUMER-ID     HOST            CLIENT-ID\n"));
    const std::string members = print_groups(g, DescribeView::group_members, false).out();
    CHECK(members.starts_with("\nGROUP           CONSUMER-ID     HOST            CLIENT-ID       #PARTITIONS     \n"));
    const std::string verbose = print_groups(g, DescribeView::group_members, true).out();
    CHECK(
        verbose.starts_with("\nGROUP           CONSUMER-ID     HOST            CLIENT-ID       #PARTITIONS     "
                            "ASSIGNMENT\n"));
    const std::string state = print_groups(g, DescribeView::group_state, false).out();
    CHECK(state ==
          "\nGROUP                     COORDINATOR (ID)          ASSIGNMENT-STRATEGY  STATE           #MEMBERS"
          "\ng                         10.0.0.2:9092  (2)        range                Stable          1\n");
}

TEST_CASE("describe_groups: a partition without a committed offset shows - for CURRENT-OFFSET and LAG") {
    const std::vector<DescribedGroup> g{group("g", "Stable", "range", {member("m-1", "", "c", "/10.1.0.1", {{"t", 0}})},
                                              {part("t", 0, std::nullopt, 42)})};
    CHECK(
        print_groups(g, DescribeView::group_offsets, false).out() ==
        "\nGROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID     "
        "HOST            CLIENT-ID"
        "\ng               t               0          -               42              -               m-1             "
        "/10.1.0.1       c\n");
}

TEST_CASE("describe_groups: one group without a coordinator fails the whole command, as the admin client does") {
    std::vector<DescribedGroup> g = harness_groups();
    g[3].coordinator = -1;  // fresh
    g[3].coordinator_host.clear();
    const DescribeOutput out = print_groups(g, DescribeView::group_offsets, false);
    CHECK(out.out() ==
          "\nError: Executing consumer group command failed due to "
          "org.apache.kafka.common.errors.CoordinatorNotAvailableException: The coordinator is not available.\n");
    CHECK(out.err() == "kafkasim: no running broker coordinates group 'fresh' at this time\n");
}

TEST_CASE("describe_groups: groups print once each, by id in Java's String order") {
    const std::vector<DescribedGroup> g{group("b", "Empty", "", {}, {}), group("a", "Empty", "", {}, {}),
                                        group("b", "Empty", "", {}, {}), group("B", "Empty", "", {}, {})};
    CHECK(print_groups(g, DescribeView::group_offsets, false).err() ==
          "\nConsumer group 'B' has no active members.\n"
          "\nConsumer group 'a' has no active members.\n"
          "\nConsumer group 'b' has no active members.\n");
}

TEST_CASE("describe_groups: columns pad to Java's String.length, UTF-16 code units") {
    CHECK(java_length("billing") == 7);
    CHECK(java_length("\xEC\xA3\xBC\xEB\xAC\xB8") == 2);  // 주문: two code units, six UTF-8 bytes
    CHECK(java_length("\xF0\x9F\x98\x80") == 2);          // U+1F600: a surrogate pair
    const std::vector<DescribedGroup> g{group("\xEC\xA3\xBC\xEB\xAC\xB8", "Stable", "range", {}, {})};
    CHECK(print_groups(g, DescribeView::group_members, false).out() ==
          "\nGROUP           CONSUMER-ID     HOST            CLIENT-ID       #PARTITIONS     \n");
    CHECK(print_groups(g, DescribeView::group_state, false)
              .out()
              .find("\n\xEC\xA3\xBC\xEB\xAC\xB8" + std::string(23, ' ') + " 10.0.0.2") != std::string::npos);
}

TEST_CASE("describe_groups: simulated addresses: brokers in 10.0/16, group g's members in 10.(g+1)/16") {
    CHECK(broker_address(BrokerId(1)) == "10.0.0.1");
    CHECK(broker_address(BrokerId(300)) == "10.0.1.44");
    CHECK(consumer_address(0, 0) == "10.1.0.1");
    CHECK(consumer_address(1, 0) == "10.2.0.1");
    CHECK(consumer_address(2, 299) == "10.3.1.44");
}
