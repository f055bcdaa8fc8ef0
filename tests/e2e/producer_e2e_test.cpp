// End-to-end producer outcomes over many seeds: what acks, min.insync.replicas
// and idempotence buy, as Kafka's documentation states it.
#include <doctest/doctest.h>

#include <string>

#include "kafkasim/scenario.hpp"
#include "kafkasim/simulation.hpp"

using namespace ks;

namespace {

RunSummary run(const std::string& text, std::uint64_t seed, const std::vector<std::string>& sets = {}) {
    const auto loaded = scenario::load_string(text, "test.json", {.overrides = sets});
    RunOptions o;
    o.seed = seed;
    return run_simulation(loaded.scenario, o).summary;
}

void check_accounting(const RunSummary& s) {
    CHECK(s.records_measured);
    CHECK(s.records.pending == 0);
    CHECK(s.records.sent == s.records.acked + s.records.failed);
    CHECK(s.settled);
}

// Broker 1 leads one partition; its followers' disks are slow, so they lag
// behind the leader when it dies.
const std::string kLeaderCrash = R"({"name": "leader-crash", "duration_s": 20, "settle_max_s": 120,
 "cluster": {"brokers": 3},
 "topics": [{"name": "orders", "partitions": 3, "replication_factor": 3, "config": {"min.insync.replicas": 2}}],
 "producers": [{"name": "p", "topic": "orders", "rate_per_s": 4000, "value_bytes": 512,
                "keys": {"kind": "uniform", "count": 1000},
                "config": {"acks": "1", "linger.ms": 0, "enable.idempotence": false}}],
 "faults": [{"at_s": 2, "action": "disk_slow", "broker": 2, "factor": 40, "for_s": 10},
            {"at_s": 2, "action": "disk_slow", "broker": 3, "factor": 40, "for_s": 10},
            {"at_s": 6, "action": "crash", "broker": 1, "for_s": 10}]})";

}  // namespace

TEST_CASE("e2e producer: acks=1 loses acknowledged records when the leader dies ahead of its followers") {
    std::int64_t lost = 0;
    for (std::uint64_t seed = 1; seed <= 4; ++seed) {
        const auto s = run(kLeaderCrash, seed);
        check_accounting(s);
        lost += s.records.acked_lost;
    }
    CHECK(lost > 0);
}

TEST_CASE("e2e producer: acks=all with min.insync.replicas=2 loses no acknowledged record in the same crash") {
    for (std::uint64_t seed = 1; seed <= 4; ++seed) {
        const auto s =
            run(kLeaderCrash, seed, {"producers.p.config.acks=all", "producers.p.config.enable.idempotence=true"});
        check_accounting(s);
        CHECK(s.records.acked_lost == 0);
        CHECK(s.records.duplicated == 0);
        CHECK(s.records.acked > 0);
    }
}

// A follower stalls (GC pause) shorter than the session timeout: the ISR keeps
// it, the HW waits, acks=all requests time out after 1 s and are retried.
const std::string kStall = R"({"name": "stall", "duration_s": 20, "settle_max_s": 120,
 "cluster": {"brokers": 3},
 "topics": [{"name": "orders", "partitions": 3, "replication_factor": 3, "config": {"min.insync.replicas": 2}}],
 "producers": [{"name": "p", "topic": "orders", "rate_per_s": 1000, "value_bytes": 256,
                "keys": {"kind": "uniform", "count": 100},
                "config": {"acks": "all", "request.timeout.ms": 1000, "enable.idempotence": false,
                           "max.in.flight.requests.per.connection": 5}}],
 "faults": [{"at_s": 5, "action": "pause", "broker": 2, "for_s": 6}]})";

TEST_CASE("e2e producer: retries after a timeout duplicate records without idempotence, never with it") {
    std::int64_t dup_plain = 0;
    for (std::uint64_t seed = 1; seed <= 3; ++seed) {
        const auto plain = run(kStall, seed);
        check_accounting(plain);
        dup_plain += plain.records.duplicated;
        const auto idem = run(kStall, seed, {"producers.p.config.enable.idempotence=true"});
        check_accounting(idem);
        CHECK(idem.records.duplicated == 0);
        CHECK(idem.records.acked_lost == 0);
    }
    CHECK(dup_plain > 0);
}

