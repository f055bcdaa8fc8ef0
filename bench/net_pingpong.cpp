// Network benchmark: P pairs of hosts' connections bounce small messages.
//
// The world is a 3-rack cluster of 12 broker hosts plus 12 client hosts in the
// "clients" rack, latencies from the reference scenario's network settings
// (lognormal, same rack median 0.3 ms / p99 2 ms, cross rack 1 / 5 ms, 10 Gbit/s).
// Pair i is one connection between two of those hosts; it carries one message
// at a time, and each delivery is answered on the same connection until the
// run has delivered `messages` in all. So every message costs one send (route
// check, per-link latency samples, FIFO) and one event.
//
// Usage: bench_net_pingpong [messages per run, default 1000000]
// Prints one JSON object: per P, messages/s and events/s of wall time, and the
// simulated time reached (a checksum of determinism). Figures, not pass/fail.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/event_loop.hpp"
#include "core/rng.hpp"
#include "env/network.hpp"
#include "env/topology.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using namespace ks;
using namespace ks::env;

constexpr int kBrokers = 12;
constexpr int kClients = 12;
constexpr Bytes kMessageBytes = 200;

Topology make_topology() {
    Topology t(Topology::Options::from_network_settings(DistSpec::lognormal(0.3, 2), DistSpec::lognormal(1, 5), 10000));
    const char* racks[] = {"a", "b", "c"};
    for (int b = 1; b <= kBrokers; ++b) t.add_host(NodeId{b}, racks[(b - 1) % 3]);
    for (int c = 0; c < kClients; ++c) t.add_client_host(NodeId{1000 + c});
    return t;
}

NodeId host(int i) {
    const int k = i % (kBrokers + kClients);
    return k < kBrokers ? NodeId{k + 1} : NodeId{1000 + (k - kBrokers)};
}

struct Result {
    int pairs;
    std::uint64_t messages;
    std::uint64_t events;
    double wall_s;
    double sim_s;
};

Result run(int pairs, std::uint64_t messages) {
    EventLoop loop;
    Topology topo = make_topology();
    Network net(loop, topo, Rng::stream(1, "network"), {});
    std::uint64_t to_send = messages;
    net.set_deliver_handler([&](const Delivery& d) {
        if (to_send == 0) return;
        --to_send;
        net.send(d.conn, d.to, d.payload, kMessageBytes);
    });
    net.set_break_handler([](const ConnectionBreak&) { std::abort(); });
    for (int i = 0; i < pairs && to_send > 0; ++i) {
        const NodeId a = host(i);
        const NodeId b = host(i * 7 + 5);
        const ConnId c = net.connect(a, a == b ? host(i + 1) : b);
        --to_send;
        net.send(c, a, static_cast<Payload>(i), kMessageBytes);
    }
    const auto t0 = Clock::now();
    loop.run();
    const double wall = std::chrono::duration<double>(Clock::now() - t0).count();
    return Result{pairs, net.stats().delivered, loop.events_run(), wall, loop.now().seconds_f()};
}

}  // namespace

int main(int argc, char** argv) {
    const std::uint64_t messages = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1'000'000;
    std::string out =
        "{\"bench\": \"net_pingpong\", \"message_bytes\": " + std::to_string(kMessageBytes) + ", \"runs\": [";
    bool first = true;
    for (const int pairs : {10, 100, 1000}) {
        const Result r = run(pairs, messages);
        char buf[400];
        std::snprintf(buf, sizeof buf,
                      "%s{\"pairs\": %d, \"messages\": %llu, \"events\": %llu, \"wall_s\": %.3f, "
                      "\"messages_per_s\": %.0f, \"events_per_s\": %.0f, \"sim_s\": %.6f}",
                      first ? "" : ", ", r.pairs, static_cast<unsigned long long>(r.messages),
                      static_cast<unsigned long long>(r.events), r.wall_s, static_cast<double>(r.messages) / r.wall_s,
                      static_cast<double>(r.events) / r.wall_s, r.sim_s);
        out += buf;
        first = false;
    }
    out += "]}";
    std::printf("%s\n", out.c_str());
    return 0;
}
