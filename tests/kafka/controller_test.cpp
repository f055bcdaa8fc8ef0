// Controller rules, message by message. Sources: metadata/.../controller/
// {ReplicationControlManager,PartitionChangeBuilder,BrokerHeartbeatManager}.java,
// KIP-966 (ELR), kafka.controller.KafkaController (ZooKeeper era).
#include <doctest/doctest.h>

#include "kafka/controller.hpp"

using namespace ks;
using namespace ks::kafka;

namespace {

BrokerId B(int i) {
    return BrokerId(i);
}
const TopicPartition kTp{0, 0};

struct Harness {
    Controller c;
    Outbox out;
    std::map<int, std::int64_t> epochs;

    explicit Harness(ControllerConfig cfg = {}, TopicSettings topic = {}, std::vector<int> replicas = {1, 2, 3})
        : c(cfg, {topic}) {
        std::vector<BrokerId> r;
        for (int i : replicas) r.push_back(B(i));
        c.add_partition(kTp, r);
        c.start(at(s(0)), out);
        for (int i : replicas) join(i, at(s(0)));
        c.create_partitions(at(s(0)), out);
        out.clear();
    }
    void join(int b, Instant now, bool clean = true) {
        c.on_message(now, broker_node(B(b)), BrokerRegistration{B(b), clean}, out);
        for (auto& [to, reply] : out.sent<BrokerRegistrationReply>()) {
            if (to == broker_node(B(b))) epochs[b] = reply.broker_epoch;
        }
        heartbeat(b, now);
    }
    void heartbeat(int b, Instant now, bool shutdown = false) {
        c.on_message(now, broker_node(B(b)), BrokerHeartbeat{B(b), epochs[b], shutdown}, out);
    }
    // Heartbeats from `alive` every 2 s until `until`, with liveness checks.
    void run(std::vector<int> alive, Instant from, Instant until) {
        for (Instant t = from; t <= until; t += ms(1000)) {
            if ((t.ns() / 1000000) % 2000 == 0) {
                for (int b : alive) heartbeat(b, t);
            }
            c.on_timer(t, Controller::kLivenessTimer, out);
        }
    }
    const PartitionState& p() const { return c.partition(kTp); }
};

}  // namespace

TEST_CASE("controller: topic creation makes the first replica leader at epoch 0 with every replica in sync") {
    Harness h;
    CHECK(h.p().leader == B(1));
    CHECK(h.p().leader_epoch == 0);
    CHECK(h.p().isr == std::vector<BrokerId>{B(1), B(2), B(3)});
    CHECK(h.c.counters().clean_elections == 0);
}

TEST_CASE(
    "controller: a broker silent for broker.session.timeout.ms is fenced and its leaderships move to the next ISR "
    "replica") {
    Harness h;
    h.run({2, 3}, at(s(1)), at(s(8)));
    CHECK(h.p().leader == B(1));  // 8 s without heartbeat: still within 9 s
    h.run({2, 3}, at(s(9)), at(s(10)));
    CHECK(h.p().leader == B(2));
    CHECK(h.p().leader_epoch == 1);
    CHECK(h.p().isr == std::vector<BrokerId>{B(2), B(3)});
    CHECK(h.c.counters().clean_elections == 1);
    CHECK_FALSE(h.c.is_live(B(1)));
    h.c.check_invariants();
}

TEST_CASE("controller: ZooKeeper mode waits zookeeper.session.timeout.ms before acting") {
    ControllerConfig cfg;
    cfg.zookeeper = true;
    cfg.session_timeout = ms(18000);
    Harness h(cfg);
    h.run({2, 3}, at(s(1)), at(s(15)));
    CHECK(h.p().leader == B(1));
    h.run({2, 3}, at(s(16)), at(s(20)));
    CHECK(h.p().leader == B(2));
}

