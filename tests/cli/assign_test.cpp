// `kafkasim assign FILE`, run as a user would: the binary on a JSON case.
#include <doctest/doctest.h>

#include "support/run_command.hpp"

#include <array>
#include <cstdio>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

namespace {

struct Run {
    int exit_code = -1;
    std::string out;
};

Run run_kafkasim(const std::string& args) {
    const std::string cmd = std::string(KS_KAFKASIM_EXE) + " " + args + " 2>&1";
    Run r;
    const ks::test::ShellResult sh = ks::test::run_shell(cmd);
    r.out = sh.out;
    r.exit_code = sh.exit_code;
    return r;
}

std::string data(const std::string& name) {
    return std::string(KS_SOURCE_DIR) + "/tests/cli/data/" + name;
}

std::string temp_file(const std::string& name, const std::string& text) {
    const std::string path = std::string(KS_BINARY_DIR) + "/" + name;
    std::ofstream(path) << text;
    return path;
}

}  // namespace

TEST_CASE("cli assign: sticky rebalance matches Kafka's testAddRemoveTwoConsumersTwoTopics") {
    const Run r = run_kafkasim("assign " + data("assign_sticky_rebalance.json"));
    REQUIRE(r.exit_code == 0);
    const auto j = nlohmann::json::parse(r.out);
    const auto& a = j.at("assignment");
    CHECK(a.size() == 4);
    CHECK(a.at("consumer1") == nlohmann::json({"topic1-0", "topic2-1"}));
    CHECK(a.at("consumer2") == nlohmann::json({"topic2-0", "topic1-1"}));
    CHECK(a.at("consumer3") == nlohmann::json({"topic1-2", "topic2-3"}));
    CHECK(a.at("consumer4") == nlohmann::json({"topic2-2"}));
}

TEST_CASE("cli assign: cooperative-sticky withholds partitions that change owner") {
    const std::string f = temp_file("assign_coop_case.json", R"({"strategy": "cooperative-sticky",
      "topics": {"orders": 3},
      "members": [{"member_id": "c1", "topics": ["orders"],
                   "owned_partitions": ["orders-0", "orders-1", "orders-2"], "generation": 4},
                  {"member_id": "c2", "topics": ["orders"], "generation": 4}]})");
    const Run r = run_kafkasim("assign " + f);
    REQUIRE(r.exit_code == 0);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j.at("assignment").at("c1") == nlohmann::json({"orders-0", "orders-1"}));
    CHECK(j.at("assignment").at("c2") == nlohmann::json::array());
}

TEST_CASE("cli assign: range and roundrobin list every member, static members first") {
    const std::string f = temp_file("assign_range_case.json", R"({"strategy": "range",
      "topics": {"orders": 3},
      "members": [{"member_id": "a", "topics": ["orders"]},
                  {"member_id": "b", "group_instance_id": "i-1", "topics": ["orders"]},
                  {"member_id": "z", "topics": ["other"]}]})");
    const Run r = run_kafkasim("assign " + f);
    REQUIRE(r.exit_code == 0);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j.at("assignment").at("b") == nlohmann::json({"orders-0", "orders-1"}));
    CHECK(j.at("assignment").at("a") == nlohmann::json({"orders-2"}));
    CHECK(j.at("assignment").at("z") == nlohmann::json::array());
}

TEST_CASE("cli assign: bad input is exit 2 with FILE: /pointer: expected ..., got ...") {
    Run r = run_kafkasim("assign " + data("assign_bad_partition.json"));
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("/members/0/owned_partitions/0: expected a partition of topic orders (0..2), got \"orders-7\"") !=
          std::string::npos);
    const std::string f = temp_file("assign_bad_strategy.json", R"({"strategy": "fair", "topics": {}, "members": []})");
    r = run_kafkasim("assign " + f);
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("/strategy: expected") != std::string::npos);
    r = run_kafkasim("assign");
    CHECK(r.exit_code == 2);
}
