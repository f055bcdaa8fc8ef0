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
#include <cstdint>
#include <map>
#include <optional>

#include "kafkasim/events.hpp"
#include "kafkasim/time.hpp"
#include "monitor/cluster_view.hpp"

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

// What a client can do with a partition right now, whatever the brokers'
// gauges say. A fetch needs a leader: the controller names one, its process
// runs (not paused), its replica knows it leads, and the clients reach it. A
// produce with acks=0 or 1 needs the same. A produce with acks=all also needs
// an ISR of at least min.insync.replicas (else NOT_ENOUGH_REPLICAS), every
// member of which is running and reaches the leader: the high watermark
// waits for each ISR member (Partition.checkEnoughReplicasReachOffset), so a
// dead member not yet removed from the ISR stalls every acks=all write until
// it is (replica.lag.time.max.ms, or the controller fencing its broker).
struct ClientAccess {
    bool read = false;
    bool write_acks_one = false;  // acks=0 and acks=1
    bool write_acks_all = false;
    bool operator==(const ClientAccess&) const = default;
};
// `client`: a client node whose reachability stands for the clients' (none:
// the clients reach every broker).
ClientAccess client_access(const ClusterView& view, TopicPartition tp, std::int32_t min_insync_replicas,
                           std::optional<NodeId> client);

// ClientAvailability: partition-seconds when no produce (for acks=all, or
// for acks=0/1) and no fetch could complete: the client's view, integrated
// from start(t0) to stop(end). Fed with client_access() whenever the state it
// depends on may have changed (the runner calls update after every leader,
// ISR, role, process and network change).
class ClientAvailability {
  public:
    void add_partition(TopicPartition tp) { tracks_.emplace(tp, Track{}); }
    void start(Instant t0);
    void stop(Instant end) { end_ = end; }
    void update(TopicPartition tp, Instant now, ClientAccess access);

    struct Totals {
        Duration read_unavailable = Duration::zero();
        Duration write_unavailable_acks_one = Duration::zero();
        Duration write_unavailable_acks_all = Duration::zero();
    };
    Totals totals(TopicPartition tp, Instant until) const;
    ClientAccess access(TopicPartition tp) const { return tracks_.at(tp).access; }

  private:
    struct Track {
        ClientAccess access{};  // no leader before the first election
        Instant since;
        Totals total;
    };
    Duration span(Instant from, Instant to) const;
    static void add(Totals& t, const ClientAccess& a, Duration d);
    std::map<TopicPartition, Track> tracks_;
    Instant t0_ = Instant::max();
    Instant end_ = Instant::max();
};

}  // namespace ks::monitor
