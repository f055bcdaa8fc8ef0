// Topology: the physical shape of the simulated world as a Boost.Graph graph,
// and shortest-path routing over it.
//
// Shape. Hosts (identified by ks::NodeId; the caller decides which are brokers
// and which are clients) hang off one switch per rack; every rack switch has an
// uplink to a single core switch. Extra links (say a direct cable between two
// rack switches) may be added. Each physical link is two directed links with
// the same LinkSpec, so a one-way fault can cut or degrade one direction.
//
//      host ─ rack switch "a" ─┐
//      host ─ rack switch "b" ─┼─ core switch
//    client ─ rack switch "clients" ─┘
//
// Client hosts: add_client_host() puts a host into the rack named
// Options::clients_rack ("clients" by default), a rack of its own whose switch
// hangs off the core, so client↔broker traffic pays the cross-rack latency. A
// caller that wants clients next to the brokers calls add_host(id, "a") instead.
//
// Latency of a path = the sum of one sample per directed link traversed. Since
// the scenario file states end-to-end figures (`latency_ms` within a rack,
// `cross_rack_latency_ms` across racks), Options::from_network_settings() turns
// them into per-link distributions whose *means* add up exactly: a same-rack
// path (2 host links) has mean `latency_ms`, a cross-rack path (2 host links +
// 2 uplinks) has mean `cross_rack_latency_ms`. The spread of a sum of samples
// is narrower than that of one sample; the means are what routing and users see.
//
// Routing. Dijkstra (boost::dijkstra_shortest_paths) over the links that are up,
// weighted by each link's mean latency plus its fault's extra latency, in
// integer nanoseconds (at least 1 ns per link, so equal-cost comparisons are
// exact and paths never loop). Among equal-cost paths the one whose
// predecessor vertices have the smallest indices wins, walking back from the
// destination — deterministic, independent of heap internals. Routes are
// cached per source and dropped whenever a link changes (version()).
//
// Invariants:
//   1. Vertex, host and link indices are dense and never reused.
//   2. version() changes on every change that can alter a route or a link's
//      latency or loss (cut, heal, fault, new host or link).
//   3. A route is a chain of directed links that are all up, from the source
//      host's vertex to the destination host's vertex, of at most kMaxHops.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "env/link.hpp"
#include "kafkasim/ids.hpp"

namespace ks::env {

class Topology {
  public:
    static constexpr std::size_t kMaxHops = 16;

    struct Options {
        LinkSpec host_link = {DistSpec::constant(0.15), 10000};  // host ↔ its rack switch
        LinkSpec uplink = {DistSpec::constant(0.35), 10000};     // rack switch ↔ core
        std::string clients_rack = "clients";

        // Per-link specs from the scenario's end-to-end figures (see the top of
        // this file): host links get latency_ms/2; uplinks get the rest of
        // cross_rack_latency_ms, split in two (zero if cross ≤ same).
        static Options from_network_settings(const DistSpec& latency_ms, const DistSpec& cross_rack_latency_ms,
                                             double bandwidth_mbps);
    };

    // Per-rack overrides (e.g. clients further away than brokers).
    struct RackOptions {
        std::optional<LinkSpec> host_link = std::nullopt;
        std::optional<LinkSpec> uplink = std::nullopt;
    };

    enum class VertexKind : std::uint8_t { host, rack_switch, core_switch };

    // A route: directed links in travel order.
    struct Route {
        std::array<LinkIndex, kMaxHops> links{};
        std::uint32_t hops = 0;
        bool reachable = false;
        std::span<const LinkIndex> span() const { return {links.data(), hops}; }
    };

    explicit Topology(Options options);
    ~Topology();
    Topology(Topology&&) noexcept;
    Topology& operator=(Topology&&) noexcept;

    // Creates a rack (its switch and the uplink to the core). Idempotent: a
    // second call with the same name returns the existing switch and ignores
    // `rack_options`.
    Vertex add_rack(std::string_view rack, const RackOptions& rack_options);
    Vertex add_rack(std::string_view rack) { return add_rack(rack, RackOptions{}); }
    // Adds a host under `rack` (created with default options if new).
    // REQUIRES: `node` not added before.
    Vertex add_host(NodeId node, std::string_view rack);
    Vertex add_client_host(NodeId node) { return add_host(node, options_.clients_rack); }
    // Adds a physical link between two vertices (two directed links).
    // REQUIRES: a != b, both exist, no link between them yet.
    void add_link(Vertex a, Vertex b, const LinkSpec& spec);

