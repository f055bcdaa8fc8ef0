// The monitor's observers driven directly: events in, checks and figures out,
// on a hand-wired MiniCluster where they need a cluster to look at.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/assert.hpp"
#include "monitor/availability.hpp"
#include "monitor/groups.hpp"
#include "monitor/invariants.hpp"
#include "monitor/isr_properties.hpp"
#include "monitor/metrics.hpp"
#include "support/mini_view.hpp"

using namespace ks;
using namespace ks::monitor;
using ks::test::MiniCluster;
using ks::test::MiniView;

namespace {
const TopicPartition kTp{0, 0};

InvariantChecker checker() {
    return InvariantChecker({.seed = 7, .topic_names = {"orders"}});
}

// 10 records acknowledged by every replica: HW 10 everywhere.
void produce_ten(MiniCluster& c) {
    c.produce(1, Acks::all, 10);
    c.run_for(s(1));
    REQUIRE(c.replica(1)->high_watermark() == 10);
}
}  // namespace

TEST_CASE("invariants: one leader per partition and epoch (a second broker taking the same epoch is a bug)") {
    MiniCluster c({});
    MiniView view(c);
    auto inv = checker();
    inv.on_event(BecameLeader{BrokerId(1), kTp, 5, 0}, view);
    CHECK_NOTHROW(inv.on_event(BecameLeader{BrokerId(1), kTp, 5, 0}, view));  // the same broker again
    CHECK_NOTHROW(inv.on_event(BecameLeader{BrokerId(2), kTp, 6, 0}, view));  // a new epoch
    CHECK_THROWS_AS(inv.on_event(BecameLeader{BrokerId(2), kTp, 5, 0}, view), AssertionFailure);
}

TEST_CASE("invariants: LeaderInIsr and the HW rule hold through elections, read from the controller's state") {
    MiniCluster c({});
    MiniView view(c);
    auto inv = checker();
    produce_ten(c);
    CHECK_NOTHROW(inv.check(view));
    // Every controller change is checked against the controller's state.
    const auto& st = c.controller().partition(kTp);
    CHECK_NOTHROW(inv.on_event(LeaderElected{kTp, st.leader, st.leader_epoch, false, false, st.isr}, view));
    CHECK_NOTHROW(inv.on_event(IsrChanged{kTp, st.leader, 0, st.isr, st.isr}, view));
    c.crash(1);
    c.run_for(s(30));  // fenced, a new leader elected
    CHECK(c.leader() != 1);
    CHECK_NOTHROW(inv.check(view));
}

TEST_CASE("isr properties: StrongIsr and WeakIsr hold in a healthy cluster") {
    MiniCluster c({});
    MiniView view(c);
    produce_ten(c);
    IsrPropertyMeter meter;
    CHECK(meter.measure(view).empty());
    CHECK(meter.violated(IsrProperty::strong).empty());
    CHECK(meter.violated(IsrProperty::weak).empty());
}

TEST_CASE("isr properties: an ISR member that lost what the leader committed breaks both, reported once") {
    MiniCluster c({});
    MiniView view(c);
    produce_ten(c);
    c.produce(1, Acks::all, 5);  // a second batch, 10..14
    c.run_for(s(1));
    REQUIRE(c.replica(1)->high_watermark() == 15);
    // Broker 3's host loses power: its log keeps only the first batch, and it
    // is still in both ISRs until it is fenced.
    c.crash(3);
    c.storage(3).logs.at(kTp).truncate_to(10);
    REQUIRE(c.storage(3).logs.at(kTp).log_end_offset() == 10);
    IsrPropertyMeter meter;
    const auto breaks = meter.measure(view);
    REQUIRE(breaks.size() == 2);  // StrongIsr (controller's ISR), WeakIsr (the leader's own)
    for (const IsrPropertyBreak& b : breaks) {
        CHECK(b.tp == kTp);
        CHECK(b.leader == BrokerId(1));
        CHECK(b.member == BrokerId(3));
        CHECK(b.from == 10);
        CHECK(b.high_watermark == 15);
        CHECK(b.lacks);
        CHECK(b.member_down);
    }
    CHECK(meter.measure(view).empty());  // the same episode is not reported again
    CHECK(meter.violated(IsrProperty::strong).count(kTp) == 1);
    CHECK(meter.violated(IsrProperty::weak).count(kTp) == 1);
}

