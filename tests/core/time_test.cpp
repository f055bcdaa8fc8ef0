#include <doctest/doctest.h>

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
