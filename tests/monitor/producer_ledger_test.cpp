// End to end on the hand-wired MiniCluster: a real Producer against real
// brokers, judged by the Ledger after the faults heal and the cluster settles.
#include <doctest/doctest.h>

#include "monitor/ledger.hpp"
#include "support/mini_cluster.hpp"

using namespace ks;
using namespace ks::kafka;
using ks::monitor::Ledger;
using ks::monitor::RecordsVerdict;
using ks::test::MiniCluster;

namespace {

ProducerOptions producer_options(Acks acks, bool idempotence) {
    ProducerOptions o;
    o.partitions = 1;
    o.acks = acks;
    o.idempotence = idempotence;
    o.linger = ms(5);
    return o;
}

// 2,000 records/s over 50 keys, unless a test says otherwise.
WorkloadOptions workload(double rate_per_s = 2000) {
    WorkloadOptions w;
    w.rate_per_s = rate_per_s;
    w.keys = KeySpec{KeySpec::Kind::uniform, 50, 1.0};
    return w;
}

RecordsVerdict judge(MiniCluster& c, Ledger& ledger) {
    for (const auto& e : c.sent_effects) ledger.on_sent(e);
    for (const auto& e : c.outcome_effects) ledger.on_outcome(e);
    const Partition* leader = c.replica(c.leader());
    REQUIRE(leader);
    return ledger.judge({{TopicPartition{0, 0}, &leader->log()}}, {{TopicPartition{0, 0}, leader->high_watermark()}});
}

}  // namespace

TEST_CASE("producer e2e: acks=all with min.insync.replicas=2 loses no acknowledged record when the leader crashes") {
    MiniCluster::Options o;
    o.topic.min_insync_replicas = 2;
    MiniCluster c(o);
    Producer& p = c.add_producer(producer_options(Acks::all, true), workload());
    c.run_for(s(3));
    const int old_leader = c.leader();
    c.crash(old_leader);
    c.run_for(s(20));
    CHECK(c.leader() != old_leader);
    c.restart(old_leader);
    c.run_for(s(5));
    c.set_producer_rate(0);
    c.run_for(s(60));  // settle: the producer drains, replicas catch up
    CHECK(p.idle());
    Ledger ledger;
    const auto v = judge(c, ledger);
    CHECK(v.sent > 50000);
    CHECK(v.acked > 0);
    CHECK(v.pending == 0);
    CHECK(v.acked_lost == 0);
    CHECK(v.duplicated == 0);
    CHECK(v.reordered == 0);
    CHECK(v.sent == v.acked + v.failed);
    CHECK(ledger.latency_verdict().max_ms > 1000.0);  // records waited out the failover
    CHECK(ledger.latency_verdict().p50_ms < 50.0);
}

TEST_CASE("producer e2e: retries after a request timeout duplicate records without idempotence, never with it") {
    for (bool idempotence : {false, true}) {
        CAPTURE(idempotence);
        MiniCluster c({});
        auto o = producer_options(Acks::all, idempotence);
        o.request_timeout = ms(1000);
        Producer& p = c.add_producer(o, workload(500));
        c.run_for(s(2));
        // A follower dies: acks=all waits until the ISR shrinks (session timeout),
        // longer than request.timeout.ms, so the producer retries batches the
        // leader already has.
        c.crash(3);
        c.run_for(s(20));
        c.set_producer_rate(0);
        c.run_for(s(60));
        CHECK(p.idle());
        CHECK(p.stats().retries > 0);
        Ledger ledger;
        const auto v = judge(c, ledger);
        CHECK(v.pending == 0);
        CHECK(v.acked_lost == 0);
        if (idempotence) {
            CHECK(v.duplicated == 0);
        } else {
            CHECK(v.duplicated > 0);
        }
    }
}

// Sender.handleProduceResponse completes acks=0 batches with Errors.NONE once
// written: acked, and (no fault here) all of them in the log.
TEST_CASE("producer e2e: acks=0 records are acked once written, and land in the log") {
    MiniCluster c({});
    Producer& p = c.add_producer(producer_options(Acks::none, false), workload());
    c.run_for(s(2));
    c.set_producer_rate(0);
    c.run_for(s(5));
    CHECK(p.idle());
    Ledger ledger;
    const auto v = judge(c, ledger);
    CHECK(v.sent > 0);
    CHECK(v.acked == v.sent);
    CHECK(v.acked_lost == 0);
    CHECK(v.unacked_present == 0);
}
