// Burrow's evaluator (monitor/burrow.hpp), ported from linkedin/Burrow
// core/internal/evaluator/caching_test.go: the rule table of
// TestCachingEvaluator_CheckRules (sets 0-11, one test case each, same numbering
// and comments), the group-level requests of TestCachingEvaluator_* and the
// status names of core/protocol/evaluator.go.
#include <doctest/doctest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/assert.hpp"
#include "monitor/burrow.hpp"

namespace {

using ks::Offset;
using ks::monitor::BurrowEvalOptions;
using ks::monitor::BurrowGroupStatus;
using ks::monitor::BurrowOffset;
using ks::monitor::BurrowPartitionInput;
using ks::monitor::BurrowStatus;
namespace rules = ks::monitor::burrow_rules;

// protocol.ConsumerOffset{Offset, Order, Timestamp, Lag}; lag < 0 stands for nil.
BurrowOffset co(Offset offset, std::int64_t order, std::int64_t timestamp_ms, std::int64_t lag) {
    BurrowOffset o{.offset = offset, .order = order, .timestamp_ms = timestamp_ms, .lag = {}};
    if (lag >= 0) o.lag = lag;
    return o;
}
constexpr std::int64_t kNil = -1;

// One entry of caching_test.go's `tests` table. timeNow is in seconds there.
struct RuleSet {
    std::vector<BurrowOffset> offsets;
    std::vector<Offset> broker_offsets;
    std::int64_t current_lag;
    std::int64_t time_now_s;
    bool lag_always_not_zero;
    bool rewind;
    bool stopped;
    bool stalled;
    bool lag_not_decreasing;
    bool recent_lag_zero;
    BurrowStatus status;
};

void check_rules(const RuleSet& t) {
    const std::int64_t now_ms = t.time_now_s * 1000;
    CHECK(rules::lag_always_not_zero(t.offsets, 0) == t.lag_always_not_zero);
    CHECK(rules::offsets_rewind(t.offsets) == t.rewind);
    CHECK(rules::offsets_stopped(t.offsets, now_ms) == t.stopped);
    CHECK(rules::offsets_stalled(t.offsets) == t.stalled);
    CHECK(rules::lag_not_decreasing(t.offsets) == t.lag_not_decreasing);
    CHECK(rules::recent_lag_zero(t.offsets, t.broker_offsets, 0) == t.recent_lag_zero);
    const BurrowStatus got =
        ks::monitor::calculate_partition_status(t.offsets, t.broker_offsets, t.current_lag, now_ms, 0);
    CHECK(std::string(ks::monitor::to_string(got)) == ks::monitor::to_string(t.status));
}

std::vector<BurrowOffset> five_advancing(std::int64_t lag0, std::int64_t lag_step) {
    std::vector<BurrowOffset> v;
    for (int i = 0; i < 5; ++i) {
        v.push_back(co(1000 * (i + 1), i + 1, 100000 * (i + 1), lag0 + lag_step * i));
    }
    return v;
}

// Sets 9 and 10: one commit a second, always at zero lag, then silence.
std::vector<BurrowOffset> fifteen_zero_lag() {
    const std::int64_t ts[] = {1512224618356, 1512224619362, 1512224620366, 1512224621367, 1512224622370,
                               1512224623373, 1512224624378, 1512224625379, 1512224626383, 1512224627383,
                               1512224628383, 1512224629388, 1512224630391, 1512224631394, 1512224632397};
    std::vector<BurrowOffset> v;
    for (int i = 0; i < 15; ++i) v.push_back(co(792748079 + i, i + 1, ts[i], 0));
    return v;
}

}  // namespace

TEST_CASE("burrow: status names are StatusConstant.String()") {
    using S = BurrowStatus;
    CHECK(std::string(to_string(S::not_found)) == "NOTFOUND");
    CHECK(std::string(to_string(S::ok)) == "OK");
    CHECK(std::string(to_string(S::warning)) == "WARN");
    CHECK(std::string(to_string(S::error)) == "ERR");
    CHECK(std::string(to_string(S::stop)) == "STOP");
    CHECK(std::string(to_string(S::stall)) == "STALL");
    CHECK(std::string(to_string(S::rewind)) == "REWIND");
    CHECK(ks::monitor::burrow_status_from_string("STALL") == S::stall);
    CHECK_FALSE(ks::monitor::burrow_status_from_string("WARNING").has_value());
    CHECK(static_cast<int>(S::rewind) == 6);  // the order is the severity
}