TEST_CASE("availability: offline and under-replicated time counts from the end of warm-up") {
    AvailabilityTracker a;
    a.add_partition(kTp, 3);
    const Instant t0 = Instant::zero() + s(10);
    a.on_event(Instant::zero() + s(5),
               LeaderElected{kTp, BrokerId(1), 0, false, false, {BrokerId(1), BrokerId(2), BrokerId(3)}});
    a.start(t0);
    a.on_event(Instant::zero() + s(12), PartitionOffline{kTp, 1, {BrokerId(1)}});
    CHECK(a.offline(kTp));
    a.on_event(Instant::zero() + s(15), LeaderElected{kTp, BrokerId(2), 2, true, false, {BrokerId(2)}});
    const auto t = a.totals(kTp, Instant::zero() + s(20));
    CHECK(t.offline == s(3));           // 12 s .. 15 s
    CHECK(t.under_replicated == s(8));  // offline 12..15, then an ISR of one 15..20
}

TEST_CASE("availability: a partition that never had a leader is offline from the end of warm-up") {
    AvailabilityTracker a;
    a.add_partition(kTp, 1);
    a.start(Instant::zero() + s(10));
    CHECK(a.totals(kTp, Instant::zero() + s(25)).offline == s(15));
}

TEST_CASE("groups: consumed ranges give reprocessed and skipped; lag is HW minus the committed offset") {
    MiniCluster c({});
    MiniView view(c);
    produce_ten(c);
    GroupTracker g({kTp});
    g.on_consumed(kafka::RecordsConsumedEffect{0, 0, kTp, 0, 4});
    g.on_consumed(kafka::RecordsConsumedEffect{0, 0, kTp, 2, 4});  // 2..5: 2 and 3 again
    g.on_consumed(kafka::RecordsConsumedEffect{0, 0, kTp, 8, 1});  // 6 and 7 jumped over
    CHECK(g.consumed() == 9);
    CHECK(g.reprocessed() == 2);
    CHECK(g.skipped([](TopicPartition) { return Offset{0}; }) == 2);
    CHECK(g.skipped([](TopicPartition) { return Offset{9}; }) == 2);  // below the log start: deleted unread
    CHECK(g.partition_lag(view, kTp) == std::nullopt);                // no commit yet: unknown, not 0
    g.on_committed(kTp, 4);
    CHECK(g.partition_lag(view, kTp) == 6);
    CHECK(g.lag(view).total == 6);
    g.on_committed(kTp, 10);
    CHECK(g.lag(view).total == 0);
    CHECK(g.max_lag() == 6);
}

// FetchCollector (OFFSET_OUT_OF_RANGE -> requestOffsetReset) and
// SubscriptionState.maybeSeekUnvalidated ("Resetting offset for partition"):
// each record out of the group's reach counts once, for its first cause.
TEST_CASE("groups: skipped records by cause - initial reset, out-of-range reset, deleted unread") {
    using Cause = kafka::OffsetResetEffect::Cause;
    GroupTracker g({kTp});
    auto reset = [](Cause cause, Offset from, Offset to) {
        return kafka::OffsetResetEffect{.group = 0,
                                        .member = 0,
                                        .tp = kTp,
                                        .cause = cause,
                                        .strategy = OffsetReset::latest,
                                        .from = from,
                                        .to = to};
    };
    // auto.offset.reset=latest with no commit while the log holds 0..99: 100 passed over.
    CHECK(g.on_reset(reset(Cause::no_committed_offset, kafka::kUndefinedOffset, 100), 0) == 100);
    g.on_consumed(kafka::RecordsConsumedEffect{0, 0, kTp, 100, 50});  // reads 100..149
    // Retention moved the log start to 180; the fetch at 150 is out of range
    // and latest jumps to 250: 150..179 deleted unread, 180..249 passed over.
    CHECK(g.on_reset(reset(Cause::out_of_range, 150, 250), 180) == 70);
    g.on_consumed(kafka::RecordsConsumedEffect{0, 0, kTp, 250, 10});
    // A second member's initial reset over what is already counted adds nothing new.
    CHECK(g.on_reset(reset(Cause::no_committed_offset, kafka::kUndefinedOffset, 120), 0) == 120);
    const auto by = g.skipped_by_cause([](TopicPartition) { return Offset{200}; });
    CHECK(by.initial_reset == 100);
    CHECK(by.out_of_range_reset == 70);
    CHECK(by.deleted_unread == 30);
    CHECK(by.other == 0);
    CHECK(by.total() == g.skipped([](TopicPartition) { return Offset{200}; }));
    // An out-of-range position past the log end (after a truncation) resets back: nothing passed over.
    CHECK(g.on_reset(reset(Cause::out_of_range, 300, 280), 200) == 0);
}

