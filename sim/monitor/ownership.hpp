// How long a consumer group's partitions had no owner: the time between a
// member giving a partition up (revoking it, losing it, or its process
// dying) and another member taking it — what a rebalance costs in
// consumption, measured the same way for the eager and cooperative classic
// protocols and the consumer protocol (KIP-848).
//
// Fed, after the run, with every change of ownership the group's consumers
// logged (a consumer "owns" a partition while it is in its assignment and
// its process runs). Counting starts when every partition of the group first
// had an owner (the group formed) and ends at `end` (the end of duration_s).
#pragma once

#include <cstdint>
#include <vector>

#include "kafkasim/ids.hpp"
#include "kafkasim/time.hpp"

namespace ks::monitor {

struct OwnershipEvent {
    Instant at;
    TopicPartition tp;
    std::int32_t delta = 0;  // +1: a member took it; -1: a member gave it up
};

struct UnownedTime {
    double partition_s = 0;  // partition-seconds without an owner, summed
    double max_s = 0;        // the longest time one partition went without an owner
};

// REQUIRES: the events of each consumer in time order; every -1 follows a +1
// of the same consumer and partition. `partitions`: the group's.
UnownedTime unowned_time(std::vector<OwnershipEvent> events, const std::vector<TopicPartition>& partitions,
                         Instant end);

}  // namespace ks::monitor
