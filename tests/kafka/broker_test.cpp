// Broker + controller interplay on a hand-wired MiniCluster (fixed delays, no env).
#include <doctest/doctest.h>

#include <set>
#include <vector>

#include "support/mini_cluster.hpp"

using namespace ks;
using namespace ks::kafka;
using ks::test::MiniCluster;

TEST_CASE("broker: a cluster comes up with the preferred leaders and every replica in the ISR") {
    MiniCluster c({});
    CHECK(c.leader() == 1);
    for (int b = 1; b <= 3; ++b) {
        REQUIRE(c.replica(b));
        CHECK(c.replica(b)->role() == (b == 1 ? Role::leader : Role::follower));
        CHECK(c.replica(b)->isr().size() == 3);
    }
}

TEST_CASE("broker: acks=all is answered once every ISR member has the batch, and followers then learn the HW") {
    MiniCluster c({});
    c.produce(1, Acks::all, 10);
    c.run_for(us(500));          // in, disk, out again: an acks=1 answer would be here
    CHECK(c.responses.empty());  // still waiting for the followers' next fetch
    c.run_for(ms(100));
    REQUIRE(c.responses.size() == 1);
    CHECK(c.responses[0].partitions[0].error == Error::none);
    CHECK(c.responses[0].partitions[0].base_offset == 0);
    c.run_for(s(1));
    for (int b = 1; b <= 3; ++b) {
        CHECK(c.replica(b)->log_end_offset() == 10);
        CHECK(c.replica(b)->high_watermark() == 10);
    }
}

TEST_CASE("broker: acks=1 is answered after the leader's own append") {
    MiniCluster c({});
    c.produce(1, Acks::leader, 5);
    c.run_for(us(500));  // one network hop in, disk, one hop out
    REQUIRE(c.responses.size() == 1);
    CHECK(c.responses[0].partitions[0].error == Error::none);
}

TEST_CASE("broker: acks=0 is never answered") {
    MiniCluster c({});
    c.produce(1, Acks::none, 5);
    c.run_for(s(1));
    CHECK(c.responses.empty());
    CHECK(c.replica(1)->log_end_offset() == 5);
}

TEST_CASE("broker: a produce to a follower is refused with NOT_LEADER_OR_FOLLOWER") {
    MiniCluster c({});
    c.produce(2, Acks::leader, 5);
    c.run_for(s(1));
    REQUIRE(c.responses.size() == 1);
    CHECK(c.responses[0].partitions[0].error == Error::not_leader_or_follower);
}

TEST_CASE("broker: a crashed leader is replaced after the session timeout and the acknowledged data survives") {
    MiniCluster c({});
    c.produce(1, Acks::all, 10);
    c.run_for(s(1));
    REQUIRE(c.responses.size() == 1);
    c.crash(1);
    c.run_for(s(5));
    CHECK(c.leader() == 1);  // not yet fenced
    c.run_for(s(10));
    CHECK(c.leader() == 2);
    CHECK(c.replica(2)->role() == Role::leader);
    CHECK(c.replica(2)->log_end_offset() == 10);
    c.produce(2, Acks::all, 5);
    c.run_for(s(1));
    REQUIRE(c.responses.size() == 2);
    CHECK(c.responses[1].partitions[0].base_offset == 10);
    // The old leader comes back as a follower and catches up.
    c.restart(1);
    c.run_for(s(5));
    CHECK(c.replica(1)->role() == Role::follower);
    CHECK(c.replica(1)->log_end_offset() == 15);
}

// LeaderEpochFileCache.assign writes and fsyncs the leader-epoch-checkpoint
// inside UnifiedLog.append (storage LeaderEpochFileCache.java, trunk 1eb7644):
// the file is what a restarted broker reads (LogLoader).
TEST_CASE("broker: the leader-epoch-checkpoint is a file on disk, written when the epoch cache changes") {
    MiniCluster c({});
    const TopicPartition tp{0, 0};
    c.produce(1, Acks::all, 10);
    c.run_for(s(1));
    const LeaderEpoch e0 = c.replica(1)->leader_epoch();
    for (int b = 1; b <= 3; ++b) {
        CHECK(c.storage(b).leader_epochs[tp] == std::vector<EpochEntry>{{e0, 0}});
    }
    // Broker 2 becomes leader, writes nothing, and crashes: its file holds the
    // new epoch at its log end, which LogLoader's truncateFromEnd drops.
    c.crash(1);
    c.run_for(s(15));
    REQUIRE(c.leader() == 2);
    const LeaderEpoch e1 = c.replica(2)->leader_epoch();
    CHECK(c.storage(2).leader_epochs[tp] == std::vector<EpochEntry>{{e0, 0}, {e1, 10}});
    CHECK(c.replica(2)->log().epochs().entries() == std::vector<EpochEntry>{{e0, 0}, {e1, 10}});
    c.crash(2);
    c.restart(2);
    CHECK(c.broker(2)->partition(tp)->log().epochs().entries() == std::vector<EpochEntry>{{e0, 0}});
}