// caching_test.go tests[0]
TEST_CASE("burrow rules 0: OK because there is zero lag somewhere") {
    check_rules({five_advancing(0, 50), {5200}, 200, 600, false, false, false, false, true, false, BurrowStatus::ok});
}

// tests[1]
TEST_CASE("burrow rules 1: not stopped when time since last commit equals the window span") {
    check_rules({five_advancing(0, 50), {5200}, 200, 900, false, false, false, false, true, false, BurrowStatus::ok});
}

// tests[2]
TEST_CASE("burrow rules 2: STOP once the silence exceeds the span, despite a zero lag (#290)") {
    check_rules({five_advancing(0, 50), {5200}, 200, 1000, false, false, true, false, true, false, BurrowStatus::stop});
}

// tests[3]
TEST_CASE("burrow rules 3: STOP when lag is always non-zero as well") {
    check_rules({five_advancing(50, 50), {5250}, 250, 1000, true, false, true, false, true, false, BurrowStatus::stop});
}

// tests[4]
TEST_CASE("burrow rules 4: OK from a zero lag although the offsets stall") {
    std::vector<BurrowOffset> v;
    for (int i = 0; i < 5; ++i) v.push_back(co(1000, i + 1, 100000 * (i + 1), 50 * i));
    check_rules({v, {1200}, 200, 600, false, false, false, true, true, false, BurrowStatus::ok});
}

// tests[5]
TEST_CASE("burrow rules 5: STALL when the offset never moves and lag is always non-zero") {
    std::vector<BurrowOffset> v;
    for (int i = 0; i < 5; ++i) v.push_back(co(1000, i + 1, 100000 * (i + 1), 100 + 50 * i));
    check_rules({v, {1300}, 300, 600, true, false, false, true, true, false, BurrowStatus::stall});
}

// tests[6]
TEST_CASE("burrow rules 6: still STALL when the lag stays the same") {
    std::vector<BurrowOffset> v;
    for (int i = 0; i < 5; ++i) v.push_back(co(1000, i + 1, 100000 * (i + 1), 100));
    check_rules({v, {1100}, 100, 600, true, false, false, true, true, false, BurrowStatus::stall});
}

// tests[7]
TEST_CASE("burrow rules 7: REWIND when an offset goes back, even though lag decreases") {
    const std::vector<BurrowOffset> v = {co(1000, 1, 100000, 100), co(2000, 2, 200000, 150), co(3000, 3, 300000, 200),
                                         co(2000, 4, 400000, 1250), co(4000, 5, 500000, 300)};
    check_rules({v, {4300}, 300, 600, true, true, false, false, false, false, BurrowStatus::rewind});
}

// tests[8]
TEST_CASE("burrow rules 8: OK because the current lag is zero, though it looks stopped") {
    check_rules({five_advancing(50, 50), {5250}, 0, 1000, true, false, true, false, true, false, BurrowStatus::ok});
}

// tests[9]
TEST_CASE("burrow rules 9: STOP on timestamps with new data although every stored lag is zero") {
    check_rules({fifteen_zero_lag(),
                 {792749024, 792749000, 792748800, 792748600, 792748500},
                 931,
                 1512224650,
                 false,
                 false,
                 true,
                 false,
                 true,
                 false,
                 BurrowStatus::stop});
}

// tests[10]
TEST_CASE("burrow rules 10: OK, not STOP, when a recent broker offset shows zero lag (#303)") {
    check_rules({fifteen_zero_lag(),
                 {792748094, 792748093, 792748093, 792748093},
                 1,
                 1512224650,
                 false,
                 false,
                 true,
                 false,
                 true,
                 true,
                 BurrowStatus::ok});
}

