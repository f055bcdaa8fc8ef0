// The `expect` block: paths into summary.json (list entries by name), equals,
// min and max, and how results read.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "report/expect.hpp"
#include "report/report.hpp"

using nlohmann::json;
using namespace ks;

namespace {

json summary() {
    return json::parse(R"({
      "scenario": "t", "seed": 1,
      "records": {"sent": 100, "acked": 90, "acked_lost": 0, "measured": true},
      "produce_latency_ms": {"p50": 2.5, "p99": 8.0},
      "elections": {"clean": 2, "unclean": 1},
      "partitions": [
        {"topic": "orders", "partition": 0, "leader": 2, "isr": [2, 3], "diverged": false},
        {"topic": "orders", "partition": 1, "leader": 3, "isr": [3], "diverged": false},
        {"topic": "eu.orders", "partition": 0, "leader": 1, "isr": [1], "diverged": true}
      ],
      "groups": [
        {"group_id": "billing", "max_lag": 40,
         "members": [{"member_id": "billing-1", "assigned": ["orders-0"]}],
         "burrow": {"status": "WARN",
                    "partitions": [{"topic": "orders", "partition": 0, "status": "WARN"}]}}
      ]
    })");
}

Expectation max_of(const std::string& path, double v) {
    return Expectation{.path = path, .equals_json = {}, .min = {}, .max = v};
}
Expectation min_of(const std::string& path, double v) {
    return Expectation{.path = path, .equals_json = {}, .min = v, .max = {}};
}
Expectation equals(const std::string& path, const std::string& j) {
    return Expectation{.path = path, .equals_json = j, .min = {}, .max = {}};
}

report::ExpectResult one(const Expectation& e) {
    return report::evaluate({e}, summary()).front();
}

}  // namespace

TEST_CASE("expect: paths walk objects, and lists by name, by <topic>-<n> or by index") {
    const json s = summary();
    CHECK(report::lookup(s, "records.acked_lost") == json(0));
    CHECK(report::lookup(s, "partitions.orders-1.leader") == json(3));
    CHECK(report::lookup(s, "partitions.1.leader") == json(3));
    CHECK(report::lookup(s, "partitions.eu.orders-0.diverged") == json(true));  // a name with a dot
    CHECK(report::lookup(s, "groups.billing.burrow.status") == json("WARN"));
    CHECK(report::lookup(s, "groups.billing.burrow.partitions.orders-0.status") == json("WARN"));
    CHECK(report::lookup(s, "groups.billing.members.billing-1.assigned") == json::parse(R"(["orders-0"])"));
    CHECK(report::lookup(s, "partitions.orders-0.isr") == json::parse("[2, 3]"));
    CHECK(report::lookup(s, "partitions.orders-0.isr.1") == json(3));
    CHECK_FALSE(report::lookup(s, "partitions.orders-7.leader"));
    CHECK_FALSE(report::lookup(s, "groups.audit.max_lag"));
    CHECK_FALSE(report::lookup(s, "records.nothing"));
    CHECK_FALSE(report::lookup(s, "records.acked_lost.deeper"));
    CHECK_FALSE(report::lookup(s, "partitions.9.leader"));
}

TEST_CASE("expect: * in a list takes every entry") {
    const json s = summary();
    CHECK(report::lookup(s, "partitions.*.leader") == json::parse("[2, 3, 1]"));
    const auto r = one(equals("partitions.*.diverged", "false"));
    CHECK(r.status == report::ExpectStatus::failed);  // eu.orders-0 diverged
    CHECK(one(max_of("partitions.*.leader", 3)).status == report::ExpectStatus::held);
    CHECK(one(min_of("partitions.*.leader", 2)).status == report::ExpectStatus::failed);
    CHECK(one(max_of("groups.*.max_lag", 40)).status == report::ExpectStatus::held);
}

TEST_CASE("expect: max, min and equals hold or fail on the actual value") {
    CHECK(one(max_of("records.acked_lost", 0)).status == report::ExpectStatus::held);
    CHECK(one(min_of("elections.unclean", 1)).status == report::ExpectStatus::held);
    CHECK(one(max_of("elections.unclean", 0)).status == report::ExpectStatus::failed);
    CHECK(one(min_of("records.acked", 91)).status == report::ExpectStatus::failed);
    Expectation both = min_of("produce_latency_ms.p99", 1);
    both.max = 8;
    CHECK(one(both).status == report::ExpectStatus::held);  // bounds are inclusive
    both.max = 7.9;
    CHECK(one(both).status == report::ExpectStatus::failed);
    CHECK(one(equals("groups.billing.burrow.status", R"("WARN")")).status == report::ExpectStatus::held);
    CHECK(one(equals("groups.billing.burrow.status", R"("OK")")).status == report::ExpectStatus::failed);
    CHECK(one(equals("records.sent", "100.0")).status == report::ExpectStatus::held);  // numbers by value
    CHECK(one(equals("partitions.orders-0.isr", "[2,3]")).status == report::ExpectStatus::held);
    CHECK(one(equals("partitions.orders-1.diverged", "false")).status == report::ExpectStatus::held);
    CHECK(one(max_of("partitions.eu.orders-0.diverged", 0)).status == report::ExpectStatus::failed);  // true is 1
    CHECK(one(max_of("groups.billing.burrow.status", 1)).status == report::ExpectStatus::failed);     // not a number
    CHECK(one(max_of("groups.nobody.max_lag", 1)).status == report::ExpectStatus::missing);
}

TEST_CASE("expect: results read as the CLI prints them, and all_held needs every one") {
    const auto held = one(max_of("records.acked_lost", 0));
    CHECK(report::describe(held) == "expect records.acked_lost max 0: held (0)");
    const auto failed = one(max_of("elections.unclean", 0));
    CHECK(report::describe(failed) == "expect elections.unclean max 0: FAILED (1 > max 0)");
    const auto missing = one(equals("groups.x.burrow.status", R"("OK")"));
    CHECK(report::describe(missing) ==
          R"(expect groups.x.burrow.status equals "OK": MISSING (no such path in summary.json))");
    CHECK(report::all_held({held}));
    CHECK_FALSE(report::all_held({held, failed}));
    CHECK_FALSE(report::all_held({missing}));
    CHECK(report::all_held({}));
    const json j = report::expect_json({held, failed});
    CHECK(j["held"] == false);
    CHECK(j["results"][1]["status"] == "failed");
    CHECK(j["results"][1]["actual"] == 1);
    CHECK(j["results"][1]["max"] == 0.0);
}

TEST_CASE("expect: paths into a real summary_json") {
    RunSummary s;
    s.records.acked_lost = 3;
    s.unclean_elections = 1;
    PartitionSummary p;
    p.topic = "orders";
    p.partition = 2;
    p.diverged = true;
    p.acked = 40;
    p.acked_lost = 5;
    s.partitions.push_back(p);
    const json j = report::summary_json(s);
    CHECK(report::lookup(j, "records.acked_lost") == json(3));
    CHECK(report::lookup(j, "elections.unclean") == json(1));
    CHECK(report::lookup(j, "partitions.orders-2.diverged") == json(true));
    CHECK(report::lookup(j, "partitions.orders-2.acked_lost") == json(5));
}