// ClusterControlManager.registerBroker: while the previous incarnation has a
// valid session (BrokerHeartbeatManager.hasValidSession: not fenced, heard
// from within broker.session.timeout.ms) a new one gets
// DUPLICATE_BROKER_REGISTRATION and retries with BrokerLifecycleManager's
// backoff (100 ms doubling, capped at the session timeout).
TEST_CASE("broker: a KRaft restart within the session timeout is refused until the old session expires") {
    MiniCluster c({});
    c.crash(3);
    c.run_for(s(1));
    c.restart(3);
    c.run_for(s(5));
    // Still refused: broker 3's old incarnation keeps its session and ISR seat.
    CHECK(c.controller().is_live(BrokerId(3)));
    CHECK(!c.broker(3)->registered());
    CHECK(c.controller().partition(TopicPartition{0, 0}).isr.size() == 3);
    // The session expires 9 s after broker 3's last heartbeat (up to 2 s
    // before the crash); an attempt after that (backoff 100, 200, 400, 800,
    // 1600, 3200 ms: ~6.3 s after the restart, or the next, 6.4 s later)
    // fences the old incarnation, which leaves the ISR, and registers.
    c.run_for(s(14));
    CHECK(c.broker(3)->registered());
    bool refused = false, fenced = false;
    for (const auto& e : c.events) {
        if (const auto* r = std::get_if<RegistrationRefused>(&e)) refused = refused || r->broker == BrokerId(3);
        if (const auto* f = std::get_if<BrokerFenced>(&e)) fenced = fenced || f->broker == BrokerId(3);
    }
    CHECK(refused);
    CHECK(fenced);
    CHECK(c.controller().partition(TopicPartition{0, 0}).isr.size() == 3);  // caught up and re-added
}

TEST_CASE("broker: acks=1 records acknowledged by a leader whose followers were down are lost to an unclean election") {
    MiniCluster::Options o;
    o.topic.unclean_leader_election = true;
    MiniCluster c(o);
    c.crash(2);
    c.crash(3);  // not fenced for 9 s: the leader keeps them in its ISR
    c.produce(1, Acks::leader, 7);
    c.run_for(ms(10));
    REQUIRE(c.responses.size() == 1);
    CHECK(c.responses[0].partitions[0].error == Error::none);
    c.crash(1);
    c.restart(2);  // back with an empty log; the controller drops the old incarnations from the ISR
    c.restart(3);
    c.run_for(s(15));  // broker 1 fenced: the last ISR member is gone -> unclean election
    REQUIRE(c.leader() == 2);
    CHECK(c.controller().counters().unclean_elections == 1);
    CHECK(c.replica(2)->log_end_offset() == 0);
    c.restart(1);
    c.run_for(s(5));
    CHECK(c.replica(1)->log_end_offset() == 0);  // the old leader truncates its acknowledged tail
}

TEST_CASE("broker: a silent broker leaves the ISR when fenced, before the leader's own lag check would act") {
    MiniCluster c({});
    c.crash(3);  // stops heartbeating and fetching at t=2 s
    for (int i = 0; i < 12; ++i) {
        c.produce(1, Acks::leader, 1);
        c.run_for(s(1));
    }
    CHECK(c.replica(1)->isr().size() == 2);  // fenced after broker.session.timeout.ms = 9 s
    bool leader_proposed = false;
    for (const auto& n : c.events) leader_proposed = leader_proposed || std::holds_alternative<IsrShrinkProposed>(n);
    CHECK_FALSE(leader_proposed);  // replica.lag.time.max.ms (30 s) had not run out
}

TEST_CASE("broker: min.insync.replicas=2 refuses acks=all writes once the ISR is a single broker") {
    MiniCluster::Options o;
    o.topic.min_insync_replicas = 2;
    MiniCluster c(o);
    c.crash(2);
    c.crash(3);
    c.run_for(s(20));  // both fenced: the controller shrinks the ISR to [1]
    REQUIRE(c.replica(1)->isr().size() == 1);
    c.produce(1, Acks::all, 3);
    c.run_for(s(1));
    REQUIRE(c.responses.size() == 1);
    CHECK(c.responses[0].partitions[0].error == Error::not_enough_replicas);
    c.produce(1, Acks::leader, 3);  // acks=1 still succeeds
    c.run_for(s(1));
    CHECK(c.responses[1].partitions[0].error == Error::none);
}

