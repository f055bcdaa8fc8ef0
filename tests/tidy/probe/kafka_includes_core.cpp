// Layering probe, the control: the kafka module may use core, so this builds
// with ks_kafka's include roots (CTest: layering_control).
#include "core/rng.hpp"
#include "kafkasim/ids.hpp"

int ks_probe_control() {
    return 0;
}
