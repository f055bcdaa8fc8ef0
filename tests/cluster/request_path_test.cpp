// RequestPath: a broker's network and request handler threads (Kafka's
// SocketServer processors, RequestChannel and KafkaRequestHandlerPool), driven
// directly on an event loop.
#include <doctest/doctest.h>

#include <functional>
#include <string>
#include <vector>

#include "cluster/request_path.hpp"
#include "core/event_loop.hpp"

using ks::Bytes;
using ks::Duration;
using ks::EventLoop;
using ks::Instant;
using ks::NodeId;
using ks::us;
using ks::cluster::ChannelKey;
using ks::cluster::RequestCosts;
using ks::cluster::RequestPath;
using ks::cluster::RequestPathConfig;

namespace {

// Round numbers: a processor job costs 10 µs + 1 ns a byte, a handler job
// 100 µs + 10 µs a partition + 1 ns a byte.
RequestCosts costs() {
    RequestCosts c;
    c.network_base = us(10);
    c.network_ns_per_byte = 1;
    c.io_base = us(100);
    c.io_per_partition = us(10);
    c.io_ns_per_byte = 1;
    return c;
}

RequestPathConfig config(std::int32_t network, std::int32_t io, std::int32_t queued) {
    return RequestPathConfig{.network_threads = network, .io_threads = io, .queued_max = queued, .costs = costs()};
}

RequestPath::Run direct() {
    return [](std::function<void()> f) { f(); };
}

struct Log {
    std::vector<std::pair<std::string, Duration>> entries;
    std::function<void()> at(EventLoop& loop, std::string what) {
        return [this, &loop, what] { entries.emplace_back(what, loop.now() - Instant{}); };
    }
};

constexpr std::size_t kApi = 11;  // any request kind
const ChannelKey kA{NodeId(1000), 0};
const ChannelKey kB{NodeId(1001), 0};
const ChannelKey kC{NodeId(1002), 0};

}  // namespace

TEST_CASE("request path: a request is read by a processor, then handled by a handler thread") {
    EventLoop loop;
    RequestPath path(loop, config(3, 8, 500), direct());
    Log log;
    path.receive(kA, kApi, false, 1000, 2, log.at(loop, "a"));
    loop.run();
    REQUIRE(log.entries.size() == 1);
    // read: 10 µs + 1 µs; handle: 100 µs + 2 × 10 µs + 1 µs.
    CHECK(log.entries[0].second == us(11) + us(121));
    CHECK(path.handled() == 1);
}

// SocketServer Processor.processCompletedReceives mutes the connection after
// a request is read: the next one on it waits (here requests without a
// response: unmuted when the handler is done, as for a NoOpResponse).
TEST_CASE("request path: a connection's next request is read only after the previous one was handled") {
    EventLoop loop;
    RequestPath path(loop, config(3, 8, 500), direct());
    Log log;
    path.receive(kA, kApi, false, 0, 0, log.at(loop, "a1"));
    path.receive(kA, kApi, false, 0, 0, log.at(loop, "a2"));
    path.receive(kB, kApi, false, 0, 0, log.at(loop, "b1"));
    loop.run();
    REQUIRE(log.entries.size() == 3);
    // kA and kB have processors of their own (round-robin): b1 is not behind a1.
    CHECK(log.entries[0] == std::pair<std::string, Duration>{"a1", us(110)});
    CHECK(log.entries[1] == std::pair<std::string, Duration>{"b1", us(110)});
    CHECK(log.entries[2] == std::pair<std::string, Duration>{"a2", us(220)});
}

TEST_CASE("request path: connections share processors round-robin; a processor does one job at a time") {
    EventLoop loop;
    RequestPath path(loop, config(1, 8, 500), direct());
    Log log;
    path.receive(kA, kApi, false, 0, 0, log.at(loop, "a"));
    path.receive(kB, kApi, false, 0, 0, log.at(loop, "b"));
    loop.run();
    REQUIRE(log.entries.size() == 2);
    CHECK(log.entries[0].second == us(110));
    CHECK(log.entries[1].second == us(120));  // read after a's read
}

TEST_CASE("request path: with num.io.threads busy, requests wait in the request queue") {
    EventLoop loop;
    RequestPath path(loop, config(3, 1, 500), direct());
    Log log;
    path.receive(kA, kApi, false, 0, 0, log.at(loop, "a"));
    path.receive(kB, kApi, false, 0, 0, log.at(loop, "b"));
    path.receive(kC, kApi, false, 0, 0, log.at(loop, "c"));
    loop.run_until(Instant{} + us(50));
    CHECK(path.io_busy() == 1);
    CHECK(path.queue_size() == 2);
    loop.run();
    REQUIRE(log.entries.size() == 3);
    CHECK(log.entries[0].second == us(110));
    CHECK(log.entries[1].second == us(210));
    CHECK(log.entries[2].second == us(310));
}