// SubscriptionState.maybeCompleteValidation (KIP-320): a member that read
// 0..149 learns the new leader's log diverges from 120 and reads on from
// there. What it read at 120..149 is gone from the log; the records it now
// reads at those offsets are new, not repeats.
TEST_CASE("groups: a truncation detected by validation forgets what was read above the divergence point") {
    GroupTracker g({kTp});
    g.on_consumed(kafka::RecordsConsumedEffect{0, 0, kTp, 0, 150});
    const kafka::OffsetResetEffect t{.group = 0,
                                     .member = 0,
                                     .tp = kTp,
                                     .cause = kafka::OffsetResetEffect::Cause::log_truncation,
                                     .strategy = OffsetReset::latest,
                                     .from = 150,
                                     .to = 120};
    CHECK(g.on_truncation(t) == 30);
    g.on_consumed(kafka::RecordsConsumedEffect{0, 0, kTp, 120, 40});  // the new leader's 120..159
    CHECK(g.consumed() == 190);
    CHECK(g.reprocessed() == 0);
    const auto by = g.skipped_by_cause([](TopicPartition) { return Offset{0}; });
    CHECK(by.total() == 0);
}

namespace {
// A view of `base` in which some one-way paths carry nothing.
class CutView final : public ClusterView {
  public:
    explicit CutView(const ClusterView& base) : base_(base) {}
    const kafka::Controller& controller() const override { return base_.controller(); }
    const kafka::Broker* broker(BrokerId b) const override { return base_.broker(b); }
    const kafka::BrokerStorage& storage(BrokerId b) const override { return base_.storage(b); }
    const std::vector<BrokerId>& brokers() const override { return base_.brokers(); }
    bool reachable(NodeId from, NodeId to) const override {
        return std::find(cut.begin(), cut.end(), std::pair{from, to}) == cut.end();
    }
    std::vector<std::pair<NodeId, NodeId>> cut;

  private:
    const ClusterView& base_;
};
}  // namespace

// Partition.checkEnoughReplicasReachOffset: an acks=all write completes once
// every member of the leader's ISR has it (and the ISR is at least
// min.insync.replicas, else NOT_ENOUGH_REPLICAS); acks=1 once the leader has it.
TEST_CASE(
    "client access: a dead ISR member stalls acks=all writes until it leaves the ISR; reads need a reachable leader") {
    MiniCluster c({});
    MiniView view(c);
    produce_ten(c);
    const NodeId client(kafka::kFirstProducerNode);
    const ClientAccess all_ok{.read = true, .write_acks_one = true, .write_acks_all = true};
    CHECK(client_access(view, kTp, 2, client) == all_ok);
    c.crash(2);  // a follower: still in the ISR until the controller fences broker 2
    REQUIRE(c.controller().partition(kTp).isr.size() == 3);
    CHECK(client_access(view, kTp, 2, client) == ClientAccess{.read = true, .write_acks_one = true});
    c.run_for(s(30));  // fenced (broker.session.timeout.ms), out of the ISR
    REQUIRE(c.controller().partition(kTp).isr.size() == 2);
    CHECK(client_access(view, kTp, 2, client) == all_ok);
    CHECK(client_access(view, kTp, 3, client) == ClientAccess{.read = true, .write_acks_one = true});  // under min ISR
    CutView cut(view);
    cut.cut = {{kafka::broker_node(BrokerId(3)), kafka::broker_node(BrokerId(1))}};  // the follower cannot fetch
    CHECK(client_access(cut, kTp, 2, client) == ClientAccess{.read = true, .write_acks_one = true});
    cut.cut = {{client, kafka::broker_node(BrokerId(1))}};  // the clients cannot reach the leader
    CHECK(client_access(cut, kTp, 2, client) == ClientAccess{});
    CHECK(client_access(cut, kTp, 2, std::nullopt) == all_ok);  // without a client to stand for them
}

