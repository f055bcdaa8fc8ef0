// The plots of one run, built from its time series and summary:
//   availability  ISR size per partition, UnderReplicatedPartitions,
//                 OfflinePartitionsCount and UnderMinIsrPartitionCount over time
//   latency       produce latency p99 and acknowledged records per second over time
//   records       sent / acked / acked-but-lost / failed / duplicated (bars)
//   lag           consumer lag per group over time (only when the time series
//                 has "<group>.lag" columns)
// Fault windows from the scenario's schedule and the heal phase are shaded on
// every time axis.
#pragma once

#include <vector>

#include "kafkasim/scenario.hpp"
#include "kafkasim/simulation.hpp"
#include "report/plot.hpp"

namespace ks::report {

// `scenario` may be null: the plots then have no fault windows.
std::vector<Plot> run_plots(const RunResult& r, const Scenario* scenario);

}  // namespace ks::report
