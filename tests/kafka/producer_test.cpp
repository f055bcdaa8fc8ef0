// The producer alone, driven through its Outbox with scripted responses.
#include <doctest/doctest.h>

#include <set>

#include <map>
#include <memory>

#include "kafka/producer_app.hpp"

using namespace ks;
using namespace ks::kafka;

namespace {

// No arrivals of its own: the test calls send().
WorkloadOptions scripted() {
    WorkloadOptions w;
    w.rate_per_s = 0;
    return w;
}

// One producer (and its application), its timers kept here, its requests
// answered by the test.
struct Harness {
    ProducerOptions opt;
    std::unique_ptr<ProducerApp> app;
    Producer* p = nullptr;
    Instant now = Instant::zero();
    std::map<std::uint64_t, Instant> timers;
    std::vector<std::pair<NodeId, ProduceRequest>> produces;
    std::vector<std::pair<NodeId, MetadataRequest>> metadata;
    std::vector<RecordsSentEffect> sent;
    std::vector<RecordsOutcomeEffect> outcomes;
    std::vector<std::pair<NodeId, ApiVersionsRequest>> connects;
    // The scripted brokers accept every connection at once (ApiVersions is
    // answered in the same instant) unless a test turns this off.
    bool accept_connections = true;
    std::int64_t timer_fires = 0;

    explicit Harness(ProducerOptions o, WorkloadOptions w = scripted()) : opt(std::move(o)) {
        if (opt.bootstrap.empty()) opt.bootstrap = {BrokerId(1)};
        app = std::make_unique<ProducerApp>(opt, std::move(w), Rng(42));
        p = &app->producer();
        Outbox out;
        app->start(now, out);
        apply(out);
    }

    void apply(Outbox& out) {
        for (auto& e : out.effects()) {
            if (auto* t = std::get_if<SetTimerEffect>(&e)) {
                timers[t->key] = t->when;
            } else if (auto* c = std::get_if<CancelTimerEffect>(&e)) {
                timers.erase(c->key);
            } else if (auto* s = std::get_if<SendEffect>(&e)) {
                if (auto* r = std::get_if<ProduceRequest>(&s->message)) produces.emplace_back(s->to, *r);
                if (auto* m = std::get_if<MetadataRequest>(&s->message)) metadata.emplace_back(s->to, *m);
                if (auto* a = std::get_if<ApiVersionsRequest>(&s->message)) {
                    connects.emplace_back(s->to, *a);
                    if (accept_connections) accepted.emplace_back(s->to, *a);
                }
            } else if (auto* rs = std::get_if<RecordsSentEffect>(&e)) {
                sent.push_back(*rs);
            } else if (auto* ro = std::get_if<RecordsOutcomeEffect>(&e)) {
                outcomes.push_back(*ro);
            }
        }
        out.clear();
        p->check_invariants();
        while (!accepted.empty()) {
            const auto [to, a] = accepted.front();
            accepted.erase(accepted.begin());
            accept(to, a);
        }
    }

    void accept(NodeId broker, ApiVersionsRequest a) {
        Outbox out;
        p->on_message(now, broker, ApiVersionsResponse{a.correlation}, out);
        apply(out);
    }

    void lose_connection(NodeId broker) {
        Outbox out;
        p->on_connection_lost(now, broker, out);
        apply(out);
    }

    std::vector<std::pair<NodeId, ApiVersionsRequest>> accepted;

    // Fires every timer due up to `until`, in time order.
    void run_until(Instant until) {
        for (;;) {
            auto next = timers.end();
            for (auto it = timers.begin(); it != timers.end(); ++it) {
                if (it->second <= until && (next == timers.end() || it->second < next->second)) next = it;
            }
            if (next == timers.end()) break;
            now = next->second;
            const std::uint64_t key = next->first;
            timers.erase(next);
            ++timer_fires;
            Outbox out;
            app->on_timer(now, key, out);
            apply(out);
        }
        now = until;
    }
    void run_for(Duration d) { run_until(now + d); }

    void send(std::optional<std::int64_t> key = std::nullopt, Bytes value = 100) {
        Outbox out;
        p->send(now, key, value, out);
        apply(out);
    }

