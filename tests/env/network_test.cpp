#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <vector>

#include "env/network.hpp"
#include "env_world.hpp"

using namespace ks;
using namespace ks::env;
using namespace ks::env::test;

namespace {
// Same rack: 2 host links. Cross rack: 2 host links + 2 uplinks.
constexpr Duration kSameRack = us(200);
constexpr Duration kCrossRack = us(1200);
}  // namespace

TEST_CASE("network: a message arrives after the path's latencies plus size over bandwidth") {
    World w;
    const ConnId c = w.net.connect(n1, n3);
    CHECK(w.net.send(c, n1, 42, 1000) == SendResult::sent);  // 1000 B at 1000 Mbit/s = 8 us
    w.loop.run();
    REQUIRE(w.got.size() == 1);
    CHECK(w.got[0].at == at(kCrossRack + us(8)));
    CHECK(w.got[0].from == n1);
    CHECK(w.got[0].to == n3);
    CHECK(w.got[0].payload == 42);
    CHECK(w.got[0].conn == c);
}

TEST_CASE("network: same-rack messages skip the uplinks") {
    World w;
    const ConnId c = w.net.connect(n1, n2);
    w.net.send(c, n1, 1, 0);
    w.loop.run();
    REQUIRE(w.got.size() == 1);
    CHECK(w.got[0].at == at(kSameRack));
}

TEST_CASE("network: the slowest link on the path sets the transmission time") {
    Topology::Options o = constant_options();
    o.uplink.bandwidth_mbps = 100;  // 80 ns per byte
    World w(standard_topology(o));
    const ConnId cross = w.net.connect(n1, n3);
    const ConnId same = w.net.connect(n2, n1);
    w.net.send(cross, n1, 1, 10000);
    w.net.send(same, n2, 2, 10000);
    w.loop.run();
    REQUIRE(w.got.size() == 2);
    CHECK(w.got[0].payload == 2);
    CHECK(w.got[0].at == at(kSameRack + us(80)));
    CHECK(w.got[1].at == at(kCrossRack + us(800)));
}

TEST_CASE("network: a host's egress sends one message at a time") {
    World w;
    const ConnId a = w.net.connect(n1, n2);
    const ConnId b = w.net.connect(n1, n3);
    w.net.send(a, n1, 1, 1'000'000);  // 8 ms on the wire
    w.net.send(b, n1, 2, 1'000'000);  // waits for the first
    w.loop.run();
    REQUIRE(w.got.size() == 2);
    CHECK(w.got[0].at == at(ms(8) + kSameRack));
    CHECK(w.got[1].at == at(ms(16) + kCrossRack));
}

TEST_CASE("network: a connection carries messages both ways") {
    World w;
    const ConnId c = w.net.connect(client, n1);
    CHECK(w.net.initiator(c) == client);
    CHECK(w.net.acceptor(c) == n1);
    w.net.send(c, client, 1, 0);
    w.loop.run();
    w.net.send(c, n1, 2, 0);
    w.loop.run();
    REQUIRE(w.got.size() == 2);
    CHECK(w.got[1].from == n1);
    CHECK(w.got[1].to == client);
    CHECK(w.got[1].at == at(kCrossRack * 2));
}

TEST_CASE("network: delivery is FIFO per connection even when sampled latencies would reorder") {
    Topology::Options o = constant_options();
    o.host_link.latency_ms = DistSpec::exponential(1.0);
    World w(standard_topology(o));

    // Many connections, one message each, all sent at once: the samples reorder.
    std::vector<ConnId> conns;
    for (int i = 0; i < 50; ++i) conns.push_back(w.net.connect(n1, n3));
    for (int i = 0; i < 50; ++i) w.net.send(conns[i], n1, static_cast<Payload>(i), 0);
    w.loop.run();
    REQUIRE(w.got.size() == 50);
    CHECK_FALSE(
        std::is_sorted(w.got.begin(), w.got.end(), [](const Got& x, const Got& y) { return x.payload < y.payload; }));

    // One connection: the same kind of samples, yet delivered in send order.
    w.got.clear();
    const ConnId one = w.net.connect(n1, n3);
    for (int i = 0; i < 200; ++i) {
        w.net.send(one, n1, static_cast<Payload>(i), 100);
        w.loop.run_until(w.loop.now() + us(50));
    }
    w.loop.run();
    REQUIRE(w.got.size() == 200);
    for (std::size_t i = 0; i < w.got.size(); ++i) {
        CHECK(w.got[i].payload == i);
        if (i > 0) CHECK(w.got[i].at >= w.got[i - 1].at);
    }
}