TEST_CASE(
    "controller: ZooKeeper refuses a restarted broker while its old session lives (registerBrokerInZk: NodeExists); "
    "after the expiry it registers, out of the ISR") {
    ControllerConfig cfg;
    cfg.zookeeper = true;
    cfg.session_timeout = ms(6000);
    Harness h(cfg);
    h.run({1, 2, 3}, at(s(1)), at(s(2)));  // broker 3's last heartbeat at 2 s, then it is killed
    h.out.clear();
    h.c.on_message(at(s(3)), broker_node(B(3)), BrokerRegistration{B(3), false}, h.out);
    CHECK(h.out.sent<BrokerRegistrationReply>().empty());  // no answer: not registered
    bool refused_noted = false;
    for (const auto& n : h.out.events<RegistrationRefused>()) refused_noted |= n.broker == BrokerId(3);
    CHECK(refused_noted);
    CHECK(h.p().isr == std::vector<BrokerId>{B(1), B(2), B(3)});  // the old incarnation still counts
    h.run({1, 2}, at(s(3)), at(s(9)));                            // the session expires: onBrokerFailure
    CHECK(h.p().isr == std::vector<BrokerId>{B(1), B(2)});
    h.join(3, at(s(10)));  // the next attempt registers a new broker
    CHECK(h.c.is_live(B(3)));
    CHECK(h.p().isr == std::vector<BrokerId>{B(1), B(2)});  // back in only through the leader's expand
    h.c.check_invariants();
}

TEST_CASE("controller: the last ISR member is never removed; the partition goes offline and returns cleanly with it") {
    Harness h;
    h.run({1}, at(s(1)), at(s(12)));  // 2 and 3 die: ISR shrinks to [1]
    CHECK(h.p().isr == std::vector<BrokerId>{B(1)});
    h.run({}, at(s(13)), at(s(30)));  // 1 dies too
    CHECK(h.p().leader == BrokerId(-1));
    CHECK(h.p().isr == std::vector<BrokerId>{B(1)});
    CHECK(h.c.offline_partition_count() == 1);
    h.join(2, at(s(31)));  // 2 returns: not in the ISR, unclean election disabled
    CHECK(h.p().leader == BrokerId(-1));
    h.join(1, at(s(32)));
    CHECK(h.p().leader == B(1));
    CHECK(h.c.counters().unclean_elections == 0);
}

TEST_CASE(
    "controller: with unclean.leader.election.enable the first live out-of-sync replica leads and becomes the ISR") {
    TopicSettings t;
    t.unclean_leader_election = true;
    Harness h({}, t);
    h.run({1}, at(s(1)), at(s(12)));
    h.run({}, at(s(13)), at(s(30)));
    CHECK(h.p().leader == BrokerId(-1));
    h.join(3, at(s(31)));
    CHECK(h.p().leader == B(3));
    CHECK(h.p().isr == std::vector<BrokerId>{B(3)});
    CHECK(h.c.counters().unclean_elections == 1);
}

TEST_CASE("controller: AlterPartition with the current partition epoch commits; a stale one is rejected") {
    Harness h;
    const std::int32_t first = h.p().partition_epoch;
    AlterPartitionRequest r{B(1), h.epochs[1], kTp, 0, first, {B(1), B(2)}};
    h.c.on_message(at(s(1)), broker_node(B(1)), r, h.out);
    auto resp = h.out.sent<AlterPartitionResponse>();
    REQUIRE(resp.size() == 1);
    CHECK(resp[0].second.error == Error::none);
    CHECK(h.p().isr == std::vector<BrokerId>{B(1), B(2)});
    CHECK(h.c.counters().isr_shrinks == 1);
    CHECK(h.p().leader_epoch == 0);  // an ISR change keeps the leader epoch
    h.out.clear();
    r.new_isr = {B(1)};  // proposed against the epoch before that change
    h.c.on_message(at(s(1)), broker_node(B(1)), r, h.out);
    resp = h.out.sent<AlterPartitionResponse>();
    REQUIRE(resp.size() == 1);
    CHECK(resp[0].second.error == Error::invalid_update_version);
    CHECK(h.p().isr == std::vector<BrokerId>{B(1), B(2)});
}

