// Controller: broker liveness, leader election, ISR changes, controlled
// shutdown and preferred leader election — the KRaft quorum controller
// (metadata/.../controller/{ReplicationControlManager,PartitionChangeBuilder,
// BrokerHeartbeatManager}.java) as one deterministic node, with ZooKeeper-era
// session timing selectable (kafka.controller.KafkaController,
// PartitionStateMachine).
//
// Rules:
//   * Liveness: a broker registers, is unfenced at its first heartbeat, and is
//     fenced when no heartbeat arrived for broker.session.timeout.ms (KRaft) or
//     zookeeper.session.timeout.ms (ZooKeeper).
//   * A restart faster than the session timeout: KRaft fences the old
//     incarnation as the new one registers. ZooKeeper refuses the new
//     registration while the old session's /brokers/ids node lives
//     (ZkUtils.registerBrokerInZk, 0.9+: "restarted it faster than the
//     zookeeper timeout"); the broker tries again and gets in once the session
//     has expired and the controller has handled the failure.
//   * Fencing removes the broker from every ISR, except that the last member
//     stays (leader = none) unless ELR is on (KIP-966).
//   * Election for a leaderless partition: the first replica in assignment
//     order that is live and in the ISR; with ELR, then the first live ELR
//     member; otherwise, if unclean.leader.election.enable, the first live
//     replica (an unclean election, ISR := [leader]); otherwise offline.
//   * Controlled shutdown: leaderships move to the first live ISR member not
//     shutting down; the broker leaves every ISR (never emptying one); it may
//     stop once it leads nothing.
//   * Preferred election: every leader.imbalance.check.interval.seconds when
//     auto.leader.rebalance.enable, each partition whose first replica is live,
//     in the ISR and not the leader moves to it (ZooKeeper: only on brokers whose
//     imbalance exceeds leader.imbalance.per.broker.percentage).
//   * Every leader change bumps the leader epoch; every change bumps the
//     partition epoch; every change is pushed to all brokers (MetadataUpdate).
//
// Invariants (check_invariants): ISR ⊆ replicas; leader ∈ ISR when there is
// one; leader live; ISR non-empty unless ELR is on; ELR ∩ ISR = ∅.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "kafka/outbox.hpp"
#include "kafkasim/settings.hpp"

namespace ks::kafka {

// The controller's settings (ControllerSettings, resolved from the cluster)
// and the model's own cadence.
struct ControllerConfig : ControllerSettings {
    Duration liveness_check_interval = ms(1000);  // how often sessions are checked
};

using TopicSettings = ks::TopicSettings;  // unclean.leader.election.enable, min.insync.replicas, ...

struct ControllerCounters {
    std::int64_t clean_elections = 0;
    std::int64_t unclean_elections = 0;
    std::int64_t preferred_elections = 0;
    std::int64_t isr_shrinks = 0;
    std::int64_t isr_expands = 0;
};

class Controller {
  public:
    // Timer keys.
    static constexpr std::uint64_t kLivenessTimer = 1;
    static constexpr std::uint64_t kRebalanceTimer = 2;

    Controller(ControllerConfig config, std::vector<TopicSettings> topics);

    // Declares a partition with its assignment (before creation).
    void add_partition(TopicPartition tp, std::vector<BrokerId> replicas);
    // CreateTopics: every declared partition gets its initial leader (the first
    // live replica, epoch 0; counted as no election) and is published. Called
    // once the brokers have registered, as an operator creates topics on a
    // running cluster.
    void create_partitions(Instant now, Outbox& out);
    bool created() const { return created_; }
    // Starts the periodic timers.
    void start(Instant now, Outbox& out);

    void on_message(Instant now, NodeId from, const Message& m, Outbox& out);
    void on_timer(Instant now, std::uint64_t key, Outbox& out);

    const std::map<TopicPartition, PartitionState>& partitions() const { return partitions_; }
    const PartitionState& partition(TopicPartition tp) const { return partitions_.at(tp); }
    bool is_live(BrokerId b) const;
    bool is_shutting_down(BrokerId b) const;
    const ControllerCounters& counters() const { return counters_; }
    std::int64_t offline_partition_count() const;
    std::int64_t preferred_replica_imbalance_count() const;
    void set_topic_settings(TopicIndex t, TopicSettings s) { topics_.at(static_cast<std::size_t>(t)) = s; }
    void check_invariants() const;

