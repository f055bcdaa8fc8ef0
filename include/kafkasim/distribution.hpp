// DistSpec: a probability distribution as a scenario file states it.
//
//   {"dist": "constant",    "value": 0.05}
//   {"dist": "lognormal",   "median": 0.3, "p99": 2}
//   {"dist": "exponential", "mean": 0.2}
//   {"dist": "uniform",     "min": 1, "max": 3}
//   {"dist": "normal",      "mean": 5, "stddev": 1}      (truncated at 0)
//
// Units come from the key that holds it (`latency_ms` → milliseconds). The
// sampling code lives in core/distribution.hpp.
#pragma once

#include <string>

namespace ks {

struct DistSpec {
    enum class Kind { constant, lognormal, exponential, uniform, normal };
    Kind kind = Kind::constant;
    double a = 0;  // constant: value; lognormal: median; exponential: mean; uniform: min; normal: mean
    double b = 0;  // lognormal: p99; uniform: max; normal: stddev

    static DistSpec constant(double v) { return {Kind::constant, v, 0}; }
    static DistSpec lognormal(double median, double p99) { return {Kind::lognormal, median, p99}; }
    static DistSpec exponential(double mean) { return {Kind::exponential, mean, 0}; }
    static DistSpec uniform(double lo, double hi) { return {Kind::uniform, lo, hi}; }
    static DistSpec normal(double mean, double sd) { return {Kind::normal, mean, sd}; }

    // The distribution's mean (for reporting and sanity checks).
    double mean() const;
    bool operator==(const DistSpec&) const = default;
};

const char* to_string(DistSpec::Kind k);

}  // namespace ks
