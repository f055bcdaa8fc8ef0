// Replica placement as Kafka's AdminUtils.assignReplicasToBrokers does it
// (kafka.admin.AdminUtils in 2.x/3.x; kept as AdminUtils in the server module).
//
// Without racks: brokers sorted by id; a random start index and a random
// follower shift; partition p's leader is broker (p + start) % n and its
// followers follow at 1 + (shift + j) % (n - 1) places after it, the shift
// growing by one every n partitions.
// With racks: the same over the rack-alternating broker list (one broker of
// each rack in turn, racks sorted, brokers sorted within a rack), taking a
// follower only from a rack (and broker) not yet used while one remains, so a
// partition spans min(racks, RF) racks.
//
// Randomness comes from the Rng given (the scenario's "placement" stream).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/rng.hpp"
#include "kafkasim/ids.hpp"

namespace ks::kafka {

struct BrokerRack {
    BrokerId id;
    std::optional<std::string> rack;
};

// REQUIRES: 1 <= replication_factor <= brokers.size(), partitions >= 1.
std::vector<std::vector<BrokerId>> assign_replicas(const std::vector<BrokerRack>& brokers, std::int32_t partitions,
                                                   std::int32_t replication_factor, bool rack_aware, Rng& rng);

// AdminUtils.getRackAlternatedBrokerList.
std::vector<BrokerId> rack_alternated_list(const std::vector<BrokerRack>& brokers);

}  // namespace ks::kafka
