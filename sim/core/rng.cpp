#include "core/rng.hpp"

#include <cmath>

#include "core/assert.hpp"

namespace ks {

namespace {
__extension__ using u128 = unsigned __int128;
inline std::uint64_t rotl(std::uint64_t x, int k) {
    return (x << k) | (x >> (64 - k));
}
// z-score of the 99th percentile of the standard normal distribution.
constexpr double kZ99 = 2.3263478740408408;
}  // namespace

std::uint64_t splitmix64(std::uint64_t& state) {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

std::uint64_t fnv1a64(std::string_view s) {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (unsigned char c : s) {
        h ^= c;
        h *= 0x100000001b3ULL;
    }
    return h;
}

Rng::Rng(std::uint64_t seed) : identity_(seed) {
    std::uint64_t st = seed;
    for (auto& w : s_) w = splitmix64(st);
}

Rng Rng::stream(std::uint64_t seed, std::string_view name) {
    std::uint64_t st = seed;
    const std::uint64_t a = splitmix64(st);
    std::uint64_t nt = fnv1a64(name);
    const std::uint64_t b = splitmix64(nt);
    return Rng(a ^ rotl(b, 17));
}

Rng Rng::fork(std::string_view name) const {
    return stream(identity_, name);
}

std::uint64_t Rng::next_u64() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
}

std::uint64_t Rng::uniform_u64(std::uint64_t n) {
    KS_ASSERT_GT(n, 0u);
    // Lemire, "Fast Random Integer Generation in an Interval" (2019).
    u128 m = static_cast<u128>(next_u64()) * n;
    auto low = static_cast<std::uint64_t>(m);
    if (low < n) {
        const std::uint64_t threshold = (0 - n) % n;
        while (low < threshold) {
            m = static_cast<u128>(next_u64()) * n;
            low = static_cast<std::uint64_t>(m);
        }
    }
    return static_cast<std::uint64_t>(m >> 64);
}

std::int64_t Rng::uniform_int(std::int64_t lo, std::int64_t hi) {
    KS_ASSERT_LE(lo, hi);
    const std::uint64_t span = static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo);
    if (span == UINT64_MAX) return static_cast<std::int64_t>(next_u64());
    return static_cast<std::int64_t>(static_cast<std::uint64_t>(lo) + uniform_u64(span + 1));
}

double Rng::uniform01() {
    return static_cast<double>(next_u64() >> 11) * 0x1.0p-53;
}

double Rng::uniform01_open0() {
    return static_cast<double>((next_u64() >> 11) + 1) * 0x1.0p-53;
}

double Rng::uniform_real(double lo, double hi) {
    return lo + (hi - lo) * uniform01();
}

bool Rng::bernoulli(double p) {
    if (p <= 0) return false;
    if (p >= 1) return true;
    return uniform01() < p;
}

double Rng::exponential(double mean) {
    return -std::log(uniform01_open0()) * mean;
}

double Rng::normal(double mean, double stddev) {
    // Box–Muller, one output per pair of uniforms: stateless, so the stream's
    // position depends only on the number of calls.
    const double u1 = uniform01_open0();
    const double u2 = uniform01();
    const double r = std::sqrt(-2.0 * std::log(u1));
    return mean + stddev * r * std::cos(2.0 * 3.14159265358979323846 * u2);
}

double Rng::lognormal_median_p99(double median, double p99) {
    KS_ASSERT_GT(median, 0.0);
    KS_ASSERT_GE(p99, median);
    for (const LognormalParams& c : lognormal_cache_) {
        if (c.median == median && c.p99 == p99) return std::exp(normal(c.mu, c.sigma));
    }
    LognormalParams& c = lognormal_cache_[lognormal_next_];
    lognormal_next_ = static_cast<std::uint8_t>((lognormal_next_ + 1) % 4);
    c.median = median;
    c.p99 = p99;
    c.mu = std::log(median);
    c.sigma = (std::log(p99) - c.mu) / kZ99;
    return std::exp(normal(c.mu, c.sigma));
}

// ---------------------------------------------------------------------------

namespace {
double helper1(double x) {  // log1p(x) / x, accurate near 0
    return std::abs(x) > 1e-8 ? std::log1p(x) / x : 1.0 - x * (0.5 - x * (1.0 / 3.0 - 0.25 * x));
}
double helper2(double x) {  // expm1(x) / x, accurate near 0
    return std::abs(x) > 1e-8 ? std::expm1(x) / x : 1.0 + x * 0.5 * (1.0 + x / 3.0 * (1.0 + 0.25 * x));
}
}  // namespace

ZipfSampler::ZipfSampler(std::int64_t n, double exponent) : n_(n), s_(exponent) {
    KS_ASSERT_GE(n, 1);
    KS_ASSERT_GT(exponent, 0.0);
    h_integral_x1_ = h_integral(1.5) - 1.0;
    h_integral_n_ = h_integral(static_cast<double>(n) + 0.5);
    threshold_ = 2.0 - h_integral_inverse(h_integral(2.5) - h(2.0));
}

double ZipfSampler::h(double x) const {
    return std::exp(-s_ * std::log(x));
}

double ZipfSampler::h_integral(double x) const {
    const double log_x = std::log(x);
    return helper2((1.0 - s_) * log_x) * log_x;
}

double ZipfSampler::h_integral_inverse(double x) const {
    double t = x * (1.0 - s_);
    if (t < -1.0) t = -1.0;  // numerical guard, as in Commons RNG
    return std::exp(helper1(t) * x);
}

std::int64_t ZipfSampler::sample(Rng& rng) const {
    for (int attempt = 0; attempt < 1000000; ++attempt) {
        const double u = h_integral_n_ + rng.uniform01() * (h_integral_x1_ - h_integral_n_);
        const double x = h_integral_inverse(u);
        auto k = static_cast<std::int64_t>(x + 0.5);
        if (k < 1) k = 1;
        if (k > n_) k = n_;
        const double kd = static_cast<double>(k);
        if (kd - x <= threshold_ || u >= h_integral(kd + 0.5) - h(kd)) return k;
    }
    KS_UNREACHABLE("ZipfSampler: rejection loop did not terminate");
}

}  // namespace ks
