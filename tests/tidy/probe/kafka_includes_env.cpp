// Layering probe: the protocol (kafka) must not see the world (env), so this
// file does not build with ks_kafka's include roots (CTest:
// layering_kafka_includes_env, expected to fail).
#include "env/disk.hpp"

int ks_probe_kafka_env() {
    return 0;
}
