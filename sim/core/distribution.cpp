#include "core/distribution.hpp"

#include <cmath>

#include "core/assert.hpp"

namespace ks {

double DistSpec::mean() const {
    switch (kind) {
        case Kind::constant:
            return a;
        case Kind::lognormal: {
            const double mu = std::log(a);
            const double sigma = (std::log(b) - mu) / 2.3263478740408408;
            return std::exp(mu + sigma * sigma / 2);
        }
        case Kind::exponential:
            return a;
        case Kind::uniform:
            return (a + b) / 2;
        case Kind::normal:
            return a;
    }
    return a;
}

const char* to_string(DistSpec::Kind k) {
    switch (k) {
        case DistSpec::Kind::constant:
            return "constant";
        case DistSpec::Kind::lognormal:
            return "lognormal";
        case DistSpec::Kind::exponential:
            return "exponential";
        case DistSpec::Kind::uniform:
            return "uniform";
        case DistSpec::Kind::normal:
            return "normal";
    }
    return "?";
}

double sample(const DistSpec& d, Rng& rng) {
    switch (d.kind) {
        case DistSpec::Kind::constant:
            return d.a;
        case DistSpec::Kind::lognormal:
            return rng.lognormal_median_p99(d.a, d.b);
        case DistSpec::Kind::exponential:
            return rng.exponential(d.a);
        case DistSpec::Kind::uniform:
            return rng.uniform_real(d.a, d.b);
        case DistSpec::Kind::normal:
            for (int i = 0; i < 64; ++i) {
                const double v = rng.normal(d.a, d.b);
                if (v >= 0) return v;
            }
            return 0.0;
    }
    KS_UNREACHABLE("unknown DistSpec kind");
}

Duration sample_ms(const DistSpec& d, Rng& rng) {
    const double v = sample(d, rng);
    KS_ASSERT_GE(v, 0.0);
    return from_millis(v);
}

}  // namespace ks
