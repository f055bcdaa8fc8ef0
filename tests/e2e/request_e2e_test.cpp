// Request handling takes time: a broker's network threads (num.network.threads),
// request handler threads (num.io.threads) and request queue
// (queued.max.requests), as Kafka's SocketServer and KafkaRequestHandlerPool
// run them (cluster/request_path.hpp).
#include <doctest/doctest.h>

#include <string>

#include "support/run_text.hpp"

using ks::RunResult;
using ks::test::run_text;

namespace {

// 3,000 acks=all records/s over 6 partitions; `cluster` adds to the cluster
// section, `config` is the brokers' Kafka config.
RunResult run_load(const std::string& cluster, const std::string& config) {
    return run_text(R"({"name": "load", "duration_s": 20,
      "cluster": {"brokers": 3)" +
                    cluster + R"(, "config": {)" + config + R"(}},
      "topics": [{"name": "orders", "partitions": 6, "replication_factor": 3,
                  "config": {"min.insync.replicas": 2}}],
      "producers": [{"name": "p", "topic": "orders", "rate_per_s": 3000, "value_bytes": 256,
                     "keys": {"kind": "uniform", "count": 1000}, "config": {"acks": "all"}}]})");
}

}  // namespace

TEST_CASE("requests: produce latency rises with the handlers' work and falls with more num.io.threads") {
    // 2 ms of handler work a request (a slow broker): with one handler thread
    // every request queues behind the others (produce, and the followers'
    // fetches that acks=all waits for); with Kafka's default 8 they overlap.
    const auto cheap = run_load("", "");
    const auto costly = run_load(R"(, "request_cost": {"io_us": 2000})", "");
    const auto one_thread = run_load(R"(, "request_cost": {"io_us": 2000})", R"("num.io.threads": 1)");
    for (const auto* r : {&cheap, &costly, &one_thread}) {
        CHECK(r->summary.records.failed == 0);
        CHECK(r->summary.records.acked_lost == 0);
    }
    INFO("p50: cheap " << cheap.summary.produce_latency_ms.p50 << " ms, costly "
                       << costly.summary.produce_latency_ms.p50 << " ms, one thread "
                       << one_thread.summary.produce_latency_ms.p50 << " ms");
    // The produce and the fetch that replicates it each pay 2 ms at least.
    CHECK(costly.summary.produce_latency_ms.p50 >= cheap.summary.produce_latency_ms.p50 + 4);
    CHECK(one_thread.summary.produce_latency_ms.p50 >= costly.summary.produce_latency_ms.p50 + 10);
}

TEST_CASE("requests: one network thread doing slow socket work delays every connection of the broker") {
    const auto cheap = run_load("", "");
    const auto slow = run_load(R"(, "request_cost": {"network_us": 1000})", R"("num.network.threads": 1)");
    const auto spread = run_load(R"(, "request_cost": {"network_us": 1000})", R"("num.network.threads": 8)");
    INFO("p50: cheap " << cheap.summary.produce_latency_ms.p50 << " ms, one network thread "
                       << slow.summary.produce_latency_ms.p50 << " ms, eight " << spread.summary.produce_latency_ms.p50
                       << " ms");
    CHECK(slow.summary.produce_latency_ms.p50 > spread.summary.produce_latency_ms.p50);
    CHECK(spread.summary.produce_latency_ms.p50 > cheap.summary.produce_latency_ms.p50);
}