    // Answers the latest MetadataRequest: partition i led by leaders[i] (-1: none).
    void answer_metadata(std::vector<int> leaders, LeaderEpoch epoch = 1) {
        REQUIRE(!metadata.empty());
        MetadataResponse r;
        r.correlation = metadata.back().second.correlation;
        for (std::size_t i = 0; i < leaders.size(); ++i) {
            PartitionState st;
            st.tp = TopicPartition{opt.topic, static_cast<std::int32_t>(i)};
            st.leader = BrokerId(leaders[i]);
            st.leader_epoch = epoch;
            r.partitions.push_back(st);
        }
        for (int l : leaders) {
            if (l >= 0) r.live_brokers.push_back(BrokerId(l));
        }
        Outbox out;
        p->on_message(now, metadata.back().first, r, out);
        apply(out);
    }

    // Answers produce request i with `e` for every partition (offsets from `base`).
    void answer(std::size_t i, Error e = Error::none, Offset base = 0) {
        ProduceResponse r;
        r.correlation = produces.at(i).second.correlation;
        for (const auto& part : produces[i].second.partitions) {
            r.partitions.push_back(ProducePartitionResult{part.tp, e, e == Error::none ? base : kUndefinedOffset});
            base += part.batch.record_count;
        }
        Outbox out;
        p->on_message(now, produces[i].first, r, out);
        apply(out);
    }

    std::int64_t count(RecordsOutcomeEffect::Outcome o) const {
        std::int64_t n = 0;
        for (const auto& e : outcomes) n += e.outcome == o ? e.count : 0;
        return n;
    }
};

ProducerOptions base_options() {
    ProducerOptions o;
    o.acks = Acks::leader;
    o.idempotence = false;
    o.partitions = 1;
    o.linger = ms(5);
    o.retry_backoff = ms(100);
    o.retry_backoff_max = ms(1000);
    o.request_timeout = ms(1000);
    o.delivery_timeout = ms(10000);
    o.builtin.enable_adaptive_partitioning = false;
    return o;
}

using O = RecordsOutcomeEffect::Outcome;

}  // namespace

TEST_CASE("producer: records wait linger.ms in one batch, then go in one request") {
    Harness h(base_options());
    REQUIRE(h.metadata.size() == 1);
    h.answer_metadata({1});
    h.send();
    h.run_for(ms(1));
    h.send();
    h.run_for(ms(1));
    h.send();
    h.run_until(at(ms(5)) - ns(1));
    CHECK(h.produces.empty());
    h.run_until(at(ms(5)));
    REQUIRE(h.produces.size() == 1);
    const auto& req = h.produces[0].second;
    CHECK(h.produces[0].first == NodeId(1));
    REQUIRE(req.partitions.size() == 1);
    CHECK(req.partitions[0].batch.record_count == 3);
    CHECK(req.partitions[0].batch.first_record == 0);
    CHECK(req.acks == Acks::leader);
    // The ledger saw every record once, before any outcome.
    std::int64_t sent = 0;
    for (const auto& s : h.sent) sent += s.count;
    CHECK(sent == 3);
    h.now += ms(2);
    h.answer(0, Error::none, 40);
    REQUIRE(h.outcomes.size() == 1);
    CHECK(h.outcomes[0].outcome == O::acked);
    CHECK(h.outcomes[0].base_offset == 40);
    REQUIRE(h.outcomes[0].latency_ns.size() == 3);
    CHECK(h.outcomes[0].latency_ns[0] == ms(7).ns());
    CHECK(h.outcomes[0].latency_ns[2] == ms(5).ns());
    CHECK(h.p->idle());
    CHECK(h.p->buffer_used() == 0);
}

TEST_CASE("producer: a full batch is sent without waiting for linger.ms") {
    auto o = base_options();
    o.batch_size = 300;  // 61 + 2 * 110 = 281: two records per batch
    o.linger = ms(1000);
    Harness h(o);
    h.answer_metadata({1});
    h.send();
    h.send();
    CHECK(h.produces.empty());
    h.send();  // does not fit: the first batch closes and is ready
    REQUIRE(h.produces.size() == 1);
    CHECK(h.produces[0].second.partitions[0].batch.record_count == 2);
    CHECK(h.p->queued_batches(0) == 1);
}

