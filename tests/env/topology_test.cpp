#include <doctest/doctest.h>

#include <vector>

#include "env/topology.hpp"
#include "env_world.hpp"

using namespace ks;
using namespace ks::env;
using namespace ks::env::test;

TEST_CASE("topology: hosts in the same rack talk through their rack switch only") {
    Topology t = standard_topology();
    const Vertex sw_a = t.rack_switch("a");
    CHECK(t.path(n1, n2) == std::vector<Vertex>{t.host_vertex(n1), sw_a, t.host_vertex(n2)});
    CHECK(t.kind(sw_a) == Topology::VertexKind::rack_switch);
    CHECK(t.rack_of(n2) == "a");
}

TEST_CASE("topology: hosts in different racks go through the core switch") {
    Topology t = standard_topology();
    CHECK(t.path(n1, n3) == std::vector<Vertex>{t.host_vertex(n1), t.rack_switch("a"), t.core_switch(),
                                                t.rack_switch("b"), t.host_vertex(n3)});
    CHECK(t.kind(t.core_switch()) == Topology::VertexKind::core_switch);
}

TEST_CASE("topology: client hosts sit in their own rack under the core") {
    Topology t = standard_topology();
    CHECK(t.rack_of(client) == "clients");
    const auto p = t.path(client, n1);
    REQUIRE(p.size() == 5);
    CHECK(p[1] == t.rack_switch("clients"));
    CHECK(p[2] == t.core_switch());
}

TEST_CASE("topology: the clients rack name and per-rack links are configurable") {
    Topology::Options o = constant_options();
    o.clients_rack = "edge";
    Topology t(o);
    t.add_rack("edge", {.host_link = LinkSpec{DistSpec::constant(5), 100}});
    t.add_host(n1, "a");
    t.add_client_host(client);
    CHECK(t.rack_of(client) == "edge");
    const LinkIndex l = t.link_between(t.host_vertex(client), t.rack_switch("edge"));
    REQUIRE(l != kNone);
    CHECK(t.link_spec(l).latency_ms == DistSpec::constant(5));
    CHECK(t.link_spec(l).bandwidth_mbps == 100);
}

TEST_CASE("topology: network settings become per-link latencies whose path means match") {
    const auto o =
        Topology::Options::from_network_settings(DistSpec::lognormal(0.3, 2), DistSpec::lognormal(1, 5), 10000);
    CHECK(o.host_link.latency_ms == DistSpec::lognormal(0.15, 1));
    CHECK(o.host_link.bandwidth_mbps == 10000);
    const double same = 2 * o.host_link.latency_ms.mean();
    const double cross = same + 2 * o.uplink.latency_ms.mean();
    CHECK(same == doctest::Approx(DistSpec::lognormal(0.3, 2).mean()));
    CHECK(cross == doctest::Approx(DistSpec::lognormal(1, 5).mean()));

    const auto flat = Topology::Options::from_network_settings(DistSpec::constant(1), DistSpec::constant(0.5), 1000);
    CHECK(flat.uplink.latency_ms == DistSpec::constant(0));  // cross <= same: free uplinks
}

TEST_CASE("topology: a cut reroutes over the next shortest path and a heal restores it") {
    Topology t = standard_topology();
    const Vertex sw_a = t.rack_switch("a");
    const Vertex sw_b = t.rack_switch("b");
    t.add_link(sw_a, sw_b, LinkSpec{DistSpec::constant(0.2), 1000});
    const std::vector<Vertex> direct{t.host_vertex(n1), sw_a, sw_b, t.host_vertex(n3)};
    const std::vector<Vertex> via_core{t.host_vertex(n1), sw_a, t.core_switch(), sw_b, t.host_vertex(n3)};
    CHECK(t.path(n1, n3) == direct);

    const auto before = t.version();
    t.cut_link(sw_a, sw_b);
    CHECK(t.version() != before);
    CHECK(t.path(n1, n3) == via_core);
    CHECK(t.path(n3, n1).size() == 5);

    t.heal_link(sw_a, sw_b);
    CHECK(t.path(n1, n3) == direct);
}

TEST_CASE("topology: cuts nest, a link is up only when every cut healed") {
    Topology t = standard_topology();
    const Vertex h1 = t.host_vertex(n1);
    const Vertex sw_a = t.rack_switch("a");
    t.cut_link(h1, sw_a);
    t.cut_link(h1, sw_a);
    t.heal_link(h1, sw_a);
    CHECK(t.path(n1, n2).empty());
    t.heal_link(h1, sw_a);
    CHECK(t.path(n1, n2).size() == 3);
}

TEST_CASE("topology: a degraded link is avoided when a faster path exists") {
    Topology t = standard_topology();
    const Vertex sw_a = t.rack_switch("a");
    const Vertex sw_b = t.rack_switch("b");
    t.add_link(sw_a, sw_b, LinkSpec{DistSpec::constant(0.2), 1000});
    t.set_link_fault(sw_a, sw_b, LinkFault{.extra_latency = ms(5)});
    CHECK(t.path(n1, n3).size() == 5);  // via the core now
    t.set_link_fault(sw_a, sw_b, LinkFault{});
    CHECK(t.path(n1, n3).size() == 4);
}

TEST_CASE("topology: equal-cost paths are broken by the smallest predecessor vertex") {
    Topology t = standard_topology();
    const Vertex sw_a = t.rack_switch("a");
    const Vertex sw_b = t.rack_switch("b");
    // Direct link costs exactly the two uplinks (0.5 + 0.5 ms): a tie. The core
    // (vertex 0) is a smaller predecessor of sw_b than sw_a.
    t.add_link(sw_a, sw_b, LinkSpec{DistSpec::constant(1.0), 1000});
    REQUIRE(t.core_switch() < sw_a);
    CHECK(t.path(n1, n3)[2] == t.core_switch());
}

TEST_CASE("topology: a host whose access link is cut is unreachable both ways") {
    Topology t = standard_topology();
    t.cut_link(t.host_vertex(n3), t.rack_switch("b"));
    CHECK(t.path(n1, n3).empty());
    CHECK(t.path(n3, n1).empty());
    CHECK_FALSE(t.route(t.host_index(n1), t.host_index(n3)).reachable);
    CHECK(t.path(n1, n2).size() == 3);
}

TEST_CASE("topology: a one-way cut blocks one direction only") {
    Topology t = standard_topology();
    t.cut_link_one_way(t.host_vertex(n1), t.rack_switch("a"));
    CHECK(t.path(n1, n2).empty());
    CHECK(t.path(n2, n1).size() == 3);
    t.heal_link_one_way(t.host_vertex(n1), t.rack_switch("a"));
    CHECK(t.path(n1, n2).size() == 3);
}

TEST_CASE("topology: a host reaches itself over an empty route") {
    Topology t = standard_topology();
    const auto r = t.route(t.host_index(n1), t.host_index(n1));
    CHECK(r.reachable);
    CHECK(r.hops == 0);
}
