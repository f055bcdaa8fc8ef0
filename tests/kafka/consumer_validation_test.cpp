// Consumer: KIP-320 position validation after a leader change
// (SubscriptionState.maybeValidatePositionForCurrentLeader / maybeCompleteValidation,
// OffsetFetcher.validatePositionsAsync) and KIP-951 leader hints on the fetch
// path (AbstractFetch.handleFetchSuccess → Metadata.updatePartitionLeadership),
// by client version, driven by hand.
#include <doctest/doctest.h>

#include "kafka/consumer.hpp"

using namespace ks;
using namespace ks::kafka;

namespace {

const TopicPartition kTp{0, 0};

struct Fixture {
    Consumer c;
    Outbox out;
    Instant now = Instant::zero();

    static ConsumerOptions options(KafkaVersion client, OffsetReset reset) {
        ConsumerOptions o;
        o.group_id = "g";
        o.client_id = "g-0";
        o.bootstrap = {BrokerId(1), BrokerId(2)};
        o.topics = {0};
        o.topic_partitions = {1};
        o.assignors = {"range"};
        o.client_version = client;
        o.reset = reset;
        return o;
    }
    explicit Fixture(KafkaVersion client = KafkaVersion{4, 0, 0}, OffsetReset reset = OffsetReset::latest)
        : c(options(client, reset), Rng(1)) {}

    template <typename M>
    std::vector<std::pair<NodeId, M>> sent() const {
        return out.sent<M>();
    }
    template <typename M>
    M last_sent() const {
        const auto v = out.sent<M>();
        REQUIRE(!v.empty());
        return v.back().second;
    }
    void recv(int broker, Message m) { c.on_message(now, broker_node(BrokerId(broker)), m, out); }

    static PartitionState leader_state(int leader, LeaderEpoch epoch) {
        PartitionState st;
        st.tp = kTp;
        st.leader = BrokerId(leader);
        st.leader_epoch = epoch;
        return st;
    }

    // Assigned orders-0 at committed offset `position`, led by broker 2 in epoch 1.
    void join_and_assign(Offset position) {
        c.start(now, out);
        recv(1, MetadataResponse{
                    {leader_state(2, 1)}, {BrokerId(1), BrokerId(2)}, last_sent<MetadataRequest>().correlation});
        recv(1, FindCoordinatorResponse{Error::none, BrokerId(3), last_sent<FindCoordinatorRequest>().correlation});
        JoinGroupResponse jr;
        jr.generation = 1;
        jr.member_id = "g-0-1";
        jr.leader = "g-0-1";
        jr.protocol = "range";
        jr.correlation = last_sent<JoinGroupRequest>().correlation;
        recv(3, jr);
        recv(3, SyncGroupResponse{Error::none, {kTp}, last_sent<SyncGroupRequest>().correlation});
        recv(3, OffsetFetchResponse{Error::none, {{kTp, position}}, last_sent<OffsetFetchRequest>().correlation});
    }

    // The fetch in flight to broker `leader` answers `count` records from
    // `base`, written in `epoch`; the application takes them and polls again.
    void read(int leader, Offset base, std::int32_t count, LeaderEpoch epoch) {
        const auto fr = last_sent<FetchRequest>();
        FetchPartitionData d;
        d.tp = kTp;
        d.high_watermark = base + count;
        RecordBatch b;
        b.base_offset = base;
        b.record_count = count;
        b.epoch = epoch;
        b.size_bytes = 100 * count;
        d.batches = {b};
        recv(leader, FetchResponse{{d}, fr.correlation});
        now = now + s(1);
        c.on_timer(now, Consumer::timer_key(Consumer::kPollDone), out);
    }

    // A metadata refresh (metadata.max.age.ms) answers `st`.
    void metadata(const PartitionState& st) {
        c.on_timer(now, Consumer::timer_key(Consumer::kMetadataRefresh), out);
        recv(1,
             MetadataResponse{{st}, {BrokerId(1), BrokerId(2), BrokerId(3)}, last_sent<MetadataRequest>().correlation});
    }

    std::vector<FetchRequest> fetches_to(int broker) const {
        std::vector<FetchRequest> v;
        for (const auto& [to, f] : out.sent<FetchRequest>()) {
            if (to == broker_node(BrokerId(broker))) v.push_back(f);
        }
        return v;
    }
};

}  // namespace