// RecordAccumulator.drainBatchesForOneNode: once a node is ready, the first
// batch of every partition it leads goes in the request, lingered or not.
TEST_CASE("producer: a ready node takes every partition's first batch, without waiting out their linger") {
    auto o = base_options();
    o.partitions = 2;
    o.batch_size = 300;  // two records per batch
    o.linger = ms(1000);
    Harness h(o);
    h.answer_metadata({1, 1});  // broker 1 leads both partitions
    std::optional<std::int64_t> to0, to1;
    for (std::int64_t k = 0; k < 100 && (!to0 || !to1); ++k) {
        const auto p = partition_for_key(as_key_bytes(record_key(k)), 2);
        (p == 0 ? to0 : to1) = (p == 0 ? to0 : to1).value_or(k);
    }
    REQUIRE(to0.has_value());
    REQUIRE(to1.has_value());
    h.send(*to0);
    h.send(*to0);
    h.send(*to1);  // partition 1: one record, lingering
    CHECK(h.produces.empty());
    h.send(*to0);  // partition 0's batch is full: broker 1 is ready
    REQUIRE(h.produces.size() == 1);
    const auto& req = h.produces[0].second;
    REQUIRE(req.partitions.size() == 2);
    CHECK(req.partitions[0].batch.record_count + req.partitions[1].batch.record_count == 3);
}

TEST_CASE("producer: at most max.in.flight.requests.per.connection requests per broker") {
    auto o = base_options();
    o.linger = Duration::zero();
    o.max_in_flight = 2;
    Harness h(o);
    h.answer_metadata({1});
    for (int i = 0; i < 4; ++i) {
        h.send();
        h.run_for(ms(1));
    }
    CHECK(h.produces.size() == 2);
    CHECK(h.p->in_flight_requests(BrokerId(1)) == 2);
    h.answer(0);
    // The two queued records go together in the freed slot.
    REQUIRE(h.produces.size() == 3);
    CHECK(h.produces[2].second.partitions[0].batch.record_count == 2);
}

TEST_CASE("producer: a request timeout fails the batch as retriable and it is retried after the backoff") {
    Harness h(base_options());
    h.answer_metadata({1});
    h.send();
    h.run_for(ms(5));
    REQUIRE(h.produces.size() == 1);
    h.run_for(ms(1000));  // request.timeout.ms passes
    CHECK(h.p->stats().request_timeouts == 1);
    CHECK(h.produces.size() == 1);
    h.run_for(ms(79));  // backoff 100 ms ± 20%
    CHECK(h.produces.size() == 1);
    h.run_for(ms(200));
    REQUIRE(h.produces.size() == 2);
    CHECK(h.produces[1].second.partitions[0].batch.first_record == 0);
    CHECK(h.p->stats().retries == 1);
    h.answer(0);  // the late answer to the first attempt is ignored
    CHECK(h.outcomes.empty());
    h.answer(1);
    REQUIRE(h.outcomes.size() == 1);
    CHECK(h.outcomes[0].outcome == O::acked);
}

TEST_CASE("producer: a batch still unacknowledged after delivery.timeout.ms fails") {
    auto o = base_options();
    o.delivery_timeout = ms(2500);
    Harness h(o);
    h.answer_metadata({1});
    h.send();
    h.run_for(s(10));  // never answered
    REQUIRE(h.outcomes.size() == 1);
    CHECK(h.outcomes[0].outcome == O::failed);
    CHECK(h.outcomes[0].failure == RecordsOutcomeEffect::Failure::delivery_timeout);
    CHECK(h.produces.size() == 3);  // sent at 5 ms, ~1.1 s, ~2.2 s
    CHECK(h.p->idle());
    CHECK(h.p->buffer_used() == 0);
}

TEST_CASE("producer: a batch nobody can send (no leader) expires after delivery.timeout.ms") {
    auto o = base_options();
    o.delivery_timeout = ms(2000);
    Harness h(o);
    h.answer_metadata({-1});
    h.send();
    h.run_for(ms(1999));
    CHECK(h.outcomes.empty());
    CHECK(h.metadata.size() > 1);  // it keeps asking where the leader is
    h.run_for(ms(2));
    REQUIRE(h.outcomes.size() == 1);
    CHECK(h.outcomes[0].failure == RecordsOutcomeEffect::Failure::delivery_timeout);
}

TEST_CASE("producer: NOT_LEADER_OR_FOLLOWER refreshes the metadata and the retry goes to the new leader") {
    Harness h(base_options());
    h.answer_metadata({1});
    h.send();
    h.run_for(ms(5));
    REQUIRE(h.produces.size() == 1);
    h.run_for(ms(200));
    h.answer(0, Error::not_leader_or_follower);
    REQUIRE(h.metadata.size() == 2);
    h.answer_metadata({2}, 2);
    CHECK(h.p->leader_of(0) == BrokerId(2));
    h.run_for(ms(200));
    REQUIRE(h.produces.size() == 2);
    CHECK(h.produces[1].first == NodeId(2));
    h.answer(1);
    CHECK(h.count(O::acked) == 1);
}

