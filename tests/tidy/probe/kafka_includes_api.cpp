// Layering probe: the public API (the scenario structs) is visible only from
// the api module upward, so the kafka module cannot include it (CTest:
// layering_kafka_includes_api, expected to fail).
#include "kafkasim/scenario.hpp"

int ks_probe_kafka_api() {
    return 0;
}
