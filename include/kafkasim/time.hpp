// Simulated time: integer nanoseconds in strong types.
//
// Instant is a point on the simulated clock (0 = start of the run); Duration is
// the distance between two instants. Both hold a signed 64-bit count of
// nanoseconds, enough for ±292 years. There is no floating-point time in the
// engine: conversions from seconds given as a double happen at the edges (the
// scenario loader) through from_seconds(), which rounds to the nearest ns.
#pragma once

#include <cmath>
#include <compare>
#include <cstdint>
#include <limits>

namespace ks {

class Duration {
  public:
    constexpr Duration() = default;
    static constexpr Duration from_ns(std::int64_t n) { return Duration(n); }
    static constexpr Duration max() { return Duration(std::numeric_limits<std::int64_t>::max()); }
    static constexpr Duration zero() { return Duration(0); }

    constexpr std::int64_t ns() const { return ns_; }
    constexpr std::int64_t us() const { return ns_ / 1000; }
    constexpr std::int64_t ms() const { return ns_ / 1000000; }
    // For reporting only: never feed the result back into the engine.
    constexpr double seconds_f() const { return static_cast<double>(ns_) / 1e9; }
    constexpr double ms_f() const { return static_cast<double>(ns_) / 1e6; }

    constexpr auto operator<=>(const Duration&) const = default;
    constexpr Duration operator+(Duration o) const { return Duration(ns_ + o.ns_); }
    constexpr Duration operator-(Duration o) const { return Duration(ns_ - o.ns_); }
    constexpr Duration operator-() const { return Duration(-ns_); }
    constexpr Duration operator*(std::int64_t k) const { return Duration(ns_ * k); }
    constexpr Duration operator/(std::int64_t k) const { return Duration(ns_ / k); }
    constexpr std::int64_t operator/(Duration o) const { return ns_ / o.ns_; }
    constexpr Duration& operator+=(Duration o) {
        ns_ += o.ns_;
        return *this;
    }
    constexpr Duration& operator-=(Duration o) {
        ns_ -= o.ns_;
        return *this;
    }

  private:
    constexpr explicit Duration(std::int64_t n) : ns_(n) {}
    std::int64_t ns_ = 0;
};

constexpr Duration ns(std::int64_t n) {
    return Duration::from_ns(n);
}
constexpr Duration us(std::int64_t n) {
    return Duration::from_ns(n * 1000);
}
constexpr Duration ms(std::int64_t n) {
    return Duration::from_ns(n * 1000000);
}
constexpr Duration s(std::int64_t n) {
    return Duration::from_ns(n * 1000000000);
}
constexpr Duration operator*(std::int64_t k, Duration d) {
    return d * k;
}

// Rounds a (possibly fractional) number of seconds or milliseconds to the nearest
// nanosecond. For the loader and the CLI only.
inline Duration from_seconds(double sec) {
    return ns(std::llround(sec * 1e9));
}
// std::llround (half away from zero) without the library call: below 2^52
// x - trunc(x) is exact, so the result is the same bit for bit.
inline std::int64_t round_half_away(double x) {
    if (!(std::fabs(x) < 4503599627370496.0)) return std::llround(x);
    const auto t = static_cast<std::int64_t>(x);
    const double frac = x - static_cast<double>(t);
    if (frac >= 0.5) return t + 1;
    if (frac <= -0.5) return t - 1;
    return t;
}

inline Duration from_millis(double msec) {
    return ns(round_half_away(msec * 1e6));
}

class Instant {
  public:
    constexpr Instant() = default;
    static constexpr Instant from_ns(std::int64_t n) { return Instant(n); }
    static constexpr Instant zero() { return Instant(0); }
    static constexpr Instant max() { return Instant(std::numeric_limits<std::int64_t>::max()); }

    constexpr std::int64_t ns() const { return ns_; }
    constexpr Duration since_start() const { return Duration::from_ns(ns_); }
    constexpr double seconds_f() const { return static_cast<double>(ns_) / 1e9; }

    constexpr auto operator<=>(const Instant&) const = default;
    constexpr Instant operator+(Duration d) const { return Instant(ns_ + d.ns()); }
    constexpr Instant operator-(Duration d) const { return Instant(ns_ - d.ns()); }
    constexpr Duration operator-(Instant o) const { return Duration::from_ns(ns_ - o.ns_); }
    constexpr Instant& operator+=(Duration d) {
        ns_ += d.ns();
        return *this;
    }

  private:
    constexpr explicit Instant(std::int64_t n) : ns_(n) {}
    std::int64_t ns_ = 0;
};

constexpr Instant at(Duration since_start) {
    return Instant::from_ns(since_start.ns());
}

}  // namespace ks