// Sender.completeBatch → Metadata.updatePartitionLeadership and
// RecordAccumulator.shouldBackoff with ProducerBatch.hasLeaderChangedForTheOngoingRetry
// (3.7.0, KIP-951; absent in 3.6.0): the named leader with a newer epoch is
// used at once, and the retry skips its backoff.
TEST_CASE("producer: a 3.7+ client retries at once at the leader a NOT_LEADER_OR_FOLLOWER answer names (KIP-951)") {
    auto produces_after_1ms = [](KafkaVersion v) {
        auto o = base_options();
        o.client_version = v;
        Harness h(o);
        h.answer_metadata({1});
        h.send();
        h.run_for(ms(5));
        REQUIRE(h.produces.size() == 1);
        CHECK(h.produces[0].second.leader_hints == (v >= KafkaVersion{3, 7, 0}));
        ProduceResponse r;
        r.correlation = h.produces[0].second.correlation;
        r.partitions.push_back(ProducePartitionResult{.tp = TopicPartition{o.topic, 0},
                                                      .error = Error::not_leader_or_follower,
                                                      .base_offset = kUndefinedOffset,
                                                      .current_leader = BrokerId(2),
                                                      .current_leader_epoch = 2});
        Outbox out;
        h.p->on_message(h.now, h.produces[0].first, r, out);
        h.apply(out);
        h.run_for(ms(1));
        return h.produces;
    };
    const auto with_hints = produces_after_1ms({3, 7, 0});
    REQUIRE(with_hints.size() == 2);
    CHECK(with_hints[1].first == NodeId(2));
    // 3.6 waits for its metadata and retry.backoff.ms.
    CHECK(produces_after_1ms({3, 6, 0}).size() == 1);
}

TEST_CASE("producer: idempotent batches get sequences at the first drain and keep them across retries") {
    auto o = base_options();
    o.acks = Acks::all;
    o.idempotence = true;
    o.linger = Duration::zero();
    o.index = 3;
    Harness h(o);
    h.answer_metadata({1});
    h.send();
    h.send();
    h.run_for(ms(1));
    h.send();
    h.run_for(ms(1));
    REQUIRE(h.produces.size() == 3);
    std::map<std::int64_t, std::int32_t> seq_of;  // first_record -> sequence of the first attempt
    std::int32_t expected = 0;
    for (const auto& [to, r] : h.produces) {
        const auto& b = r.partitions[0].batch;
        CHECK(b.producer_id == 1003);
        CHECK(b.base_sequence == expected);
        expected += b.record_count;
        seq_of[b.first_record] = b.base_sequence;
    }
    h.run_for(ms(1000));  // all three time out (the connection closes)
    h.run_for(ms(200));
    // Only the lowest incomplete batch is retried first.
    REQUIRE(h.produces.size() == 4);
    CHECK(h.produces[3].second.partitions[0].batch.first_record == 0);
    h.answer(3);
    for (int round = 0; round < 4; ++round) {
        h.run_for(ms(300));
        if (h.produces.size() > 4) h.answer(h.produces.size() - 1);
    }
    for (std::size_t i = 3; i < h.produces.size(); ++i) {
        const auto& b = h.produces[i].second.partitions[0].batch;
        CHECK(b.producer_id == 1003);  // no epoch bump: the retries resolve the sequence
        CHECK(b.base_sequence == seq_of.at(b.first_record));
    }
    CHECK(h.count(O::acked) == 3);
    CHECK(h.p->stats().epoch_bumps == 0);
}

TEST_CASE("producer: OUT_OF_ORDER_SEQUENCE_NUMBER on the next expected batch bumps the epoch") {
    auto o = base_options();
    o.acks = Acks::all;
    o.idempotence = true;
    Harness h(o);
    h.answer_metadata({1});
    h.send();
    h.run_for(ms(5));
    h.answer(0);
    h.send();
    h.run_for(ms(5));
    REQUIRE(h.produces.size() == 2);
    CHECK(h.produces[1].second.partitions[0].batch.base_sequence == 1);
    h.answer(1, Error::out_of_order_sequence_number);
    h.run_for(ms(200));
    REQUIRE(h.produces.size() == 3);
    const auto b = h.produces[2].second.partitions[0].batch;
    CHECK(b.producer_id != h.produces[1].second.partitions[0].batch.producer_id);
    CHECK(b.base_sequence == 0);
    CHECK(h.p->stats().epoch_bumps == 1);
}

