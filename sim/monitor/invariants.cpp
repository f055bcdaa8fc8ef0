#include "monitor/invariants.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "core/assert.hpp"

namespace ks::monitor {

namespace {
bool contains(const std::vector<BrokerId>& v, BrokerId b) {
    return std::find(v.begin(), v.end(), b) != v.end();
}
}  // namespace

std::string InvariantChecker::name(TopicPartition tp) const {
    const auto t = static_cast<std::size_t>(tp.topic);
    return t < opt_.topic_names.size() ? fmt::format("{}-{}", opt_.topic_names[t], tp.partition)
                                       : fmt::format("topic{}-{}", tp.topic, tp.partition);
}

void InvariantChecker::on_event(const ProtocolEvent& event, const ClusterView& view) {
    if (const auto* bl = std::get_if<BecameLeader>(&event)) {
        // Broker emits BecameLeader on every move to leader (Partition.makeLeader).
        auto [it, fresh] = epoch_leaders_.emplace(std::pair{bl->tp, bl->epoch}, bl->broker);
        KS_ASSERT_MSG(fresh || it->second == bl->broker, "two leaders of {} in epoch {}: brokers {} and {} (seed {})",
                      name(bl->tp), bl->epoch, it->second.value(), bl->broker.value(), opt_.seed);
        return;
    }
    const TopicPartition* tp = nullptr;
    if (const auto* le = std::get_if<LeaderElected>(&event)) tp = &le->tp;
    if (const auto* ic = std::get_if<IsrChanged>(&event)) tp = &ic->tp;
    if (const auto* po = std::get_if<PartitionOffline>(&event)) tp = &po->tp;
    if (!tp) return;
    const kafka::PartitionState& st = view.controller().partition(*tp);
    KS_ASSERT_MSG(st.leader.value() < 0 || contains(st.isr, st.leader),
                  "LeaderInIsr: the controller's ISR of {} does not hold its leader {} (seed {})", name(*tp),
                  st.leader.value(), opt_.seed);
}

void InvariantChecker::check(const ClusterView& view) {
    view.controller().check_invariants();
    for (BrokerId b : view.brokers()) {
        const kafka::Broker* br = view.broker(b);
        if (!br) continue;
        br->check_invariants();
        for (const auto& [tp, p] : br->partitions()) {
            if (p->role() != kafka::Role::leader) continue;
            Offset& hw = leader_hw_[{tp, p->leader_epoch()}];
            KS_ASSERT_MSG(p->high_watermark() >= hw, "HW of {} went back from {} to {} in epoch {} (seed {})", name(tp),
                          hw, p->high_watermark(), p->leader_epoch(), opt_.seed);
            hw = p->high_watermark();
        }
    }
}

}  // namespace ks::monitor
