// Small value types shared by the topology and the network: what a link is
// made of (a latency distribution and a bandwidth), what a fault adds to it
// (extra latency, loss), and the dense indices the env module uses internally.
//
// Units are in the names: latency distributions are in milliseconds (as the
// scenario file states them), bandwidth in megabits per second.
#pragma once

#include <cstdint>
#include <limits>

#include "kafkasim/distribution.hpp"
#include "kafkasim/time.hpp"

namespace ks::env {

// A vertex of the topology graph (host, rack switch or core switch): dense,
// assigned in creation order, never reused.
using Vertex = std::uint32_t;
// A host's dense index (0, 1, 2 ... in the order hosts were added).
using HostIndex = std::uint32_t;
// A directed link's dense index. A physical link is two directed links, one per
// direction, so that one-way faults can cut or degrade a single direction.
using LinkIndex = std::uint32_t;

inline constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();

// The static properties of a physical link (both directions share them).
struct LinkSpec {
    DistSpec latency_ms = DistSpec::constant(0.1);  // one-way, per traversal
    double bandwidth_mbps = 10000;                  // megabits per second; > 0
    bool operator==(const LinkSpec&) const = default;
};

// What a fault adds to a link or to a host pair (like `tc netem`): a fixed
// extra one-way latency and a per-transmission loss probability. Loss is never
// a silent drop on TCP: each lost transmission costs a retransmission timeout
// (network.hpp).
struct LinkFault {
    Duration extra_latency = Duration::zero();
    double loss = 0.0;  // in [0, 1]
    bool operator==(const LinkFault&) const = default;
    bool none() const { return extra_latency == Duration::zero() && loss == 0.0; }
};

// Returns the distribution of k·X for X ~ d (every DistSpec kind is closed under
// scaling by k >= 0: a lognormal keeps its shape, medians and p99s scale).
// REQUIRES: k >= 0.
DistSpec scaled(const DistSpec& d, double k);

}  // namespace ks::env
