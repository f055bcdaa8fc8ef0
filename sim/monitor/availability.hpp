// AvailabilityTracker: how long each partition was offline (no leader) and
// under-replicated (ISR smaller than the replica set, or offline), as the
// controller sees it — the brokers' OfflinePartitionsCount and
// UnderReplicatedPartitions, integrated over time.
//
// Fed with the controller's LeaderElected, PartitionOffline and IsrChanged
// events. Time is counted from start(t0) (the end of warm-up) up to the
// instant asked for; a partition is offline until its first leader.
#pragma once

#include <cstddef>
#include <map>

#include "kafkasim/events.hpp"
#include "kafkasim/time.hpp"

namespace ks::monitor {

class AvailabilityTracker {
  public:
    void add_partition(TopicPartition tp, std::size_t replicas);
    // Measuring starts at t0: what happened before does not count.
    void start(Instant t0);
    void on_event(Instant now, const ProtocolEvent& event);

    struct Totals {
        Duration offline = Duration::zero();
        Duration under_replicated = Duration::zero();
    };
    // Time offline and under-replicated from t0 up to `until`.
    Totals totals(TopicPartition tp, Instant until) const;
    bool offline(TopicPartition tp) const { return tracks_.at(tp).offline; }

  private:
    struct Track {
        std::size_t replicas = 0;
        bool offline = true;
        bool under_replicated = false;
        Instant since;  // of the current offline state
        Instant urp_since;
        Totals total;
    };
    std::map<TopicPartition, Track> tracks_;
    Instant t0_ = Instant::max();
};

}  // namespace ks::monitor