TEST_CASE("broker: controlled shutdown moves leadership before the broker stops") {
    MiniCluster c({});
    c.controlled_shutdown(1);
    c.run_for(s(1));
    CHECK(c.leader() == 2);
    CHECK(c.broker(1) == nullptr);  // stopped after the controller allowed it
    CHECK(c.storage(1).clean_shutdown);
}

TEST_CASE("broker: replicas never diverge below the high watermark in a crash and restart cycle") {
    MiniCluster c({});
    for (int round = 0; round < 6; ++round) {
        for (int i = 0; i < 5; ++i) {
            c.produce(c.leader() > 0 ? c.leader() : 1, Acks::all, 2);
            c.run_for(ms(200));
        }
        const int victim = (round % 3) + 1;
        c.crash(victim);
        c.run_for(s(12));
        c.restart(victim);
        c.run_for(s(12));
    }
    c.run_for(s(30));
    const Partition* l = c.replica(c.leader());
    REQUIRE(l);
    for (int b = 1; b <= 3; ++b) {
        const Partition* r = c.replica(b);
        REQUIRE(r);
        CHECK(r->log_end_offset() == l->log_end_offset());
        const auto& a = r->log().batches();
        const auto& bb = l->log().batches();
        REQUIRE(a.size() == bb.size());
        for (std::size_t i = 0; i < a.size(); ++i) {
            CHECK(a[i].base_offset == bb[i].base_offset);
            CHECK(a[i].epoch == bb[i].epoch);
        }
        r->check_invariants();
    }
}

// AbstractFetcherThread: a partition whose OffsetsForLeaderEpoch request fails
// (here the new leader has not heard of its election yet) is delayed and then
// asks again: it stays in the Truncating state until the truncation succeeds.
// A follower that skipped it would fetch from its own, longer log end into the
// new leader's epoch and never match a batch boundary again.
TEST_CASE("broker: a follower whose epoch query fails retries it after the backoff instead of fetching untruncated") {
    MiniCluster c({});
    const std::int64_t b1 = broker_node(BrokerId(1)).value(), b2 = broker_node(BrokerId(2)).value();
    c.link_delay[{b1, b2}] = s(2);  // broker 2 lags: its fetch answers are 2 s on the way
    c.produce(1, Acks::leader, 10);
    c.run_for(ms(50));
    REQUIRE(c.replica(3)->log_end_offset() == 10);
    REQUIRE(c.replica(2)->log_end_offset() == 0);
    // Broker 2 hears of its election 200 ms after broker 3 does, so broker 3's
    // first epoch query reaches a broker that is not the leader yet.
    c.link_delay[{controller_node().value(), b2}] = ms(200);
    c.crash(1);
    // Fenced after the session timeout; broker 2, first in the ISR, elected.
    for (int i = 0; i < 1500 && !(c.replica(2) && c.replica(2)->role() == Role::leader); ++i) c.run_for(ms(10));
    REQUIRE(c.leader() == 2);
    REQUIRE(c.replica(2)->role() == Role::leader);
    CHECK(c.replica(2)->log_end_offset() == 0);
    c.produce(2, Acks::leader, 20);  // epoch 1 writes [0, 20) before broker 3's fetch backoff ends
    c.run_for(s(5));
    CHECK(c.replica(3)->log_end_offset() == 20);
    CHECK(c.replica(3)->high_watermark() == 20);
    CHECK(c.replica(3)->log().batches().front().epoch == c.replica(2)->log().batches().front().epoch);
}

