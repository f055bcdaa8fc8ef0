// `kafkasim partition` end to end: runs the built binary and checks its output
// against Kafka's murmur2 vectors (UtilsTest.testMurmur2) and exit codes.
#include <doctest/doctest.h>

#include "support/run_command.hpp"

#include <sys/wait.h>
#include <array>
#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

namespace {

struct Result {
    int exit_code = -1;
    std::string out;
};

// Runs kafkasim with `args` (already shell-quoted), stdout captured, stderr dropped.
Result run_kafkasim(const std::string& args) {
    const std::string cmd = std::string(KS_KAFKASIM_EXE) + " " + args + " 2>/dev/null";
    Result r;
    const ks::test::ShellResult sh = ks::test::run_shell(cmd);
    r.out = sh.out;
    r.exit_code = sh.exit_code;
    return r;
}

}  // namespace

TEST_CASE(
    "partition --json: prints Kafka's signed murmur2 and the partition per key "
    "(UtilsTest.testMurmur2 vectors)") {
    const Result r = run_kafkasim(
        "partition --partitions 10 --json 21 foobar "
        "a-little-bit-longer-string ''");
    REQUIRE(r.exit_code == 0);
    const auto j = nlohmann::json::parse(r.out);
    REQUIRE(j.is_array());
    REQUIRE(j.size() == 4);
    CHECK(j[0]["key"] == "21");
    CHECK(j[0]["murmur2"] == -973932308);
    CHECK(j[0]["partition"] == 0);
    CHECK(j[1]["key"] == "foobar");
    CHECK(j[1]["murmur2"] == -790332482);
    CHECK(j[1]["partition"] == 6);
    CHECK(j[2]["murmur2"] == -1486304829);
    CHECK(j[2]["partition"] == 9);
    CHECK(j[3]["key"] == "");
    CHECK(j[3]["murmur2"] == 275646681);
    CHECK(j[3]["partition"] == 1);
}

TEST_CASE("partition --hex: keys are hex byte strings") {
    const Result r = run_kafkasim("partition --partitions 6 --hex --json 616263 0xff DEADBEEFCAFE");
    REQUIRE(r.exit_code == 0);
    const auto j = nlohmann::json::parse(r.out);
    REQUIRE(j.size() == 3);
    CHECK(j[0]["key"] == "616263");  // "abc"
    CHECK(j[0]["murmur2"] == 479470107);
    CHECK(j[0]["partition"] == 3);
    CHECK(j[1]["murmur2"] == -311467685);
    CHECK(j[1]["partition"] == 3);
    CHECK(j[2]["murmur2"] == -1156973575);
    CHECK(j[2]["partition"] == 1);
}

TEST_CASE("partition: the default output is a table with a header") {
    const Result r = run_kafkasim("partition --partitions 6 key-42");
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("murmur2") != std::string::npos);
    CHECK(r.out.find("partition") != std::string::npos);
    CHECK(r.out.find("-187086521") != std::string::npos);
}

TEST_CASE("partition: bad input exits 2") {
    CHECK(run_kafkasim("partition --partitions 0 a").exit_code == 2);
    CHECK(run_kafkasim("partition --partitions=-3 a").exit_code == 2);
    CHECK(run_kafkasim("partition --partitions x a").exit_code == 2);
    CHECK(run_kafkasim("partition --partitions 3").exit_code == 2);
    CHECK(run_kafkasim("partition a").exit_code == 2);
    CHECK(run_kafkasim("partition --partitions 3 --hex abc").exit_code == 2);
    CHECK(run_kafkasim("partition --partitions 3 --hex zz").exit_code == 2);
    CHECK(run_kafkasim("partition --partitions 3 --bogus a").exit_code == 2);
}

TEST_CASE("partition: the table lines up by display width, so wide (Hangul) keys align") {
    const Result r = run_kafkasim("partition --partitions 6 '주문-17' order-17 ab");
    REQUIRE(r.exit_code == 0);
    // "주문-17" is 9 bytes but 7 columns: padded with 3 spaces to the 8 of "order-17".
    CHECK(r.out ==
          "key           murmur2  partition\n"
          "주문-17     743296426          4\n"
          "order-17   1568318961          3\n"
          "ab          316155434          2\n");
}
