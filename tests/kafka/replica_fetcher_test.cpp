// The replica fetcher alone (AbstractFetcherThread / ReplicaFetcherThread):
// its requests, its states, backoff, and the writes it hands its broker.
#include <doctest/doctest.h>

#include <memory>

#include "kafka/replica_fetcher.hpp"

using namespace ks;
using namespace ks::kafka;

namespace {
const TopicPartition kTp{0, 0};
constexpr std::uint64_t kTimeout = std::uint64_t{7} << 56;
constexpr std::uint64_t kBackoff = std::uint64_t{6} << 56;

// Broker 2, following broker 1 for kTp in leader epoch 3.
struct Harness final : ReplicaFetcher::Host {
    Log log;
    std::unique_ptr<Partition> p;
    std::unique_ptr<ReplicaFetcher> f;
    Outbox out;
    std::vector<std::pair<std::uint64_t, RecordBatch>> writes;  // (round, batch)
    std::vector<Offset> truncations;
    std::vector<Offset> exits;  // fatal_exit calls: the leader's log end offset

    explicit Harness(ProtocolVersion v = ProtocolVersion::v2_1, PartitionConfig cfg = {}) {
        cfg.protocol = v;
        p = std::make_unique<Partition>(kTp, BrokerId(2), log, cfg);
        PartitionState st;
        st.tp = kTp;
        st.replicas = {BrokerId(1), BrokerId(2), BrokerId(3)};
        st.isr = st.replicas;
        st.leader = BrokerId(1);
        st.leader_epoch = 3;
        p->make_follower(st);
        ReplicaFetcher::Options o;
        o.self = BrokerId(2);
        o.leader = BrokerId(1);
        o.protocol = v;
        o.timeout_timer_key = kTimeout;
        o.backoff_timer_key = kBackoff;
        f = std::make_unique<ReplicaFetcher>(o, *this);
    }
    Partition& follower_replica(TopicPartition) override { return *p; }
    void truncate(Partition& part, Offset to, Outbox&) override {
        truncations.push_back(to);
        part.truncate_to(to);
    }
    void write_fetched(BrokerId, std::uint64_t round, TopicPartition, const RecordBatch& b, Offset, Outbox&) override {
        writes.emplace_back(round, b);
    }
    std::int64_t broker_epoch() const override { return 11; }
    bool stopped() const override { return false; }
    void fatal_exit(Partition&, Offset leader_leo, Outbox&) override { exits.push_back(leader_leo); }

    std::vector<FetchRequest> fetches() const {
        std::vector<FetchRequest> v;
        for (const auto& [to, r] : out.sent<FetchRequest>()) v.push_back(r);
        return v;
    }
    FetchResponse answer(Error e, std::vector<RecordBatch> batches = {}) const {
        FetchPartitionData d;
        d.tp = kTp;
        d.error = e;
        d.batches = std::move(batches);
        return FetchResponse{{d}, fetches().back().correlation};
    }
};

RecordBatch batch(Offset base, std::int32_t records) {
    RecordBatch b;
    b.base_offset = base;
    b.record_count = records;
    b.size_bytes = 100 * records;
    b.epoch = 3;
    return b;
}
}  // namespace

TEST_CASE("replica fetcher: an empty follower truncates to its HW and fetches, carrying its leader epoch (KIP-320)") {
    Harness h;
    h.f->add(Instant::zero(), kTp, 3, h.out);
    CHECK(h.f->state(kTp) == ReplicaFetcher::State::fetching);  // no epoch in the log: the HW fallback
    const auto fetches = h.fetches();
    REQUIRE(fetches.size() == 1);
    CHECK(fetches[0].replica == BrokerId(2));
    CHECK(fetches[0].broker_epoch == 11);
    REQUIRE(fetches[0].partitions.size() == 1);
    CHECK(fetches[0].partitions[0].fetch_offset == 0);
    CHECK(fetches[0].partitions[0].current_leader_epoch == 3);
    CHECK(h.out.all<SetTimerEffect>().back().key == kTimeout);
}

TEST_CASE("replica fetcher: before 2.1 requests carry no leader epoch; before 0.11 there is no epoch query") {
    Harness h(ProtocolVersion::v0_10);
    h.f->add(Instant::zero(), kTp, 3, h.out);
    CHECK(h.f->state(kTp) == ReplicaFetcher::State::fetching);
    CHECK(h.out.sent<OffsetsForLeaderEpochRequest>().empty());
    CHECK(h.fetches().at(0).partitions.at(0).current_leader_epoch == kNoEpoch);
}

TEST_CASE("replica fetcher: the next fetch waits until the last response's batches are on disk") {
    Harness h;
    h.f->add(Instant::zero(), kTp, 3, h.out);
    h.f->on_fetch_response(Instant::zero() + ms(1), h.answer(Error::none, {batch(0, 5), batch(5, 5)}), h.out);
    REQUIRE(h.writes.size() == 2);
    CHECK(h.fetches().size() == 1);  // not yet
    const std::uint64_t round = h.writes[0].first;
    h.f->on_write_done(Instant::zero() + ms(2), round, h.out);
    CHECK(h.fetches().size() == 1);
    h.f->on_write_done(Instant::zero() + ms(2), round, h.out);
    CHECK(h.fetches().size() == 2);  // both written: fetch again
}