TEST_CASE("network: a path fault's extra latency adds to every message") {
    World w;
    w.net.set_path_fault(n1, n3, LinkFault{.extra_latency = ms(200)});
    const ConnId c = w.net.connect(n3, n1);
    const ConnId other = w.net.connect(n2, n3);
    w.net.send(c, n3, 1, 0);
    w.net.send(c, n1, 2, 0);
    w.net.send(other, n2, 3, 0);
    w.loop.run();
    REQUIRE(w.got.size() == 3);
    CHECK(w.got[0].payload == 3);
    CHECK(w.got[0].at == at(kCrossRack));
    CHECK(w.got[1].at == at(kCrossRack + ms(200)));
    CHECK(w.got[2].at == at(kCrossRack + ms(200)));

    w.net.set_path_fault(n1, n3, LinkFault{});
    const Instant t0 = w.loop.now();
    w.net.send(c, n1, 4, 0);
    w.loop.run();
    CHECK(w.got.back().at == t0 + kCrossRack);
}

TEST_CASE("network: a physical link fault slows every route over that link") {
    World w;
    w.net.set_link_fault(w.topo.rack_switch("b"), w.topo.core_switch(), LinkFault{.extra_latency = ms(3)});
    const ConnId c = w.net.connect(n1, n3);
    w.net.send(c, n1, 1, 0);
    w.loop.run();
    REQUIRE(w.got.size() == 1);
    CHECK(w.got[0].at == at(kCrossRack + ms(3)));
}

TEST_CASE("network: loss shows as retransmission timeouts, never as silent drops") {
    World w;
    w.net.set_path_fault(n1, n3, LinkFault{.loss = 0.5});
    // One message per connection, so each delay is its own: base + RTOs of
    // 200, 400, 800 ... ms (exponential backoff from the 200 ms minimum).
    std::set<std::int64_t> allowed;
    Duration sum = Duration::zero();
    Duration rto = ms(200);
    for (int k = 0; k <= 15; ++k) {
        allowed.insert((kCrossRack + sum).ns());
        sum += rto;
        rto = std::min(rto * 2, s(120));
    }
    for (int i = 0; i < 400; ++i) w.net.send(w.net.connect(n1, n3), n1, static_cast<Payload>(i), 0);
    w.loop.run();
    CHECK(w.got.size() + w.net.stats().lost_in_flight == 400);
    CHECK(w.net.stats().lost_in_flight == 0);
    std::size_t delayed = 0;
    for (const Got& g : w.got) {
        CHECK(allowed.contains(g.at.ns()));
        if (g.at.ns() > kCrossRack.ns()) ++delayed;
    }
    CHECK(delayed > 150);  // about half
    CHECK(delayed < 250);
    CHECK(w.net.stats().retransmissions >= delayed);
}

TEST_CASE("network: a lost transmission holds back later messages on the connection") {
    World w;
    w.net.set_path_fault(n1, n3, LinkFault{.loss = 0.3});
    const ConnId c = w.net.connect(n1, n3);
    for (int i = 0; i < 100; ++i) w.net.send(c, n1, static_cast<Payload>(i), 0);
    w.loop.run();
    REQUIRE(w.got.size() == 100);
    for (std::size_t i = 1; i < w.got.size(); ++i) {
        CHECK(w.got[i].payload == i);
        CHECK(w.got[i].at >= w.got[i - 1].at);
    }
    CHECK(w.got.back().at > at(ms(200)));
}

TEST_CASE("network: total loss makes TCP give up and the connection break") {
    World w(standard_topology(), Network::Options{.break_detection_delay = ms(10)});
    w.net.set_path_fault(n1, n3, LinkFault{.loss = 1.0});
    const ConnId c = w.net.connect(n1, n3);
    CHECK(w.net.send(c, n1, 1, 0) == SendResult::sent);
    CHECK_FALSE(w.net.is_open(c));
    CHECK(w.net.send(c, n1, 2, 0) == SendResult::broken);
    w.loop.run();
    CHECK(w.got.empty());
    REQUIRE(w.broke.size() == 2);
    CHECK(w.broke[0].at == at(ms(10)));
    CHECK(w.net.stats().lost_in_flight == 1);
    CHECK(w.net.stats().refused == 1);
}

