// The rows of the format table (format.hpp), in two files. Internal to the
// scenario module.
#pragma once

#include <vector>

#include "scenario/format.hpp"

namespace ks::scenario::format {

// The top level, cluster, topics, producers and consumer groups.
void append_scenario_objects(std::vector<Object>& out);
// Faults, chaos, burrow, compare, expect and distributions.
void append_event_objects(std::vector<Object>& out);

}  // namespace ks::scenario::format