    // ---- lookup ----
    bool has_host(NodeId node) const { return host_of_node_.contains(node); }
    HostIndex host_index(NodeId node) const;  // REQUIRES: has_host(node)
    NodeId node_of(HostIndex h) const { return hosts_.at(h).node; }
    Vertex host_vertex(NodeId node) const { return hosts_[host_index(node)].vertex; }
    Vertex rack_switch(std::string_view rack) const;  // REQUIRES: rack exists
    Vertex core_switch() const { return core_; }
    std::string_view rack_of(NodeId node) const;
    VertexKind kind(Vertex v) const { return vertices_.at(v).kind; }
    std::size_t host_count() const { return hosts_.size(); }
    std::size_t vertex_count() const { return vertices_.size(); }
    std::size_t link_count() const { return links_.size(); }
    // The directed link from `from` to `to`, or kNone.
    LinkIndex link_between(Vertex from, Vertex to) const;

    // ---- link state (both directions unless *_one_way) ----
    // Cuts nest: a link is up when every cut has been healed.
    void cut_link(Vertex a, Vertex b);
    void heal_link(Vertex a, Vertex b);
    void cut_link_one_way(Vertex from, Vertex to);
    void heal_link_one_way(Vertex from, Vertex to);
    // Sets (replaces) the fault of both directions; LinkFault{} clears it.
    void set_link_fault(Vertex a, Vertex b, const LinkFault& fault);

    bool link_up(LinkIndex l) const { return cuts_.at(l) == 0; }
    const LinkSpec& link_spec(LinkIndex l) const { return links_.at(l).spec; }
    const LinkFault& link_fault(LinkIndex l) const { return links_.at(l).fault; }
    Vertex link_source(LinkIndex l) const { return links_.at(l).from; }
    Vertex link_target(LinkIndex l) const { return links_.at(l).to; }

    // ---- routing ----
    // The current route from one host to another. from == to gives an empty,
    // reachable route.
    Route route(HostIndex from, HostIndex to) const;
    // The vertices along the route from `from` to `to`, both included; empty
    // when unreachable. For tests and reports.
    std::vector<Vertex> path(NodeId from, NodeId to) const;

    std::uint64_t version() const { return version_; }

  private:
    struct VertexInfo {
        VertexKind kind;
        std::uint32_t rack;  // kNone for the core switch
        NodeId node;         // hosts only
    };
    struct HostInfo {
        NodeId node;
        Vertex vertex;
        std::uint32_t rack;
    };
    struct RackInfo {
        std::string name;
        Vertex sw;
        LinkSpec host_link;
    };
    struct LinkState {
        Vertex from;
        Vertex to;
        LinkSpec spec;
        LinkFault fault;
        std::int64_t weight_ns;  // mean latency + extra, >= 1
    };
    struct Graph;  // boost::adjacency_list, defined in topology.cpp
    // Shortest distances from one source vertex, valid for one version.
    struct Tree {
        std::uint64_t version = 0;
        std::vector<std::int64_t> dist;
    };

    Vertex add_vertex(VertexKind kind, std::uint32_t rack, NodeId node);
    void add_directed(Vertex from, Vertex to, const LinkSpec& spec);
    void update_weight(LinkIndex l);
    LinkIndex require_link(Vertex from, Vertex to) const;
    void changed() { ++version_; }
    const Tree& tree_from(Vertex source, HostIndex source_host) const;
    LinkIndex best_predecessor(const Tree& t, Vertex v) const;

    Options options_;
    std::vector<VertexInfo> vertices_;
    std::vector<HostInfo> hosts_;
    std::vector<RackInfo> racks_;
    std::vector<LinkState> links_;
    std::vector<std::uint32_t> cuts_;  // per link: active cuts; up iff 0
    std::unique_ptr<Graph> graph_;     // the Boost.Graph view: edges carry LinkIndex
    std::map<NodeId, HostIndex> host_of_node_;
    std::map<std::string, std::uint32_t, std::less<>> rack_of_name_;
    Vertex core_ = kNone;
    std::uint64_t version_ = 1;
    mutable std::vector<Tree> trees_;  // per source host
};

}  // namespace ks::env