// tests[11]
TEST_CASE("burrow rules 11: nil lag entries do not change test 0's results") {
    const std::vector<BurrowOffset> v = {
        co(1000, 10, 100000, 0),   co(1500, 15, 150000, kNil), co(2000, 20, 200000, 50),  co(2500, 25, 250000, kNil),
        co(3000, 30, 300000, 100), co(3500, 35, 350000, kNil), co(4000, 40, 400000, 150), co(4500, 45, 450000, kNil),
        co(5000, 50, 500000, 200), co(5500, 55, 550000, kNil)};
    check_rules({v, {5700}, 200, 600, false, false, false, false, true, false, BurrowStatus::ok});
}

TEST_CASE("burrow rules: WARN when offsets advance but lag never decreases") {
    // Not in Burrow's table: the one path to StatusWarning.
    check_rules(
        {five_advancing(50, 50), {5250}, 250, 600, true, false, false, false, true, false, BurrowStatus::warning});
}

TEST_CASE("burrow rules: an allowance generalises 'zero lag' to 'lag <= allowed'") {
    // Set 3's offsets at time 600 are WARN; lags 50..250 within an allowance of 50 are OK.
    const auto v = five_advancing(50, 50);
    CHECK(ks::monitor::calculate_partition_status(v, std::vector<Offset>{5250}, 250, 600000, 0) ==
          BurrowStatus::warning);
    CHECK(ks::monitor::calculate_partition_status(v, std::vector<Offset>{5250}, 250, 600000, 50) == BurrowStatus::ok);
    CHECK(ks::monitor::calculate_partition_status(v, std::vector<Offset>{5250}, 250, 600000, 250) == BurrowStatus::ok);
    // Broker offset 5250 is within 250 of the newest commit (5000): recent lag "zero".
    CHECK(rules::recent_lag_zero(v, std::vector<Offset>{5250}, 250));
    CHECK_FALSE(rules::recent_lag_zero(v, std::vector<Offset>{5250}, 249));
}

TEST_CASE("burrow: evaluatePartitionStatus strips empty slots and reports completeness") {
    BurrowPartitionInput in{
        .topic = "orders", .partition = 3, .window = {}, .broker_offsets = {5200}, .current_lag = 200};
    in.window = {std::nullopt, std::nullopt, std::nullopt};
    for (const auto& o : five_advancing(0, 50)) in.window.emplace_back(o);
    const auto ps = ks::monitor::evaluate_partition(in, 600000, BurrowEvalOptions{});
    CHECK(ps.topic == "orders");
    CHECK(ps.partition == 3);
    CHECK(ps.complete == doctest::Approx(5.0 / 8.0));
    CHECK(ps.complete == 5.0f / 8.0f);
    REQUIRE(ps.start.has_value());
    REQUIRE(ps.end.has_value());
    CHECK(ps.start->offset == 1000);
    CHECK(ps.end->offset == 5000);
    CHECK(ps.current_lag == 200);
    CHECK(ps.status == BurrowStatus::ok);

    // Below minimum-complete the rules do not run: set 2's STOP becomes OK.
    const auto stopped = ks::monitor::evaluate_partition(in, 1000000, BurrowEvalOptions{});
    CHECK(stopped.status == BurrowStatus::stop);
    const auto skipped =
        ks::monitor::evaluate_partition(in, 1000000, BurrowEvalOptions{.allowed_lag = 0, .minimum_complete = 0.7f});
    CHECK(skipped.status == BurrowStatus::ok);
}

TEST_CASE("burrow: a partition without commits is OK with complete 0") {
    const BurrowPartitionInput in{
        .topic = "orders", .partition = 0, .window = {}, .broker_offsets = {}, .current_lag = 0};
    const auto ps = ks::monitor::evaluate_partition(in, 0, BurrowEvalOptions{});
    CHECK(ps.status == BurrowStatus::ok);
    CHECK(ps.complete == 0.0f);
    CHECK_FALSE(ps.start.has_value());
}

