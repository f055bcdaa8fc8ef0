// Figures a newcomer reads in the default run mean what Kafka's operators
// would take them to mean (scenarios/default.json, its own seed): what the
// group never read is named by cause, so a healthy run does not read as loss.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>

#include "kafkasim/scenario.hpp"
#include "kafkasim/simulation.hpp"
#include "report/report.hpp"

namespace fs = std::filesystem;
using namespace ks;

namespace {

// A scenario file of the repository, run with its own seed.
RunResult run_file(const std::string& path) {
    const Scenario sc = scenario::load_file(fs::path(KS_SOURCE_DIR) / path).scenario;
    RunOptions o;
    o.seed = sc.seed;
    return run_simulation(sc, o);
}

RunResult run_lab(const std::string& name) {
    return run_file("scenarios/labs/" + name);
}

const RunResult& default_run() {
    static const RunResult r = run_file("scenarios/default.json");
    return r;
}

}  // namespace

// SubscriptionState.maybeSeekUnvalidated: with no committed offset,
// auto.offset.reset=latest (ConsumerConfig's default) starts at the log end,
// so what was written before the group's first assignment is passed over.
TEST_CASE("e2e default run: records before the first assignment are skipped by the initial reset, not lost") {
    const RunResult& r = default_run();
    REQUIRE(r.summary.groups.size() == 1);
    const GroupSummary& g = r.summary.groups[0];
    CHECK(g.skipped > 0);
    CHECK(g.skipped_initial_reset == g.skipped);
    CHECK(g.skipped_out_of_range_reset == 0);
    CHECK(g.deleted_unread == 0);
    CHECK(g.skipped_other == 0);  // no truncation removed anything the group read
    CHECK(r.summary.records.acked_lost == 0);
    // Each reset is in the timeline with the records it passed over, and they add up.
    std::int64_t passed_over = 0;
    for (const TimelineEntry& e : r.timeline) {
        if (const auto* reset = std::get_if<ConsumerOffsetReset>(&e.event)) {
            CHECK(reset->cause == ConsumerOffsetReset::Cause::no_committed_offset);
            CHECK_FALSE(reset->earliest);
            passed_over += reset->passed_over;
        }
    }
    CHECK(passed_over >= g.skipped_initial_reset);
}

// The default run's broker 1 dies at 30 s and is fenced after
// broker.session.timeout.ms (9 s, heartbeats every 2 s: 7-9 s after the
// crash). Until then the brokers' gauges read healthy (the survivors still
// list broker 1 in every ISR, and the controller still names it leader of its
// partitions), yet no acks=all write completes on any partition
// (Partition.checkEnoughReplicasReachOffset waits for every ISR member) and
// nothing can be read from the partitions it led.
TEST_CASE("e2e default run: the stall before broker 1 is fenced is write-unavailable, though no gauge shows it") {
    const RunSummary& s = default_run().summary;
    CHECK(s.offline_partition_s == 0.0);
    REQUIRE(s.partitions.size() == 6);
    int led_by_dead = 0;
    double write = 0, read = 0;
    for (const PartitionSummary& p : s.partitions) {
        INFO(p.topic << "-" << p.partition);
        CHECK(p.write_unavailable_s >= 6.0);  // every ISR held broker 1
        CHECK(p.write_unavailable_s <= 10.0);
        if (p.read_unavailable_s > 0) {
            ++led_by_dead;
            CHECK(p.read_unavailable_s >= 6.0);
            CHECK(p.read_unavailable_s <= p.write_unavailable_s);
        }
        write += p.write_unavailable_s;
        read += p.read_unavailable_s;
    }
    CHECK(led_by_dead == s.clean_elections);  // the partitions it led got new leaders
    CHECK(s.write_unavailable_partition_s == doctest::Approx(write));
    CHECK(s.read_unavailable_partition_s == doctest::Approx(read));
    REQUIRE(s.producers.size() == 1);
    CHECK(s.producers[0].write_unavailable_partition_s == doctest::Approx(write));
}

// A controlled shutdown (KafkaServer/BrokerServer controlledShutdown) moves
// leadership away and takes the broker out of the ISRs before it stops, so
// writes go on; killing the brokers one by one leaves each dead member in the
// ISRs and each dead leader in place until it is fenced. The brokers' gauge
// says the opposite (more under-replicated time when controlled, as each
// broker leaves the ISR earlier), which is why the clients' view is reported.
TEST_CASE("e2e rolling restarts: the controlled one is write-available, the uncontrolled one is not") {
    const RunSummary controlled = run_lab("rolling-restart-controlled.json").summary;
    const RunSummary uncontrolled = run_lab("rolling-restart-uncontrolled.json").summary;
    CHECK(controlled.write_unavailable_partition_s < 1.0);
    CHECK(controlled.read_unavailable_partition_s < 1.0);
    CHECK(uncontrolled.write_unavailable_partition_s > 20.0);
    CHECK(uncontrolled.read_unavailable_partition_s > 10.0);
    CHECK(controlled.under_replicated_partition_s > uncontrolled.under_replicated_partition_s);
}

