// Cluster: the process and connection conventions it carries out, driven with a
// real broker and a scripted client node.
#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "cluster/cluster.hpp"
#include "core/event_loop.hpp"
#include "core/trace.hpp"

using namespace ks;

namespace {

constexpr NodeId kClient(2000000);
const BrokerId kBroker(1);

// A client that records what reaches it.
struct Client {
    std::vector<std::pair<std::string, Duration>> seen;
    void start(Instant, kafka::Outbox&) {}
    void on_message(Instant now, NodeId, const kafka::Message& m, kafka::Outbox&) {
        seen.emplace_back(kafka::message_name(m), now - Instant{});
    }
    void on_timer(Instant, std::uint64_t, kafka::Outbox&) {}
    void on_connection_lost(Instant now, NodeId, kafka::Outbox&) { seen.emplace_back("lost", now - Instant{}); }
};

struct World {
    EventLoop loop;
    Trace trace;
    std::unique_ptr<cluster::Cluster> cluster;
    Client client;

    World() {
        cluster::ClusterOptions o;
        // 25 ms between any two hosts, no jitter.
        o.topology =
            env::Topology::Options::from_network_settings(DistSpec::constant(25), DistSpec::constant(25), 1000);
        cluster = std::make_unique<cluster::Cluster>(loop, trace, o);
        cluster->add_broker_host(kBroker, "a");
        cluster->add_controller_host();
        cluster->add_client_host(kClient);
        cluster->build();
        kafka::BrokerConfig b;
        b.id = kBroker;
        cluster->start_broker(b);
        cluster->start_client(kClient, std::make_unique<cluster::NodeOf<Client>>(client));
    }
    void send_at(Duration at, std::uint64_t correlation) {
        loop.schedule_at(Instant{} + at, [this, correlation] {
            cluster->node_action(kClient, [correlation](Instant, kafka::Outbox& out) {
                out.send(kafka::broker_node(kBroker), kafka::ApiVersionsRequest{correlation});
            });
        });
    }
};

}  // namespace

// A killed process's kernel still delivers what the process wrote, then a FIN;
// a peer writing into that connection meanwhile only meets a RST behind them.
TEST_CASE("cluster: a response sent before the process was killed still arrives, before the connection is lost") {
    World w;
    w.send_at(ms(0), 1);  // arrives at ~25 ms, answered at once, back at ~50 ms
    w.loop.schedule_at(Instant{} + ms(30), [&w] { w.cluster->crash(kBroker); });
    w.send_at(ms(35), 2);  // into the connection of the dead process
    w.loop.run_until(Instant{} + s(1));
    REQUIRE(w.client.seen.size() >= 2);
    CHECK(w.client.seen[0].first == "ApiVersionsResponse");
    CHECK(w.client.seen[0].second >= ms(50));
    CHECK(w.client.seen[0].second < ms(52));
    CHECK(w.client.seen[1].first == "lost");
    CHECK(w.client.seen[1].second >= w.client.seen[0].second);
}

TEST_CASE("cluster: a connection to a host where nothing listens is refused within a round trip") {
    World w;
    w.cluster->crash(kBroker);
    w.loop.run_until(Instant{} + ms(100));
    w.send_at(ms(200), 1);
    w.loop.run_until(Instant{} + s(1));
    REQUIRE(w.client.seen.size() == 1);
    CHECK(w.client.seen[0].first == "lost");
    CHECK(w.client.seen[0].second <= ms(201));
}
