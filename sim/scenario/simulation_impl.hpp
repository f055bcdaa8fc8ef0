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
#include <vector>

#include "cluster/cluster.hpp"
#include "core/event_loop.hpp"
#include "core/trace.hpp"
#include "kafka/producer.hpp"
#include "kafkasim/simulation.hpp"
#include "monitor/ledger.hpp"

namespace ks::scenario {

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

    // ---- faults (simulation_faults.cpp) ----
    void schedule_faults();
    void apply_fault(const FaultSpec& f);
    void heal_fault(const FaultSpec& f, std::size_t index);
    void heal_everything();
    std::vector<NodeId> nodes_of(const NodeSet& set) const;
    void rolling(const FaultSpec& f, std::size_t position);
    bool under_replicated() const;

    // ---- watching and judging (simulation_report.cpp) ----
    void sample();
    void schedule_sampling();
    bool converged();
    void settle();
    void check_invariants();
    void track_partition(const kafka::Note& n, Instant now);
    void narrate(Instant now, NodeId node, const kafka::Note& n);
    void narrate(Instant now, std::string text);
    std::string tp_name(kafka::TopicPartition tp) const;
    RunSummary summarize();

    const Scenario& s_;
    RunOptions options_;
    std::uint64_t seed_;
    EventLoop loop_;
    Trace trace_;
    std::unique_ptr<cluster::Cluster> cluster_;
    std::vector<std::unique_ptr<kafka::Producer>> producers_;
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

    // Active fault handles, by fault index.
    std::map<std::size_t, env::PartitionId> partitions_active_;
    std::set<std::size_t> healed_;
    std::vector<std::string> warnings_;

    std::vector<std::pair<Instant, std::string>> timeline_;  // absolute times
    TimeSeries series_;
};

}  // namespace ks::scenario