// DelayedFetch.tryComplete (case G): a follower fetch parked at the leader
// completes when the bytes available reach replica.fetch.min.bytes, or when
// replica.fetch.wait.max.ms runs out — not at the first append. (The wait is
// 5 s here so that no expiry falls inside the checks.)
TEST_CASE("broker: a parked follower fetch waits for replica.fetch.min.bytes (DelayedFetch.tryComplete)") {
    for (const Bytes min_bytes : {Bytes{1}, Bytes{5000}}) {
        CAPTURE(min_bytes);
        MiniCluster::Options o;
        o.broker_config = [min_bytes](BrokerConfig& b) {
            b.replica_fetch_min_bytes = min_bytes;
            b.replica_fetch_wait_max = s(5);
        };
        MiniCluster c(o);
        c.run_for(s(2));                 // followers parked at the leader since ~1 s, caught up
        c.produce(1, Acks::leader, 10);  // 1000 bytes
        c.run_for(ms(50));
        const Offset follower_leo = c.replica(2)->log_end_offset();
        if (min_bytes == 1) {
            CHECK(follower_leo == 10);  // answered at once
            continue;
        }
        CHECK(follower_leo == 0);        // 1000 < 5000 bytes: still parked
        c.produce(1, Acks::leader, 40);  // 4000 more: 5000 in all
        c.run_for(ms(10));
        CHECK(c.replica(2)->log_end_offset() == 50);
        c.produce(1, Acks::leader, 10);
        c.run_for(s(4));
        CHECK(c.replica(2)->log_end_offset() == 50);  // parked again
        c.run_for(s(2));
        CHECK(c.replica(2)->log_end_offset() == 60);  // replica.fetch.wait.max.ms ran out
    }
}

// AbstractFetcherManager.getFetcherId: Utils.abs(31 * "orders".hashCode() +
// partition) % num.replica.fetchers puts partitions 0 and 2 on fetcher 1 and
// 1 and 3 on fetcher 0; each fetcher sends its own requests.
TEST_CASE("broker: num.replica.fetchers splits a leader's partitions over fetchers by getFetcherId") {
    MiniCluster::Options o;
    o.assignments = {{1, 2, 3}, {1, 2, 3}, {1, 2, 3}, {1, 2, 3}};
    o.broker_config = [](BrokerConfig& b) { b.num_replica_fetchers = 2; };
    MiniCluster c(o);
    std::set<std::vector<std::int32_t>> partition_sets;
    c.on_send = [&](Instant, NodeId from, NodeId to, const Message& m) {
        const auto* f = std::get_if<FetchRequest>(&m);
        if (!f || from != broker_node(BrokerId(2)) || to != broker_node(BrokerId(1))) return;
        std::vector<std::int32_t> ps;
        for (const FetchPartition& fp : f->partitions) ps.push_back(fp.tp.partition);
        partition_sets.insert(ps);
    };
    for (int p = 0; p < 4; ++p) c.produce(1, Acks::leader, 10, p);
    c.run_for(s(2));
    CHECK(partition_sets == std::set<std::vector<std::int32_t>>{{0, 2}, {1, 3}});
    for (int p = 0; p < 4; ++p) CHECK(c.replica(2, p)->log_end_offset() == 10);
}

// KIP-74 (ReplicaManager.readFromLog): replica.fetch.response.max.bytes caps a
// whole response; the first partition with data may exceed it by one batch,
// the partitions after it get nothing that does not fit.
TEST_CASE("broker: replica.fetch.response.max.bytes caps a follower's fetch response (KIP-74)") {
    MiniCluster::Options o;
    o.assignments = {{1, 2, 3}, {1, 2, 3}};
    o.broker_config = [](BrokerConfig& b) { b.replica_fetch_response_max_bytes = 1500; };
    MiniCluster c(o);
    c.run_for(s(1));
    std::vector<std::vector<std::pair<std::int32_t, std::size_t>>> responses;  // (partition, batches)
    c.on_send = [&](Instant, NodeId from, NodeId to, const Message& m) {
        const auto* r = std::get_if<FetchResponse>(&m);
        if (!r || from != broker_node(BrokerId(1)) || to != broker_node(BrokerId(2))) return;
        std::vector<std::pair<std::int32_t, std::size_t>> v;
        for (const FetchPartitionData& d : r->partitions) v.emplace_back(d.tp.partition, d.batches.size());
        responses.push_back(v);
    };
    // Broker 2 is away while three 1000-byte batches per partition pile up.
    c.crash(2);
    for (int i = 0; i < 3; ++i) {
        c.produce(1, Acks::leader, 10, 0);
        c.produce(1, Acks::leader, 10, 1);
    }
    c.run_for(ms(10));
    c.restart(2);
    c.run_for(s(15));  // registers once its old session has expired, then catches up
    // Every response carries at most one 1000-byte batch in all: the second
    // would pass 1500 bytes.
    bool some_data = false;
    for (const auto& r : responses) {
        std::size_t batches = 0;
        for (const auto& [p, n] : r) batches += n;
        CHECK(batches <= 1);
        some_data = some_data || batches == 1;
    }
    CHECK(some_data);
    CHECK(c.replica(2, 0)->log_end_offset() == 30);
    CHECK(c.replica(2, 1)->log_end_offset() == 30);
}