// ReplicationControlManager.validateAlterPartitionData (KRaft) and
// KafkaController.processAlterPartition (ZooKeeper era), check by check.
TEST_CASE("controller: AlterPartition errors come in the controller's own order (validateAlterPartitionData)") {
    for (const bool zookeeper : {false, true}) {
        CAPTURE(zookeeper);
        ControllerConfig cfg;
        cfg.zookeeper = zookeeper;
        Harness h(cfg);
        const std::int32_t pe = h.p().partition_epoch;
        const auto answer = [&](AlterPartitionRequest r) {
            h.out.clear();
            h.c.on_message(at(s(1)), broker_node(r.leader), r, h.out);
            auto resp = h.out.sent<AlterPartitionResponse>();
            REQUIRE(resp.size() == 1);
            return resp[0].second.error;
        };
        // Response-level: a stale broker epoch refuses the whole request.
        CHECK(answer({B(1), h.epochs[1] + 7, kTp, 0, pe, {B(1), B(2)}}) == Error::stale_broker_epoch);
        // Epochs ahead of the controller's: "likely no longer the active controller".
        CHECK(answer({B(1), h.epochs[1], kTp, 1, pe, {B(1), B(2)}}) == Error::not_controller);
        CHECK(answer({B(1), h.epochs[1], kTp, 0, pe + 1, {B(1), B(2)}}) == Error::not_controller);
        if (!zookeeper) {
            // Only the leader may ask (the ZooKeeper controller does not look:
            // there only the leader ever sends one).
            CHECK(answer({B(2), h.epochs[2], kTp, 0, pe, {B(1), B(2)}}) == Error::invalid_request);
        }
        // An ISR with a broker outside the replicas, or without the leader.
        CHECK(answer({B(1), h.epochs[1], kTp, 0, pe, {B(1), B(4)}}) == Error::invalid_request);
        CHECK(answer({B(1), h.epochs[1], kTp, 0, pe, {B(2), B(3)}}) == Error::invalid_request);
        CHECK(h.p().isr == std::vector<BrokerId>{B(1), B(2), B(3)});
    }
}

// KafkaController.processAlterPartition: a request for the state the
// controller already holds succeeds even with a stale partition epoch
// (equalsAllowStalePartitionEpoch, "to maintain idempotency"); KRaft refuses it.
TEST_CASE("controller: ZooKeeper answers a retried AlterPartition that already applied with success; KRaft does not") {
    for (const bool zookeeper : {false, true}) {
        CAPTURE(zookeeper);
        ControllerConfig cfg;
        cfg.zookeeper = zookeeper;
        Harness h(cfg);
        AlterPartitionRequest r{B(1), h.epochs[1], kTp, 0, h.p().partition_epoch, {B(1), B(2)}};
        h.c.on_message(at(s(1)), broker_node(B(1)), r, h.out);
        h.out.clear();
        h.c.on_message(at(s(2)), broker_node(B(1)), r, h.out);  // the same request again
        auto resp = h.out.sent<AlterPartitionResponse>();
        REQUIRE(resp.size() == 1);
        CHECK(resp[0].second.error == (zookeeper ? Error::none : Error::invalid_update_version));
        CHECK(h.c.counters().isr_shrinks == 1);
    }
}

TEST_CASE("controller: AlterPartition adding a fenced broker is refused with INELIGIBLE_REPLICA") {
    Harness h({}, {}, {1, 2, 3});
    h.run({1, 3}, at(s(1)), at(s(12)));  // 2 fenced and out of the ISR
    REQUIRE(h.p().isr == std::vector<BrokerId>{B(1), B(3)});
    h.out.clear();
    AlterPartitionRequest r{B(1), h.epochs[1], kTp, 0, h.p().partition_epoch, {B(1), B(3), B(2)}};
    h.c.on_message(at(s(13)), broker_node(B(1)), r, h.out);
    CHECK(h.out.sent<AlterPartitionResponse>()[0].second.error == Error::ineligible_replica);
}

TEST_CASE("controller: controlled shutdown moves leadership away, leaves the ISR, then allows the stop") {
    Harness h;
    h.heartbeat(1, at(s(1)), true);
    CHECK(h.p().leader == B(2));
    CHECK(h.p().isr == std::vector<BrokerId>{B(2), B(3)});
    auto replies = h.out.sent<BrokerHeartbeatReply>();
    REQUIRE_FALSE(replies.empty());
    CHECK(replies.back().second.shutdown_ok);
    CHECK(h.c.counters().clean_elections == 1);
}

