#include <doctest/doctest.h>

#include <cmath>

#include "core/rng.hpp"
#include "kafkasim/time.hpp"

using namespace ks;

TEST_CASE("time: unit constructors are exact integer nanoseconds") {
    CHECK(ns(1).ns() == 1);
    CHECK(us(3).ns() == 3000);
    CHECK(ms(5).ns() == 5000000);
    CHECK(s(30).ns() == 30000000000LL);
    CHECK(s(1) == ms(1000));
    CHECK(ms(30000) / 2 == s(15));
    CHECK(s(45) / s(15) == 3);
}

TEST_CASE("time: instants and durations combine as points and distances") {
    const Instant t0 = at(s(10));
    const Instant t1 = t0 + ms(250);
    CHECK(t1 - t0 == ms(250));
    CHECK(t1 > t0);
    CHECK(t1.since_start() == ms(10250));
}

TEST_CASE("time: fractional seconds from scenario files round to the nearest nanosecond") {
    CHECK(from_seconds(0.1) == ms(100));
    CHECK(from_millis(0.05) == us(50));
    CHECK(from_millis(2.5) == us(2500));
    CHECK(from_seconds(1e-10) == ns(0));
}

TEST_CASE("time: round_half_away matches std::llround bit for bit") {
    const double edge[] = {0.0,
                           -0.0,
                           0.5,
                           -0.5,
                           1.5,
                           2.5,
                           -2.5,
                           0.49999999999999994,
                           -0.49999999999999994,
                           4503599627370495.5,
                           4503599627370496.0,
                           -4503599627370497.0,
                           1e18,
                           -1e18,
                           123456.5};
    for (double x : edge) CHECK(ks::round_half_away(x) == std::llround(x));
    ks::Rng rng(7);
    for (int i = 0; i < 100000; ++i) {
        const double x = rng.normal(0, 1) * std::pow(10.0, rng.uniform_real(-3, 15));
        REQUIRE(ks::round_half_away(x) == std::llround(x));
    }
}
