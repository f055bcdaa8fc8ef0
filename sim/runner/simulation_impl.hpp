// The machinery behind ks::run_simulation (include/kafkasim/simulation.hpp):
// builds the cluster from a Scenario, schedules the faults, runs the phases
// and hosts the producers' and consumers' applications. What it sees goes to
// the monitor's observers (invariants, ISR properties, availability, groups,
// Burrow, the metrics sampler) and to the timeline; it assembles the
// RunSummary from them.
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
#include "monitor/availability.hpp"
#include "monitor/groups.hpp"
#include "monitor/invariants.hpp"
#include "monitor/isr_properties.hpp"
#include "monitor/ledger.hpp"
#include "monitor/metrics.hpp"
#include "runner/describe_groups.hpp"

namespace ks::runner {

// The monitor's window on the cluster.
class RunView final : public monitor::ClusterView {
  public:
    RunView(cluster::Cluster& c, std::vector<BrokerId> brokers) : cluster_(c), brokers_(std::move(brokers)) {}
    const kafka::Controller& controller() const override { return cluster_.controller(); }
    const kafka::Broker* broker(BrokerId b) const override { return cluster_.broker(b); }
    const kafka::BrokerStorage& storage(BrokerId b) const override { return cluster_.storage(b); }
    const std::vector<BrokerId>& brokers() const override { return brokers_; }
    bool paused(BrokerId b) const override { return cluster_.is_paused(kafka::broker_node(b)); }
    bool reachable(NodeId from, NodeId to) const override { return cluster_.network().reachable(from, to); }

  private:
    cluster::Cluster& cluster_;
    std::vector<BrokerId> brokers_;
};

class Simulation final : public kafka::Observer {
  public:
    Simulation(const Scenario& s, const RunOptions& o);
    RunResult run();
    // The run up to `o.at` after warm-up (run_to), then the view asked for.
    DescribeOutput describe(const DescribeOptions& o);

    void on_effect(Instant now, NodeId node, const kafka::Effect& e) override;

  private:
    // ---- building (simulation.cpp) ----
    void build();
    // A broker's config with each topic's settings resolved over this
    // broker's defaults (LogConfig: the topic's overrides on the broker's).
    kafka::BrokerConfig broker_config(const BrokerSpec& b) const;
    void warm_up();
    // kafka-topics --describe of every topic now.
    std::string describe_topics() const;
    // The start of every run, in this order: build, warm up, start the
    // producers and consumers, then availability, the fault schedule, the
    // sampling and Burrow's polls from the end of warm-up. run() and run_to()
    // both begin here, so a describe at T sees what the full run has at T.
    void start();
    // The scenario proper from now up to `end` (at most heal_at_).
    void run_scenario_until(Instant end);
    // start(), then the scenario up to `at` after warm-up (clamped to
    // duration_s) with every event of that instant: the run's state at `at`,
    // the same trace events as the full run up to then.
    void run_to(Duration at);
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
    void snapshot_groups();
    // The group as kafka-consumer-groups --describe learns it now (read only).
    DescribedGroup describe_group(const std::string& id) const;
    DescribedGroup describe_consumer_group(DescribedGroup d, const kafka::Group& g) const;
    void describe_partitions(DescribedGroup& d, const kafka::Group& g,
                             const std::set<TopicPartition>& partitions) const;
    // A consumer's simulated address (consumer_address of its group and member).
    std::string client_address(NodeId node) const;

    // ---- faults (simulation_faults.cpp) ----
    void schedule_faults();
    void apply_fault(const FaultSpec& f);
    void heal_fault(const FaultSpec& f, std::size_t index);
    void heal_everything();
    std::vector<NodeId> nodes_of(const NodeSet& set) const;
    void rolling(const FaultSpec& f, std::size_t position);
    void rolling_wait(const FaultSpec& f, std::size_t position);  // until no partition is under-replicated
    bool under_replicated() const;
    std::size_t producer_index(const std::string& name) const;
    // The application's rate (the producer_rate fault; 0 stops it for the heal).
    void set_producer_rate(std::size_t producer, double rate_per_s);

    // ---- watching and judging (simulation_report.cpp) ----
    void sample();
    void schedule_sampling();
    void sample_tick();
    void burrow_poll_tick();
    // Burrow's verdict on every group now (as its /status endpoint would
    // answer), per group: its status and its partitions' as StatusConstant
    // numbers; a change of a group's status goes to the timeline.
    std::vector<std::vector<double>> burrow_verdicts(Instant now);
    bool converged();
    void settle();
    void check_invariants();
    // Tells options_.progress, if set, where the run is (between slices only).
    void report_progress(bool settling) const;
    // ISR properties of every partition, or only `tp`; breaks go to the timeline.
    void measure_isr_properties(Instant now, std::optional<TopicPartition> tp = std::nullopt);
    // The log start offset of the partition's current leader (0 without one).
    Offset final_log_start(TopicPartition tp) const;
    // The partitions of the group's topics, in topic then partition order.
    std::vector<TopicPartition> group_partitions(std::size_t group) const;
    void record(Instant now, const ProtocolEvent& event);
    void record(Instant now, TimelineEvent event);
    std::size_t index_of(const FaultSpec& f) const { return static_cast<std::size_t>(&f - s_.faults.data()); }
    std::string tp_name(TopicPartition tp) const;
    RunSummary summarize();
    // The clients' access to tp (or to every partition) now, into client_availability_.
    void update_client_access(TopicPartition tp);
    void update_client_access();
    // Whether writes to topic t are judged for acks=all: some producer of t
    // uses it, or none writes t (acks=all is the Java producer's default).
    bool topic_acks_all(TopicIndex t) const;

    const Scenario& s_;
    // Each broker's config and release as they are now: the scenario's, then
    // each rolling upgrade's.
    std::vector<BrokerSpec> brokers_now_;
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
        std::int32_t capacity = 0;               // hosts reserved: members + consumer_join faults
        GroupSummary snapshot;                   // at the end of duration_s
        std::string burrow_status = "NOTFOUND";  // Burrow's verdict at the last sample
        // rebalance_s: when the rebalance under way started (GroupChanged
        // rebalance_started), and the completed rebalances' time.
        std::optional<Instant> rebalance_since;
        Duration rebalancing = Duration::zero();
    };
    std::vector<GroupTrack> groups_;
    monitor::Ledger ledger_;
    Instant t0_ = Instant::max();  // end of warm-up: fault times count from here
    Instant heal_at_ = Instant::max();
    Instant settled_at_;
    bool settled_ = false;

    // ---- the monitor's observers ----
    std::unique_ptr<RunView> view_;
    monitor::InvariantChecker invariants_;
    monitor::IsrPropertyMeter isr_properties_;
    monitor::AvailabilityTracker availability_;
    monitor::ClientAvailability client_availability_;
    std::vector<monitor::GroupTracker> group_trackers_;  // by scenario group index
    monitor::BurrowFeed burrow_;
    std::unique_ptr<monitor::MetricsSampler> sampler_;

    // Active fault handles, by fault index.
    std::map<std::size_t, env::PartitionId> partitions_active_;
    std::set<std::size_t> healed_;
    std::vector<std::string> warnings_;

    std::vector<std::pair<Instant, TimelineEvent>> timeline_;  // absolute times
    TimeSeries series_;
    std::optional<Instant> last_row_at_;  // the time of series_.rows.back()
};

}  // namespace ks::runner
