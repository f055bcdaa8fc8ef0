// The fault schedule of a run: SCENARIOS.md's "faults", their self-healing
// (for_s), and the heal phase that ends every fault.
#include <algorithm>

#include "core/assert.hpp"
#include "runner/simulation_impl.hpp"
#include "scenario/kafka_versions.hpp"
#include "scenario/resolve.hpp"

namespace ks::runner {

namespace {
// How long a broker process takes to come back in a rolling restart.
constexpr Duration kRestartDowntime = s(5);
// Without wait_for_isr, the pause before the next broker.
constexpr Duration kRollingPause = s(30);
// How often a rolling operation checks for under-replicated partitions.
constexpr Duration kIsrPoll = s(1);
}  // namespace

std::vector<NodeId> Simulation::nodes_of(const NodeSet& set) const {
    std::vector<NodeId> out;
    for (BrokerId b : set.brokers) out.push_back(kafka::broker_node(b));
    if (set.clients) {
        for (NodeId c : cluster_->client_nodes()) out.push_back(c);
    }
    return out;
}

void Simulation::schedule_faults() {
    for (std::size_t i = 0; i < s_.faults.size(); ++i) {
        const FaultSpec& f = s_.faults[i];
        loop_.schedule_at(t0_ + f.at, [this, i] { apply_fault(s_.faults[i]); });
        if (f.duration) {
            loop_.schedule_at(t0_ + f.at + *f.duration, [this, i] { heal_fault(s_.faults[i], i); });
        }
    }
}

void Simulation::apply_fault(const FaultSpec& f) {
    const std::size_t index = index_of(f);
    const Instant now = loop_.now();
    switch (f.action) {
        case FaultAction::crash:
            record(now, FaultStarted{.fault = index});
            cluster_->crash(*f.broker);
            break;
        case FaultAction::restart:
            record(now, FaultStarted{.fault = index});
            cluster_->restart(*f.broker);
            break;
        case FaultAction::pause:
            record(now, FaultStarted{.fault = index});
            cluster_->pause(kafka::broker_node(*f.broker));
            break;
        case FaultAction::power_loss: {
            std::vector<BrokerId> victims;
            if (f.broker) victims.push_back(*f.broker);
            if (f.rack) {
                for (const BrokerSpec& b : s_.cluster.brokers) {
                    if (b.rack == f.rack) victims.push_back(b.id);
                }
            }
            for (BrokerId b : victims) {
                record(now, FaultStarted{.fault = index, .broker = b});
                cluster_->power_loss(b);
            }
            break;
        }
        case FaultAction::partition: {
            if (!f.groups.empty()) {
                std::vector<std::vector<NodeId>> groups;
                std::size_t controller_side = 0, most = 0;
                for (std::size_t g = 0; g < f.groups.size(); ++g) {
                    groups.push_back(nodes_of(f.groups[g]));
                    // The controller quorum stays with the side holding most brokers.
                    if (f.groups[g].brokers.size() > most) {
                        most = f.groups[g].brokers.size();
                        controller_side = g;
                    }
                }
                groups[controller_side].push_back(kafka::controller_node());
                partitions_active_[index] = cluster_->partition(groups);
                record(now, FaultStarted{.fault = index});
            } else {
                partitions_active_[index] = cluster_->partition_one_way(nodes_of(f.from), nodes_of(f.to));
                record(now, FaultStarted{.fault = index});
            }
            break;
        }
        case FaultAction::link: {
            const DistSpec lat = f.latency_ms.value_or(DistSpec::constant(0));
            env::LinkFault lf{from_millis(lat.mean()), f.loss};
            cluster_->set_link_fault(kafka::broker_node(f.between[0]), kafka::broker_node(f.between[1]), lf);
            record(now, FaultStarted{.fault = index});
            break;
        }
        case FaultAction::disk_slow:
            cluster_->set_disk_slow(*f.broker, f.factor);
            record(now, FaultStarted{.fault = index});
            break;
        case FaultAction::rolling_restart:
        case FaultAction::rolling_upgrade:
            record(now, FaultStarted{.fault = index});
            rolling(f, 0);
            break;
        case FaultAction::producer_rate:
            set_producer_rate(producer_index(f.producer), f.rate_per_s);
            record(now, FaultStarted{.fault = index});
            break;
        case FaultAction::consumer_crash:
        case FaultAction::consumer_join:
        case FaultAction::consumer_leave:
        case FaultAction::slow_consumer:
        case FaultAction::stop_consumer:
            consumer_fault(f, false);
            break;
    }
}

void Simulation::heal_fault(const FaultSpec& f, std::size_t index) {
    if (healed_.count(index)) return;
    healed_.insert(index);
    const Instant now = loop_.now();
    switch (f.action) {
        case FaultAction::pause:
            record(now, FaultEnded{index});
            cluster_->resume(kafka::broker_node(*f.broker));
            break;
        case FaultAction::partition:
            if (auto it = partitions_active_.find(index); it != partitions_active_.end()) {
                cluster_->heal(it->second);
                partitions_active_.erase(it);
                record(now, FaultEnded{index});
            }
            break;
        case FaultAction::link:
            cluster_->set_link_fault(kafka::broker_node(f.between[0]), kafka::broker_node(f.between[1]),
                                     env::LinkFault{});
            record(now, FaultEnded{index});
            break;
        case FaultAction::disk_slow:
            cluster_->set_disk_slow(*f.broker, 1.0);
            record(now, FaultEnded{index});
            break;
        case FaultAction::producer_rate:
            if (now < heal_at_) {
                const std::size_t i = producer_index(f.producer);
                set_producer_rate(i, s_.producers[i].rate_per_s);
                record(now, FaultEnded{index});
            }
            break;
        case FaultAction::crash:
        case FaultAction::power_loss:
            // A timed crash or power loss ends with the broker(s) back.
            if (f.broker) cluster_->restart(*f.broker);
            if (f.rack) {
                for (const BrokerSpec& b : s_.cluster.brokers) {
                    if (b.rack == f.rack) cluster_->restart(b.id);
                }
            }
            break;
        case FaultAction::slow_consumer:
        case FaultAction::stop_consumer:
            consumer_fault(f, true);
            break;
        default:
            break;
    }
}

std::size_t Simulation::producer_index(const std::string& name) const {
    const ProducerSpec* spec = s_.find_producer(name);
    KS_ASSERT(spec != nullptr);
    return static_cast<std::size_t>(spec - s_.producers.data());
}

void Simulation::set_producer_rate(std::size_t i, double rate_per_s) {
    kafka::ProducerApp* p = producers_.at(i).get();
    cluster_->node_action(NodeId(kafka::kFirstProducerNode + static_cast<std::int32_t>(i)),
                          [p, rate_per_s](Instant t, kafka::Outbox& o) { p->set_rate(rate_per_s, t, o); });
}

bool Simulation::under_replicated() const {
    for (const auto& [tp, st] : cluster_->controller().partitions()) {
        if (st.isr.size() < st.replicas.size() || st.leader.value() < 0) return true;
    }
    return false;
}

void Simulation::rolling(const FaultSpec& f, std::size_t position) {
    std::vector<BrokerId> order = f.order;
    if (order.empty()) {
        for (const BrokerSpec& b : s_.cluster.brokers) order.push_back(b.id);
    }
    if (position >= order.size()) {
        record(loop_.now(), RollingStep{index_of(f), RollingStep::Step::done, BrokerId()});
        return;
    }
    const BrokerId b = order[position];
    const std::size_t index = index_of(f);
    auto bring_back = [this, &f, b, position, index] {
        loop_.schedule_after(kRestartDowntime, [this, &f, b, position, index] {
            if (f.action == FaultAction::rolling_upgrade) {
                BrokerSpec& now = *std::find_if(brokers_now_.begin(), brokers_now_.end(),
                                                [b](const BrokerSpec& x) { return x.id == b; });
                KafkaVersion version = now.settings.kafka_version;
                scenario::apply_upgrade(now.config, version, f);
                now.settings = scenario::resolve_broker(now.config, s_.cluster.controller, version);
                cluster_->set_broker_config(b, broker_config(now));
            }
            record(loop_.now(), RollingStep{index, RollingStep::Step::back, b});
            cluster_->restart(b);
            // Then wait for the ISRs (or a fixed pause) before the next broker.
            if (!f.wait_for_isr) {
                loop_.schedule_after(kRollingPause, [this, &f, position] { rolling(f, position + 1); });
                return;
            }
            loop_.schedule_after(kIsrPoll, [this, &f, position] { rolling_wait(f, position); });
        });
    };
    if (f.controlled) {
        record(loop_.now(), RollingStep{index, RollingStep::Step::controlled_shutdown, b});
        cluster_->controlled_shutdown(b, bring_back);
    } else {
        record(loop_.now(), RollingStep{index, RollingStep::Step::stopped, b});
        cluster_->crash(b);
        bring_back();
    }
}

// An operator's roll waits for the restarted broker to be back in the
// cluster (registered and unfenced: a restart faster than the session timeout
// is refused for a while, and meanwhile its old incarnation still counts in
// every ISR) and for no partition to be under-replicated or offline.
void Simulation::rolling_wait(const FaultSpec& f, std::size_t position) {
    const BrokerId b = f.order.empty() ? s_.cluster.brokers.at(position).id : f.order.at(position);
    const kafka::Broker* restarted = cluster_->broker(b);
    const bool back = restarted != nullptr && restarted->registered() && !restarted->fenced();
    if (!back || under_replicated()) {
        loop_.schedule_after(kIsrPoll, [this, &f, position] { rolling_wait(f, position); });
    } else {
        rolling(f, position + 1);
    }
}

void Simulation::heal_everything() {
    record(loop_.now(), HealStarted{});
    for (std::size_t i = 0; i < producers_.size(); ++i) set_producer_rate(i, 0);
    for (std::size_t i = 0; i < s_.faults.size(); ++i) {
        const FaultSpec& f = s_.faults[i];
        if (f.at > s_.duration) continue;
        heal_fault(f, i);
    }
    for (NodeId c : cluster_->client_nodes()) cluster_->resume(c);
    for (const BrokerSpec& b : s_.cluster.brokers) {
        cluster_->resume(kafka::broker_node(b.id));
        cluster_->set_disk_slow(b.id, 1.0);
        if (!cluster_->is_up(b.id)) {
            record(loop_.now(), BrokerRestarted{b.id});
            cluster_->restart(b.id);
        }
    }
}

}  // namespace ks::runner
