// Observer: sees what the nodes do, without steering. Header-only: the
// cluster calls it as it carries out each node's effects, and the run's
// observers (the runner, feeding the monitor) implement it.
#pragma once

#include "kafka/outbox.hpp"

namespace ks::kafka {

class Observer {
  public:
    virtual ~Observer() = default;
    // Every effect that is not a send, a timer or a disk operation: protocol
    // events, ledger records, consumption, commits, group events, shutdown
    // completion. `node` emitted it at `now`.
    virtual void on_effect(Instant now, NodeId node, const Effect& effect) = 0;
};

}  // namespace ks::kafka