// TransactionManager.requestEpochBumpForPartition / bumpIdempotentProducerEpoch
// (only partitionsToRewriteSequences restart their sequences) and
// RecordAccumulator.shouldStopDrainBatchesForPartition (a partition on the old
// epoch drains no new batch while it has batches in flight), trunk 1eb7644.
TEST_CASE("producer: an epoch bump rewrites only the partition that asked; the others finish their epoch first") {
    auto o = base_options();
    o.acks = Acks::all;
    o.idempotence = true;
    o.partitions = 2;
    Harness h(o);
    h.answer_metadata({1, 2});  // partition 0 on broker 1, partition 1 on broker 2
    std::optional<std::int64_t> k0, k1;
    for (std::int64_t k = 0; k < 100 && (!k0 || !k1); ++k) {
        (partition_for_key(as_key_bytes(record_key(k)), 2) == 0 ? k0 : k1) =
            (partition_for_key(as_key_bytes(record_key(k)), 2) == 0 ? k0 : k1).value_or(k);
    }
    REQUIRE(k0.has_value());
    REQUIRE(k1.has_value());
    h.send(*k0);
    h.run_for(ms(5));
    REQUIRE(h.produces.size() == 1);
    h.answer(0);  // partition 0: sequence 0 acknowledged
    h.send(*k0);
    h.send(*k1);
    h.run_for(ms(5));
    REQUIRE(h.produces.size() == 3);  // partition 0 seq 1 to broker 1, partition 1 seq 0 to broker 2
    const auto old_pid = h.produces[1].second.partitions[0].batch.producer_id;
    const std::size_t p1_request = h.produces[1].first == NodeId(2) ? 1 : 2;
    const std::size_t p0_request = 3 - p1_request;
    h.answer(p0_request, Error::out_of_order_sequence_number);  // a gap on partition 0: bump
    h.run_for(ms(200));
    // Partition 0's retry goes out under the new epoch at once, though
    // partition 1 still has a batch in flight under the old one.
    REQUIRE(h.produces.size() == 4);
    const auto& retry = h.produces[3].second.partitions[0].batch;
    CHECK(retry.producer_id != old_pid);
    CHECK(retry.base_sequence == 0);
    CHECK(h.p->stats().epoch_bumps == 1);
    // A new batch for partition 1 waits for its old-epoch batch to finish ...
    h.send(*k1);
    h.run_for(ms(10));
    CHECK(h.produces.size() == 4);
    h.answer(p1_request);
    h.run_for(ms(10));
    // ... then starts at sequence 0 under the new epoch.
    REQUIRE(h.produces.size() == 5);
    const auto& next = h.produces[4].second.partitions[0].batch;
    CHECK(h.produces[4].second.partitions[0].tp.partition == 1);
    CHECK(next.producer_id == retry.producer_id);
    CHECK(next.base_sequence == 0);
}

// Sender.handleProduceResponse: a request that expects no response completes
// its batches at once with Errors.NONE (offset -1): the callback's success.
TEST_CASE("producer: acks=0 batches are acked the moment their request is written (Sender, no response expected)") {
    auto o = base_options();
    o.acks = Acks::none;
    Harness h(o);
    h.answer_metadata({1});
    for (int i = 0; i < 3; ++i) h.send();
    h.run_for(ms(10));
    REQUIRE(h.produces.size() == 1);
    CHECK(h.produces[0].second.acks == Acks::none);
    CHECK(h.count(O::acked) == 3);
    for (const auto& e : h.outcomes) CHECK(e.base_offset == kUndefinedOffset);
    CHECK(h.p->idle());
    CHECK(h.p->in_flight_requests() == 0);
}