// The timeline says why. KRaft's controller removes a fenced broker from
// every ISR (ReplicationControlManager.handleBrokerFenced); a leader shrinks
// its ISR through AlterPartition when a follower is out of sync longer than
// replica.lag.time.max.ms (Partition.maybeShrinkIsr). Warm-up rows are marked
// as such rather than printed at negative times.
TEST_CASE("e2e timeline: ISR changes say why, truncations count what was acknowledged, warm-up is marked") {
    const RunResult& r = default_run();
    int fenced = 0;
    for (const TimelineEntry& e : r.timeline) {
        if (const auto* pe = std::get_if<IsrChanged>(&e.event)) {
            fenced += pe->reason == IsrChanged::Reason::broker_fenced ? 1 : 0;
        }
    }
    CHECK(fenced == 6);  // broker 1 was in all six ISRs
    std::ostringstream text;
    report::print_timeline(text, r);
    CHECK(text.str().find("(the controller removed fenced broker 1)") != std::string::npos);
    CHECK(text.str().find("(warm-up) orders-0: leader") != std::string::npos);
    std::istringstream lines(text.str());
    for (std::string line; std::getline(lines, line);) CHECK_MESSAGE(line.rfind('-', 0) != 0, line);

    // acks=1: the old leader comes back and truncates what only it had; producers were told it was written.
    const RunResult acks1 = run_lab("acks1-leader-crash.json");
    std::int64_t cut_acked = 0;
    for (const TimelineEntry& e : acks1.timeline) {
        if (const auto* t = std::get_if<Truncated>(&e.event)) {
            REQUIRE(t->acknowledged.has_value());
            CHECK(*t->acknowledged <= t->from - t->to);
            cut_acked = std::max(cut_acked, *t->acknowledged);
        }
    }
    CHECK(cut_acked > 0);
    CHECK(acks1.summary.records.acked_lost > 0);
    CHECK(acks1.summary.records.acked_lost <= cut_acked);  // here every lost record was cut from the old leader
    const RunResult lagging = run_lab("isr-shrink-lagging-follower.json");
    bool shrink = false;
    for (const TimelineEntry& e : lagging.timeline) {
        if (const auto* ic = std::get_if<IsrChanged>(&e.event)) {
            if (ic->reason == IsrChanged::Reason::alter_partition && ic->isr.size() < ic->previous_isr.size()) {
                shrink = true;
                CHECK(ic->requested_by == ic->leader);
            }
        }
    }
    CHECK(shrink);
    std::ostringstream lagging_text;
    report::print_timeline(lagging_text, lagging);
    CHECK(lagging_text.str().find("out of sync longer than replica.lag.time.max.ms") != std::string::npos);
}

// UnifiedLog.deleteOldSegments moves the log start offset segment by
// segment; ConsumerCoordinator's rebalances revoke and reassign partitions.
TEST_CASE("e2e timeline: retention deletions on the leader and the partitions a rebalance moved") {
    const RunResult retention = run_lab("retention-deletes-unread.json");
    std::map<TopicPartition, Offset> start;
    int deletions = 0;
    for (const TimelineEntry& e : retention.timeline) {
        if (const auto* d = std::get_if<RetentionDeleted>(&e.event)) {
            ++deletions;
            CHECK(d->to > d->from);
            CHECK(d->segments >= 1);
            CHECK(d->by_time);               // retention.ms only in this lab
            CHECK(d->from >= start[d->tp]);  // the log start only moves forward
            start[d->tp] = d->to;
        }
    }
    CHECK(deletions > 10);
    for (const PartitionSummary& p : retention.summary.partitions) {
        // The last deletion the timeline tells is at or below the final log start.
        CHECK(start[TopicPartition{0, p.partition}] <= p.log_end_offset);
    }
    const RunResult coop = run_lab("consumer-rebalance-cooperative.json");
    int generations = 0, revoked = 0, assigned = 0;
    for (const TimelineEntry& e : coop.timeline) {
        const auto* g = std::get_if<GroupChanged>(&e.event);
        if (!g || g->kind != GroupChanged::Kind::rebalance_completed) continue;
        if (++generations == 1) CHECK(g->moved.empty());
        for (const GroupChanged::Move& m : g->moved) {
            revoked += m.to.empty() ? 1 : 0;
            assigned += m.from.empty() ? 1 : 0;
        }
    }
    // KIP-429: the first round revokes, the second assigns the same partitions.
    CHECK(revoked > 0);
    CHECK(revoked == assigned);
}

// GroupCoordinator.partitionFor + GroupMetadataManager.loadGroupsForPartition:
// the coordinator is the leader of the group's __consumer_offsets partition;
// when broker 1 (its leader in the default run) dies and is fenced, the next
// replica leads it and loads the group — the timeline says so, and again when
// broker 1 returns and leads it again.
TEST_CASE("e2e default run: the group's coordinator moves with its __consumer_offsets partition, in the timeline") {
    const RunResult& r = default_run();
    std::vector<std::pair<double, std::string>> moves;
    for (const TimelineEntry& e : r.timeline) {
        if (const auto* g = std::get_if<GroupChanged>(&e.event)) {
            if (g->kind == GroupChanged::Kind::coordinator_moved) moves.emplace_back(e.at.seconds_f(), g->detail);
        }
    }
    REQUIRE(moves.size() >= 2);
    // Broker 1 crashes at 30 s; the group moves once it is fenced, not before.
    CHECK(moves[0].first > 30.0);
    CHECK(moves[0].second.rfind("coordinator moved from broker 1 to broker 2", 0) == 0);
    // Broker 1 restarts at 60 s and leads the partition again.
    CHECK(moves[1].first > 60.0);
    CHECK(moves[1].second.rfind("coordinator moved from broker 2 to broker 1", 0) == 0);
}
