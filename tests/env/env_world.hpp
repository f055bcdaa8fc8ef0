// A small simulated world for the env tests: an event loop, a topology with
// racks "a" (hosts 1, 2), "b" (host 3), "c" (host 4) and client host 100, and
// a network whose deliveries and breaks are recorded with their times.
//
// Latencies are constant so expected times can be written down exactly:
// host link 0.1 ms, uplink 0.5 ms, 1000 Mbit/s (8 ns per byte) everywhere.
#pragma once

#include <cstdint>
#include <vector>

#include "core/event_loop.hpp"
#include "core/rng.hpp"
#include "env/network.hpp"
#include "env/topology.hpp"

namespace ks::env::test {

inline Topology::Options constant_options() {
    Topology::Options o;
    o.host_link = {DistSpec::constant(0.1), 1000};
    o.uplink = {DistSpec::constant(0.5), 1000};
    return o;
}

inline Topology standard_topology(Topology::Options o = constant_options()) {
    Topology t(std::move(o));
    t.add_host(NodeId{1}, "a");
    t.add_host(NodeId{2}, "a");
    t.add_host(NodeId{3}, "b");
    t.add_host(NodeId{4}, "c");
    t.add_client_host(NodeId{100});
    return t;
}

struct Got {
    Instant at;
    ConnId conn;
    NodeId from;
    NodeId to;
    Payload payload;
};

struct Broke {
    Instant at;
    ConnId conn;
    NodeId endpoint;
    NodeId peer;
};

struct World {
    EventLoop loop;
    Topology topo;
    Network net;
    std::vector<Got> got;
    std::vector<Broke> broke;

    explicit World(Topology t = standard_topology(), Network::Options no = {}, std::uint64_t seed = 1)
        : topo(std::move(t)), net(loop, topo, Rng::stream(seed, "network"), no) {
        net.set_deliver_handler([this](const Delivery& d) {
            got.push_back(Got{loop.now(), d.conn, d.from, d.to, d.payload});
        });
        net.set_break_handler([this](const ConnectionBreak& b) {
            broke.push_back(Broke{loop.now(), b.conn, b.endpoint, b.peer});
        });
    }

    Vertex v(int node) const { return topo.host_vertex(NodeId{node}); }
    void run_until(Duration t) { loop.run_until(at(t)); }
};

inline constexpr NodeId n1{1}, n2{2}, n3{3}, n4{4}, client{100};

}  // namespace ks::env::test