TEST_CASE("burrow: an empty slot after a commit is a bug") {
    BurrowPartitionInput in{.topic = "t", .partition = 0, .window = {}, .broker_offsets = {}, .current_lag = 5};
    in.window = {co(1, 1, 1, 5), std::nullopt, co(2, 2, 2, 5)};
    CHECK_THROWS_AS(ks::monitor::evaluate_partition(in, 0, BurrowEvalOptions{}), ks::AssertionFailure);
}

TEST_CASE("burrow: group takes the worst partition, STOP/STALL/REWIND as ERR") {
    auto part = [](std::string topic, std::int32_t p, std::vector<BurrowOffset> offsets, std::int64_t lag) {
        BurrowPartitionInput in{
            .topic = std::move(topic), .partition = p, .window = {}, .broker_offsets = {}, .current_lag = lag};
        for (auto& o : offsets) in.window.emplace_back(o);
        return in;
    };
    std::vector<BurrowOffset> stalled;
    for (int i = 0; i < 5; ++i) stalled.push_back(co(1000, i + 1, 100000 * (i + 1), 100));

    // OK + WARN → WARN
    std::vector<BurrowPartitionInput> ps = {part("a", 0, five_advancing(0, 50), 200),
                                            part("a", 1, five_advancing(50, 50), 250)};
    BurrowGroupStatus g = ks::monitor::evaluate_group(ps, 600000, BurrowEvalOptions{});
    CHECK(g.status == BurrowStatus::warning);
    CHECK(g.partitions.at(1).status == BurrowStatus::warning);

    // + STALL → ERR, the partition keeps STALL
    ps.push_back(part("b", 0, stalled, 100));
    g = ks::monitor::evaluate_group(ps, 600000, BurrowEvalOptions{});
    CHECK(std::string(to_string(g.status)) == "ERR");
    CHECK(std::string(to_string(g.partitions.at(2).status)) == "STALL");
    CHECK(g.partition_count == 3);
    CHECK(g.totallag == 550);
    CHECK(g.complete == 1.0f);
    REQUIRE(g.maxlag.has_value());
    CHECK(g.maxlag->topic == "a");
    CHECK(g.maxlag->partition == 1);  // 250 is the largest current lag

    // Ties keep the first partition, as Burrow's strict ">" does.
    ps = {part("a", 0, five_advancing(0, 50), 200), part("a", 1, five_advancing(0, 50), 200)};
    g = ks::monitor::evaluate_group(ps, 600000, BurrowEvalOptions{});
    CHECK(g.maxlag->partition == 0);
}

TEST_CASE("burrow: group complete is the share of full windows; no partitions → complete 0") {
    BurrowPartitionInput full{.topic = "a", .partition = 0, .window = {}, .broker_offsets = {}, .current_lag = 0};
    for (const auto& o : five_advancing(0, 0)) full.window.emplace_back(o);
    BurrowPartitionInput half = full;
    half.partition = 1;
    half.window = {std::nullopt, std::nullopt, co(1, 1, 1, 0), co(2, 2, 2, 0)};
    BurrowPartitionInput none = full;
    none.partition = 2;
    none.window.clear();
    const std::vector<BurrowPartitionInput> ps = {full, half, none};
    const auto g = ks::monitor::evaluate_group(ps, 0, BurrowEvalOptions{});
    CHECK(g.complete == 1.0f / 3.0f);
    CHECK(g.partitions.at(1).complete == 0.5f);
    CHECK(g.status == BurrowStatus::ok);

    const auto empty = ks::monitor::evaluate_group({}, 0, BurrowEvalOptions{});
    CHECK(empty.status == BurrowStatus::ok);
    CHECK(empty.complete == 0.0f);
    CHECK_FALSE(empty.maxlag.has_value());
}

// TestCachingEvaluator_Start: an unknown group.
TEST_CASE("burrow: NOTFOUND is complete 1 with nothing else") {
    const auto g = ks::monitor::burrow_not_found();
    CHECK(std::string(to_string(g.status)) == "NOTFOUND");
    CHECK(g.complete == 1.0f);
    CHECK(g.partitions.empty());
    CHECK_FALSE(g.maxlag.has_value());
    CHECK(g.totallag == 0);
}
