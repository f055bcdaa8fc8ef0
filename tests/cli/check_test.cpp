// `kafkasim check FILE [--set PATH=VALUE]...` run as a user would: the built
// binary, from the source root, on good and bad scenario files.
#include <doctest/doctest.h>

#include "support/run_command.hpp"

#include <sys/wait.h>
#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

namespace {

ks::test::KafkasimRun run_check(const std::string& args) {
    return ks::test::run_kafkasim("check " + args, std::string(KS_BINARY_DIR) + "/check_test.stderr");
}

}  // namespace

TEST_CASE("cli check: the default scenario is OK, with a one-line description") {
    const auto r = run_check("scenarios/default.json");
    CHECK(r.exit_code == 0);
    CHECK(r.out ==
          "OK scenarios/default.json: default: 3 brokers in 3 racks (kraft), 1 topic (6 "
          "partitions), 1 producer, "
          "1 consumer group (3 members), 2 faults, 120 s\n");
    CHECK(r.err.empty());
}

TEST_CASE("cli check: the reference scenario and the SCENARIOS.md example are OK") {
    CHECK(run_check("scenarios/reference.json").exit_code == 0);
    CHECK(run_check("tests/scenario/good/scenarios_md_example.json").exit_code == 0);
}

TEST_CASE("cli check: a bad file exits 2 with the file, the JSON pointer and what was expected") {
    const auto r = run_check("tests/scenario/bad/producer_acks.json");
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(r.err ==
          "kafkasim check: tests/scenario/bad/producer_acks.json: /producers/0/config/acks: expected "
          "\"0\", \"1\", \"all\" or \"-1\", got \"2\"\n");
}

TEST_CASE("cli check: an unknown key suggests the nearest") {
    const auto r = run_check("tests/scenario/bad/unknown_top_key.json");
    CHECK(r.exit_code == 2);
    CHECK(r.err ==
          "kafkasim check: tests/scenario/bad/unknown_top_key.json: /duraton_s: unknown key; did "
          "you mean "
          "\"duration_s\"?\n");
}

TEST_CASE("cli check: --set overrides apply before validation") {
    const auto ok = run_check(
        "scenarios/default.json --set topics.orders.replication_factor=2 "
        "--set producers.checkout.config.acks=1");
    CHECK(ok.exit_code == 0);
    const auto bad = run_check("scenarios/default.json --set topics.orders.replication_factor=4");
    CHECK(bad.exit_code == 2);
    CHECK(bad.err ==
          "kafkasim check: scenarios/default.json: /topics/0/replication_factor: expected an "
          "integer in "
          "[1, 3] (the number of brokers), got 4\n");
    const auto path = run_check("scenarios/default.json --set topics.ordrs.partitions=3");
    CHECK(path.exit_code == 2);
    CHECK(path.err ==
          "kafkasim check: --set topics.ordrs.partitions: no entry named \"ordrs\" in topics; did "
          "you "
          "mean \"orders\"?\n");
}

TEST_CASE("cli check: warnings go to stderr and the check still passes") {
    const auto r = run_check("scenarios/default.json --set producers.checkout.config.ssl.keystore.location=/k.jks");
    CHECK(r.exit_code == 0);
    CHECK(r.out.rfind("OK scenarios/default.json", 0) == 0);
    CHECK(r.err ==
          "warning: scenarios/default.json: /producers/0/config/ssl.keystore.location: Kafka setting "
          "\"ssl.keystore.location\" is not modelled by kafkasim; ignored\n");
}

TEST_CASE("cli check: usage errors exit 2") {
    CHECK(run_check("").exit_code == 2);
    CHECK(run_check("no/such/file.json").exit_code == 2);
    CHECK(run_check("scenarios/default.json --bogus").exit_code == 2);
    CHECK(run_check("--help").exit_code == 0);
}

TEST_CASE("cli check: each --set applied is echoed after the OK line, as a JSON pointer and a JSON value") {
    const auto r = run_check(
        "scenarios/default.json --set producers.checkout.config.acks=1 --set topics.orders.replication_factor=2 "
        "--set 'producers.checkout.config.acks=\"1\"'");
    CHECK(r.exit_code == 0);
    CHECK(r.out ==
          "OK scenarios/default.json: default: 3 brokers in 3 racks (kraft), 1 topic (6 partitions), 1 producer, "
          "1 consumer group (3 members), 2 faults, 120 s\n"
          "  set /producers/0/config/acks = 1\n"
          "  set /topics/0/replication_factor = 2\n"
          "  set /producers/0/config/acks = \"1\"\n");
    CHECK(r.err.empty());
}

TEST_CASE("cli check: a Kafka setting --set beside the config map exits 2 suggesting the path inside it") {
    const auto r = run_check("scenarios/default.json --set producers.checkout.acks=1");
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(r.err ==
          "kafkasim check: --set producers.checkout.acks: \"acks\" is a Kafka producer setting, which goes in the "
          "config map; did you mean producers.checkout.config.acks?\n");
}