// SubscriptionState.maybeCompleteValidation: "Truncation detected for
// partition ... at offset ..., resetting offset to the first offset known to
// diverge ...". The fetch path stays shut while the position awaits validation.
TEST_CASE(
    "consumer (KIP-320): a new leader epoch is validated; a log truncated below the position seeks to the "
    "divergence point") {
    Fixture f;
    f.join_and_assign(100);
    CHECK(f.last_sent<FetchRequest>().partitions.at(0).current_leader_epoch == 1);  // FetchRequest v9+
    f.read(2, 100, 50, 1);
    CHECK(f.c.position(kTp) == 150);
    f.out.clear();
    // Unclean election: broker 3 leads in epoch 2; its log holds epoch 1 up to 120.
    f.metadata(Fixture::leader_state(3, 2));
    CHECK(f.fetches_to(3).empty());
    const auto q = f.last_sent<OffsetsForLeaderEpochRequest>();
    CHECK(f.sent<OffsetsForLeaderEpochRequest>().back().first == broker_node(BrokerId(3)));
    CHECK(q.replica.value() == -1);
    REQUIRE(q.partitions.size() == 1);
    CHECK(q.partitions[0].leader_epoch == 1);          // the epoch of the last record read
    CHECK(q.partitions[0].current_leader_epoch == 2);  // fenced by the epoch the consumer knows
    f.recv(3, OffsetsForLeaderEpochResponse{{EpochAnswer{kTp, Error::none, 1, 120}}, q.correlation});
    const auto resets = f.out.all<OffsetResetEffect>();
    REQUIRE(resets.size() == 1);
    CHECK(resets[0].cause == OffsetResetEffect::Cause::log_truncation);
    CHECK(resets[0].from == 150);
    CHECK(resets[0].to == 120);
    CHECK(f.c.position(kTp) == 120);
    CHECK(f.c.stats().truncations == 1);
    REQUIRE(!f.fetches_to(3).empty());
    CHECK(f.fetches_to(3).back().partitions.at(0).fetch_offset == 120);
    CHECK(f.fetches_to(3).back().partitions.at(0).current_leader_epoch == 2);
}

TEST_CASE("consumer (KIP-320): a leader whose log holds the position completes the validation, fetching goes on") {
    Fixture f;
    f.join_and_assign(100);
    f.read(2, 100, 50, 1);
    f.out.clear();
    f.metadata(Fixture::leader_state(3, 2));
    const auto q = f.last_sent<OffsetsForLeaderEpochRequest>();
    f.recv(3, OffsetsForLeaderEpochResponse{{EpochAnswer{kTp, Error::none, 1, 150}}, q.correlation});
    CHECK(f.out.all<OffsetResetEffect>().empty());
    CHECK(f.c.position(kTp) == 150);
    REQUIRE(!f.fetches_to(3).empty());
    CHECK(f.fetches_to(3).back().partitions.at(0).fetch_offset == 150);
}

TEST_CASE(
    "consumer (KIP-320): with auto.offset.reset=none a truncation is a LogTruncationException: the partition "
    "is fetched no more") {
    Fixture f(KafkaVersion{4, 0, 0}, OffsetReset::none);
    f.join_and_assign(100);
    f.read(2, 100, 50, 1);
    f.out.clear();
    f.metadata(Fixture::leader_state(3, 2));
    const auto q = f.last_sent<OffsetsForLeaderEpochRequest>();
    f.recv(3, OffsetsForLeaderEpochResponse{{EpochAnswer{kTp, Error::none, 1, 120}}, q.correlation});
    const auto resets = f.out.all<OffsetResetEffect>();
    REQUIRE(resets.size() == 1);
    CHECK(resets[0].cause == OffsetResetEffect::Cause::log_truncation);
    CHECK(resets[0].strategy == OffsetReset::none);
    CHECK(f.c.position(kTp) == 150);  // not moved
    CHECK(f.fetches_to(3).empty());
}

// 2.2's Fetcher sends no current leader epoch and never validates: the fetch
// at the old position is what finds the truncation (OFFSET_OUT_OF_RANGE).
TEST_CASE("consumer (KIP-320): a 2.2 client does not validate and fetches from the new leader at once") {
    Fixture f(KafkaVersion{2, 2, 0});
    f.join_and_assign(100);
    CHECK(f.last_sent<FetchRequest>().partitions.at(0).current_leader_epoch == kNoEpoch);
    f.read(2, 100, 50, 1);
    f.out.clear();
    f.metadata(Fixture::leader_state(3, 2));
    CHECK(f.sent<OffsetsForLeaderEpochRequest>().empty());
    REQUIRE(!f.fetches_to(3).empty());
    CHECK(f.fetches_to(3).back().partitions.at(0).fetch_offset == 150);
}

