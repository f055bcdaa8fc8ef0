#include <doctest/doctest.h>

#include <vector>

#include "env/network.hpp"
#include "env_world.hpp"

using namespace ks;
using namespace ks::env;
using namespace ks::env::test;

namespace {
constexpr Duration kCrossRack = us(1200);

Network::Options detect_after(Duration d) {
    return Network::Options{.break_detection_delay = d};
}
}  // namespace

TEST_CASE("partition: messages in flight are lost and both ends see the break after the delay") {
    World w(standard_topology(), detect_after(ms(50)));
    const ConnId c = w.net.connect(n1, n3);
    w.net.send(c, n1, 1, 0);  // due at 1.2 ms
    w.net.send(c, n3, 2, 0);
    w.run_until(us(500));

    const std::vector<std::vector<NodeId>> groups{{n1}, {n2, n3, n4, client}};
    w.net.partition(groups);
    CHECK_FALSE(w.net.is_open(c));
    CHECK(w.net.is_live(c));
    CHECK(w.net.send(c, n1, 3, 0) == SendResult::broken);
    w.loop.run();

    CHECK(w.got.empty());
    CHECK(w.net.stats().lost_in_flight == 2);
    REQUIRE(w.broke.size() == 2);
    CHECK(w.broke[0].at == at(us(500) + ms(50)));
    CHECK(w.broke[1].at == at(us(500) + ms(50)));
    CHECK(w.broke[0].endpoint == n1);
    CHECK(w.broke[0].peer == n3);
    CHECK(w.broke[1].endpoint == n3);
    CHECK(w.broke[1].conn == c);
}

TEST_CASE("partition: hosts on the same side keep talking") {
    World w;
    const ConnId across = w.net.connect(n1, n2);
    const ConnId within = w.net.connect(n2, n3);
    const std::vector<std::vector<NodeId>> groups{{n1}, {n2, n3}};
    w.net.partition(groups);
    CHECK_FALSE(w.net.is_open(across));
    CHECK(w.net.is_open(within));
    w.net.send(within, n2, 7, 0);
    w.loop.run();
    REQUIRE(w.got.size() == 1);
    CHECK(w.got[0].payload == 7);
    CHECK(w.net.reachable(n4, n1));  // in no group: unaffected
}

TEST_CASE("partition: a connect across a partition fails after the delay, and works after heal") {
    World w(standard_topology(), detect_after(ms(100)));
    const std::vector<std::vector<NodeId>> groups{{n1}, {n3}};
    const PartitionId p = w.net.partition(groups);
    const ConnId c = w.net.connect(n1, n3);
    CHECK_FALSE(w.net.is_open(c));
    CHECK(w.net.send(c, n1, 1, 0) == SendResult::broken);
    w.run_until(ms(200));
    CHECK(w.broke.size() == 2);
    CHECK(w.broke[0].at == at(ms(100)));

    w.net.heal(p);
    CHECK(w.net.reachable(n1, n3));
    CHECK_FALSE(w.net.is_open(c));  // stays broken until the owner reconnects
    CHECK(w.net.send(c, n1, 2, 0) == SendResult::broken);
    w.net.close(c);
    const ConnId d = w.net.connect(n1, n3);
    CHECK(w.net.is_open(d));
    w.net.send(d, n1, 3, 0);
    w.loop.run();
    REQUIRE(w.got.size() == 1);
    CHECK(w.got[0].payload == 3);
    CHECK(w.got[0].at == at(ms(200) + kCrossRack));
}

TEST_CASE("partition: one way blocks one direction, yet breaks TCP connections either way") {
    World w(standard_topology(), detect_after(ms(5)));
    const ConnId from_1 = w.net.connect(n1, n3);
    const ConnId from_3 = w.net.connect(n3, n1);
    const ConnId other = w.net.connect(n1, n2);
    const std::vector<NodeId> from{n1};
    const std::vector<NodeId> to{n3};
    const PartitionId p = w.net.partition_one_way(from, to);
    CHECK_FALSE(w.net.reachable(n1, n3));
    CHECK(w.net.reachable(n3, n1));
    CHECK_FALSE(w.net.is_open(from_1));
    CHECK_FALSE(w.net.is_open(from_3));
    CHECK(w.net.is_open(other));
    w.loop.run();
    CHECK(w.broke.size() == 4);
    w.net.heal(p);
    CHECK(w.net.reachable(n1, n3));
}

TEST_CASE("partition: overlapping partitions heal independently") {
    World w;
    const std::vector<std::vector<NodeId>> g1{{n1}, {n3}};
    const std::vector<std::vector<NodeId>> g2{{n1, n2}, {n3, n4}};
    const PartitionId p1 = w.net.partition(g1);
    const PartitionId p2 = w.net.partition(g2);
    CHECK(p1 != p2);
    w.net.heal(p1);
    CHECK_FALSE(w.net.reachable(n1, n3));  // still cut by p2
    CHECK_FALSE(w.net.reachable(n2, n4));
    w.net.heal(p2);
    CHECK(w.net.reachable(n1, n3));
    CHECK(w.net.reachable(n2, n4));
}

TEST_CASE("partition: a break the owner already closed is not told") {
    World w(standard_topology(), detect_after(ms(5)));
    const ConnId c = w.net.connect(n1, n3);
    const std::vector<std::vector<NodeId>> groups{{n1}, {n3}};
    w.net.partition(groups);
    w.net.close(c);
    w.loop.run();
    CHECK(w.broke.empty());
}

TEST_CASE("partition: a link cut breaks connections left without a route, others survive") {
    World w(standard_topology(), detect_after(ms(5)));
    const ConnId to_3 = w.net.connect(n1, n3);
    const ConnId to_2 = w.net.connect(n1, n2);
    w.net.send(to_3, n1, 1, 0);
    w.net.cut_link(w.v(3), w.topo.rack_switch("b"));
    CHECK_FALSE(w.net.is_open(to_3));
    CHECK(w.net.is_open(to_2));
    w.loop.run();
    CHECK(w.got.empty());
    CHECK(w.broke.size() == 2);

    w.net.heal_link(w.v(3), w.topo.rack_switch("b"));
    CHECK(w.net.reachable(n1, n3));
}

TEST_CASE("partition: a cut with another path left reroutes without breaking") {
    World w;
    const Vertex sw_a = w.topo.rack_switch("a");
    const Vertex sw_b = w.topo.rack_switch("b");
    w.topo.add_link(sw_a, sw_b, LinkSpec{DistSpec::constant(2.0), 1000});
    const ConnId c = w.net.connect(n1, n3);
    w.net.cut_link(sw_a, w.topo.core_switch());
    CHECK(w.net.is_open(c));
    w.net.send(c, n1, 1, 0);
    w.loop.run();
    REQUIRE(w.got.size() == 1);
    CHECK(w.got[0].at == at(us(200) + ms(2)));  // 2 host links + the direct link
}

TEST_CASE("partition: a one-way link cut breaks connections that need that direction") {
    World w(standard_topology(), detect_after(ms(5)));
    const ConnId c = w.net.connect(n3, n1);
    w.net.cut_link_one_way(w.topo.rack_switch("a"), w.v(1));
    CHECK_FALSE(w.net.is_open(c));
    CHECK_FALSE(w.net.reachable(n3, n1));
    CHECK(w.net.reachable(n1, n3));
    w.net.heal_link_one_way(w.topo.rack_switch("a"), w.v(1));
    CHECK(w.net.reachable(n3, n1));
}