// Sender.sendProducerData: a ready node the client cannot send to (not
// connected, in backoff, in-flight full) gets updateNodeLatencyStats(node, now,
// false) — its readyTime moves on, its drainTime does not — so past
// partitioner.availability.timeout.ms the uniform sticky partitioner (KIP-794)
// stops choosing its partitions.
TEST_CASE(
    "producer: a leader it cannot connect to ages out of the sticky partitioner after "
    "partitioner.availability.timeout.ms") {
    auto o = base_options();
    o.partitions = 2;
    o.batch_size = 1000;  // the sticky partition changes every ~1000 bytes of records
    o.builtin.enable_adaptive_partitioning = true;
    o.builtin.partition_availability_timeout = ms(100);
    Harness h(o);
    h.accept_connections = false;
    h.answer_metadata({1, 2});  // broker 2 will never answer its connection
    bool accepted = false;
    std::size_t answered = 0;
    for (int t = 0; t < 300; ++t) {
        h.send();  // no key
        h.run_for(ms(1));
        for (const auto& [to, a] : h.connects) {
            if (to == broker_node(BrokerId(1)) && !accepted) {
                accepted = true;
                h.accept(to, a);
            }
        }
        while (answered < h.produces.size()) h.answer(answered++);
    }
    REQUIRE(accepted);
    REQUIRE(h.p->queued_batches(1) > 0);  // partition 1's records wait for broker 2
    const NodeLatencyStats* unreachable = h.p->node_latency().stats(2);
    REQUIRE(unreachable != nullptr);
    CHECK(unreachable->ready_time - unreachable->drain_time > ms(100));
    CHECK(h.p->node_latency().unready_too_long(2));
    REQUIRE(h.p->node_latency().stats(1) != nullptr);
    CHECK_FALSE(h.p->node_latency().unready_too_long(1));
}

// NetworkClient.ready / initiateConnect: a produce request goes only into a
// connection whose ApiVersions exchange is done.
TEST_CASE("producer: the first request to a broker waits for its connection (ApiVersions) to be ready") {
    Harness h(base_options());
    h.accept_connections = false;
    h.answer_metadata({1});
    h.send();
    h.run_for(ms(5));
    REQUIRE(h.connects.size() == 1);
    CHECK(h.connects[0].first == broker_node(BrokerId(1)));
    CHECK(h.produces.empty());
    h.run_for(ms(100));
    CHECK(h.connects.size() == 1);  // one attempt at a time
    h.accept(h.connects[0].first, h.connects[0].second);
    REQUIRE(h.produces.size() == 1);
    CHECK(h.p->stats().connects == 1);
}

// ClusterConnectionStates: reconnect.backoff.ms doubling to
// reconnect.backoff.max.ms (±20%), and NetworkClient.handleDisconnections
// asking for a metadata update on every disconnect.
TEST_CASE(
    "producer: a refused broker is retried after reconnect.backoff.ms, doubling, and each disconnect refreshes "
    "metadata") {
    auto o = base_options();
    o.acks = Acks::none;
    Harness h(o);
    h.answer_metadata({1});
    h.send();
    h.run_for(ms(5));
    REQUIRE(h.produces.size() == 1);  // connected at once, then written
    CHECK(h.count(O::acked) == 1);
    h.accept_connections = false;
    const std::size_t md_before = h.metadata.size();
    h.lose_connection(broker_node(BrokerId(1)));  // the leader died
    h.run_for(ms(150));                           // metadata.retry backoff passes
    CHECK(h.metadata.size() > md_before);
    h.answer_metadata({1});  // not fenced yet: still the leader
    h.send();
    std::vector<Instant> attempts;
    for (int i = 0; i < 4; ++i) {
        const std::size_t n = h.connects.size();
        while (h.connects.size() == n) h.run_for(ms(1));
        attempts.push_back(h.now);
        h.lose_connection(h.connects.back().first);  // refused
    }
    // Gaps grow: ~100, ~200, ~400 ms (the first attempt ended the 50 ms backoff).
    for (std::size_t i = 2; i < attempts.size(); ++i) {
        const double prev = (attempts[i - 1] - attempts[i - 2]).seconds_f();
        const double gap = (attempts[i] - attempts[i - 1]).seconds_f();
        CHECK(gap > prev * 1.3);
        CHECK(gap < prev * 3.0);
    }
    CHECK(h.produces.size() == 1);  // nothing written into a refused connection
    CHECK(h.count(O::acked) == 1);  // the second record waits in the accumulator
    h.accept_connections = true;
    h.answer_metadata({2}, 2);  // the new leader
    h.run_for(ms(2000));
    REQUIRE(h.produces.size() == 2);
    CHECK(h.produces[1].first == broker_node(BrokerId(2)));
    CHECK(h.count(O::acked) == 2);
}

// NetworkClient.handleTimedOutConnections: socket.connection.setup.timeout.ms.
TEST_CASE("producer: a connection not set up within socket.connection.setup.timeout.ms is given up and tried again") {
    auto o = base_options();
    o.delivery_timeout = ms(60000);
    Harness h(o);
    h.accept_connections = false;  // a powered-off host: no answer at all
    h.answer_metadata({1});
    h.send();
    h.run_for(ms(5));
    REQUIRE(h.connects.size() == 1);
    h.run_for(ms(7999));
    CHECK(h.connects.size() == 1);  // 10 s −20% at the earliest
    h.run_for(ms(12000 + 1000));    // +20% and a reconnect backoff at the latest
    CHECK(h.connects.size() == 2);
    CHECK(h.produces.empty());
}

