// Expectations: a scenario's `expect` block (SCENARIOS.md) judged against the
// run's summary.json.
//
// Paths. A path is dot-separated segments walked from the root of
// summary.json:
//   - in an object, a segment is a key:             records.acked_lost
//   - in a list, a segment is an index (0-based) or the name of an entry:
//       groups by group_id                          groups.billing.burrow.status
//       members by member_id                        groups.billing.members.billing-1.assigned
//       partitions (anywhere) as "<topic>-<n>"      partitions.orders-0.diverged
//                                                   groups.billing.burrow.partitions.orders-0.status
//       anything else with a "name" field by it;
//     a name may itself hold dots (topic "eu.orders": partitions.eu.orders-0.leader);
//   - "*" in a list means every entry: the expectation must hold for each, and
//     there must be at least one (partitions.*.diverged equals false).
//
// Tests. `equals` compares JSON values (numbers by value: 0 equals 0.0);
// `min` / `max` are inclusive bounds on a number (a boolean counts as 0 / 1).
// An expectation holds when every test it states holds.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kafkasim/scenario.hpp"

namespace ks::report {

enum class ExpectStatus { held, failed, missing };
const char* to_string(ExpectStatus s);

struct ExpectResult {
    Expectation expectation;
    ExpectStatus status = ExpectStatus::missing;
    nlohmann::json actual;  // the value found (an array for "*"); null when missing
    std::string why;        // when not held: what went wrong, in a few words
};

// The value at `path` in `summary` (see the path rules above); nullopt when the
// path leads nowhere. For "*", the array of every matched value.
std::optional<nlohmann::json> lookup(const nlohmann::json& summary, std::string_view path);

// Judges each expectation, in the given order.
std::vector<ExpectResult> evaluate(const std::vector<Expectation>& expect, const nlohmann::json& summary);

bool all_held(const std::vector<ExpectResult>& results);

// "records.acked_lost max 0" — the expectation as a user wrote it.
std::string describe(const Expectation& e);
// "expect records.acked_lost max 0: held (0)" / "...: FAILED (312)" /
// "...: MISSING (no such path in summary.json)".
std::string describe(const ExpectResult& r);

// expect.json: {"held": bool, "results": [{"path", "equals"|"min"|"max", "status", "actual", "why"}]}.
nlohmann::json expect_json(const std::vector<ExpectResult>& results);

}  // namespace ks::report
