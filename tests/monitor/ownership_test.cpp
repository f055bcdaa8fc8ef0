// The unowned-partition time of a consumer group (monitor/ownership.hpp).
#include <doctest/doctest.h>

#include "monitor/ownership.hpp"

using namespace ks;
using namespace ks::monitor;

namespace {
Instant at_s(double sec) {
    return Instant::zero() + from_seconds(sec);
}
const TopicPartition p0{0, 0}, p1{0, 1};
}  // namespace

TEST_CASE("ownership: nothing counts before every partition had an owner") {
    const auto t = unowned_time({{at_s(1), p0, +1}, {at_s(4), p1, +1}}, {p0, p1}, at_s(10));
    CHECK(t.partition_s == 0);
    CHECK(t.max_s == 0);
}

TEST_CASE("ownership: a revoked partition is unowned until another member takes it") {
    // p1 moves from member A to B: A gives it up at 5 s, B takes it at 8 s.
    const auto t =
        unowned_time({{at_s(0), p0, +1}, {at_s(0), p1, +1}, {at_s(5), p1, -1}, {at_s(8), p1, +1}}, {p0, p1}, at_s(10));
    CHECK(t.partition_s == doctest::Approx(3));
    CHECK(t.max_s == doctest::Approx(3));
}

TEST_CASE("ownership: an eager rebalance leaves every partition unowned; a hand-over in one instant costs nothing") {
    const auto t = unowned_time({{at_s(0), p0, +1},
                                 {at_s(0), p1, +1},
                                 {at_s(5), p0, -1},
                                 {at_s(5), p1, -1},
                                 {at_s(7), p0, +1},
                                 {at_s(7), p1, +1},
                                 {at_s(9), p0, -1},
                                 {at_s(9), p0, +1}},
                                {p0, p1}, at_s(10));
    CHECK(t.partition_s == doctest::Approx(4));
    CHECK(t.max_s == doctest::Approx(2));
}

TEST_CASE("ownership: a partition still unowned at the end counts up to then") {
    const auto t = unowned_time({{at_s(0), p0, +1}, {at_s(0), p1, +1}, {at_s(6), p0, -1}}, {p0, p1}, at_s(10));
    CHECK(t.partition_s == doctest::Approx(4));
    CHECK(t.max_s == doctest::Approx(4));
}
