// Network: TCP-like connections between hosts of a Topology, delivering opaque
// payloads through the EventLoop, with partitions and link faults.
//
// What it models (what Kafka sees of TCP):
//   - A connection joins two hosts (the initiator and the acceptor) and carries
//     messages both ways. Each direction is in order: a message is delivered
//     no earlier than the previous one sent the same way on that connection.
//   - A message of `size_bytes` sent at t is delivered at
//        max(previous delivery on this direction,
//            tx_start + size/bottleneck bandwidth + Σ latency samples + extras + RTOs)
//     where tx_start = max(t, when the sender's egress is free): each host
//     sends one message at a time, at the bottleneck bandwidth of its route.
//     Bandwidth is not shared between hosts (no contention in switches).
//   - Loss (a link or host-pair fault) is never a silent drop: each lost
//     transmission adds a retransmission timeout (rto_min, doubling, capped at
//     rto_max). After retransmissions_max consecutive losses TCP gives up: the
//     message is lost and the connection breaks.
//   - Partitions block host pairs: symmetric between groups, or one way
//     (from → to). TCP needs both directions, so a connection breaks if either
//     direction between its hosts is blocked or its route is cut. On a break
//     every message in flight is lost, sends fail (SendResult::broken), and both
//     ends are told (the break handler, once per end) after
//     break_detection_delay. A broken connection stays broken; the owner
//     close()s it and connect()s again after the heal. A connect() while the
//     path is cut returns a connection that is already broken (its break is
//     told after the delay, like a connect timeout).
//   - Rerouting (a cut with another path left) is transparent to the
//     connection: messages in flight keep their delivery times.
//   - Connection set-up costs no time (no handshake); a host cannot connect to
//     itself (that is the owner's business).
//
// Payloads are opaque: a 64-bit handle the owner maps to its messages.
// Randomness comes only from the Rng passed in (e.g. Rng::stream(seed, "network")).
// Link cuts and faults must go through the Network's methods (which re-check
// every connection); a change made directly on the Topology is noticed lazily,
// at the next send on an affected connection.
//
// Invariants:
//   1. Per connection and direction, delivery times are non-decreasing and
//      deliveries happen in send order.
//   2. Nothing is delivered on a connection after it broke or was closed.
//   3. Each break is told exactly once per end, unless the owner closed the
//      connection first.
//   4. Live connections never exceed Options::connections_max (asserted).
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <utility>
#include <vector>

#include "core/event_loop.hpp"
#include "core/inplace_function.hpp"
#include "core/rng.hpp"
#include "env/link.hpp"
#include "env/topology.hpp"
#include "kafkasim/ids.hpp"
#include "kafkasim/time.hpp"

namespace ks::env {

using Payload = std::uint64_t;

// A connection handle; a stale handle (after close) is detected by generation.
struct ConnId {
    std::uint32_t slot = 0;
    std::uint32_t generation = 0;  // 0 = no connection
    constexpr bool valid() const { return generation != 0; }
    constexpr bool operator==(const ConnId&) const = default;
};

struct PartitionId {
    std::uint32_t value = 0;  // 0 = none
    constexpr bool operator==(const PartitionId&) const = default;
};

struct Delivery {
    ConnId conn;
    NodeId from;
    NodeId to;
    Payload payload;
};

struct ConnectionBreak {
    ConnId conn;
    NodeId endpoint;  // the end being told
    NodeId peer;
};

enum class SendResult : std::uint8_t { sent, broken };

class Network {
  public:
    struct Options {
        // How long both ends take to notice a broken connection (TCP reset or
        // keepalive/user timeout). Kafka's own timeouts (request.timeout.ms,
        // session timeouts) are the owner's and act on top of this.
        Duration break_detection_delay = s(1);
        Duration rto_min = ms(200);              // Linux TCP_RTO_MIN
        Duration rto_max = s(120);               // Linux TCP_RTO_MAX
        std::uint32_t retransmissions_max = 15;  // Linux tcp_retries2
        std::uint32_t connections_max = 1u << 20;
    };

    struct Stats {
        std::uint64_t sent = 0;  // accepted by send()
        std::uint64_t delivered = 0;
        std::uint64_t refused = 0;          // send() on a broken connection
        std::uint64_t lost_in_flight = 0;   // accepted, then dropped by a break or close
        std::uint64_t retransmissions = 0;  // lost transmissions (each cost an RTO)
        std::uint64_t breaks = 0;
    };

    using DeliverHandler = InplaceFunction<void(const Delivery&), 32>;
    using BreakHandler = InplaceFunction<void(const ConnectionBreak&), 32>;

    // `loop` and `topology` must outlive the Network.
    Network(EventLoop& loop, Topology& topology, Rng rng, Options options);
    Network(const Network&) = delete;
    Network& operator=(const Network&) = delete;

    // The owner's handlers; a delivery or break with no handler set is a bug.
    void set_deliver_handler(DeliverHandler h) { on_deliver_ = std::move(h); }
    void set_break_handler(BreakHandler h) { on_break_ = std::move(h); }

