#include "core/histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

#include "core/assert.hpp"

namespace ks {

namespace {
constexpr std::uint64_t kExact = std::uint64_t{1} << Histogram::kPrecisionBits;  // 256
constexpr std::uint64_t kHalf = kExact / 2;                                      // 128
}  // namespace

std::size_t Histogram::bucket_of(std::int64_t value) {
    KS_ASSERT_GE(value, 0);
    const auto v = static_cast<std::uint64_t>(value);
    if (v < kExact) return static_cast<std::size_t>(v);
    const unsigned m = 64u - static_cast<unsigned>(std::countl_zero(v));  // bit length > kPrecisionBits
    const unsigned shift = m - kPrecisionBits;                            // top keeps kPrecisionBits bits
    const std::uint64_t top = v >> shift;                                 // in [kHalf, kExact)
    return static_cast<std::size_t>(kExact + (shift - 1) * kHalf + (top - kHalf));
}

std::int64_t Histogram::bucket_low(std::size_t index) {
    if (index < kExact) return static_cast<std::int64_t>(index);
    const std::uint64_t rel = index - kExact;
    const std::uint64_t shift = rel / kHalf + 1;
    const std::uint64_t top = rel % kHalf + kHalf;
    return static_cast<std::int64_t>(top << shift);
}

std::int64_t Histogram::bucket_width(std::size_t index) {
    if (index < kExact) return 1;
    return std::int64_t{1} << ((index - kExact) / kHalf + 1);
}

void Histogram::record(std::int64_t value, std::int64_t times) {
    KS_ASSERT_GE(times, 1);
    const std::size_t b = bucket_of(value);
    if (b >= counts_.size()) counts_.resize(b + 1, 0);
    counts_[b] += times;
    if (count_ == 0) {
        min_ = max_ = value;
    } else {
        min_ = std::min(min_, value);
        max_ = std::max(max_, value);
    }
    count_ += times;
    sum_ += static_cast<double>(value) * static_cast<double>(times);
}

void Histogram::merge(const Histogram& other) {
    if (other.empty()) return;
    if (other.counts_.size() > counts_.size()) counts_.resize(other.counts_.size(), 0);
    for (std::size_t i = 0; i < other.counts_.size(); ++i) counts_[i] += other.counts_[i];
    if (count_ == 0) {
        min_ = other.min_;
        max_ = other.max_;
    } else {
        min_ = std::min(min_, other.min_);
        max_ = std::max(max_, other.max_);
    }
    count_ += other.count_;
    sum_ += other.sum_;
}

std::int64_t Histogram::min() const {
    KS_ASSERT(!empty());
    return min_;
}

std::int64_t Histogram::max() const {
    KS_ASSERT(!empty());
    return max_;
}

double Histogram::mean() const {
    KS_ASSERT(!empty());
    return sum_ / static_cast<double>(count_);
}

std::int64_t Histogram::quantile(double q) const {
    KS_ASSERT(!empty());
    KS_ASSERT(q >= 0.0 && q <= 1.0);
    auto rank = static_cast<std::int64_t>(std::ceil(q * static_cast<double>(count_)));
    rank = std::clamp<std::int64_t>(rank, 1, count_);
    if (rank == count_) return max_;  // the largest value is known exactly
    std::int64_t seen = 0;
    for (std::size_t i = 0; i < counts_.size(); ++i) {
        seen += counts_[i];
        if (seen >= rank) {
            const std::int64_t mid = bucket_low(i) + (bucket_width(i) - 1) / 2;
            return std::clamp(mid, min_, max_);
        }
    }
    KS_UNREACHABLE("histogram: rank beyond count");
}

}  // namespace ks