TEST_CASE("controller: preferred leader election returns leadership to the first replica once it is back in the ISR") {
    Harness h;
    h.run({2, 3}, at(s(1)), at(s(12)));
    REQUIRE(h.p().leader == B(2));
    h.join(1, at(s(13)));
    AlterPartitionRequest r{B(2), h.epochs[2], kTp, 1, h.p().partition_epoch, {B(2), B(3), B(1)}};
    h.c.on_message(at(s(14)), broker_node(B(2)), r, h.out);
    REQUIRE(h.p().isr.size() == 3);
    h.c.on_timer(at(s(300)), Controller::kRebalanceTimer, h.out);
    CHECK(h.p().leader == B(1));
    CHECK(h.c.counters().preferred_elections == 1);
}

TEST_CASE("controller: KIP-966 — members leaving an ISR below min ISR become eligible and can lead cleanly") {
    ControllerConfig cfg;
    cfg.eligible_leader_replicas = true;
    TopicSettings t;
    t.min_insync_replicas = 2;
    Harness h(cfg, t);
    h.run({1, 2}, at(s(1)), at(s(12)));  // 3 leaves: ISR [1,2] still at min ISR, no ELR
    CHECK(h.p().elr.empty());
    h.run({1}, at(s(13)), at(s(24)));  // 2 leaves: ISR [1] below min ISR -> ELR [2]
    CHECK(h.p().isr == std::vector<BrokerId>{B(1)});
    CHECK(h.p().elr == std::vector<BrokerId>{B(2)});
    h.run({}, at(s(25)), at(s(36)));  // 1 leaves too: ISR may become empty with ELR on
    CHECK(h.p().leader == BrokerId(-1));
    CHECK(h.p().isr.empty());
    h.join(2, at(s(37)));  // an ELR member returns after a clean shutdown: elected cleanly
    CHECK(h.p().leader == B(2));
    CHECK(h.c.counters().unclean_elections == 0);
}

TEST_CASE("controller: KIP-966 — a broker back from an unclean shutdown is dropped from the ELR") {
    ControllerConfig cfg;
    cfg.eligible_leader_replicas = true;
    TopicSettings t;
    t.min_insync_replicas = 2;
    Harness h(cfg, t);
    h.run({1, 2}, at(s(1)), at(s(12)));
    h.run({1}, at(s(13)), at(s(24)));
    h.run({}, at(s(25)), at(s(36)));
    REQUIRE(h.p().elr == std::vector<BrokerId>{B(2), B(1)});
    h.join(2, at(s(37)), /*clean=*/false);
    CHECK(h.p().leader == BrokerId(-1));
    CHECK(h.p().elr == std::vector<BrokerId>{B(1)});
}

// PartitionChangeBuilder.maybePopulateTargetElr runs on every partition
// change, the leader's AlterPartition shrink included: the followers it drops
// below min ISR become eligible, so the leader's death does not leave the
// partition offline.
TEST_CASE(
    "controller: KIP-966 — a leader's ISR shrink below min ISR fills the ELR; after the leader dies an ELR member "
    "leads") {
    ControllerConfig cfg;
    cfg.eligible_leader_replicas = true;
    TopicSettings t;
    t.min_insync_replicas = 2;
    Harness h(cfg, t);
    const AlterPartitionRequest shrink{B(1), h.epochs[1], kTp, h.p().leader_epoch, h.p().partition_epoch, {B(1)}};
    h.c.on_message(at(s(1)), broker_node(B(1)), shrink, h.out);
    REQUIRE(h.p().isr == std::vector<BrokerId>{B(1)});
    CHECK(h.p().elr == std::vector<BrokerId>{B(2), B(3)});
    h.run({2, 3}, at(s(2)), at(s(14)));  // broker 1 stops heartbeating: fenced
    CHECK(h.p().leader == B(2));
    CHECK(h.p().isr == std::vector<BrokerId>{B(2)});
    CHECK(h.c.counters().clean_elections == 1);
    CHECK(h.c.counters().unclean_elections == 0);
    // Back at min ISR: no ELR.
    const AlterPartitionRequest expand{B(2), h.epochs[2], kTp, h.p().leader_epoch, h.p().partition_epoch, {B(2), B(3)}};
    h.c.on_message(at(s(15)), broker_node(B(2)), expand, h.out);
    CHECK(h.p().isr == std::vector<BrokerId>{B(2), B(3)});
    CHECK(h.p().elr.empty());
}