    // ---- connections ----
    // REQUIRES: both hosts exist in the topology, from != to.
    ConnId connect(NodeId from, NodeId to);
    // Queues `payload` from `from` (one of the connection's ends) to the other
    // end. Returns broken (and drops it) if the connection is broken.
    // REQUIRES: c is a live handle (not closed), size_bytes >= 0.
    // `not_before`: the sender's host starts transmitting it no earlier (its
    // process was still building it); later sends from the host queue behind.
    SendResult send(ConnId c, NodeId from, Payload payload, Bytes size_bytes, Instant not_before = Instant::zero());
    // Discards the connection: messages in flight are dropped, no break is
    // told. REQUIRES: c is live.
    void close(ConnId c);
    // True iff c is live and not broken.
    bool is_open(ConnId c) const;
    // True iff c is live (open or broken, not closed).
    bool is_live(ConnId c) const;
    NodeId initiator(ConnId c) const { return conn(c).node[0]; }
    NodeId acceptor(ConnId c) const { return conn(c).node[1]; }
    std::size_t live_connections() const { return live_; }

    // ---- partitions between hosts (nest; each heals on its own) ----
    // Blocks both directions between every two hosts of different groups.
    // Hosts in no group are not affected.
    PartitionId partition(std::span<const std::vector<NodeId>> groups);
    // Blocks from every host of `from` to every host of `to`.
    PartitionId partition_one_way(std::span<const NodeId> from, std::span<const NodeId> to);
    // REQUIRES: p is active.
    void heal(PartitionId p);
    // True iff `from` can currently send to `to` (not blocked, route up).
    bool reachable(NodeId from, NodeId to) const;

    // ---- faults ----
    // Extra latency and loss between two hosts, both directions (like netem on
    // both). Replaces the previous fault of the pair; LinkFault{} clears it.
    void set_path_fault(NodeId a, NodeId b, const LinkFault& fault);
    // Physical links (Topology vertices); connections are re-checked at once.
    void cut_link(Vertex a, Vertex b);
    void heal_link(Vertex a, Vertex b);
    void cut_link_one_way(Vertex from, Vertex to);
    void heal_link_one_way(Vertex from, Vertex to);
    void set_link_fault(Vertex a, Vertex b, const LinkFault& fault);

    // TCP's retransmission timer, with this network's options: data first sent
    // at `since` and never acknowledged is retransmitted after rto_min, then
    // after each doubled RTO up to rto_max. Returns the first retransmission at
    // or after `now` (when a peer that lost power and came back answers it
    // with a reset).
    Instant next_retransmission(Instant since, Instant now) const;

    const Stats& stats() const { return stats_; }
    const Topology& topology() const { return topology_; }
    const Options& options() const { return options_; }

  private:
    enum class State : std::uint8_t { free, open, broken };
    using HostPair = std::pair<HostIndex, HostIndex>;

    // One direction of a connection, as of its cached versions.
    struct Half {
        Topology::Route route;
        double ns_per_byte = 0;  // 8e3 / bottleneck Mbit/s
        double loss = 0;         // per transmission, links and pair combined
        Duration extra = Duration::zero();
        Instant last_delivery = Instant::zero();
    };
    struct Conn {
        std::uint32_t generation = 0;
        std::uint32_t next_free = kNone;
        State state = State::free;
        HostIndex host[2] = {kNone, kNone};
        NodeId node[2];
        std::uint64_t topology_version = 0;
        std::uint64_t fault_version = 0;
        Half half[2];
    };

    const Conn& conn(ConnId c) const;
    Conn& conn(ConnId c);
    bool refresh(Conn& k);
    bool refresh_half(Half& h, HostIndex from, HostIndex to);
    bool blocked(HostIndex from, HostIndex to) const;
    LinkFault pair_fault(HostIndex a, HostIndex b) const;
    void break_conn(std::uint32_t slot);
    void revalidate_all();
    void arrive(ConnId c, std::uint8_t dir, Payload payload);
    void tell_break(ConnId c, std::uint8_t end);
    Duration transmission_delay(const Half& h, Bytes size_bytes) const;
    Duration sample_path_latency(const Half& h);
    // Lost transmissions before one gets through, as the RTOs they cost; or
    // Duration::max() if TCP gives up.
    Duration retransmission_delay(double loss);
    Instant& egress_free(HostIndex h);
    void faults_changed();
    void block(PartitionId p, HostIndex from, HostIndex to);

    EventLoop& loop_;
    Topology& topology_;
    Rng rng_;
    Options options_;
    DeliverHandler on_deliver_;
    BreakHandler on_break_;

    std::vector<Conn> conns_;
    std::uint32_t free_head_ = kNone;
    std::size_t live_ = 0;

    std::vector<Instant> egress_free_;                           // per host
    std::map<HostPair, std::uint32_t> blocked_;                  // directed pair -> active blocks
    std::map<std::uint32_t, std::vector<HostPair>> partitions_;  // id -> its blocked pairs
    std::uint32_t next_partition_ = 1;
    std::map<HostPair, LinkFault> pair_faults_;  // (low, high) host index
    std::uint64_t fault_version_ = 1;
    Stats stats_;
};

}  // namespace ks::env
