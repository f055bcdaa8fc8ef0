// Burrow's evaluator (monitor/burrow.hpp), ported from linkedin/Burrow v1.9.5
// (commit ced55ba90f6b) core/internal/evaluator/caching_test.go: the whole rule
// table of TestCachingEvaluator_CheckRules (sets 0-15, one test case each, same
// numbering, Burrow's expected values for every rule and the status), the
// group-level requests of TestCachingEvaluator_* and the status names of
// core/protocol/evaluator.go.
#include <doctest/doctest.h>

#include <cstddef>
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

// One entry of caching_test.go's `tests` table (a testset), fields in its order.
// timeNow is in seconds there; checkIfOffsetsRewind is an index, −1 for none.
struct RuleSet {
    std::vector<BurrowOffset> offsets;
    std::vector<Offset> broker_offsets;
    std::int64_t current_lag;
    std::int64_t time_now_s;
    std::int64_t allowed_lag;
    bool lag_always_not_zero;
    int rewind_index;
    bool stopped;
    bool stalled;
    bool lag_not_decreasing;
    bool recent_lag_zero;
    BurrowStatus status;
};

// TestCachingEvaluator_CheckRules for one set.
void check_rules(const RuleSet& t) {
    const std::int64_t now_ms = t.time_now_s * 1000;
    CHECK(rules::lag_always_not_zero(t.offsets, t.allowed_lag) == t.lag_always_not_zero);
    const std::optional<std::size_t> rewind = rules::offsets_rewind(t.offsets);
    CHECK((rewind ? static_cast<int>(*rewind) : -1) == t.rewind_index);
    CHECK(rules::offsets_stopped(t.offsets, now_ms) == t.stopped);
    CHECK(rules::offsets_stalled(t.offsets) == t.stalled);
    CHECK(rules::lag_not_decreasing(t.offsets) == t.lag_not_decreasing);
    CHECK(rules::recent_lag_zero(t.offsets, t.broker_offsets) == t.recent_lag_zero);
    const BurrowStatus got =
        ks::monitor::calculate_partition_status(t.offsets, t.broker_offsets, t.current_lag, now_ms, t.allowed_lag);
    CHECK(std::string(ks::monitor::to_string(got)) == ks::monitor::to_string(t.status));
}

std::vector<BurrowOffset> five_advancing(std::int64_t lag0, std::int64_t lag_step) {
    std::vector<BurrowOffset> v;
    for (int i = 0; i < 5; ++i) {
        v.push_back(co(1000 * (i + 1), i + 1, 100000 * (i + 1), lag0 + lag_step * i));
    }
    return v;
}

// Five commits 100 s apart, all at offset 1000 (sets 4, 5, 6, 13).
std::vector<BurrowOffset> five_stalled(std::int64_t lag0, std::int64_t lag_step) {
    std::vector<BurrowOffset> v;
    for (int i = 0; i < 5; ++i) v.push_back(co(1000, i + 1, 100000 * (i + 1), lag0 + lag_step * i));
    return v;
}