  private:
    struct BrokerInfo {
        bool registered = false;
        bool fenced = true;
        bool shutting_down = false;
        std::int64_t epoch = 0;
        Instant last_heartbeat;
        std::int64_t version_at_last_reply = 0;  // metadata version when we last answered it
        bool refused = false;                    // ZooKeeper: a registration was refused while the old session lived
    };

    void handle_registration(Instant now, const BrokerRegistration& r, Outbox& out);
    void handle_heartbeat(Instant now, const BrokerHeartbeat& h, Outbox& out);
    void handle_alter_partition(Instant now, NodeId from, const AlterPartitionRequest& r, Outbox& out);
    // `reregistered`: a new incarnation registered while the old was not yet fenced.
    void fence(Instant now, BrokerId b, Outbox& out,
               BrokerFenced::Reason reason = BrokerFenced::Reason::session_expired);
    void unfence(Instant now, BrokerId b, Outbox& out);
    void begin_controlled_shutdown(Instant now, BrokerId b, Outbox& out);
    void elect_leaderless(Instant now, Outbox& out);
    // The preferred leader elections of one balance run; how many.
    std::int64_t preferred_elections(Instant now, Outbox& out);
    void maybe_schedule_balance(Instant now, Outbox& out);
    // Removes `b` from the ISR of every partition (keeping the last member unless
    // ELR); re-elects where it led. `controlled`: the controlled-shutdown rule.
    void remove_from_isrs(Instant now, BrokerId b, bool controlled, Outbox& out);
    std::optional<BrokerId> choose_clean_leader(const PartitionState& p, bool exclude_shutting_down) const;
    std::optional<BrokerId> choose_unclean_leader(const PartitionState& p) const;
    std::optional<BrokerId> choose_last_known_leader(const PartitionState& p) const;
    // An election when no ISR (or ELR) member can lead: the last known leader,
    // else an unclean election where the topic allows it. False: offline.
    bool elect_without_isr(Instant now, PartitionState& p, Outbox& out);
    std::int32_t effective_min_isr(const PartitionState& p) const;
    bool eligible(BrokerId b) const;  // live and not shutting down
    void set_leader(Instant now, PartitionState& p, BrokerId leader, bool unclean, bool preferred, Outbox& out);
    // The new ISR, and the ELR and LastKnownElr that follow from it (KIP-966).
    // `reason` and `requested_by` go into the IsrChanged event (when `noted`).
    void set_isr(PartitionState& p, std::vector<BrokerId> isr, Outbox& out, bool noted = true,
                 IsrChanged::Reason reason = IsrChanged::Reason::alter_partition, BrokerId requested_by = BrokerId(-1));
    void publish(const PartitionState& p, Outbox& out);
    // Sends one MetadataUpdate (the next version, the live brokers and
    // `partitions`) to every registered broker.
    void broadcast(std::vector<PartitionState> partitions, Outbox& out);
    MetadataUpdate snapshot() const;
    const TopicSettings& topic(TopicPartition tp) const { return topics_.at(static_cast<std::size_t>(tp.topic)); }
    bool unclean_allowed(TopicPartition tp) const;
    std::vector<BrokerId> live_brokers() const;

    ControllerConfig config_;
    std::vector<TopicSettings> topics_;
    std::map<BrokerId, BrokerInfo> brokers_;
    std::map<TopicPartition, PartitionState> partitions_;
    ControllerCounters counters_;
    std::int64_t next_broker_epoch_ = 1;
    std::int64_t metadata_version_ = 0;  // bumped by every published change
    bool created_ = false;
    // KRaft's ImbalanceSchedule: no balance pending (the next one an interval
    // after a write), one pending, or one due at once.
    enum class Balance : std::uint8_t { deferred, scheduled, immediately };
    Balance balance_ = Balance::deferred;
    static constexpr std::int64_t kMaxElectionsPerImbalance = 1000;  // QuorumController's default
};

}  // namespace ks::kafka
