#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/histogram.hpp"
#include "core/rng.hpp"

using namespace ks;

TEST_CASE("histogram: small values are exact and buckets tile the integers") {
    for (std::int64_t v = 0; v < 300000; v += (v < 1000 ? 1 : 997)) {
        const std::size_t b = Histogram::bucket_of(v);
        CHECK(Histogram::bucket_low(b) <= v);
        CHECK(v < Histogram::bucket_low(b) + Histogram::bucket_width(b));
        if (v < 256) CHECK(Histogram::bucket_width(b) == 1);
    }
    for (std::size_t b = 0; b + 1 < 256 + 40 * 128; ++b) {
        CHECK(Histogram::bucket_low(b) + Histogram::bucket_width(b) == Histogram::bucket_low(b + 1));
    }
    const std::int64_t big = std::int64_t{1} << 62;
    const std::size_t b = Histogram::bucket_of(big + 12345);
    CHECK(Histogram::bucket_low(b) <= big + 12345);
}

TEST_CASE("histogram: quantiles of a lognormal sample are within 1% of the exact ones") {
    Rng rng(7);
    Histogram h;
    std::vector<std::int64_t> v;
    for (int i = 0; i < 200000; ++i) {
        const auto x = static_cast<std::int64_t>(rng.lognormal_median_p99(2e6, 30e6));
        v.push_back(x);
        h.record(x);
    }
    std::sort(v.begin(), v.end());
    for (double q : {0.01, 0.5, 0.9, 0.99, 0.999}) {
        const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(v.size())));
        const double exact = static_cast<double>(v[rank - 1]);
        const double got = static_cast<double>(h.quantile(q));
        CHECK(std::abs(got - exact) <= 0.01 * exact);
    }
    CHECK(h.max() == v.back());
    CHECK(h.min() == v.front());
    CHECK(h.quantile(1.0) == v.back());
    CHECK(h.count() == 200000);
}

TEST_CASE("histogram: record with a count, merge and mean") {
    Histogram a, b;
    a.record(10, 3);
    b.record(1000);
    b.record(0);
    a.merge(b);
    CHECK(a.count() == 5);
    CHECK(a.min() == 0);
    CHECK(a.max() == 1000);
    CHECK(a.mean() == doctest::Approx(206.0));
    CHECK(a.quantile(0.5) == 10);
    CHECK(a.quantile(0.0) == 0);
}
