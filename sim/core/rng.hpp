// Deterministic random numbers: xoshiro256** seeded through splitmix64, with
// named sub-streams, and portable distributions written here.
//
// Why not <random>: std::*_distribution algorithms are unspecified, so the same
// seed gives different numbers under libstdc++ and libc++. Everything below is
// specified here and uses only IEEE arithmetic and log/exp/log1p/expm1/sqrt.
//
// Streams: Rng::stream(seed, "network") is a pure function of (seed, name). A
// component draws only from its own stream, so adding draws to one component
// never shifts another's numbers. fork(name) derives a child stream from the
// parent's identity (not its current state), so it too is position-independent.
#pragma once

#include <cstdint>
#include <string_view>

namespace ks {

std::uint64_t splitmix64(std::uint64_t& state);
// FNV-1a, 64-bit: a stable hash of names for stream derivation.
std::uint64_t fnv1a64(std::string_view s);

class Rng {
  public:
    // REQUIRES: nothing; any seed (0 included) gives a valid stream.
    explicit Rng(std::uint64_t seed);
    static Rng stream(std::uint64_t seed, std::string_view name);
    Rng fork(std::string_view name) const;

    std::uint64_t next_u64();
    // Uniform in [0, n). REQUIRES: n > 0. Unbiased (Lemire's multiply-and-reject).
    std::uint64_t uniform_u64(std::uint64_t n);
    // Uniform in [lo, hi]. REQUIRES: lo <= hi.
    std::int64_t uniform_int(std::int64_t lo, std::int64_t hi);
    // Uniform in [0, 1), 53 random bits.
    double uniform01();
    // Uniform in (0, 1]: safe for log().
    double uniform01_open0();
    double uniform_real(double lo, double hi);
    bool bernoulli(double p);
    double exponential(double mean);
    double normal(double mean, double stddev);
    // Log-normal given by its median and its 99th percentile (p99 >= median).
    double lognormal_median_p99(double median, double p99);

  private:
    std::uint64_t s_[4];
    // lognormal_median_p99's (mu, sigma) for the last few (median, p99) pairs:
    // the logs are computed once per distinct pair, with identical results.
    struct LognormalParams {
        double median = -1, p99 = -1, mu = 0, sigma = 0;
    };
    LognormalParams lognormal_cache_[4];
    std::uint8_t lognormal_next_ = 0;
    std::uint64_t identity_;  // what fork() derives from
};

// Zipf over ranks 1..n with exponent s > 0: rejection-inversion sampling
// (Hörmann & Derflinger 1996, as in Apache Commons RNG's
// RejectionInversionZipfSampler). O(1) per draw, no tables.
class ZipfSampler {
  public:
    ZipfSampler(std::int64_t n, double exponent);
    std::int64_t sample(Rng& rng) const;  // in [1, n]
    std::int64_t n() const { return n_; }

  private:
    double h(double x) const;
    double h_integral(double x) const;
    double h_integral_inverse(double x) const;
    std::int64_t n_;
    double s_;
    double h_integral_x1_;
    double h_integral_n_;
    double threshold_;
};

}  // namespace ks