// RequestChannel.sendRequest: requestQueue.put blocks the processor while the
// queue of queued.max.requests is full; it then writes no response either.
TEST_CASE("request path: a full request queue blocks the processor, responses included") {
    EventLoop loop;
    RequestPath path(loop, config(1, 1, 1), direct());
    Log log;
    path.receive(kA, kApi, false, 0, 0, log.at(loop, "a"));  // read at 10, handled 10..110
    path.receive(kB, kApi, false, 0, 0, log.at(loop, "b"));  // read at 20, queued
    path.receive(kC, kApi, false, 0, 0, log.at(loop, "c"));  // read at 30: queue full, blocked
    path.respond(kA, kApi, 0, log.at(loop, "response"));
    loop.run();
    REQUIRE(log.entries.size() == 4);
    CHECK(log.entries[0] == std::pair<std::string, Duration>{"a", us(110)});
    // a done at 110: b to a handler, c into the queue, the processor free again.
    CHECK(log.entries[1] == std::pair<std::string, Duration>{"response", us(120)});
    CHECK(log.entries[2] == std::pair<std::string, Duration>{"b", us(210)});
    CHECK(log.entries[3] == std::pair<std::string, Duration>{"c", us(310)});
}

TEST_CASE("request path: responses are written in order by the connection's processor") {
    EventLoop loop;
    RequestPath path(loop, config(1, 8, 500), direct());
    Log log;
    path.respond(kA, kApi, 5000, log.at(loop, "r1"));
    path.respond(kB, kApi, 0, log.at(loop, "r2"));
    loop.run();
    REQUIRE(log.entries.size() == 2);
    CHECK(log.entries[0].second == us(15));
    CHECK(log.entries[1].second == us(25));
}

TEST_CASE("request path: a closed connection's unread requests are dropped") {
    EventLoop loop;
    RequestPath path(loop, config(3, 8, 500), direct());
    Log log;
    path.receive(kA, kApi, false, 0, 0, log.at(loop, "a1"));
    path.receive(kA, kApi, false, 0, 0, log.at(loop, "a2"));
    path.drop_peer(kA.peer);
    loop.run();
    REQUIRE(log.entries.size() == 1);  // a1 had been read already
    CHECK(log.entries[0].first == "a1");
}

TEST_CASE("request path: a destroyed path (the process died) runs nothing more") {
    EventLoop loop;
    Log log;
    {
        RequestPath path(loop, config(3, 8, 500), direct());
        path.receive(kA, kApi, false, 0, 0, log.at(loop, "a"));
        path.respond(kB, kApi, 0, log.at(loop, "r"));
    }
    loop.run();
    CHECK(log.entries.empty());
}

TEST_CASE("request path: completions go through the owner's run function (held while the process is paused)") {
    EventLoop loop;
    std::vector<std::function<void()>> held;
    bool paused = true;
    RequestPath path(loop, config(3, 8, 500), [&](std::function<void()> f) {
        if (paused) {
            held.push_back(std::move(f));
        } else {
            f();
        }
    });
    Log log;
    path.receive(kA, kApi, false, 0, 0, log.at(loop, "a"));
    loop.run();
    CHECK(log.entries.empty());
    REQUIRE(held.size() == 1);  // the read's completion
    paused = false;
    loop.schedule_after(us(1000), [&] {
        for (auto& f : held) f();
    });
    loop.run();
    REQUIRE(log.entries.size() == 1);
    CHECK(log.entries[0].second == us(1010) + us(100));
}

// Processor.processCompletedSends → tryUnmuteChannel: a request with a response
// keeps its connection muted until that response has been written — a request
// parked in a purgatory holds back the next one on its connection.
TEST_CASE("request path: an answered request keeps its connection muted until its response is written") {
    EventLoop loop;
    RequestPath path(loop, config(3, 8, 500), direct());
    Log log;
    path.receive(kA, kApi, true, 0, 0, log.at(loop, "a1"));
    path.receive(kA, kApi, true, 0, 0, log.at(loop, "a2"));
    loop.run();
    REQUIRE(log.entries.size() == 1);  // a2 waits for a1's answer
    CHECK(log.entries[0].first == "a1");
    loop.schedule_after(us(5000), [&] { path.respond(kA, kApi, 0, log.at(loop, "answer1")); });
    loop.run();
    REQUIRE(log.entries.size() == 3);
    // answered at 110 + 5000, written 10 µs later; a2 read and handled after.
    CHECK(log.entries[1] == std::pair<std::string, Duration>{"answer1", us(5120)});
    CHECK(log.entries[2] == std::pair<std::string, Duration>{"a2", us(5230)});
}

TEST_CASE("request path: a response finds the connection awaiting its kind of answer") {
    EventLoop loop;
    RequestPath path(loop, config(3, 8, 500), direct());
    Log log;
    const ChannelKey group{kA.peer, 1};
    path.receive(group, 27, true, 0, 0, log.at(loop, "commit"));
    path.receive(group, 27, true, 0, 0, log.at(loop, "commit2"));
    loop.run();
    // Named on the data connection, the answer to a group request still
    // unmutes the group connection.
    path.respond(kA, 27, 0, log.at(loop, "answer"));
    loop.run();
    REQUIRE(log.entries.size() == 3);
    CHECK(log.entries[2].first == "commit2");
}

TEST_CASE("request path: a closed connection's muted state goes with it") {
    EventLoop loop;
    RequestPath path(loop, config(3, 8, 500), direct());
    Log log;
    path.receive(kA, kApi, true, 0, 0, log.at(loop, "a1"));  // never answered
    loop.run();
    path.drop_peer(kA.peer);
    path.receive(kA, kApi, true, 0, 0, log.at(loop, "a2"));  // on the new connection
    loop.run();
    REQUIRE(log.entries.size() == 2);
    CHECK(log.entries[1].first == "a2");
}