// KafkaProducer.doSend → BufferPool.allocate(size, maxTimeToBlockMs): each
// send() call blocks up to max.block.ms from when it was called; one
// application thread calls send() for one record at a time, so the record
// behind a blocked one is sent (and may time out) only once the first call
// returned.
TEST_CASE("producer: a full buffer.memory blocks the application's send thread, one record per max.block.ms") {
    auto o = base_options();
    o.batch_size = 200;     // one record per batch
    o.buffer_memory = 400;  // two batches
    o.max_block = ms(500);
    SUBCASE("blocked too long") {
        for (std::int32_t threads : {1, 2}) {
            CAPTURE(threads);
            o.send_threads = threads;
            Harness h(o);  // no metadata answer: nothing can be sent
            for (int i = 0; i < 4; ++i) h.send();
            CHECK(h.p->buffer_used() == 400);
            CHECK(h.p->blocked_records() == 2);
            h.run_for(ms(501));
            CHECK(h.count(O::failed) == threads);  // one failure per thread and max.block.ms
            h.run_for(ms(500));
            CHECK(h.p->blocked_records() == 0);
            CHECK(h.count(O::failed) == 2);
            for (const auto& e : h.outcomes) CHECK(e.failure == RecordsOutcomeEffect::Failure::max_block);
        }
    }
    Harness h(o);
    h.send();
    h.send();
    h.send();
    h.send();
    CHECK(h.p->blocked_records() == 2);
    SUBCASE("memory freed in time") {
        h.answer_metadata({1});
        h.run_for(ms(10));
        REQUIRE(h.produces.size() >= 1);
        h.answer(0);
        CHECK(h.p->blocked_records() < 2);  // one record got the freed batch
        for (std::size_t i = 1; i < h.produces.size(); ++i) h.answer(i);
        h.run_for(ms(20));
        for (std::size_t i = 2; i < h.produces.size(); ++i) h.answer(i);
        h.run_for(ms(20));
        for (std::size_t i = 3; i < h.produces.size(); ++i) h.answer(i);
        CHECK(h.count(O::acked) == 4);
        CHECK(h.count(O::failed) == 0);
    }
}

TEST_CASE("producer: a Poisson workload is generated in bulk, records numbered per partition") {
    auto o = base_options();
    o.partitions = 4;
    WorkloadOptions w;
    w.rate_per_s = 20000;
    w.keys = KeySpec{KeySpec::Kind::uniform, 100, 1.0};
    Harness h(o, w);
    h.answer_metadata({1, 2, 1, 2});
    std::size_t answered = 0;
    for (int i = 0; i < 1000; ++i) {
        h.run_for(ms(1));
        for (; answered < h.produces.size(); ++answered) h.answer(answered);
    }
    const auto& st = h.p->stats();
    CHECK(st.sent > 19000);
    CHECK(st.sent < 21000);
    CHECK(h.timer_fires < 3000);  // not one event per record
    std::map<std::int32_t, std::int64_t> next;
    std::int64_t sent = 0;
    for (const auto& s : h.sent) {
        CHECK(s.first_record == next[s.tp.partition]);  // contiguous per partition
        next[s.tp.partition] += s.count;
        sent += s.count;
        for (std::int32_t k : s.keys) {
            CHECK(k >= 0);
            CHECK(k < 100);
            // keyed records follow murmur2
            const std::string text = record_key(k);
            CHECK(partition_for_key(as_key_bytes(text), 4) == s.tp.partition);
        }
    }
    CHECK(sent == st.sent);
    CHECK(st.acked + static_cast<std::int64_t>(h.p->blocked_records()) <= st.sent);
    CHECK(next.size() == 4);
}

