// The monitor's window (monitor::ClusterView) on a MiniCluster.
#pragma once

#include <vector>

#include "monitor/cluster_view.hpp"
#include "support/mini_cluster.hpp"

namespace ks::test {

class MiniView final : public monitor::ClusterView {
  public:
    explicit MiniView(MiniCluster& c, int brokers = 3) : c_(c) {
        for (int b = 1; b <= brokers; ++b) ids_.push_back(BrokerId(b));
    }
    const kafka::Controller& controller() const override { return c_.controller(); }
    const kafka::Broker* broker(BrokerId b) const override { return c_.broker(b.value()); }
    const kafka::BrokerStorage& storage(BrokerId b) const override { return c_.storage(b.value()); }
    const std::vector<BrokerId>& brokers() const override { return ids_; }

  private:
    MiniCluster& c_;
    std::vector<BrokerId> ids_;
};

}  // namespace ks::test
