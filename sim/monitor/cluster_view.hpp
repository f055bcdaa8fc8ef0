// ClusterView: what the monitor may read of a running cluster — the
// controller's state, the running brokers and their replicas, and each
// broker's storage (its logs on disk, also while the broker is down).
//
// Read-only. The monitor does not link the cluster module: the runner
// implements this over cluster::Cluster, and unit tests over hand-built
// brokers and storage.
#pragma once

#include <vector>

#include "kafka/broker.hpp"
#include "kafka/controller.hpp"

namespace ks::monitor {

class ClusterView {
  public:
    virtual ~ClusterView() = default;
    virtual const kafka::Controller& controller() const = 0;
    // The running broker process, nullptr when it is down.
    virtual const kafka::Broker* broker(BrokerId b) const = 0;
    // What survives the process (BrokerStorage): kept while the broker is down.
    virtual const kafka::BrokerStorage& storage(BrokerId b) const = 0;
    // Every broker of the cluster, by id.
    virtual const std::vector<BrokerId>& brokers() const = 0;
    // Whether broker b's process is paused (a GC stall: it runs but answers nothing).
    virtual bool paused(BrokerId b) const {
        (void)b;
        return false;
    }
    // Whether the network carries packets from `from` to `to` now.
    virtual bool reachable(NodeId from, NodeId to) const {
        (void)from, (void)to;
        return true;
    }

    // Broker b's replica of tp: nullptr when b is -1 (no leader) or not running.
    const kafka::Partition* replica(BrokerId b, TopicPartition tp) const {
        if (b.value() < 0) return nullptr;
        const kafka::Broker* br = broker(b);
        return br ? br->partition(tp) : nullptr;
    }
    // The replica of the controller's current leader of tp (nullptr: none running).
    const kafka::Partition* leader_replica(TopicPartition tp) const {
        return replica(controller().partition(tp).leader, tp);
    }
    // The high watermark a client reads from tp's leader: -1 while there is no
    // running leader that knows it leads.
    Offset leader_high_watermark(TopicPartition tp) const {
        const kafka::Partition* p = leader_replica(tp);
        return p && p->role() == kafka::Role::leader ? p->high_watermark() : -1;
    }
};

}  // namespace ks::monitor
