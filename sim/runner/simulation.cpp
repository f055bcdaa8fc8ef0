#include <fmt/format.h>
#include <algorithm>
#include <cmath>

#include "core/assert.hpp"
#include "kafka/placement.hpp"
#include "kafka/striped_placer.hpp"
#include "runner/chaos.hpp"
#include "runner/producer_options.hpp"
#include "runner/simulation_impl.hpp"
#include "scenario/resolve.hpp"

namespace ks {

RunResult run_simulation(const Scenario& scenario, const RunOptions& options) {
    const Scenario with_chaos = ks::runner::with_chaos(scenario, options.seed.value_or(scenario.seed));
    ks::runner::Simulation sim(with_chaos, options);
    return sim.run();
}

DescribeOutput describe_at(const Scenario& scenario, const DescribeOptions& options) {
    RunOptions o;
    o.seed = options.seed.value_or(scenario.seed);
    o.trace_sink = options.trace_sink;
    const Scenario with_chaos = ks::runner::with_chaos(scenario, *o.seed);
    ks::runner::Simulation sim(with_chaos, o);
    return sim.describe(options);
}

std::string describe_at(const Scenario& scenario, std::uint64_t seed, Duration at) {
    DescribeOptions o;
    o.seed = seed;
    o.at = at;
    return describe_at(scenario, o).out();
}

std::string DescribeOutput::out() const {
    std::string s;
    for (const Piece& p : pieces) s += p.to_stderr ? "" : p.text;
    return s;
}

std::string DescribeOutput::err() const {
    std::string s;
    for (const Piece& p : pieces) s += p.to_stderr ? p.text : "";
    return s;
}

}  // namespace ks

