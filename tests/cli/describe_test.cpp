// `kafkasim describe FILE ... [--groups ...]` run as a user would: the built
// binary, from the source root.
#include <doctest/doctest.h>

#include <string>

#include "support/run_command.hpp"

namespace {

ks::test::KafkasimRun run_describe(const std::string& args) {
    return ks::test::run_kafkasim("describe " + args, std::string(KS_BINARY_DIR) + "/describe_test.stderr");
}

const std::string kOffsetsHeader =
    "GROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID     "
    "HOST            CLIENT-ID\n";

}  // namespace

TEST_CASE("cli describe: --groups prints kafka-consumer-groups --describe, '-' for a partition with no commit") {
    const auto r = run_describe("scenarios/reference.json --at-s 20 --groups");
    CHECK(r.exit_code == 0);
    CHECK(r.err.empty());
    CHECK(r.out.starts_with("\n" + kOffsetsHeader + "audit           orders          0          "));
    CHECK(r.out.find("\n" + kOffsetsHeader + "billing         orders          0          -               ") !=
          std::string::npos);
    // --group picks one; the header lines of --members and --state are Kafka's.
    const auto billing = run_describe("scenarios/reference.json --at-s 20 --groups --group billing");
    CHECK(billing.out.starts_with("\n" + kOffsetsHeader + "billing "));
    CHECK(billing.out.find("audit") == std::string::npos);
    const auto members = run_describe("scenarios/reference.json --at-s 20 --groups --members --group billing");
    CHECK(members.out ==
          "\nGROUP           CONSUMER-ID     HOST            CLIENT-ID       #PARTITIONS     \n"
          "billing         billing-1-4     /10.1.0.2       billing-1       3               \n");
    const auto verbose = run_describe("scenarios/reference.json --at-s 20 --groups --members --verbose --group audit");
    CHECK(verbose.out ==
          "\nGROUP           CONSUMER-ID     HOST            CLIENT-ID       #PARTITIONS     ASSIGNMENT\n"
          "audit           audit-0-1       /10.2.0.1       audit-0         5               (0,1), (0,1,2)\n");
    const auto state = run_describe("scenarios/reference.json --at-s 20 --groups --state --group billing");
    CHECK(state.out ==
          "\nGROUP                     COORDINATOR (ID)          ASSIGNMENT-STRATEGY  STATE           #MEMBERS"
          "\nbilling                   10.0.0.1:9092  (1)        range                Stable          1\n");
}

TEST_CASE("cli describe: Kafka's messages go where the tool sends them") {
    const auto missing = run_describe("scenarios/reference.json --at-s 20 --groups --group nobody");
    CHECK(missing.exit_code == 0);
    CHECK(missing.out == "\nError: Consumer group 'nobody' does not exist.\n");
    const auto joining = run_describe("scenarios/reference.json --at-s 1 --groups --group billing");
    CHECK(joining.err == "\nWarning: Consumer group 'billing' is rebalancing.\n");
    CHECK(joining.out.empty());  // no member owns a partition yet, nothing is committed
}

TEST_CASE("cli describe: group options without --groups, or two views at once, are refused (exit 2)") {
    const auto r = run_describe("scenarios/reference.json --members");
    CHECK(r.exit_code == 2);
    CHECK(r.err == "kafkasim describe: --members describes consumer groups: add --groups\n");
    const auto two = run_describe("scenarios/reference.json --groups --members --state");
    CHECK(two.exit_code == 2);
    CHECK(two.err == "kafkasim describe: --offsets, --members, --state: at most one of them\n");
}

TEST_CASE("cli describe: the topics view is the default, at the time asked for") {
    const auto r = run_describe("scenarios/reference.json --at-s 5");
    CHECK(r.exit_code == 0);
    CHECK(r.out.starts_with("Topic: orders\tTopicId: "));
    const auto help = run_describe("--help");
    CHECK(help.exit_code == 0);
    CHECK(help.out.find("--groups") != std::string::npos);
}
