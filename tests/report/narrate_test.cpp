// The timeline told in words: one sentence per typed event.
#include <doctest/doctest.h>

#include "kafkasim/scenario.hpp"
#include "report/narrate.hpp"

using namespace ks;
using ks::report::narrate;

namespace {
const char* kScenario = R"({
  "name": "words", "duration_s": 60,
  "cluster": {"brokers": 3, "racks": ["a", "b", "c"]},
  "topics": [{"name": "orders", "partitions": 2, "replication_factor": 3}],
  "producers": [{"name": "checkout", "topic": "orders", "rate_per_s": 100}],
  "consumer_groups": [{"group_id": "billing", "topics": ["orders"], "members": 2,
                       "config": {"group.instance.id": "host"}}],
  "faults": [{"at_s": 5, "action": "power_loss", "rack": "a"},
             {"at_s": 10, "action": "producer_rate", "producer": "checkout", "rate_per_s": 500, "for_s": 5},
             {"at_s": 20, "action": "rolling_upgrade", "set": {"inter.broker.protocol.version": "3.9"}},
             {"at_s": 30, "action": "consumer_join", "group": "billing"}]
})";

Scenario words() {
    return scenario::load_string(kScenario, "words.json").scenario;
}
}  // namespace

TEST_CASE("narrate: protocol events name the partition, the brokers and the epoch") {
    const Scenario s = words();
    CHECK(narrate(LeaderElected{{0, 1}, BrokerId(2), 4, false, true, {BrokerId(2), BrokerId(3)}}, s) ==
          "orders-1: preferred leader 2 elected (epoch 4), ISR [2,3]");
    // Partition.maybeShrinkIsr / maybeExpandIsr through AlterPartition, or the controller.
    CHECK(narrate(IsrChanged{{0, 0}, BrokerId(1), 7, {BrokerId(1)}, {BrokerId(1), BrokerId(2)}}, s) ==
          "orders-0 ISR [1,2] -> [1] (broker 2 out of sync longer than replica.lag.time.max.ms)");
    CHECK(narrate(IsrChanged{.tp = {0, 0},
                             .leader = BrokerId(1),
                             .partition_epoch = 8,
                             .isr = {BrokerId(1), BrokerId(2)},
                             .previous_isr = {BrokerId(1)},
                             .reason = IsrChanged::Reason::alter_partition,
                             .requested_by = BrokerId(1)},
                  s) == "orders-0 ISR [1] -> [1,2] (leader 1: broker 2 caught up with the high watermark)");
    CHECK(narrate(IsrChanged{.tp = {0, 0},
                             .leader = BrokerId(1),
                             .partition_epoch = 9,
                             .isr = {BrokerId(1)},
                             .previous_isr = {BrokerId(1), BrokerId(2), BrokerId(3)},
                             .reason = IsrChanged::Reason::controlled_shutdown},
                  s) == "orders-0 ISR [1,2,3] -> [1] (the controller removed brokers 2 and 3, in controlled shutdown)");
    CHECK(narrate(Truncated{BrokerId(3), {0, 0}, 2819, 2818}, s) ==
          "broker 3 truncated orders-0 from offset 2819 to 2818: 1 record cut");
    CHECK(narrate(Truncated{.broker = BrokerId(3), .tp = {0, 0}, .from = 2819, .to = 2818, .acknowledged = 1}, s) ==
          "broker 3 truncated orders-0 from offset 2819 to 2818: 1 record cut, 1 of them ACKNOWLEDGED to producers");
    CHECK(narrate(BrokerFenced{BrokerId(2), BrokerFenced::Reason::new_incarnation}, s) ==
          "controller fenced broker 2 (a new incarnation registered)");
    CHECK(narrate(BrokerFenced{BrokerId(2), BrokerFenced::Reason::session_closed}, s) ==
          "controller fenced broker 2 (its ZooKeeper session closed: a clean stop)");
}

TEST_CASE("narrate: faults are told from the schedule, each broker of a rack's power loss on its own") {
    const Scenario s = words();
    CHECK(narrate(FaultStarted{.fault = 0, .broker = BrokerId(1)}, s) == "broker 1 lost power (rack a)");
    CHECK(narrate(FaultStarted{.fault = 1}, s) == "producer checkout rate -> 500/s");
    CHECK(narrate(FaultEnded{1}, s) == "producer checkout rate back to 100/s");
    CHECK(narrate(RollingStep{2, RollingStep::Step::back, BrokerId(3)}, s) == "broker 3 back with the new config");
    CHECK(narrate(RollingStep{2, RollingStep::Step::done, BrokerId()}, s) == "rolling operation done");
    CHECK(narrate(FaultStarted{.fault = 3, .member = 2, .instance_id = "host-2"}, s) ==
          "consumer billing-2 started (joins the group as group.instance.id host-2)");
}

TEST_CASE("narrate: run phases, group changes and ISR property breaks") {
    const Scenario s = words();
    CHECK(narrate(SettleEnded{true, ms(2500)}, s) == "settled after 2.5 s");
    CHECK(narrate(SettleEnded{false, s.settle_max}, s) == "did NOT settle within 300 s");
    GroupChanged g{"billing", GroupChanged::Kind::rebalance_completed, 3, 2, "range", {}};
    g.assignment = {{"m1", {{0, 0}}}, {"m2", {{0, 1}}}};
    CHECK(narrate(g, s) ==
          "group billing: generation 3 (range, 2 members): m1=[orders-0] m2=[orders-1]; no partition changed owner");
    g.moved = {{{0, 1}, "m1", "m2"}, {{0, 2}, "m1", ""}};
    CHECK(narrate(g, s) ==
          "group billing: generation 3 (range, 2 members): m1=[orders-0] m2=[orders-1]; moved: "
          "orders-1 m1 -> m2, orders-2 m1 -> (none)");
    CHECK(narrate(IsrPropertyBroken{true, {0, 1}, BrokerId(1), BrokerId(2), 5498, 22135, true, true}, s) ==
          "orders-1: WeakIsr broken: broker 2 in the leader's own ISR lacks leader 1's records from offset 5498 "
          "(HW 22135); it is down: its log on disk");
}

// SubscriptionState.maybeCompleteValidation (KIP-320), in the Java client's
// words: a seek to the divergence point, or LogTruncationException without a
// reset policy.
TEST_CASE("narrate: a truncation a consumer detected after a leader change") {
    const Scenario s = words();
    ConsumerOffsetReset t{.group_id = "billing",
                          .member = 0,
                          .tp = {0, 1},
                          .cause = ConsumerOffsetReset::Cause::log_truncation,
                          .from = 7088,
                          .to = 1754,
                          .read_then_truncated = 5334};
    CHECK(narrate(t, s) ==
          "group billing member 0: orders-1 truncation detected at offset 7088, resetting offset to the first offset "
          "known to diverge 1754 (5334 records it had read are no longer in the log)");
    t.stopped = true;
    t.read_then_truncated = 0;
    CHECK(narrate(t, s) ==
          "group billing member 0: orders-1 truncation detected at offset 7088 (the log diverges from 1754), but "
          "auto.offset.reset=none: LogTruncationException, the partition is no longer fetched");
}
