// Layering probe: the monitor reads, never steers, so it cannot include the
// cluster that hosts the nodes (CTest: layering_monitor_includes_cluster,
// expected to fail).
#include "cluster/cluster.hpp"

int ks_probe_monitor_cluster() {
    return 0;
}
