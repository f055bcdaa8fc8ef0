// The machinery behind ks::run_simulation (include/kafkasim/simulation.hpp):
// builds the cluster from a Scenario, schedules the faults, runs the phases,
// watches the controller's notes for availability and the timeline, samples
// the time series, and assembles the RunSummary.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "cluster/cluster.hpp"
#include "core/event_loop.hpp"
#include "core/trace.hpp"
#include "kafka/consumer.hpp"
#include "kafka/group_coordinator.hpp"
#include "kafka/producer_app.hpp"
#include "kafkasim/simulation.hpp"
#include "monitor/burrow_store.hpp"
#include "monitor/ledger.hpp"

namespace ks::runner {

class Simulation final : public cluster::Observer {
  public:
    Simulation(const Scenario& s, const RunOptions& o);
    RunResult run();
    // Warm-up, then the scenario up to t0 + at; returns the describe text.
    std::string describe_at(Duration at);

    void on_effect(Instant now, NodeId node, const kafka::Effect& e) override;

  private:
    // ---- building (simulation.cpp) ----
    void build();
    kafka::BrokerConfig broker_config(const BrokerSpec& b) const;
    kafka::ControllerConfig controller_config() const;
    void warm_up();
    void start_producers();
    bool producers_idle() const;

    // ---- consumer groups (simulation_groups.cpp) ----
    NodeId consumer_node(std::size_t group, std::int32_t member) const;
    void add_consumer_hosts();
    void start_consumers();
    void start_consumer(std::size_t group, std::int32_t member);
    kafka::ConsumerOptions consumer_options(std::size_t group, std::int32_t member) const;
    void consumer_fault(const FaultSpec& f, bool heal);
    void on_group_effect(Instant now, const kafka::Effect& e);
    void sample_groups(std::vector<double>& row);
    void snapshot_groups();
    std::pair<std::int64_t, std::int64_t> group_lag(std::size_t group) const;  // (total, max partition)
    Offset leader_high_watermark(kafka::TopicPartition tp) const;

    // ---- faults (simulation_faults.cpp) ----
    void schedule_faults();
    void apply_fault(const FaultSpec& f);
    void heal_fault(const FaultSpec& f, std::size_t index);
    void heal_everything();
    std::vector<NodeId> nodes_of(const NodeSet& set) const;
    void rolling(const FaultSpec& f, std::size_t position);
    void rolling_wait(const FaultSpec& f, std::size_t position);  // until no partition is under-replicated
    bool under_replicated() const;

    // ---- watching and judging (simulation_report.cpp) ----
    void sample();
    void schedule_sampling();
    void sample_tick();
    bool converged();
    void settle();
    void check_invariants();
    // Broker b's replica of tp, nullptr when b is not running (or is -1, no leader).
    const kafka::Partition* replica(BrokerId b, kafka::TopicPartition tp) const;
    // The log start offset of the partition's current leader (0 without one).
    Offset final_log_start(kafka::TopicPartition tp) const;
    // The partitions of the group's topics, in topic then partition order.
    std::vector<kafka::TopicPartition> group_partitions(std::size_t group) const;
    void track_partition(const ProtocolEvent& event, Instant now);
    void narrate(Instant now, const ProtocolEvent& event);
    void narrate(Instant now, std::string text);
    std::string tp_name(kafka::TopicPartition tp) const;
    RunSummary summarize();

    const Scenario& s_;
    RunOptions options_;
    std::uint64_t seed_;
    EventLoop loop_;
    Trace trace_;
    std::unique_ptr<cluster::Cluster> cluster_;
    std::vector<std::unique_ptr<kafka::ProducerApp>> producers_;
    std::unique_ptr<kafka::GroupStore> group_store_ = std::make_unique<kafka::GroupStore>();
    struct ConsumerSlot {
        std::size_t group;
        std::int32_t member;
        std::unique_ptr<kafka::Consumer> consumer;
    };
    std::vector<ConsumerSlot> consumers_;
    struct GroupTrack {
        std::int32_t next_member = 0;
        std::int32_t capacity = 0;  // hosts reserved: members + consumer_join faults
        std::map<kafka::TopicPartition, monitor::RangeSet> consumed;
        std::map<kafka::TopicPartition, Offset> committed;
        std::int64_t consumed_total = 0;
        std::int64_t reprocessed = 0;
        std::int64_t rebalances = 0;
        std::int64_t max_lag = 0;
        std::vector<std::pair<std::string, std::vector<kafka::TopicPartition>>> assignment;
        bool snapshot_taken = false;
        GroupSummary snapshot;
    };
    std::vector<GroupTrack> groups_;
    monitor::BurrowStore burrow_;
    monitor::Ledger ledger_;
    Instant t0_ = Instant::max();  // end of warm-up: fault times count from here
    Instant heal_at_ = Instant::max();
    Instant settled_at_;
    bool settled_ = false;

    struct PartitionTrack {
        std::vector<BrokerId> replicas;
        bool offline = true;
        bool under_replicated = false;
        Instant since;  // of the current offline / URP state
        Duration offline_total = Duration::zero();
        Duration urp_total = Duration::zero();
        Instant urp_since;
    };
    std::map<kafka::TopicPartition, PartitionTrack> tracks_;
    // Leader HW per (partition, epoch): never decreases within an epoch.
    std::map<std::pair<kafka::TopicPartition, LeaderEpoch>, Offset> leader_hw_;
    // The broker that took leadership in (partition, epoch), from become_leader notes.
    std::map<std::pair<kafka::TopicPartition, LeaderEpoch>, std::int64_t> epoch_leaders_;
    // StrongIsr, measured at each sample and as a log is cut back or an ISR
    // changes: per (partition, presumed leader, ISR member) the prefix already
    // found identical, valid while neither log was cut back under it.
    struct StrongIsrProgress {
        LeaderEpoch epoch = kafka::kNoEpoch;
        std::uint64_t leader_truncations = 0, member_truncations = 0;
        Offset verified = 0;
        bool narrated = false;  // this episode's violation is in the timeline
    };
    std::map<std::tuple<kafka::TopicPartition, BrokerId, BrokerId>, StrongIsrProgress> strong_isr_;
    std::set<kafka::TopicPartition> strong_isr_violated_;
    // Every partition, or only `tp`.
    void measure_strong_isr(Instant now, std::optional<kafka::TopicPartition> tp = std::nullopt);

    // Active fault handles, by fault index.
    std::map<std::size_t, env::PartitionId> partitions_active_;
    std::set<std::size_t> healed_;
    std::vector<std::string> warnings_;

    std::vector<std::pair<Instant, std::string>> timeline_;  // absolute times
    TimeSeries series_;
    kafka::ControllerCounters last_counters_;  // for the per-second meters
    std::optional<Instant> last_sample_;
};

}  // namespace ks::runner