namespace ks::runner {

namespace {

constexpr Duration kWarmupMax = s(60);

std::vector<std::string> topic_names(const Scenario& s) {
    std::vector<std::string> out;
    for (const TopicSpec& t : s.topics) out.push_back(t.name);
    return out;
}

std::vector<monitor::BurrowFeed::Topic> burrow_topics(const Scenario& s) {
    std::vector<monitor::BurrowFeed::Topic> out;
    for (const TopicSpec& t : s.topics) out.push_back({t.name, t.partitions});
    return out;
}

monitor::BurrowStoreOptions burrow_options(const BurrowSpec& b) {
    monitor::BurrowStoreOptions o;
    o.intervals = b.intervals;
    o.min_distance_s = b.min_distance.ms() / 1000;
    o.expire_group_s = b.expire_group.ms() / 1000;
    return o;
}

}  // namespace

Simulation::Simulation(const Scenario& s, const RunOptions& o)
    : s_(s),
      options_(o),
      seed_(o.seed.value_or(s.seed)),
      invariants_({seed_, topic_names(s)}),
      burrow_(burrow_topics(s), burrow_options(s.burrow)) {
    if (options_.trace_sink) {
        // trace.jsonl's t_s counts from the end of warm-up, known only then.
        trace_.set_sink(options_.trace_sink);
        trace_.hold_until_origin();
    }
}

kafka::BrokerConfig Simulation::broker_config(const BrokerSpec& b) const {
    const BrokerSettings& settings = b.settings;
    kafka::BrokerConfig k;
    static_cast<BrokerSettings&>(k) = settings;
    k.id = b.id;
    k.recovery_mbytes_per_s = s_.cluster.disk.recovery_mbytes_per_s;
    for (const TopicSpec& t : s_.topics) k.topics.push_back(scenario::resolve_topic_on(b.config, t.config));
    // The group coordinator: __consumer_offsets as group_coordinator.hpp models it.
    k.groups.store = group_store_.get();
    for (const BrokerSpec& bs : s_.cluster.brokers) k.groups.brokers.push_back(bs.id);
    std::sort(k.groups.brokers.begin(), k.groups.brokers.end());
    k.groups.offsets_topic_partitions = settings.offsets_topic_partitions;
    k.groups.offsets_replication = settings.offsets_replication;
    k.groups.initial_rebalance_delay = settings.initial_rebalance_delay;
    k.groups.consumer_heartbeat_interval = settings.consumer_heartbeat_interval;
    k.groups.consumer_session_timeout = settings.consumer_session_timeout;
    k.groups.consumer_assignors.clear();
    for (const std::string& a : settings.consumer_assignors) {
        const auto kind = kafka::parse_server_assignor_name(a);
        KS_ASSERT_MSG(kind.has_value(), "group.consumer.assignors: {} (the loader checks the names)", a);
        k.groups.consumer_assignors.push_back(*kind);
    }
    for (const TopicSpec& t : s_.topics) {
        k.groups.topic_names.push_back(t.name);
        k.groups.topic_partitions.push_back(t.partitions);
    }
    return k;
}

void Simulation::build() {
    cluster::ClusterOptions co;
    co.seed = seed_;
    const NetworkSpec& net = s_.cluster.network;
    co.topology =
        env::Topology::Options::from_network_settings(net.latency_ms, net.cross_rack_latency_ms, net.bandwidth_mbps);
    const DiskSpec& disk = s_.cluster.disk;
    co.disk.append_latency_ms = disk.append_latency_ms;
    co.disk.flush_latency_ms = disk.flush_latency_ms;
    co.disk.throughput_mb_per_s = disk.throughput_mbytes_per_s;
    co.disk.dirty_expire = disk.dirty_expire;
    co.disk.writeback_interval = disk.writeback_interval;
    const RequestCostSpec& rc = s_.cluster.request_cost;
    const auto micros = [](double v) { return ns(static_cast<std::int64_t>(std::llround(v * 1000))); };
    co.request_costs.network_base = micros(rc.network_us);
    co.request_costs.network_ns_per_byte = rc.network_ns_per_byte;
    co.request_costs.io_base = micros(rc.io_us);
    co.request_costs.io_per_partition = micros(rc.io_us_per_partition);
    co.request_costs.io_ns_per_byte = rc.io_ns_per_byte;
    cluster_ = std::make_unique<cluster::Cluster>(loop_, trace_, co);
    for (const BrokerSpec& b : s_.cluster.brokers) cluster_->add_broker_host(b.id, b.rack.value_or("rack"));
    cluster_->add_controller_host();
    for (std::size_t i = 0; i < s_.producers.size(); ++i) {
        cluster_->add_client_host(NodeId(kafka::kFirstProducerNode + static_cast<std::int32_t>(i)));
    }
    add_consumer_hosts();
    cluster_->build();
    cluster_->set_observer(this);
    std::vector<BrokerId> brokers;
    for (const BrokerSpec& b : s_.cluster.brokers) brokers.push_back(b.id);
    view_ = std::make_unique<RunView>(*cluster_, std::move(brokers));
    for (std::size_t g = 0; g < s_.consumer_groups.size(); ++g) group_trackers_.emplace_back(group_partitions(g));

    std::vector<TopicSettings> topics;
    for (const TopicSpec& t : s_.topics) topics.push_back(t.settings);
    kafka::ControllerConfig controller;
    static_cast<ControllerSettings&>(controller) = s_.cluster.controller_settings;
    cluster_->start_controller(controller, topics);

    // Placement draws from its own stream, topic by topic: the KRaft
    // controller's StripedReplicaPlacer, or the ZooKeeper era's AdminUtils.
    // StripedReplicaPlacer always spreads over the brokers' racks; without
    // rack awareness it places as if no broker had one.
    std::vector<kafka::BrokerRack> racks;
    std::vector<kafka::UsableBroker> usable;
    for (const BrokerSpec& b : s_.cluster.brokers) {
        racks.push_back(kafka::BrokerRack{b.id, b.rack});
        usable.push_back(kafka::UsableBroker{b.id, s_.cluster.rack_aware ? b.rack : std::nullopt, false});
    }
    Rng placement = Rng::stream(seed_, "placement");
    kafka::RngPlacementRandom striped_random(placement);
    for (std::size_t t = 0; t < s_.topics.size(); ++t) {
        const TopicSpec& topic = s_.topics[t];
        std::vector<std::vector<BrokerId>> assignment;
        if (s_.cluster.controller == ControllerKind::kraft) {
            auto placed = kafka::striped::place(0, topic.partitions, topic.replication_factor, usable, striped_random);
            const auto* error = std::get_if<kafka::PlacementError>(&placed);
            KS_ASSERT_MSG(error == nullptr, "topic {} passed validation but cannot be placed: {}", topic.name,
                          error ? error->message : std::string());
            assignment = std::move(std::get<kafka::TopicPlacement>(placed));
        } else {
            assignment = kafka::assign_replicas(racks, topic.partitions, topic.replication_factor,
                                                s_.cluster.rack_aware, placement);
        }
        for (std::int32_t p = 0; p < topic.partitions; ++p) {
            const kafka::TopicPartition tp{static_cast<kafka::TopicIndex>(t), p};
            cluster_->controller().add_partition(tp, assignment[static_cast<std::size_t>(p)]);
            availability_.add_partition(tp, assignment[static_cast<std::size_t>(p)].size());
            client_availability_.add_partition(tp);
        }
    }
    cluster_->set_state_listener([this] { update_client_access(); });
    brokers_now_ = s_.cluster.brokers;
    for (const BrokerSpec& b : brokers_now_) cluster_->start_broker(broker_config(b));
}

void Simulation::warm_up() {
    // Brokers register and are unfenced at their first heartbeat; then the
    // topics are created, as an operator would on a running cluster.
    const Instant deadline = loop_.now() + kWarmupMax;
    for (;;) {
        loop_.run_until(loop_.now() + ms(100), options_.events_max);
        bool all = true;
        for (const BrokerSpec& b : s_.cluster.brokers) all = all && cluster_->controller().is_live(b.id);
        if (all) break;
        KS_ASSERT_MSG(loop_.now() < deadline, "warm-up: brokers did not register within {} s (seed {})",
                      kWarmupMax.ms() / 1000, seed_);
    }
    kafka::Controller& controller = cluster_->controller();
    cluster_->node_action(kafka::controller_node(),
                          [&controller](Instant now, kafka::Outbox& out) { controller.create_partitions(now, out); });
    loop_.run_until(loop_.now() + s(1), options_.events_max);
    t0_ = loop_.now();
    trace_.set_origin(t0_);
    record(t0_, WarmupDone{});
}

DescribeOutput Simulation::describe(const DescribeOptions& o) {
    run_to(o.at);
    if (o.view == DescribeView::topics) {
        DescribeOutput out;
        out.print(false, describe_topics());
        return out;
    }
    std::vector<std::string> ids = o.groups;
    if (ids.empty()) {
        for (const ConsumerGroupSpec& g : s_.consumer_groups) ids.push_back(g.group_id);
    }
    std::vector<DescribedGroup> groups;
    for (const std::string& id : ids) groups.push_back(describe_group(id));
    return print_groups(groups, o.view, o.verbose);
}

std::string Simulation::describe_topics() const {
    const auto& ctl = cluster_->controller();
    const bool elr = s_.cluster.feature("eligible.leader.replicas.version") >= 1;
    auto ids = [](const std::vector<BrokerId>& v) {
        std::string out;
        for (std::size_t i = 0; i < v.size(); ++i) out += (i ? "," : "") + std::to_string(v[i].value());
        return out;
    };
    std::string out;
    for (std::size_t t = 0; t < s_.topics.size(); ++t) {
        const TopicSpec& topic = s_.topics[t];
        // A topic id as Kafka prints it: 16 random bytes, URL-safe base64 without padding.
        Rng idrng = Rng::stream(seed_, "topic-id/" + topic.name);
        static constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        std::string id;
        std::uint64_t a = idrng.next_u64(), b = idrng.next_u64();
        for (int i = 0; i < 22; ++i) {
            const std::uint64_t word = i < 11 ? a : b;
            id += kB64[(word >> ((i % 11) * 6)) & 63];
        }
        std::string configs;
        for (const auto& [k, v] : topic.config.non_defaults()) configs += (configs.empty() ? "" : ",") + k + "=" + v;
        out += fmt::format("Topic: {}\tTopicId: {}\tPartitionCount: {}\tReplicationFactor: {}\tConfigs: {}\n",
                           topic.name, id, topic.partitions, topic.replication_factor, configs);
        for (std::int32_t p = 0; p < topic.partitions; ++p) {
            const auto& st = ctl.partition(kafka::TopicPartition{static_cast<kafka::TopicIndex>(t), p});
            const std::string leader = st.leader.value() < 0 ? "none" : std::to_string(st.leader.value());
            out += fmt::format("\tTopic: {}\tPartition: {}\tLeader: {}\tReplicas: {}\tIsr: {}", topic.name, p, leader,
                               ids(st.replicas), ids(st.isr));
            if (elr) out += fmt::format("\tElr: {}\tLastKnownElr: ", ids(st.elr));
            out += "\n";
        }
    }
    return out;
}

void Simulation::start_producers() {
    std::vector<BrokerId> bootstrap;
    for (const BrokerSpec& b : s_.cluster.brokers) bootstrap.push_back(b.id);
    for (std::size_t i = 0; i < s_.producers.size(); ++i) {
        const ProducerSpec& spec = s_.producers[i];
        const auto* topic = s_.find_topic(spec.topic);
        KS_ASSERT(topic != nullptr);
        const auto t = static_cast<kafka::TopicIndex>(topic - s_.topics.data());
        const NodeId self(kafka::kFirstProducerNode + static_cast<std::int32_t>(i));
        auto opts = from_spec(spec, topic->partitions, t, static_cast<std::int32_t>(i), self, bootstrap);
        producers_.push_back(
            std::make_unique<kafka::ProducerApp>(opts, workload_of(spec), Rng::stream(seed_, "producer/" + spec.name)));
        cluster_->start_client(self, std::make_unique<cluster::NodeOf<kafka::ProducerApp>>(*producers_.back()));
    }
}

bool Simulation::producers_idle() const {
    for (const auto& p : producers_) {
        if (!p->producer().idle()) return false;
    }
    return true;
}

void Simulation::report_progress(bool settling) const {
    if (options_.progress)
        options_.progress({.simulated = loop_.now() - t0_, .duration = s_.duration, .settling = settling});
}

void Simulation::start() {
    build();
    warm_up();
    start_producers();
    start_consumers();
    availability_.start(t0_);
    heal_at_ = t0_ + s_.duration;
    client_availability_.start(t0_);
    client_availability_.stop(heal_at_);
    update_client_access();
    schedule_faults();
    schedule_sampling();
    burrow_poll_tick();
}

void Simulation::run_scenario_until(Instant end) {
    KS_ASSERT_LE(end, heal_at_);
    // The scenario proper, in slices of a simulated second (a twentieth of
    // duration_s when that is shorter): the invariants are checked and progress
    // reported between them. Events run as they would in one go.
    const Duration slice = std::max(std::min(s_.duration / 20, s(1)), ms(1));
    for (Instant t = loop_.now(); t < end;) {
        t = std::min(end, t + slice);
        const auto r = loop_.run_until(t, options_.events_max);
        KS_ASSERT_MSG(r != EventLoop::StopReason::event_limit, "event limit {} reached (seed {})", options_.events_max,
                      seed_);
        check_invariants();
        report_progress(false);
    }
}

void Simulation::run_to(Duration at) {
    KS_ASSERT_GE(at, Duration::zero());
    start();
    const Instant end = std::min(t0_ + at, heal_at_);
    run_scenario_until(end);
    // The events of the instant `end` itself too: a no-op unless `at` is 0,
    // where no slice has run.
    const auto r = loop_.run_until(end, options_.events_max);
    KS_ASSERT_MSG(r != EventLoop::StopReason::event_limit, "event limit {} reached (seed {})", options_.events_max,
                  seed_);
}

RunResult Simulation::run() {
    start();
    run_scenario_until(heal_at_);
    snapshot_groups();  // Burrow and the final lag: at the end of duration_s, before the heal
    heal_everything();
    settle();
    RunResult out;
    out.summary = summarize();
    for (auto& [at, event] : timeline_) out.timeline.push_back(TimelineEntry{at - t0_, std::move(event)});
    out.scenario = s_;
    out.series = std::move(series_);
    return out;
}

}  // namespace ks::runner