TEST_CASE("client availability: partition-seconds per kind of access, from start to stop") {
    ClientAvailability a;
    a.add_partition(kTp);
    const Instant t0 = Instant::zero() + s(10);
    a.update(kTp, Instant::zero() + s(5), {.read = true, .write_acks_one = true, .write_acks_all = true});
    a.start(t0);  // what happened before does not count
    a.stop(t0 + s(60));
    a.update(kTp, t0 + s(20), {.read = true, .write_acks_one = true});
    a.update(kTp, t0 + s(27), {.read = true, .write_acks_one = true, .write_acks_all = true});
    a.update(kTp, t0 + s(50), {});  // until the stop: 10 s
    const auto t = a.totals(kTp, t0 + s(90));
    CHECK(t.write_unavailable_acks_all == s(17));
    CHECK(t.write_unavailable_acks_one == s(10));
    CHECK(t.read_unavailable == s(10));
}

TEST_CASE("metrics: one value per column, with Kafka's metric names") {
    MiniCluster c({});
    MiniView view(c);
    produce_ten(c);
    MetricsLayout layout;
    layout.topic_names = {"orders"};
    layout.min_insync_replicas = {2};
    layout.acks_all = {true};
    layout.partitions = {kTp};
    layout.producers = {"p"};
    layout.groups = {{"g", {kTp}}};
    layout.brokers = {BrokerId(1), BrokerId(2), BrokerId(3)};
    MetricsSampler sampler(layout);
    const auto& cols = sampler.columns();
    auto col = [&](const std::string& name) {
        const auto it = std::find(cols.begin(), cols.end(), name);
        REQUIRE(it != cols.end());
        return static_cast<std::size_t>(it - cols.begin());
    };
    std::vector<GroupTracker> groups{GroupTracker({kTp})};
    groups[0].on_committed(kTp, 3);
    Ledger::IntervalLatency latency{std::numeric_limits<double>::quiet_NaN(), {}};
    kafka::ProducerStats stats;
    stats.sent = 12;
    MetricsSampler::Inputs in;
    in.now = c.loop().now();
    in.t0 = Instant::zero();
    in.view = &view;
    in.producers = {&stats};
    in.latency = &latency;
    in.groups = &groups;
    ClientAvailability access;
    access.add_partition(kTp);
    access.update(kTp, in.now, client_access(view, kTp, 2, std::nullopt));
    in.access = &access;
    const auto row = sampler.row(in);
    REQUIRE(row.size() == cols.size());
    CHECK(row[col("OfflinePartitionsCount")] == 0);
    CHECK(row[col("UnderReplicatedPartitions")] == 0);
    CHECK(row[col("ActiveBrokers")] == 3);
    CHECK(row[col("WriteUnavailablePartitions")] == 0);
    CHECK(row[col("ReadUnavailablePartitions")] == 0);
    CHECK(row[col("p.sent")] == 12);
    CHECK(std::isnan(row[col("p.latency_p99_ms")]));
    CHECK(row[col("orders-0.leader")] == 1);
    CHECK(row[col("orders-0.high_watermark")] == 10);
    CHECK(row[col("g.lag")] == 7);
    CHECK(row[col("g.orders-0.lag")] == 7);
    CHECK(row[col("LeaderCount.broker1")] == 1);
    CHECK(row[col("IsrShrinksPerSec")] == 0);  // the first row has no interval
}