// InFlightRequests.canSendMore: a node is ready only when the last request was
// written out completely; with acks=0 toward a host that acknowledges nothing
// (powered off) the socket buffer (send.buffer.bytes) fills and the producer
// stops writing there: the records wait in the accumulator.
TEST_CASE(
    "producer: acks=0 stops writing to a broker whose kernel acknowledges nothing once send.buffer.bytes is full") {
    auto o = base_options();
    o.acks = Acks::none;
    o.linger = ms(0);
    o.batch_size = 1000;
    o.send_buffer = 4000;
    Harness h(o);
    h.answer_metadata({1});
    for (int i = 0; i < 20; ++i) {
        h.send(std::nullopt, 900);
        h.run_for(ms(1));
    }
    std::int64_t written = 0;
    for (const auto& [to, r] : h.produces) written += wire_bytes(Message(r));
    CHECK(written >= 4000);
    CHECK(written < 4000 + 1200);  // at most one request past the limit
    const std::size_t sent_before = h.produces.size();
    CHECK(h.count(O::acked) == static_cast<std::int64_t>(sent_before));
    CHECK(h.p->queued_batches(0) > 0);  // the rest waits in the accumulator
    // The peer's kernel acknowledges: the buffer drains and sending resumes.
    Outbox out;
    h.p->on_transport_ack(h.now, broker_node(BrokerId(1)), written, out);
    h.apply(out);
    CHECK(h.produces.size() > sent_before);
}

// Which partitions a burst of null-key records reaches, and in how many
// batches, by client release: up to 2.3 one record per partition in turn
// (DefaultPartitioner's counter), 2.4 - 3.2 one partition per batch
// (StickyPartitionCache, KIP-480), from 3.3 one partition per batch.size bytes
// (BuiltInPartitioner, KIP-794).
TEST_CASE("producer: null-key records by client version — per record before 2.4, per batch from 2.4") {
    auto burst = [](KafkaVersion v) {
        auto o = base_options();
        o.client_version = v;
        o.partitions = 4;
        o.linger = ms(1000);
        Harness h(o);
        h.answer_metadata({1, 1, 1, 1});
        for (int i = 0; i < 8; ++i) h.send();
        std::set<std::int32_t> used;
        std::int32_t batches = 0;
        for (std::int32_t p = 0; p < 4; ++p) {
            if (h.p->queued_batches(p) > 0) used.insert(p);
            batches += static_cast<std::int32_t>(h.p->queued_batches(p));
        }
        return std::make_pair(used.size(), batches);
    };
    CHECK(burst({2, 3, 0}) == std::make_pair(std::size_t{4}, 4));  // 8 records over 4 partitions
    CHECK(burst({2, 4, 0}) == std::make_pair(std::size_t{1}, 1));  // one batch holds them all
    CHECK(burst({3, 3, 0}) == std::make_pair(std::size_t{1}, 1));
}

// RoundRobinPartitioner with an even partition count and a new batch per
// record: the 3.9.0 client skips every other partition (KAFKA-9965); 4.0
// (KAFKA-17632, apache/kafka#17620) reaches them all.
TEST_CASE("producer: RoundRobinPartitioner skips half the partitions before the KAFKA-17632 fix, not after") {
    auto reached = [](KafkaVersion v) {
        auto o = base_options();
        o.client_version = v;
        o.partitions = 4;
        o.batch_size = 1;  // every record needs a new batch
        o.round_robin_class = true;
        Harness h(o);
        h.answer_metadata({1, 1, 1, 1});
        std::set<std::int32_t> used;
        for (int i = 0; i < 8; ++i) {
            h.send();
            for (const auto& s : h.sent) used.insert(s.tp.partition);
        }
        return used.size();
    };
    CHECK(reached({3, 9, 0}) == 2);
    CHECK(reached({4, 0, 0}) == 4);
    CHECK(reached({3, 9, 2}) == 4);  // the 3.9 backport
}

// RecordAccumulator before KIP-580 (3.6.0): a retry waits retry.backoff.ms.
TEST_CASE("producer: before 3.7 every retry waits retry.backoff.ms; from 3.7 the backoff grows (KIP-580)") {
    auto retry_waits = [](KafkaVersion v) {
        auto o = base_options();
        o.client_version = v;
        Harness h(o);
        h.answer_metadata({1});
        h.send();
        h.run_for(ms(5));
        std::vector<Duration> waits;
        for (std::size_t i = 0; i < 4; ++i) {
            REQUIRE(h.produces.size() == i + 1);
            const Instant failed = h.now;
            h.answer(i, Error::not_enough_replicas);
            const std::size_t before = h.produces.size();
            while (h.produces.size() == before) h.run_for(ms(1));
            waits.push_back(h.now - failed);
        }
        return waits;
    };
    for (Duration w : retry_waits({3, 6, 0})) CHECK(w == ms(100));
    const auto grown = retry_waits({3, 7, 0});
    CHECK(grown.back() > ms(300));  // 100 ms x 2^3 with 20 % jitter, capped at 1 s
}