// Sets 7 and 14: back from 3000 to 2000, then on to 4000 (recovered).
std::vector<BurrowOffset> rewind_recovered_window() {
    return {co(1000, 1, 100000, 100), co(2000, 2, 200000, 150), co(3000, 3, 300000, 200), co(2000, 4, 400000, 1250),
            co(4000, 5, 500000, 300)};
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

constexpr bool T = true;
constexpr bool F = false;

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

// Columns: offsets, brokerOffsets, currentLag, timeNow (s), allowedLag,
// isLagAlwaysNotZero, checkIfOffsetsRewind, checkIfOffsetsStopped,
// checkIfOffsetsStalled, checkIfLagNotDecreasing, checkIfRecentLagZero, status.

TEST_CASE("caching_test.go tests[0]: OK because there is zero lag somewhere") {
    check_rules({five_advancing(0, 50), {5200}, 200, 600, 0, F, -1, F, F, T, F, BurrowStatus::ok});
}

TEST_CASE("caching_test.go tests[1]: not stopped when time since last commit equals the window span") {
    check_rules({five_advancing(0, 50), {5200}, 200, 900, 0, F, -1, F, F, T, F, BurrowStatus::ok});
}

TEST_CASE("caching_test.go tests[2]: STOP once the silence exceeds the span, despite a zero lag (#290)") {
    check_rules({five_advancing(0, 50), {5200}, 200, 1000, 0, F, -1, T, F, T, F, BurrowStatus::stop});
}

TEST_CASE("caching_test.go tests[3]: STOP when lag is always non-zero as well") {
    check_rules({five_advancing(50, 50), {5250}, 250, 1000, 0, T, -1, T, F, T, F, BurrowStatus::stop});
}

TEST_CASE("caching_test.go tests[4]: OK from a zero lag although the offsets stall") {
    check_rules({five_stalled(0, 50), {1200}, 200, 600, 0, F, -1, F, T, T, F, BurrowStatus::ok});
}

TEST_CASE("caching_test.go tests[5]: STALL when the offset never moves and lag is always non-zero") {
    check_rules({five_stalled(100, 50), {1300}, 300, 600, 0, T, -1, F, T, T, F, BurrowStatus::stall});
}

TEST_CASE("caching_test.go tests[6]: still STALL when the lag stays the same") {
    check_rules({five_stalled(100, 0), {1100}, 100, 600, 0, T, -1, F, T, T, F, BurrowStatus::stall});
}

// Before v1.3.7 Burrow expected REWIND here (any rewind, with no zero lag).
TEST_CASE("caching_test.go tests[7]: OK, the offsets go back but catch up within the window") {
    check_rules({rewind_recovered_window(), {4300}, 300, 600, 0, T, 3, F, F, F, F, BurrowStatus::ok});
}

TEST_CASE("caching_test.go tests[8]: OK because the current lag is zero, though it looks stopped") {
    check_rules({five_advancing(50, 50), {5250}, 0, 1000, 0, T, -1, T, F, T, F, BurrowStatus::ok});
}

TEST_CASE("caching_test.go tests[9]: STOP on timestamps with new data although every stored lag is zero") {
    check_rules({fifteen_zero_lag(),
                 {792749024, 792749000, 792748800, 792748600, 792748500},
                 931,
                 1512224650,
                 0,
                 F,
                 -1,
                 T,
                 F,
                 T,
                 F,
                 BurrowStatus::stop});
}

TEST_CASE("caching_test.go tests[10]: OK, not STOP, when a recent broker offset shows zero lag (#303)") {
    check_rules({fifteen_zero_lag(),
                 {792748094, 792748093, 792748093, 792748093},
                 1,
                 1512224650,
                 0,
                 F,
                 -1,
                 T,
                 F,
                 T,
                 T,
                 BurrowStatus::ok});
}

TEST_CASE("caching_test.go tests[11]: nil lag entries do not change test 0's results") {
    const std::vector<BurrowOffset> v = {
        co(1000, 10, 100000, 0),   co(1500, 15, 150000, kNil), co(2000, 20, 200000, 50),  co(2500, 25, 250000, kNil),
        co(3000, 30, 300000, 100), co(3500, 35, 350000, kNil), co(4000, 40, 400000, 150), co(4500, 45, 450000, kNil),
        co(5000, 50, 500000, 200), co(5500, 55, 550000, kNil)};
    check_rules({v, {5700}, 200, 600, 0, F, -1, F, F, T, F, BurrowStatus::ok});
}

// Also: checkIfRecentLagZero ignores allowedLag (broker 2001 is 1 past the newest
// commit, within the allowance, yet not "recent lag zero").
TEST_CASE("caching_test.go tests[12]: OK although lagging and stopped, as the current lag is the allowed lag") {
    const std::vector<BurrowOffset> v = {co(1000, 1, 100000, 2), co(2000, 2, 200000, 1), co(2000, 2, 300000, 1)};
    check_rules({v, {2001}, 1, 550, 1, F, -1, T, F, F, F, BurrowStatus::ok});
}

TEST_CASE("caching_test.go tests[13]: set 5 with allowed lag 99 is still STALL") {
    check_rules({five_stalled(100, 50), {1300}, 300, 600, 99, T, -1, F, T, T, F, BurrowStatus::stall});
}

TEST_CASE("caching_test.go tests[14]: set 7 with allowed lag 99 is still OK") {
    check_rules({rewind_recovered_window(), {4300}, 300, 600, 99, T, 3, F, F, F, F, BurrowStatus::ok});
}

TEST_CASE("caching_test.go tests[15]: REWIND, the offsets go back and do not reach the previous point") {
    const std::vector<BurrowOffset> v = {co(1000, 1, 100000, 100), co(2000, 2, 200000, 150), co(3000, 3, 300000, 200),
                                         co(2000, 4, 400000, 1250), co(2500, 5, 500000, 300)};
    check_rules({v, {4300}, 300, 600, 0, T, 3, F, F, F, F, BurrowStatus::rewind});
}

// The rule order of Burrow ≥ v1.3.7 (caching.go calculatePartitionStatus, commit
// d69a8ec04462): REWIND is judged after STOP and before the zero-lag rule, and only
// while the rewind has not recovered. The older order (REWIND only when no stored
// lag is zero, recovered or not) gave the opposite answer in both cases.
TEST_CASE("burrow rules: a recovered rewind is OK; an unrecovered one is REWIND despite a zero lag") {
    const auto status = [](const std::vector<BurrowOffset>& v, std::int64_t current_lag, std::int64_t now_s) {
        return ks::monitor::calculate_partition_status(v, std::vector<Offset>{5000}, current_lag, now_s * 1000, 0);
    };
    // Recovered: 3000 → 2000 → 4000, lag never zero but decreasing: OK (was REWIND).
    CHECK(status(rewind_recovered_window(), 300, 600) == BurrowStatus::ok);

    // At zero lag, then back from 3000 to 500 (a reset to an early offset): the zero
    // lags in the window do not excuse it (was OK).
    std::vector<BurrowOffset> v = {co(1000, 1, 100000, 0), co(2000, 2, 200000, 0), co(3000, 3, 300000, 0),
                                   co(500, 4, 400000, 2600), co(1000, 5, 500000, 2200)};
    REQUIRE(rules::offsets_rewind(v) == std::size_t{3});
    CHECK_FALSE(rules::rewind_recovered(v, 3));
    CHECK_FALSE(rules::lag_always_not_zero(v, 0));
    CHECK(status(v, 2200, 600) == BurrowStatus::rewind);
    // Back at 3000 (≥ the offset before the rewind): recovered, and the zero lags
    // make the window OK again.
    v.push_back(co(3000, 6, 600000, 300));
    CHECK(rules::rewind_recovered(v, 3));
    CHECK(status(v, 300, 700) == BurrowStatus::ok);
    // STOP still comes first.
    v.pop_back();
    CHECK(status(v, 2200, 1000) == BurrowStatus::stop);
}

TEST_CASE("burrow rules: only the first rewind counts, and reaching the previous offset exactly recovers it") {
    // 3000 → 2000 (first rewind, index 2) recovers at 3000; the second rewind
    // (3000 → 2500) never reaches 3000 again but Burrow does not look at it.
    const std::vector<BurrowOffset> v = {co(1000, 1, 100000, 400),  co(3000, 2, 200000, 300),
                                         co(2000, 3, 300000, 1400), co(3000, 4, 400000, 500),
                                         co(2500, 5, 500000, 1100), co(2600, 6, 600000, 1000)};
    REQUIRE(rules::offsets_rewind(v) == std::size_t{2});
    CHECK(rules::rewind_recovered(v, 2));
    CHECK_FALSE(rules::rewind_recovered(v, 4));
    CHECK(ks::monitor::calculate_partition_status(v, std::vector<Offset>{3600}, 1000, 700000, 0) == BurrowStatus::ok);
    CHECK_THROWS_AS(rules::rewind_recovered(v, 0), ks::AssertionFailure);
    CHECK_THROWS_AS(rules::rewind_recovered(v, v.size()), ks::AssertionFailure);
}

TEST_CASE("burrow rules: WARN when offsets advance but lag never decreases") {
    // Not in Burrow's table: the one path to StatusWarning.
    check_rules({five_advancing(50, 50), {5250}, 250, 600, 0, T, -1, F, F, T, F, BurrowStatus::warning});
}

TEST_CASE("burrow rules: allowed-lag turns 'zero lag' into 'lag <= allowed', broker offsets excepted") {
    // Set 3's offsets at time 600 are WARN; lags 50..250 within an allowance of 50 are OK.
    const auto v = five_advancing(50, 50);
    CHECK(ks::monitor::calculate_partition_status(v, std::vector<Offset>{5250}, 250, 600000, 0) ==
          BurrowStatus::warning);
    CHECK(ks::monitor::calculate_partition_status(v, std::vector<Offset>{5250}, 250, 600000, 50) == BurrowStatus::ok);
    CHECK(ks::monitor::calculate_partition_status(v, std::vector<Offset>{5250}, 250, 600000, 250) == BurrowStatus::ok);
    // checkIfRecentLagZero takes no allowance: a broker offset 100 past the newest
    // commit (5000) is not "recent lag zero" even with allowed lag 100, so the
    // stopped window is STOP, not excused.
    const std::vector<Offset> brokers = {5100, 5300};
    CHECK_FALSE(rules::recent_lag_zero(v, brokers));
    CHECK(rules::recent_lag_zero(v, std::vector<Offset>{5000, 5300}));
    CHECK(ks::monitor::calculate_partition_status(v, brokers, 300, 1000000, 100) == BurrowStatus::stop);
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
