#include "env/network.hpp"

#include <algorithm>
#include <cmath>

#include "core/assert.hpp"
#include "core/distribution.hpp"

namespace ks::env {

Network::Network(EventLoop& loop, Topology& topology, Rng rng, Options options)
    : loop_(loop), topology_(topology), rng_(rng), options_(options) {
    KS_ASSERT_GE(options_.break_detection_delay, Duration::zero());
    KS_ASSERT_GT(options_.rto_min, Duration::zero());
    KS_ASSERT_GE(options_.rto_max, options_.rto_min);
    KS_ASSERT_GT(options_.connections_max, 0u);
}

// ---------------------------------------------------------------------------
// Connections
// ---------------------------------------------------------------------------

const Network::Conn& Network::conn(ConnId c) const {
    KS_ASSERT_LT(c.slot, conns_.size());
    const Conn& k = conns_[c.slot];
    KS_ASSERT_MSG(c.valid() && k.generation == c.generation && k.state != State::free, "stale connection handle {}/{}",
                  c.slot, c.generation);
    return k;
}

Network::Conn& Network::conn(ConnId c) {
    return const_cast<Conn&>(static_cast<const Network*>(this)->conn(c));
}

bool Network::is_live(ConnId c) const {
    if (!c.valid() || c.slot >= conns_.size()) return false;
    const Conn& k = conns_[c.slot];
    return k.generation == c.generation && k.state != State::free;
}

bool Network::is_open(ConnId c) const {
    return is_live(c) && conns_[c.slot].state == State::open;
}

ConnId Network::connect(NodeId from, NodeId to) {
    KS_ASSERT_NE(from, to);
    KS_ASSERT_LT(live_, options_.connections_max);
    std::uint32_t slot = free_head_;
    if (slot != kNone) {
        free_head_ = conns_[slot].next_free;
    } else {
        slot = static_cast<std::uint32_t>(conns_.size());
        conns_.emplace_back();
    }
    Conn& k = conns_[slot];
    const std::uint32_t generation = k.generation + 1 == 0 ? 1 : k.generation + 1;
    k = Conn{};
    k.generation = generation;
    k.state = State::open;
    k.host[0] = topology_.host_index(from);
    k.host[1] = topology_.host_index(to);
    k.node[0] = from;
    k.node[1] = to;
    k.half[0].last_delivery = k.half[1].last_delivery = loop_.now();
    ++live_;
    if (!refresh(k)) break_conn(slot);
    return ConnId{slot, generation};
}

void Network::close(ConnId c) {
    Conn& k = conn(c);
    k.state = State::free;
    k.next_free = free_head_;
    free_head_ = c.slot;
    --live_;
}

SendResult Network::send(ConnId c, NodeId from, Payload payload, Bytes size_bytes, Instant not_before) {
    KS_ASSERT_GE(size_bytes, 0);
    Conn& k = conn(c);
    if (k.state == State::broken) {
        ++stats_.refused;
        return SendResult::broken;
    }
    const std::uint8_t dir = from == k.node[0] ? 0 : 1;
    KS_ASSERT_EQ(from, k.node[dir]);
    if (k.topology_version != topology_.version() || k.fault_version != fault_version_) {
        if (!refresh(k)) {
            break_conn(c.slot);
            ++stats_.refused;
            return SendResult::broken;
        }
    }
    Half& h = k.half[dir];
    const Duration rto = h.loss > 0 ? retransmission_delay(h.loss) : Duration::zero();
    if (rto == Duration::max()) {  // TCP gave up: this message dies with the connection
        ++stats_.sent;
        ++stats_.lost_in_flight;
        break_conn(c.slot);
        return SendResult::sent;
    }
    Instant& egress = egress_free(k.host[dir]);
    const Instant tx_start = std::max({loop_.now(), egress, not_before});
    const Instant tx_end = tx_start + transmission_delay(h, size_bytes);
    egress = tx_end;
    const Instant arrival = tx_end + sample_path_latency(h) + h.extra + rto;
    h.last_delivery = std::max(arrival, h.last_delivery);
    loop_.schedule_at(h.last_delivery, [this, c, dir, payload] { arrive(c, dir, payload); });
    ++stats_.sent;
    return SendResult::sent;
}

void Network::arrive(ConnId c, std::uint8_t dir, Payload payload) {
    const Conn& k = conns_[c.slot];
    if (k.generation != c.generation || k.state != State::open) {
        ++stats_.lost_in_flight;
        return;
    }
    KS_ASSERT(static_cast<bool>(on_deliver_));
    ++stats_.delivered;
    on_deliver_(Delivery{.conn = c, .from = k.node[dir], .to = k.node[1 - dir], .payload = payload});
}

void Network::break_conn(std::uint32_t slot) {
    Conn& k = conns_[slot];
    KS_ASSERT(k.state == State::open);
    k.state = State::broken;
    ++stats_.breaks;
    const ConnId c{slot, k.generation};
    for (std::uint8_t end = 0; end < 2; ++end) {
        loop_.schedule_after(options_.break_detection_delay, [this, c, end] { tell_break(c, end); });
    }
}

void Network::tell_break(ConnId c, std::uint8_t end) {
    const Conn& k = conns_[c.slot];
    if (k.generation != c.generation || k.state != State::broken) return;  // closed meanwhile
    KS_ASSERT(static_cast<bool>(on_break_));
    on_break_(ConnectionBreak{c, k.node[end], k.node[1 - end]});
}

// Breaks every open connection whose path is no longer usable, in slot order.
void Network::revalidate_all() {
    for (std::uint32_t slot = 0; slot < conns_.size(); ++slot) {
        Conn& k = conns_[slot];
        if (k.state == State::open && !refresh(k)) break_conn(slot);
    }
}

// ---------------------------------------------------------------------------
// Paths: routes, bandwidth, latency, loss
// ---------------------------------------------------------------------------

bool Network::refresh(Conn& k) {
    const bool ok = refresh_half(k.half[0], k.host[0], k.host[1]) && refresh_half(k.half[1], k.host[1], k.host[0]);
    k.topology_version = topology_.version();
    k.fault_version = fault_version_;
    return ok;
}

bool Network::refresh_half(Half& h, HostIndex from, HostIndex to) {
    if (blocked(from, to)) return false;
    h.route = topology_.route(from, to);
    if (!h.route.reachable) return false;
    double bottleneck_mbps = 0;
    double pass = 1.0;  // probability that one transmission survives every hop
    Duration extra = Duration::zero();
    for (const LinkIndex l : h.route.span()) {
        const double bw = topology_.link_spec(l).bandwidth_mbps;
        bottleneck_mbps = bottleneck_mbps == 0 ? bw : std::min(bottleneck_mbps, bw);
        const LinkFault& f = topology_.link_fault(l);
        pass *= 1.0 - f.loss;
        extra += f.extra_latency;
    }
    const LinkFault pf = pair_fault(from, to);
    pass *= 1.0 - pf.loss;
    h.extra = extra + pf.extra_latency;
    h.loss = 1.0 - pass;
    h.ns_per_byte = bottleneck_mbps > 0 ? 8e3 / bottleneck_mbps : 0.0;
    return true;
}

Duration Network::transmission_delay(const Half& h, Bytes size_bytes) const {
    return ns(round_half_away(static_cast<double>(size_bytes) * h.ns_per_byte));
}

Duration Network::sample_path_latency(const Half& h) {
    Duration d = Duration::zero();
    for (const LinkIndex l : h.route.span()) d += sample_ms(topology_.link_spec(l).latency_ms, rng_);
    return d;
}

Duration Network::retransmission_delay(double loss) {
    Duration total = Duration::zero();
    Duration rto = options_.rto_min;
    for (std::uint32_t lost = 0; rng_.bernoulli(loss); ++lost) {
        if (lost == options_.retransmissions_max) return Duration::max();
        ++stats_.retransmissions;
        total += rto;
        rto = std::min(rto * 2, options_.rto_max);
    }
    return total;
}

Instant Network::next_retransmission(Instant since, Instant now) const {
    Instant retransmit = since;
    Duration rto = options_.rto_min;
    while (retransmit < now) {
        retransmit = retransmit + rto;
        rto = std::min(rto * 2, options_.rto_max);
    }
    return retransmit;
}

Instant& Network::egress_free(HostIndex h) {
    if (egress_free_.size() <= h) egress_free_.resize(topology_.host_count(), Instant::zero());
    return egress_free_[h];
}

// ---------------------------------------------------------------------------
// Partitions and faults
// ---------------------------------------------------------------------------

bool Network::blocked(HostIndex from, HostIndex to) const {
    return !blocked_.empty() && blocked_.contains(HostPair{from, to});
}

LinkFault Network::pair_fault(HostIndex a, HostIndex b) const {
    if (pair_faults_.empty()) return LinkFault{};
    auto it = pair_faults_.find(HostPair{std::min(a, b), std::max(a, b)});
    return it == pair_faults_.end() ? LinkFault{} : it->second;
}

bool Network::reachable(NodeId from, NodeId to) const {
    const HostIndex a = topology_.host_index(from);
    const HostIndex b = topology_.host_index(to);
    return !blocked(a, b) && topology_.route(a, b).reachable;
}

void Network::block(PartitionId p, HostIndex from, HostIndex to) {
    if (from == to) return;
    partitions_[p.value].emplace_back(from, to);
    ++blocked_[HostPair{from, to}];
}

PartitionId Network::partition(std::span<const std::vector<NodeId>> groups) {
    const PartitionId p{next_partition_++};
    partitions_[p.value];  // an active partition, even if it blocks nothing
    for (std::size_t i = 0; i < groups.size(); ++i) {
        for (std::size_t j = 0; j < groups.size(); ++j) {
            if (i == j) continue;
            for (const NodeId a : groups[i]) {
                for (const NodeId b : groups[j]) {
                    block(p, topology_.host_index(a), topology_.host_index(b));
                }
            }
        }
    }
    faults_changed();
    return p;
}

PartitionId Network::partition_one_way(std::span<const NodeId> from, std::span<const NodeId> to) {
    const PartitionId p{next_partition_++};
    partitions_[p.value];
    for (const NodeId a : from) {
        for (const NodeId b : to) block(p, topology_.host_index(a), topology_.host_index(b));
    }
    faults_changed();
    return p;
}

void Network::heal(PartitionId p) {
    auto it = partitions_.find(p.value);
    KS_ASSERT_MSG(it != partitions_.end(), "partition {} is not active", p.value);
    for (const HostPair& pair : it->second) {
        auto b = blocked_.find(pair);
        KS_ASSERT(b != blocked_.end());
        if (--b->second == 0) blocked_.erase(b);
    }
    partitions_.erase(it);
    ++fault_version_;  // healing breaks nothing: no revalidation needed
}

void Network::set_path_fault(NodeId a, NodeId b, const LinkFault& fault) {
    KS_ASSERT_GE(fault.loss, 0.0);
    KS_ASSERT_LE(fault.loss, 1.0);
    KS_ASSERT_GE(fault.extra_latency, Duration::zero());
    const HostIndex x = topology_.host_index(a);
    const HostIndex y = topology_.host_index(b);
    KS_ASSERT_NE(x, y);
    const HostPair key{std::min(x, y), std::max(x, y)};
    if (fault.none()) {
        pair_faults_.erase(key);
    } else {
        pair_faults_[key] = fault;
    }
    ++fault_version_;  // picked up lazily at the next send
}

void Network::faults_changed() {
    ++fault_version_;
    revalidate_all();
}

void Network::cut_link(Vertex a, Vertex b) {
    topology_.cut_link(a, b);
    revalidate_all();
}

void Network::heal_link(Vertex a, Vertex b) {
    topology_.heal_link(a, b);
}

void Network::cut_link_one_way(Vertex from, Vertex to) {
    topology_.cut_link_one_way(from, to);
    revalidate_all();
}

void Network::heal_link_one_way(Vertex from, Vertex to) {
    topology_.heal_link_one_way(from, to);
}

void Network::set_link_fault(Vertex a, Vertex b, const LinkFault& fault) {
    topology_.set_link_fault(a, b, fault);
}

}  // namespace ks::env