// acks=0: every record is "acked" when written (Sender.handleProduceResponse,
// no response expected), so the dead leader's unreplicated tail is an acked
// loss; nothing fails, nothing is pending.
TEST_CASE("e2e producer: acks=0 counts every written record as acked, and loses some of them in a leader crash") {
    std::int64_t lost0 = 0;
    for (std::uint64_t seed = 1; seed <= 4; ++seed) {
        const auto s = run(kLeaderCrash, seed, {"producers.p.config.acks=0"});
        check_accounting(s);
        CHECK(s.records.acked == s.records.sent);
        CHECK(s.records.failed == 0);
        lost0 += s.records.acked_lost;
    }
    CHECK(lost0 > 0);
}

// acks=0 toward a leader that loses power: no FIN, no answer. The producer
// writes until its socket buffer (send.buffer.bytes, 128 KiB) is full of
// unacknowledged data — that much is lost with the host — and then waits:
// its records stay in the accumulator until the connection is reset (the
// rebooted host answers the next TCP retransmission with RST) and the new
// leader is known. Nothing fails (delivery.timeout.ms is 120 s) and the loss
// is bounded by the buffer, not by the length of the outage.
TEST_CASE("e2e producer: acks=0 to a leader without power loses about a socket buffer, then waits") {
    const std::string text = R"({"name": "power", "duration_s": 50, "settle_max_s": 120,
     "cluster": {"brokers": 3},
     "topics": [{"name": "orders", "partitions": 3, "replication_factor": 3, "config": {"min.insync.replicas": 2}}],
     "producers": [{"name": "p", "topic": "orders", "rate_per_s": 1500, "value_bytes": 512,
                    "keys": {"kind": "uniform", "count": 1000},
                    "config": {"acks": "0", "linger.ms": 0, "enable.idempotence": false}}],
     "faults": [{"at_s": 10, "action": "power_loss", "broker": 1, "for_s": 20}]})";
    for (std::uint64_t seed = 1; seed <= 3; ++seed) {
        const auto s = run(text, seed);
        check_accounting(s);
        CHECK(s.records.failed == 0);
        CHECK(s.records.acked_lost > 0);
        // 128 KiB of ~590-byte records (record and batch framing) is ~220; plus
        // what the broker had not flushed nor replicated.
        CHECK(s.records.acked_lost < 1000);
        CHECK(s.produce_latency_ms.max > 15000.0);  // waited for the reset and the new leader
    }
}

// KafkaApis.handleProduceRequest: an acks=0 request that fails (here
// NOT_LEADER_OR_FOLLOWER after a preferred election moved the leadership back)
// gets no answer, so the broker closes the connection; the producer's
// NetworkClient then refreshes its metadata (DefaultMetadataUpdater.
// handleServerDisconnect) and follows the new leader. Without the close it
// would keep writing into the old leader until metadata.max.age.ms (300 s),
// losing ~30 s of one partition's records here.
TEST_CASE("e2e: acks=0 — a produce error closes the connection and the producer follows the new leader at once") {
    const std::string text = R"({"name": "acks0", "duration_s": 60, "settle_max_s": 60,
     "cluster": {"brokers": 3, "config": {"leader.imbalance.check.interval.seconds": 10}},
     "topics": [{"name": "orders", "partitions": 3, "replication_factor": 3}],
     "producers": [{"name": "p", "topic": "orders", "rate_per_s": 1000,
                    "config": {"acks": "0", "enable.idempotence": false}}],
     "faults": [{"at_s": 5, "action": "crash", "broker": 1}, {"at_s": 20, "action": "restart", "broker": 1}]})";
    for (std::uint64_t seed = 1; seed <= 3; ++seed) {
        INFO("seed " << seed);
        const RunSummary s = run(text, seed);
        REQUIRE(s.preferred_elections >= 1);
        check_accounting(s);
        CHECK(s.records.acked_lost < 100);  // what was in flight, not 30 s of a partition
    }
}