// OffsetFetcher.validatePositionsAsync: "Skipping validation of fetch offsets
// ... since the broker does not support the required protocol version
// (introduced in Kafka 2.3)".
TEST_CASE("consumer (KIP-320): a broker without OffsetsForLeaderEpoch v3 (before 2.3) skips the validation") {
    Fixture f;
    f.join_and_assign(100);
    f.read(2, 100, 50, 1);
    f.out.clear();
    f.metadata(Fixture::leader_state(3, 2));
    const auto q = f.last_sent<OffsetsForLeaderEpochRequest>();
    EpochAnswer a{kTp, Error::unsupported_version, kNoEpoch, kUndefinedOffset};
    f.recv(3, OffsetsForLeaderEpochResponse{{a}, q.correlation});
    CHECK(f.out.all<OffsetResetEffect>().empty());
    REQUIRE(!f.fetches_to(3).empty());
    CHECK(f.fetches_to(3).back().partitions.at(0).fetch_offset == 150);
}

// AbstractFetch.handleFetchSuccess (3.7, KIP-951): the CurrentLeader of a
// NOT_LEADER_OR_FOLLOWER answer updates the metadata at once
// (Metadata.updatePartitionLeadership), the position is validated against it.
TEST_CASE("consumer (KIP-951): a 3.7+ client follows the leader a NOT_LEADER_OR_FOLLOWER fetch answer names") {
    for (const KafkaVersion v : {KafkaVersion{3, 6, 0}, KafkaVersion{3, 7, 0}}) {
        CAPTURE(v.major);
        CAPTURE(v.minor);
        Fixture f(v);
        f.join_and_assign(100);
        CHECK(f.last_sent<FetchRequest>().leader_hints == (v >= KafkaVersion{3, 7, 0}));
        f.read(2, 100, 50, 1);
        const auto fr = f.last_sent<FetchRequest>();
        f.out.clear();
        FetchPartitionData d;
        d.tp = kTp;
        d.error = Error::not_leader_or_follower;
        d.current_leader = BrokerId(3);
        d.current_leader_epoch = 2;
        f.recv(2, FetchResponse{{d}, fr.correlation});
        CHECK_FALSE(f.sent<MetadataRequest>().empty());  // FetchCollector asks for metadata in any case
        if (v >= KafkaVersion{3, 7, 0}) {
            CHECK(f.c.stats().leader_hints == 1);
            const auto q = f.last_sent<OffsetsForLeaderEpochRequest>();
            CHECK(q.partitions.at(0).current_leader_epoch == 2);
            f.recv(3, OffsetsForLeaderEpochResponse{{EpochAnswer{kTp, Error::none, 1, 150}}, q.correlation});
            REQUIRE(!f.fetches_to(3).empty());
            CHECK(f.fetches_to(3).back().partitions.at(0).fetch_offset == 150);
        } else {
            // 3.6 ignores the field and waits for the metadata.
            CHECK(f.c.stats().leader_hints == 0);
            CHECK(f.sent<OffsetsForLeaderEpochRequest>().empty());
            CHECK(f.fetches_to(3).empty());
        }
    }
}

TEST_CASE("consumer (KIP-951): a hint no newer than the metadata's leader epoch is ignored") {
    Fixture f;
    f.join_and_assign(100);
    const auto fr = f.last_sent<FetchRequest>();
    f.out.clear();
    FetchPartitionData d;
    d.tp = kTp;
    d.error = Error::not_leader_or_follower;
    d.current_leader = BrokerId(3);
    d.current_leader_epoch = 1;  // the epoch the consumer already knows
    f.recv(2, FetchResponse{{d}, fr.correlation});
    CHECK(f.c.stats().leader_hints == 0);
    CHECK(f.fetches_to(3).empty());
}

// OffsetFetcher.validatePositionsAsync → onFailure: only a failed request to
// the leader being asked is retried after the backoff.
TEST_CASE("consumer (KIP-320): losing the connection to another broker leaves a validation in flight alone") {
    Fixture f;
    f.join_and_assign(100);
    f.read(2, 100, 50, 1);
    f.out.clear();
    f.metadata(Fixture::leader_state(3, 2));
    const auto q = f.last_sent<OffsetsForLeaderEpochRequest>();
    f.c.on_connection_lost(f.now, broker_node(BrokerId(2)), f.out);  // the old leader goes away
    f.recv(3, OffsetsForLeaderEpochResponse{{EpochAnswer{kTp, Error::none, 1, 150}}, q.correlation});
    REQUIRE(!f.fetches_to(3).empty());
    CHECK(f.fetches_to(3).back().partitions.at(0).fetch_offset == 150);
}