// maybeUpdateLastKnownLeader records the leader when the ISR first becomes
// empty; canElectLastKnownLeader elects it, uncleanly, once no ISR or ELR
// member is left and it is unfenced (Kafka 4.x docs: "Select the last known
// leader if it is unfenced"; KAFKA-19522).
TEST_CASE("controller: KIP-966 — with no ISR or ELR member left, the last known leader is elected uncleanly") {
    ControllerConfig cfg;
    cfg.eligible_leader_replicas = true;
    TopicSettings t;
    t.min_insync_replicas = 2;
    Harness h(cfg, t, {1, 2});
    h.run({1}, at(s(1)), at(s(12)));  // 2 leaves: ISR [1], ELR [2]
    h.run({}, at(s(13)), at(s(24)));  // 1 leaves: ISR empty, ELR [2, 1], last known leader 1
    REQUIRE(h.p().isr.empty());
    CHECK(h.p().last_known_elr == std::vector<BrokerId>{B(1)});
    h.join(2, at(s(25)), /*clean=*/false);  // both lost power: neither is eligible any more
    CHECK(h.p().leader == BrokerId(-1));
    h.join(1, at(s(26)), /*clean=*/false);
    CHECK(h.p().leader == B(1));
    CHECK(h.p().isr == std::vector<BrokerId>{B(1)});
    CHECK(h.p().elr.empty());
    CHECK(h.p().last_known_elr.empty());
    CHECK(h.c.counters().unclean_elections == 1);
}

namespace {
// When the controller last asked for its balance timer, or nullopt.
std::optional<Instant> balance_timer(const Outbox& out) {
    std::optional<Instant> when;
    for (const SetTimerEffect& t : out.all<SetTimerEffect>()) {
        if (t.key == Controller::kRebalanceTimer) when = t.when;
    }
    return when;
}
}  // namespace

// QuorumController.maybeScheduleNextBalancePartitionLeaders: after a write
// event that leaves a partition without its preferred leader, a balance is
// scheduled leader.imbalance.check.interval.seconds later — counted from the
// imbalance, not on a grid from the controller's start.
TEST_CASE("controller: KRaft schedules the preferred-leader balance an interval after an imbalance appears") {
    Harness h;
    CHECK_FALSE(balance_timer(h.out));  // balanced: nothing scheduled
    h.run({1, 2, 3}, at(s(1)), at(s(100)));
    CHECK_FALSE(balance_timer(h.out));
    h.run({2, 3}, at(s(101)), at(s(112)));  // broker 1 fenced at ~109 s: broker 2 leads
    REQUIRE(h.p().leader == B(2));
    const auto when = balance_timer(h.out);
    REQUIRE(when);
    CHECK(*when >= at(s(108) + s(300)));
    CHECK(*when <= at(s(112) + s(300)));
    // Scheduled once: later writes do not move it.
    h.out.clear();
    h.join(1, at(s(113)));
    AlterPartitionRequest r{B(2), h.epochs[2], kTp, h.p().leader_epoch, h.p().partition_epoch, {B(2), B(3), B(1)}};
    h.c.on_message(at(s(114)), broker_node(B(2)), r, h.out);
    CHECK_FALSE(balance_timer(h.out));
    h.out.clear();
    h.c.on_timer(*when, Controller::kRebalanceTimer, h.out);
    CHECK(h.p().leader == B(1));
    CHECK_FALSE(balance_timer(h.out));  // balanced again
}

TEST_CASE("controller: KRaft reschedules the balance an interval later when the preferred replica could not lead") {
    Harness h;
    h.run({2, 3}, at(s(1)), at(s(12)));
    const auto first = balance_timer(h.out);
    REQUIRE(first);
    h.out.clear();
    h.c.on_timer(*first, Controller::kRebalanceTimer, h.out);  // broker 1 still down
    CHECK(h.p().leader == B(2));
    const auto second = balance_timer(h.out);
    REQUIRE(second);
    CHECK(*second == *first + s(300));
}

