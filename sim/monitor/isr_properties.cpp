#include "monitor/isr_properties.hpp"

#include <algorithm>

namespace ks::monitor {

const char* to_string(IsrProperty p) {
    return p == IsrProperty::strong ? "StrongIsr" : "WeakIsr";
}

std::vector<IsrPropertyBreak> IsrPropertyMeter::measure(const ClusterView& view, std::optional<TopicPartition> only) {
    std::vector<IsrPropertyBreak> out;
    const auto& ctl = view.controller();
    for (BrokerId id : view.brokers()) {
        const kafka::Broker* lb = view.broker(id);
        if (!lb) continue;
        for (const auto& [tp, lp] : lb->partitions()) {
            if (lp->role() != kafka::Role::leader || (only && tp != *only)) continue;
            for (BrokerId m : ctl.partitions().at(tp).isr) {
                if (m != id) check(view, IsrProperty::strong, *lp, id, m, out);
            }
            for (BrokerId m : lp->isr()) {
                if (m != id) check(view, IsrProperty::weak, *lp, id, m, out);
            }
        }
    }
    return out;
}

void IsrPropertyMeter::check(const ClusterView& view, IsrProperty property, const kafka::Partition& lp, BrokerId leader,
                             BrokerId m, std::vector<IsrPropertyBreak>& out) {
    const TopicPartition tp = lp.tp();
    const auto& member_logs = view.storage(m).logs;
    const auto mit = member_logs.find(tp);
    if (mit == member_logs.end()) return;
    const kafka::Log& ll = lp.log();
    const kafka::Log& ml = mit->second;
    const Offset hw = lp.high_watermark();
    // A member that lost power holds only what reached its disk.
    const Offset member_end = view.storage(m).end_on_disk(tp);
    Progress& g = progress_[{property, tp, leader, m}];
    if (g.epoch != lp.leader_epoch() || g.leader_truncations != ll.truncations() ||
        g.member_truncations != ml.truncations() || g.verified > member_end) {
        g = Progress{lp.leader_epoch(), ll.truncations(), ml.truncations(), 0};
    }
    const Offset from = std::max({g.verified, ll.log_start_offset(), ml.log_start_offset()});
    if (from >= hw) return;
    const Offset held = std::min(hw, member_end);
    const Offset differs = from < held ? ll.first_difference(ml, from, held) : held;
    if (differs == hw) {
        g.verified = hw;
        return;
    }
    g.verified = differs;
    (property == IsrProperty::strong ? strong_violated_ : weak_violated_).insert(tp);
    if (g.reported) return;
    g.reported = true;
    out.push_back(IsrPropertyBreak{.property = property,
                                   .tp = tp,
                                   .leader = leader,
                                   .member = m,
                                   .from = differs,
                                   .high_watermark = hw,
                                   .lacks = differs == held,
                                   .member_down = view.broker(m) == nullptr});
}

}  // namespace ks::monitor
