#include "monitor/availability.hpp"

#include <algorithm>
#include <optional>

namespace ks::monitor {

void AvailabilityTracker::add_partition(TopicPartition tp, std::size_t replicas) {
    Track t;
    t.replicas = replicas;
    tracks_.emplace(tp, t);
}

void AvailabilityTracker::start(Instant t0) {
    t0_ = t0;
    for (auto& [tp, t] : tracks_) {
        t.since = t0;
        t.urp_since = t0;
    }
}

void AvailabilityTracker::on_event(Instant now, const ProtocolEvent& event) {
    const TopicPartition* tp = nullptr;
    const std::vector<BrokerId>* isr = nullptr;
    std::optional<bool> offline_now;
    if (const auto* le = std::get_if<LeaderElected>(&event)) {
        tp = &le->tp, isr = &le->isr, offline_now = false;
    } else if (const auto* po = std::get_if<PartitionOffline>(&event)) {
        tp = &po->tp, isr = &po->last_isr, offline_now = true;
    } else if (const auto* ic = std::get_if<IsrChanged>(&event)) {
        tp = &ic->tp, isr = &ic->isr;
    } else {
        return;
    }
    auto it = tracks_.find(*tp);
    if (it == tracks_.end()) return;
    Track& t = it->second;
    const bool offline = offline_now.value_or(t.offline);
    if (t.offline && !offline && now > t0_) t.total.offline += now - std::max(t.since, t0_);
    if (offline != t.offline) t.since = now;
    t.offline = offline;
    const bool urp = isr->size() < t.replicas || offline;
    if (t.under_replicated && now > t0_) t.total.under_replicated += now - std::max(t.urp_since, t0_);
    t.urp_since = now;
    t.under_replicated = urp;
}

AvailabilityTracker::Totals AvailabilityTracker::totals(TopicPartition tp, Instant until) const {
    const Track& t = tracks_.at(tp);
    Totals out = t.total;
    if (t.offline && until > t.since) out.offline += until - std::max(t.since, t0_);
    if (t.under_replicated && until > t.urp_since) out.under_replicated += until - std::max(t.urp_since, t0_);
    return out;
}

ClientAccess client_access(const ClusterView& view, TopicPartition tp, std::int32_t min_insync_replicas,
                           std::optional<NodeId> client) {
    const kafka::PartitionState& st = view.controller().partition(tp);
    const BrokerId leader = st.leader;
    const kafka::Partition* p = view.replica(leader, tp);
    if (!p || p->role() != kafka::Role::leader || view.paused(leader)) return {};
    const NodeId ln = kafka::broker_node(leader);
    if (client && !(view.reachable(*client, ln) && view.reachable(ln, *client))) return {};
    ClientAccess a{.read = true, .write_acks_one = true, .write_acks_all = true};
    if (std::ssize(st.isr) < min_insync_replicas) {
        a.write_acks_all = false;
        return a;
    }
    for (BrokerId m : st.isr) {
        if (m == leader) continue;
        const NodeId mn = kafka::broker_node(m);
        if (!view.broker(m) || view.paused(m) || !view.reachable(mn, ln) || !view.reachable(ln, mn)) {
            a.write_acks_all = false;
            break;
        }
    }
    return a;
}

void ClientAvailability::start(Instant t0) {
    t0_ = t0;
    for (auto& [tp, t] : tracks_) t.since = t0;
}

Duration ClientAvailability::span(Instant from, Instant to) const {
    const Instant a = std::max(from, t0_);
    const Instant b = std::min(to, end_);
    return b > a ? b - a : Duration::zero();
}

void ClientAvailability::add(Totals& t, const ClientAccess& a, Duration d) {
    if (!a.read) t.read_unavailable += d;
    if (!a.write_acks_one) t.write_unavailable_acks_one += d;
    if (!a.write_acks_all) t.write_unavailable_acks_all += d;
}

void ClientAvailability::update(TopicPartition tp, Instant now, ClientAccess access) {
    auto it = tracks_.find(tp);
    if (it == tracks_.end()) return;
    Track& t = it->second;
    if (access == t.access) return;
    if (t0_ != Instant::max()) add(t.total, t.access, span(t.since, now));
    t.access = access;
    t.since = now;
}

ClientAvailability::Totals ClientAvailability::totals(TopicPartition tp, Instant until) const {
    const Track& t = tracks_.at(tp);
    Totals out = t.total;
    if (t0_ != Instant::max()) add(out, t.access, span(t.since, until));
    return out;
}

}  // namespace ks::monitor
