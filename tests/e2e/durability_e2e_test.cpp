// End-to-end durability: when Kafka fsyncs a log, what a power loss then
// keeps, and how long a broker takes to recover its logs after an unclean
// shutdown. Sources: UnifiedLog.append (flush when unflushedMessages >=
// flush.messages, inside the append), LogManager.flushDirtyLogs (flush.ms,
// run every log.flush.scheduler.interval.ms, by default never),
// LogManager.loadLogs / LogLoader (recovery above the recovery point unless the
// clean-shutdown marker is there, num.recovery.threads.per.data.dir threads),
// ReplicaManager.shutdown (the HW checkpoint is written on a clean stop).
#include <doctest/doctest.h>

#include <string>

#include "kafkasim/simulation.hpp"
#include "report/narrate.hpp"
#include "support/run_text.hpp"

using namespace ks;
using test::run_text;

namespace {

// One broker, one partition without replicas, acks=1 at 1,000 records/s; the
// broker's host loses power at 10 s: only what is on stable storage survives.
std::string power_loss(const std::string& topic_config, const std::string& cluster_config = "{}") {
    return R"({"name": "flush", "duration_s": 20,
      "cluster": {"brokers": 1, "config": )" +
           cluster_config + R"(},
      "topics": [{"name": "t", "partitions": 1, "replication_factor": 1, "config": )" +
           topic_config + R"(}],
      "producers": [{"name": "p", "topic": "t", "rate_per_s": 1000, "config": {"acks": "1"}}],
      "faults": [{"at_s": 10, "action": "power_loss", "broker": 1, "for_s": 5}]})";
}

// When broker 1 registered again after `after` seconds (since warm-up).
double registered_after(const RunResult& r, double after) {
    for (const auto& e : report::narrate(r)) {
        if (e.at.seconds_f() >= after && e.text == "broker 1 registered and unfenced") return e.at.seconds_f();
    }
    return -1;
}

}  // namespace

TEST_CASE(
    "durability: with Kafka's defaults nothing is fsynced, and a power loss takes every acknowledged record "
    "still in the page cache") {
    const auto r = run_text(power_loss("{}"), 3);
    CHECK(r.summary.records.acked > 9000);
    // dirty_expire_ms 30000: after 10 s nothing has been written back yet.
    CHECK(r.summary.records.acked_lost > 9000);
}

TEST_CASE(
    "durability: flush.messages=1 fsyncs inside every append, so nothing acknowledged is lost, at the cost of "
    "the fsync in every produce's latency (UnifiedLog.append)") {
    const auto none = run_text(power_loss("{}"), 3);
    const auto every = run_text(power_loss(R"({"flush.messages": 1})"), 3);
    CHECK(every.summary.records.acked > 9000);
    CHECK(every.summary.records.acked_lost == 0);
    CHECK(every.summary.produce_latency_ms.p50 > none.summary.produce_latency_ms.p50 + 1.0);
    // flush.messages=100: at most the last 100 messages were not yet fsynced.
    const auto hundred = run_text(power_loss(R"({"flush.messages": 100})"), 3);
    CHECK(hundred.summary.records.acked_lost > 0);
    CHECK(hundred.summary.records.acked_lost <= 100);
}

TEST_CASE(
    "durability: flush.ms does nothing until log.flush.scheduler.interval.ms lets the flusher run "
    "(LogManager.flushDirtyLogs; Kafka's default interval is never)") {
    const auto alone = run_text(power_loss(R"({"flush.ms": 1000})"), 3);
    CHECK(alone.summary.records.acked_lost > 9000);
    const auto flusher =
        run_text(power_loss(R"({"flush.ms": 1000})", R"({"log.flush.scheduler.interval.ms": 1000})"), 3);
    CHECK(flusher.summary.records.acked_lost > 0);
    CHECK(flusher.summary.records.acked_lost <= 2500);  // about 1-2 s of records at 1,000/s
}

TEST_CASE(
    "durability: after kill -9 a broker recovers its logs before it registers, longer with more data and "
    "shorter with more recovery threads; after a clean stop it recovers nothing (LogManager.loadLogs)") {
    // 10,000 records/s of 1,000 bytes for 10 s on two partitions: ~100 MB
    // above the recovery point (nothing was flushed), at 200 MB/s per thread.
    const std::string base = R"({"name": "recovery", "duration_s": 30,
      "cluster": {"brokers": 1, "config": {"num.recovery.threads.per.data.dir": THREADS}},
      "topics": [{"name": "t", "partitions": 2, "replication_factor": 1}],
      "producers": [{"name": "p", "topic": "t", "rate_per_s": 10000, "value_bytes": 1000, "config": {"acks": "1"}}],
      "faults": [FAULTS]})";
    auto scenario = [&](const std::string& threads, const std::string& faults) {
        std::string s = base;
        s.replace(s.find("THREADS"), 7, threads);
        s.replace(s.find("FAULTS"), 6, faults);
        return s;
    };
    // Restarted after the old session expired (broker.session.timeout.ms 9 s),
    // so that registration waits for the recovery alone.
    const std::string kill =
        R"({"at_s": 10, "action": "crash", "broker": 1}, {"at_s": 21, "action": "restart", "broker": 1})";
    const double one = registered_after(run_text(scenario("1", kill), 3), 21) - 21;
    const double two = registered_after(run_text(scenario("2", kill), 3), 21) - 21;
    CHECK(one > 0.4);  // ~100 MB at 200 MB/s
    CHECK(one < 0.7);
    CHECK(two < one * 0.6);  // two logs recovered side by side
    // A controlled rolling restart stops cleanly: back 5 s later, registered at once.
    const auto clean = run_text(scenario("1", R"({"at_s": 10, "action": "rolling_restart"})"), 3);
    double back = -1;
    for (const auto& e : report::narrate(clean)) {
        if (e.text == "broker 1 back") back = e.at.seconds_f();
    }
    REQUIRE(back > 0);
    CHECK(registered_after(clean, back) - back < 0.05);
}

TEST_CASE(
    "durability: controlled.shutdown.enable=false stops a broker cleanly without moving its leaderships first; "
    "the controller fences it when its session expires (KafkaServer.shutdown)") {
    auto run = [](const char* enable) {
        return run_text(std::string(R"({"name": "cs", "duration_s": 30,
          "cluster": {"brokers": 3, "config": {"controlled.shutdown.enable": )") +
                            enable + R"(}},
          "topics": [{"name": "t", "partitions": 3, "replication_factor": 3}],
          "producers": [{"name": "p", "topic": "t", "rate_per_s": 500}],
          "faults": [{"at_s": 5, "action": "rolling_restart", "order": [1]}]})",
                        3);
    };
    auto has = [](const RunResult& r, const std::string& text) {
        for (const auto& e : report::narrate(r)) {
            if (e.text.find(text) != std::string::npos) return true;
        }
        return false;
    };
    const auto on = run("true");
    CHECK(has(on, "broker 1 finished its controlled shutdown"));
    CHECK_FALSE(has(on, "controller fenced broker 1 (session expired)"));
    const auto off = run("false");
    CHECK_FALSE(has(off, "broker 1 finished its controlled shutdown"));
    CHECK(has(off, "controller fenced broker 1"));
    // Leaders on broker 1 wait for its fencing: acks=all latency shows the gap.
    CHECK(off.summary.produce_latency_ms.max > on.summary.produce_latency_ms.max + 1000);
}
