// Sampling a DistSpec (include/kafkasim/distribution.hpp) from an Rng.
#pragma once

#include "core/rng.hpp"
#include "kafkasim/distribution.hpp"
#include "kafkasim/time.hpp"

namespace ks {

// One draw; never negative (normal is truncated at 0 by redrawing, bounded).
double sample(const DistSpec& d, Rng& rng);
// One draw of a distribution given in milliseconds, as a Duration (rounded to ns).
Duration sample_ms(const DistSpec& d, Rng& rng);

}  // namespace ks
