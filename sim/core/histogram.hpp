// Histogram: a log-bucketed histogram of non-negative integers (latencies in
// nanoseconds), in the manner of HdrHistogram with a fixed precision.
//
// Buckets: values below 2^kPrecisionBits are counted exactly; above, a value
// v with bit length m falls in a bucket of width 2^(m - kPrecisionBits), so a
// bucket's width is at most 1 / 2^(kPrecisionBits - 1) of its lower bound.
// Quantiles report the bucket's midpoint, clamped to [min, max]: the relative
// error is at most 2^-kPrecisionBits (0.4% with 8 bits), within the 1% the
// reports promise. min, max, count and sum are exact.
//
// Memory: one 64-bit counter per bucket up to the largest value seen (at most
// 256 + 56 * 128 buckets, ~60 KB); record() is O(1) and allocation-free once
// the largest bucket exists.
#pragma once

#include <cstdint>
#include <vector>

namespace ks {

class Histogram {
  public:
    static constexpr unsigned kPrecisionBits = 8;

    // Counts `value` `times` times. REQUIRES: value >= 0, times >= 1.
    void record(std::int64_t value, std::int64_t times = 1);
    // Adds every count of `other`.
    void merge(const Histogram& other);

    std::int64_t count() const { return count_; }
    bool empty() const { return count_ == 0; }
    // REQUIRES: !empty() for min/max/mean.
    std::int64_t min() const;
    std::int64_t max() const;
    double mean() const;
    // The value at quantile q in [0, 1] (rank ceil(q * count), at least 1):
    // the midpoint of its bucket, clamped to [min, max]; the exact max at the
    // last rank. REQUIRES: !empty().
    std::int64_t quantile(double q) const;

    // Bucket geometry (exposed for tests).
    static std::size_t bucket_of(std::int64_t value);
    static std::int64_t bucket_low(std::size_t index);
    static std::int64_t bucket_width(std::size_t index);

  private:
    std::vector<std::int64_t> counts_;
    std::int64_t count_ = 0;
    std::int64_t min_ = 0;
    std::int64_t max_ = 0;
    double sum_ = 0;
};

}  // namespace ks