TEST_CASE("replica fetcher: a stale response is ignored") {
    Harness h;
    h.f->add(Instant::zero(), kTp, 3, h.out);
    FetchResponse stale = h.answer(Error::none, {batch(0, 5)});
    stale.correlation += 7;
    h.f->on_fetch_response(Instant::zero(), stale, h.out);
    CHECK(h.writes.empty());
    CHECK(h.f->request_in_flight());
}

TEST_CASE("replica fetcher: a fetch error delays the partition for replica.fetch.backoff.ms") {
    Harness h;
    h.f->add(Instant::zero(), kTp, 3, h.out);
    h.f->on_fetch_response(Instant::zero(), h.answer(Error::not_leader_or_follower), h.out);
    CHECK(h.f->state(kTp) == ReplicaFetcher::State::delayed);
    CHECK(h.out.all<SetTimerEffect>().back().key == kBackoff);
    CHECK(h.fetches().size() == 1);
    h.f->on_backoff_end(Instant::zero() + s(1), h.out);
    CHECK(h.f->state(kTp) == ReplicaFetcher::State::fetching);
    CHECK(h.fetches().size() == 2);
}

TEST_CASE("replica fetcher: a fenced leader epoch drops the partition until new metadata") {
    Harness h;
    h.f->add(Instant::zero(), kTp, 3, h.out);
    h.f->on_fetch_response(Instant::zero(), h.answer(Error::fenced_leader_epoch), h.out);
    CHECK_FALSE(h.f->state(kTp).has_value());
}

TEST_CASE("replica fetcher: a lost connection backs off; nothing is sent until the backoff ends") {
    Harness h;
    h.f->add(Instant::zero(), kTp, 3, h.out);
    h.f->on_connection_lost(Instant::zero(), h.out);
    CHECK_FALSE(h.f->request_in_flight());
    CHECK(h.out.all<CancelTimerEffect>().back().key == kTimeout);
    h.f->on_write_done(Instant::zero(), 1, h.out);  // nothing pending: no effect
    CHECK(h.fetches().size() == 1);
    h.f->on_backoff_end(Instant::zero() + s(1), h.out);
    CHECK(h.fetches().size() == 2);
}

TEST_CASE("replica fetcher: a follower with epochs in its log asks where its epoch ended, then truncates (KIP-101)") {
    Harness h;
    h.p->append_as_follower(batch(0, 10));  // 10 records of epoch 3
    h.f->add(Instant::zero(), kTp, 3, h.out);
    CHECK(h.f->state(kTp) == ReplicaFetcher::State::awaiting_epoch);
    const auto queries = h.out.sent<OffsetsForLeaderEpochRequest>();
    REQUIRE(queries.size() == 1);
    CHECK(queries[0].second.partitions.at(0).leader_epoch == 3);
    CHECK(h.fetches().empty());
    EpochAnswer a;
    a.tp = kTp;
    a.leader_epoch = 3;
    a.end_offset = 6;  // the leader's epoch 3 ended at 6
    h.f->on_epoch_response(Instant::zero(), OffsetsForLeaderEpochResponse{{a}}, h.out);
    REQUIRE(h.truncations.size() == 1);
    CHECK(h.truncations[0] == 6);
    CHECK(h.f->state(kTp) == ReplicaFetcher::State::fetching);
    REQUIRE(h.fetches().size() == 1);
}

// ReplicaFetcherThread.handleOffsetOutOfRange (0.10.0 to 2.0): "Exiting because
// log truncation is not allowed for partition ... Current leader's latest offset
// is less than replica's latest offset" unless the topic allows unclean
// election; AbstractFetcherThread.fetchOffsetAndTruncate (2.1 on) truncates.
TEST_CASE(
    "replica fetcher: behind a leader whose log is shorter, Kafka before 2.1 exits unless unclean election is on") {
    struct Case {
        KafkaVersion version;
        bool unclean;
        bool exits;
    };
    for (const Case c : {Case{KafkaVersion{0, 10, 2}, false, true}, Case{KafkaVersion{2, 0, 0}, false, true},
                         Case{KafkaVersion{0, 10, 2}, true, false}, Case{KafkaVersion{2, 1, 0}, false, false}}) {
        CAPTURE(c.version.major);
        CAPTURE(c.version.minor);
        CAPTURE(c.unclean);
        PartitionConfig cfg;
        cfg.kafka_version = c.version;
        cfg.unclean_leader_election = c.unclean;
        Harness h(ProtocolVersion::v0_10, cfg);
        h.f->add(Instant::zero(), kTp, 3, h.out);
        REQUIRE(h.p->append_as_follower(batch(0, 10)));
        FetchPartitionData d;
        d.tp = kTp;
        d.error = Error::offset_out_of_range;
        d.log_end_offset = 6;
        h.f->on_fetch_response(Instant::zero() + ms(1), FetchResponse{{d}, h.fetches().back().correlation}, h.out);
        if (c.exits) {
            CHECK(h.exits == std::vector<Offset>{6});
            CHECK(h.truncations.empty());
        } else {
            CHECK(h.exits.empty());
            CHECK(h.truncations == std::vector<Offset>{6});
        }
    }
}
