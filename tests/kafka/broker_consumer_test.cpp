// Broker: what it answers consumers after an unclean election — KIP-320's
// OffsetsForLeaderEpoch for a consumer (KafkaApis.handleOffsetForLeaderEpochRequest →
// Partition.lastOffsetForLeaderEpoch → LeaderEpochFileCache.endOffsetFor), fetch
// fencing by the current leader epoch (Partition.getLocalLog), and KIP-951's
// CurrentLeader in fetch errors (KafkaApis.handleFetchRequest, 3.7).
#include <doctest/doctest.h>

#include "support/mini_cluster.hpp"

using namespace ks;
using namespace ks::kafka;
using ks::test::MiniCluster;

namespace {

const TopicPartition kTp{0, 0};
const NodeId kConsumer{kFirstConsumerNode};

// Broker 1 leads alone and writes 7 records, then dies; broker 2, back with
// an empty log, is elected uncleanly. Returns the epoch broker 1 wrote in.
LeaderEpoch unclean_election(MiniCluster& c) {
    c.crash(2);
    c.crash(3);
    c.produce(1, Acks::leader, 7);
    c.run_for(ms(10));
    const LeaderEpoch written = c.replica(1)->leader_epoch();
    c.crash(1);
    c.restart(2);
    c.restart(3);
    c.run_for(s(15));
    REQUIRE(c.leader() == 2);
    return written;
}

MiniCluster::Options options(KafkaVersion broker) {
    MiniCluster::Options o;
    o.topic.unclean_leader_election = true;
    o.broker_config = [broker](BrokerConfig& cfg) { cfg.kafka_version = broker; };
    return o;
}

template <typename M>
M answer(Outbox& out) {
    const auto v = out.sent<M>();
    REQUIRE(v.size() == 1);
    CHECK(v[0].first == kConsumer);
    return v[0].second;
}

}  // namespace

TEST_CASE("broker (KIP-320): a consumer's OffsetsForLeaderEpoch after an unclean election names the divergence point") {
    MiniCluster c(options(KafkaVersion{4, 0, 0}));
    const LeaderEpoch written = unclean_election(c);
    const LeaderEpoch current = c.replica(2)->leader_epoch();
    REQUIRE(current > written);
    Outbox out;
    OffsetsForLeaderEpochRequest q{BrokerId(-1), {EpochQuery{kTp, written, current}}, 9};
    c.broker(2)->on_message(c.loop().now(), kConsumer, Message(q), out);
    const auto r = answer<OffsetsForLeaderEpochResponse>(out);
    CHECK(r.correlation == 9);
    REQUIRE(r.partitions.size() == 1);
    CHECK(r.partitions[0].error == Error::none);
    CHECK(r.partitions[0].leader_epoch == written);
    CHECK(r.partitions[0].end_offset == 0);  // broker 2 never had broker 1's 7 records
    // Fenced by the leader epoch the consumer knows (an older one).
    out.clear();
    q.partitions[0].current_leader_epoch = written;
    c.broker(2)->on_message(c.loop().now(), kConsumer, Message(q), out);
    CHECK(answer<OffsetsForLeaderEpochResponse>(out).partitions.at(0).error == Error::fenced_leader_epoch);
}

TEST_CASE("broker (KIP-320): a 2.2 broker has no OffsetsForLeaderEpoch v3 for consumers") {
    MiniCluster c(options(KafkaVersion{2, 2, 0}));
    Outbox out;
    OffsetsForLeaderEpochRequest q{BrokerId(-1), {EpochQuery{kTp, 0, c.replica(1)->leader_epoch()}}, 1};
    c.broker(1)->on_message(c.loop().now(), kConsumer, Message(q), out);
    CHECK(answer<OffsetsForLeaderEpochResponse>(out).partitions.at(0).error == Error::unsupported_version);
}

TEST_CASE(
    "broker (KIP-951): a 3.7 broker's NOT_LEADER_OR_FOLLOWER / FENCED_LEADER_EPOCH fetch answer names the "
    "leader") {
    for (const KafkaVersion v : {KafkaVersion{3, 6, 0}, KafkaVersion{3, 7, 0}}) {
        CAPTURE(v.minor);
        MiniCluster c(options(v));
        const LeaderEpoch written = unclean_election(c);
        c.restart(1);
        c.run_for(s(5));
        const bool hints = v >= KafkaVersion{3, 7, 0};
        const LeaderEpoch current = c.replica(2)->leader_epoch();
        FetchRequest f;
        f.replica = BrokerId(-1);
        f.max_wait = Duration::zero();
        f.leader_hints = true;  // FetchRequest v16 (a 3.7+ consumer)
        f.correlation = 4;
        f.partitions.push_back(FetchPartition{.tp = kTp, .fetch_offset = 7, .current_leader_epoch = written});
        // To the old leader, now a follower: NOT_LEADER_OR_FOLLOWER.
        Outbox out;
        c.broker(1)->on_message(c.loop().now(), kConsumer, Message(f), out);
        auto d = answer<FetchResponse>(out).partitions.at(0);
        CHECK(d.error == Error::not_leader_or_follower);
        CHECK(d.current_leader.value() == (hints ? 2 : -1));
        CHECK(d.current_leader_epoch == (hints ? current : kNoEpoch));
        // To the new leader with the old epoch: FENCED_LEADER_EPOCH.
        out.clear();
        c.broker(2)->on_message(c.loop().now(), kConsumer, Message(f), out);
        d = answer<FetchResponse>(out).partitions.at(0);
        CHECK(d.error == Error::fenced_leader_epoch);
        CHECK(d.current_leader.value() == (hints ? 2 : -1));
    }
}