// KafkaController.onControllerFailover schedules the first check 5 s after the
// controller starts; each check schedules the next an interval later.
TEST_CASE("controller: ZooKeeper mode checks the preferred leaders 5 s after it starts, then every interval") {
    ControllerConfig cfg;
    cfg.zookeeper = true;
    Controller c(cfg, {TopicSettings{}});
    Outbox out;
    c.start(at(s(0)), out);
    REQUIRE(balance_timer(out));
    CHECK(*balance_timer(out) == at(s(5)));
    out.clear();
    c.on_timer(at(s(5)), Controller::kRebalanceTimer, out);
    CHECK(balance_timer(out) == at(s(305)));
}

// KafkaController.doControlledShutdown (ZooKeeper era) moves a leadership only
// when ControlledShutdownPartitionLeaderElectionStrategy finds another live ISR
// member; partitions with one replica are not acted on. It answers with the
// partitions the broker still leads, and KafkaServer.controlledShutdown retries.
// KRaft (ReplicationControlManager.handleBrokerInControlledShutdown) takes the
// broker out of every ISR at once, leaving such partitions without a leader.
TEST_CASE("controller: ZooKeeper controlled shutdown keeps a leadership no other ISR member can take") {
    ControllerConfig cfg;
    cfg.zookeeper = true;
    cfg.session_timeout = ms(6000);
    Harness h(cfg);
    h.run({1}, at(s(1)), at(s(10)));  // 2 and 3 die: their sessions expire, the ISR is [1]
    REQUIRE(h.p().isr == std::vector<BrokerId>{B(1)});
    h.out.clear();
    h.heartbeat(1, at(s(11)), true);
    CHECK(h.p().leader == B(1));
    CHECK(h.c.offline_partition_count() == 0);
    auto replies = h.out.sent<BrokerHeartbeatReply>();
    REQUIRE_FALSE(replies.empty());
    CHECK_FALSE(replies.back().second.shutdown_ok);
    h.heartbeat(1, at(s(16)), true);  // the retry: still nobody to take it
    CHECK(h.p().leader == B(1));
    // The broker gives up and stops; its closed session deletes its node.
    h.out.clear();
    h.c.on_message(at(s(26)), broker_node(B(1)), ZkSessionClosed{B(1)}, h.out);
    CHECK(h.p().leader == BrokerId(-1));
    CHECK(h.c.offline_partition_count() == 1);
    auto fenced = h.out.events<BrokerFenced>();
    REQUIRE(fenced.size() == 1);
    CHECK(fenced[0].reason == BrokerFenced::Reason::session_closed);
    h.c.check_invariants();
}

TEST_CASE("controller: ZooKeeper controlled shutdown leaves a single-replica partition led; KRaft takes it offline") {
    for (const bool zookeeper : {true, false}) {
        CAPTURE(zookeeper);
        ControllerConfig cfg;
        cfg.zookeeper = zookeeper;
        Harness h(cfg, {}, {1});
        h.heartbeat(1, at(s(1)), true);
        auto replies = h.out.sent<BrokerHeartbeatReply>();
        REQUIRE_FALSE(replies.empty());
        if (zookeeper) {
            CHECK(h.p().leader == B(1));
            CHECK_FALSE(replies.back().second.shutdown_ok);
        } else {
            CHECK(h.p().leader == BrokerId(-1));
            CHECK(replies.back().second.shutdown_ok);
        }
    }
}

TEST_CASE("controller: a closed ZooKeeper session fences the broker at once; a KRaft controller ignores the message") {
    for (const bool zookeeper : {true, false}) {
        CAPTURE(zookeeper);
        ControllerConfig cfg;
        cfg.zookeeper = zookeeper;
        Harness h(cfg);
        h.c.on_message(at(s(1)), broker_node(B(1)), ZkSessionClosed{B(1)}, h.out);
        CHECK(h.c.is_live(B(1)) == !zookeeper);
        CHECK(h.p().leader == (zookeeper ? B(2) : B(1)));
    }
}