TEST_CASE("network: closing a connection drops its messages and tells no one") {
    World w;
    const ConnId c = w.net.connect(n1, n3);
    w.net.send(c, n1, 1, 0);
    w.net.close(c);
    CHECK_FALSE(w.net.is_live(c));
    const ConnId d = w.net.connect(n1, n3);  // reuses the slot with a new generation
    CHECK(d.slot == c.slot);
    CHECK(d != c);
    w.loop.run();
    CHECK(w.got.empty());
    CHECK(w.broke.empty());
    CHECK(w.net.stats().lost_in_flight == 1);
    CHECK(w.net.live_connections() == 1);
}

namespace {
std::vector<std::int64_t> delivery_times(std::uint64_t seed) {
    Topology::Options o =
        Topology::Options::from_network_settings(DistSpec::lognormal(0.3, 2), DistSpec::lognormal(1, 5), 10000);
    World w(standard_topology(o), {}, seed);
    w.net.set_path_fault(n2, n4, LinkFault{.extra_latency = ms(1), .loss = 0.05});
    const ConnId a = w.net.connect(n1, n3);
    const ConnId b = w.net.connect(n2, n4);
    const ConnId c = w.net.connect(client, n1);
    for (int i = 0; i < 300; ++i) {
        w.net.send(a, i % 2 ? n1 : n3, static_cast<Payload>(i), 100 + i);
        w.net.send(b, n2, static_cast<Payload>(i), 5000);
        w.net.send(c, client, static_cast<Payload>(i), 16384);
        w.loop.run_until(w.loop.now() + us(100));
    }
    w.loop.run();
    std::vector<std::int64_t> out;
    for (const Got& g : w.got) out.push_back(g.at.ns() * 1000 + static_cast<std::int64_t>(g.payload));
    return out;
}
}  // namespace

TEST_CASE("network: the same seed gives the same delivery times, another seed others") {
    const auto first = delivery_times(7);
    CHECK(first.size() == 900);
    CHECK(first == delivery_times(7));
    CHECK(first != delivery_times(8));
}

TEST_CASE("network: a message is never delivered before one sent earlier the same way") {
    World w;
    w.net.set_path_fault(n1, n3, LinkFault{.extra_latency = ms(100)});
    const ConnId c = w.net.connect(n1, n3);
    w.net.send(c, n1, 1, 0);  // due at 100 ms + base
    w.run_until(ms(1));
    w.net.set_path_fault(n1, n3, LinkFault{});
    w.net.send(c, n1, 2, 0);  // would be due at 1 ms + base, but waits
    w.net.send(c, n3, 3, 0);  // the other direction is not held back
    w.loop.run();
    REQUIRE(w.got.size() == 3);
    CHECK(w.got[0].payload == 3);
    CHECK(w.got[0].at == at(ms(1) + kCrossRack));
    CHECK(w.got[1].payload == 1);
    CHECK(w.got[2].payload == 2);
    CHECK(w.got[2].at == w.got[1].at);
}

// A host that lost power answers the next retransmission with a reset once it
// is back: the retransmission timer is TCP's (RTO from rto_min, doubling to
// rto_max), with this network's own options.
TEST_CASE("network: the retransmission timer follows the network's RTO options") {
    World linux_defaults;
    const Instant down = at(s(10));
    CHECK(linux_defaults.net.next_retransmission(down, down) == down);
    // 200 ms, then 400, 800, 1600 ms: 10.2, 10.6, 11.4, 13.0 s.
    CHECK(linux_defaults.net.next_retransmission(down, at(ms(10100))) == at(ms(10200)));
    CHECK(linux_defaults.net.next_retransmission(down, at(ms(11000))) == at(ms(11400)));
    CHECK(linux_defaults.net.next_retransmission(down, at(ms(11400))) == at(ms(11400)));
    CHECK(linux_defaults.net.next_retransmission(down, at(ms(11401))) == at(ms(13000)));
    Network::Options o;
    o.rto_min = ms(50);
    o.rto_max = ms(100);
    World fast(standard_topology(), o);
    // 50 ms, then 100 ms each (capped): 10.05, 10.15, 10.25 s.
    CHECK(fast.net.next_retransmission(down, at(ms(10200))) == at(ms(10250)));
}
