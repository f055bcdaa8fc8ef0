#include "env/topology.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/dijkstra_shortest_paths.hpp>
#include <boost/graph/filtered_graph.hpp>

#include "core/assert.hpp"

namespace ks::env {

namespace {
constexpr std::int64_t kInf = std::numeric_limits<std::int64_t>::max();

struct EdgeProps {
    LinkIndex link = kNone;
    std::int64_t weight_ns = 1;
};
using BGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS, boost::no_property, EdgeProps>;
using BEdge = boost::graph_traits<BGraph>::edge_descriptor;
}  // namespace

struct Topology::Graph {
    BGraph g;
};

namespace {
// Keeps the edges whose link is up. Pointers, so the predicate is cheap to copy
// and default-constructible as filtered_graph wants.
struct UpLinks {
    const BGraph* g = nullptr;
    const std::vector<std::uint32_t>* cuts = nullptr;
    bool operator()(const BEdge& e) const { return (*cuts)[(*g)[e].link] == 0; }
};
}  // namespace

DistSpec scaled(const DistSpec& d, double k) {
    KS_ASSERT_GE(k, 0.0);
    if (k == 0.0) return DistSpec::constant(0.0);
    switch (d.kind) {
        case DistSpec::Kind::constant:
            return DistSpec::constant(d.a * k);
        case DistSpec::Kind::lognormal:
            return DistSpec::lognormal(d.a * k, d.b * k);
        case DistSpec::Kind::exponential:
            return DistSpec::exponential(d.a * k);
        case DistSpec::Kind::uniform:
            return DistSpec::uniform(d.a * k, d.b * k);
        case DistSpec::Kind::normal:
            return DistSpec::normal(d.a * k, d.b * k);
    }
    KS_UNREACHABLE("unknown DistSpec kind");
}

Topology::Options Topology::Options::from_network_settings(const DistSpec& latency_ms,
                                                           const DistSpec& cross_rack_latency_ms,
                                                           double bandwidth_mbps) {
    KS_ASSERT_GT(bandwidth_mbps, 0.0);
    const double same = latency_ms.mean();
    const double cross = cross_rack_latency_ms.mean();
    const double k = (cross > same && cross > 0) ? (cross - same) / (2 * cross) : 0.0;
    Options o;
    o.host_link = {scaled(latency_ms, 0.5), bandwidth_mbps};
    o.uplink = {scaled(cross_rack_latency_ms, k), bandwidth_mbps};
    return o;
}

Topology::Topology(Options options) : options_(std::move(options)), graph_(std::make_unique<Graph>()) {
    KS_ASSERT_GT(options_.host_link.bandwidth_mbps, 0.0);
    KS_ASSERT_GT(options_.uplink.bandwidth_mbps, 0.0);
    core_ = add_vertex(VertexKind::core_switch, kNone, NodeId{});
}

Topology::~Topology() = default;
Topology::Topology(Topology&&) noexcept = default;
Topology& Topology::operator=(Topology&&) noexcept = default;

Vertex Topology::add_vertex(VertexKind kind, std::uint32_t rack, NodeId node) {
    const auto v = static_cast<Vertex>(vertices_.size());
    vertices_.push_back(VertexInfo{kind, rack, node});
    const auto bv = boost::add_vertex(graph_->g);
    KS_ASSERT_EQ(static_cast<std::size_t>(bv), static_cast<std::size_t>(v));
    changed();
    return v;
}

Vertex Topology::add_rack(std::string_view rack, const RackOptions& rack_options) {
    if (auto it = rack_of_name_.find(rack); it != rack_of_name_.end()) return racks_[it->second].sw;
    KS_ASSERT(!rack.empty());
    const auto r = static_cast<std::uint32_t>(racks_.size());
    const Vertex sw = add_vertex(VertexKind::rack_switch, r, NodeId{});
    racks_.push_back(RackInfo{std::string(rack), sw, rack_options.host_link.value_or(options_.host_link)});
    rack_of_name_.emplace(std::string(rack), r);
    add_link(sw, core_, rack_options.uplink.value_or(options_.uplink));
    return sw;
}

Vertex Topology::add_host(NodeId node, std::string_view rack) {
    KS_ASSERT_MSG(!has_host(node), "host {} added twice", node.value());
    const Vertex sw = add_rack(rack);
    const std::uint32_t r = vertices_[sw].rack;
    const Vertex v = add_vertex(VertexKind::host, r, node);
    const auto h = static_cast<HostIndex>(hosts_.size());
    hosts_.push_back(HostInfo{node, v, r});
    host_of_node_.emplace(node, h);
    add_link(v, sw, racks_[r].host_link);
    return v;
}

void Topology::add_link(Vertex a, Vertex b, const LinkSpec& spec) {
    KS_ASSERT_NE(a, b);
    KS_ASSERT_LT(a, vertices_.size());
    KS_ASSERT_LT(b, vertices_.size());
    KS_ASSERT_GT(spec.bandwidth_mbps, 0.0);
    KS_ASSERT_MSG(link_between(a, b) == kNone, "link {}-{} added twice", a, b);
    add_directed(a, b, spec);
    add_directed(b, a, spec);
    changed();
}

void Topology::add_directed(Vertex from, Vertex to, const LinkSpec& spec) {
    const auto l = static_cast<LinkIndex>(links_.size());
    links_.push_back(LinkState{from, to, spec, LinkFault{}, 1});
    cuts_.push_back(0);
    boost::add_edge(from, to, EdgeProps{l, 1}, graph_->g);
    update_weight(l);
}

void Topology::update_weight(LinkIndex l) {
    LinkState& s = links_[l];
    const std::int64_t mean_ns = std::llround(s.spec.latency_ms.mean() * 1e6);
    s.weight_ns = std::max<std::int64_t>(1, mean_ns + s.fault.extra_latency.ns());
    auto [e, found] = boost::edge(s.from, s.to, graph_->g);
    KS_ASSERT(found);
    graph_->g[e].weight_ns = s.weight_ns;
}

HostIndex Topology::host_index(NodeId node) const {
    auto it = host_of_node_.find(node);
    KS_ASSERT_MSG(it != host_of_node_.end(), "unknown host {}", node.value());
    return it->second;
}

Vertex Topology::rack_switch(std::string_view rack) const {
    auto it = rack_of_name_.find(rack);
    KS_ASSERT_MSG(it != rack_of_name_.end(), "unknown rack {}", rack);
    return racks_[it->second].sw;
}

std::string_view Topology::rack_of(NodeId node) const {
    return racks_[hosts_[host_index(node)].rack].name;
}

LinkIndex Topology::link_between(Vertex from, Vertex to) const {
    if (from >= vertices_.size() || to >= vertices_.size()) return kNone;
    auto [e, found] = boost::edge(from, to, graph_->g);
    return found ? graph_->g[e].link : kNone;
}

LinkIndex Topology::require_link(Vertex from, Vertex to) const {
    const LinkIndex l = link_between(from, to);
    KS_ASSERT_MSG(l != kNone, "no link {}->{}", from, to);
    return l;
}

void Topology::cut_link_one_way(Vertex from, Vertex to) {
    const LinkIndex l = require_link(from, to);
    ++cuts_[l];
    changed();
}

void Topology::heal_link_one_way(Vertex from, Vertex to) {
    const LinkIndex l = require_link(from, to);
    KS_ASSERT_GT(cuts_[l], 0u);
    --cuts_[l];
    changed();
}

void Topology::cut_link(Vertex a, Vertex b) {
    cut_link_one_way(a, b);
    cut_link_one_way(b, a);
}

void Topology::heal_link(Vertex a, Vertex b) {
    heal_link_one_way(a, b);
    heal_link_one_way(b, a);
}

void Topology::set_link_fault(Vertex a, Vertex b, const LinkFault& fault) {
    KS_ASSERT_GE(fault.loss, 0.0);
    KS_ASSERT_LE(fault.loss, 1.0);
    KS_ASSERT_GE(fault.extra_latency, Duration::zero());
    for (const LinkIndex l : {require_link(a, b), require_link(b, a)}) {
        links_[l].fault = fault;
        update_weight(l);
    }
    changed();
}

const Topology::Tree& Topology::tree_from(Vertex source, HostIndex source_host) const {
    if (trees_.size() < hosts_.size()) trees_.resize(hosts_.size());
    Tree& t = trees_[source_host];
    if (t.version == version_) return t;
    const BGraph& g = graph_->g;
    t.dist.assign(vertices_.size(), kInf);
    boost::filtered_graph<BGraph, UpLinks> up(g, UpLinks{&g, &cuts_});
    const auto index = boost::get(boost::vertex_index, g);
    boost::dijkstra_shortest_paths(up, source,
                                   boost::weight_map(boost::get(&EdgeProps::weight_ns, g))
                                       .distance_map(boost::make_iterator_property_map(t.dist.begin(), index))
                                       .distance_inf(kInf)
                                       .distance_zero(std::int64_t{0}));
    t.version = version_;
    return t;
}

LinkIndex Topology::best_predecessor(const Tree& t, Vertex v) const {
    const BGraph& g = graph_->g;
    LinkIndex best = kNone;
    Vertex best_from = kNone;
    for (auto [it, end] = boost::in_edges(v, g); it != end; ++it) {
        const LinkState& l = links_[g[*it].link];
        if (cuts_[g[*it].link] != 0 || t.dist[l.from] == kInf) continue;
        if (t.dist[l.from] + l.weight_ns != t.dist[v]) continue;
        if (l.from < best_from) {
            best_from = l.from;
            best = g[*it].link;
        }
    }
    KS_ASSERT_NE(best, kNone);
    return best;
}

Topology::Route Topology::route(HostIndex from, HostIndex to) const {
    KS_ASSERT_LT(from, hosts_.size());
    KS_ASSERT_LT(to, hosts_.size());
    Route r;
    const Vertex src = hosts_[from].vertex;
    const Vertex dst = hosts_[to].vertex;
    const Tree& t = tree_from(src, from);
    if (t.dist[dst] == kInf) return r;
    for (Vertex v = dst; v != src;) {
        KS_ASSERT_LT(r.hops, kMaxHops);
        const LinkIndex l = best_predecessor(t, v);
        r.links[r.hops++] = l;
        v = links_[l].from;
    }
    std::reverse(r.links.begin(), r.links.begin() + r.hops);
    r.reachable = true;
    return r;
}

std::vector<Vertex> Topology::path(NodeId from, NodeId to) const {
    const Route r = route(host_index(from), host_index(to));
    std::vector<Vertex> out;
    if (!r.reachable) return out;
    out.push_back(host_vertex(from));
    for (const LinkIndex l : r.span()) out.push_back(links_[l].to);
    return out;
}

}  // namespace ks::env
