// InvariantChecker: properties of the replication protocol that must hold in
// every run (STYLE.md 3). A violation is a kafkasim bug, never an outcome: it
// stops the run with an AssertionFailure naming the partition and the seed.
//
// Checked as each event arrives:
//   - one leader per partition and leader epoch (every BecameLeader);
//   - LeaderInIsr: the controller's ISR holds the partition's leader, after
//     every change the controller makes (each LeaderElected, IsrChanged and
//     PartitionOffline). The controller's state is read, not the event: one
//     controller step may shrink the ISR and then elect, as Kafka's single
//     PartitionChangeRecord does, and observers see its events after the step.
// Checked by check(view), which the runner calls as the run goes:
//   - a leader's high watermark never decreases within its epoch;
//   - the controller's and every running broker's own invariants.
// Properties that legitimately break (StrongIsr, WeakIsr) are measured, not
// asserted: monitor/isr_properties.hpp.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "kafkasim/events.hpp"
#include "monitor/cluster_view.hpp"

namespace ks::monitor {

class InvariantChecker {
  public:
    struct Options {
        std::uint64_t seed = 0;                // printed with every violation
        std::vector<std::string> topic_names;  // by topic index, for messages
    };
    explicit InvariantChecker(Options options) : opt_(std::move(options)) {}

    void on_event(const ProtocolEvent& event, const ClusterView& view);
    void check(const ClusterView& view);

  private:
    std::string name(TopicPartition tp) const;

    Options opt_;
    // The broker that took leadership in (partition, epoch).
    std::map<std::pair<TopicPartition, LeaderEpoch>, BrokerId> epoch_leaders_;
    // The highest HW seen of the leader of (partition, epoch).
    std::map<std::pair<TopicPartition, LeaderEpoch>, Offset> leader_hw_;
};

}  // namespace ks::monitor
