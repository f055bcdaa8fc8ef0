// The fault schedule of a run: SCENARIOS.md's "faults", their self-healing
// (for_s), and the heal phase that ends every fault.
#include <algorithm>

#include "core/assert.hpp"
#include "kafka/protocol_version.hpp"
#include "runner/simulation_impl.hpp"

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
    const std::size_t index = static_cast<std::size_t>(&f - s_.faults.data());
    const Instant now = loop_.now();
    switch (f.action) {
        case FaultAction::crash:
            narrate(now, fmt::format("broker {} crashed (kill -9)", f.broker->value()));
            cluster_->crash(*f.broker);
            break;
        case FaultAction::restart:
            narrate(now, fmt::format("broker {} restarted", f.broker->value()));
            cluster_->restart(*f.broker);
            break;
        case FaultAction::pause:
            narrate(now, fmt::format("broker {} paused", f.broker->value()));
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
                narrate(now, fmt::format("broker {} lost power{}", b.value(),
                                         f.rack ? fmt::format(" (rack {})", *f.rack) : std::string()));
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
                narrate(now, fmt::format("network partitioned into {} groups", groups.size()));
            } else {
                partitions_active_[index] = cluster_->partition_one_way(nodes_of(f.from), nodes_of(f.to));
                narrate(now, "one-way network partition");
            }
            break;
        }
        case FaultAction::link: {
            const DistSpec lat = f.latency_ms.value_or(DistSpec::constant(0));
            env::LinkFault lf{from_millis(lat.mean()), f.loss};
            cluster_->set_link_fault(kafka::broker_node(f.between[0]), kafka::broker_node(f.between[1]), lf);
            narrate(now, fmt::format("link {}-{} degraded: +{} ms, loss {}", f.between[0].value(), f.between[1].value(),
                                     lat.mean(), f.loss));
            break;
        }
        case FaultAction::disk_slow:
            cluster_->set_disk_slow(*f.broker, f.factor);
            narrate(now, fmt::format("broker {} disk {}x slower", f.broker->value(), f.factor));
            break;
        case FaultAction::rolling_restart:
        case FaultAction::rolling_upgrade:
            narrate(now,
                    fmt::format("rolling {} begins", f.action == FaultAction::rolling_upgrade ? "upgrade" : "restart"));
            rolling(f, 0);
            break;
        case FaultAction::producer_rate:
            set_producer_rate(producer_index(f.producer), f.rate_per_s);
            narrate(now, fmt::format("producer {} rate -> {}/s", f.producer, f.rate_per_s));
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
            narrate(now, fmt::format("broker {} resumed", f.broker->value()));
            cluster_->resume(kafka::broker_node(*f.broker));
            break;
        case FaultAction::partition:
            if (auto it = partitions_active_.find(index); it != partitions_active_.end()) {
                cluster_->heal(it->second);
                partitions_active_.erase(it);
                narrate(now, "network partition healed");
            }
            break;
        case FaultAction::link:
            cluster_->set_link_fault(kafka::broker_node(f.between[0]), kafka::broker_node(f.between[1]),
                                     env::LinkFault{});
            narrate(now, fmt::format("link {}-{} restored", f.between[0].value(), f.between[1].value()));
            break;
        case FaultAction::disk_slow:
            cluster_->set_disk_slow(*f.broker, 1.0);
            narrate(now, fmt::format("broker {} disk back to normal", f.broker->value()));
            break;
        case FaultAction::producer_rate:
            if (now < heal_at_) {
                const std::size_t i = producer_index(f.producer);
                set_producer_rate(i, s_.producers[i].rate_per_s);
                narrate(now, fmt::format("producer {} rate back to {}/s", f.producer, s_.producers[i].rate_per_s));
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
        narrate(loop_.now(), "rolling operation done");
        return;
    }
    const BrokerId b = order[position];
    const std::size_t index = static_cast<std::size_t>(&f - s_.faults.data());
    auto bring_back = [this, &f, b, position, index] {
        loop_.schedule_after(kRestartDowntime, [this, &f, b, position, index] {
            if (f.action == FaultAction::rolling_upgrade) {
                kafka::BrokerConfig cfg = cluster_->broker_config(b);
                BrokerSpec spec = *s_.cluster.find_broker(b);
                for (const std::string& key : f.set.user_keys()) spec.config.set(key, f.set.value(key), true);
                cfg = broker_config(spec);
                cluster_->set_broker_config(b, cfg);
            }
            narrate(loop_.now(), fmt::format("broker {} back{}", b.value(),
                                             f.action == FaultAction::rolling_upgrade ? " with the new config" : ""));
            cluster_->restart(b);
            // Then wait for the ISRs (or a fixed pause) before the next broker.
            if (!f.wait_for_isr) {
                loop_.schedule_after(kRollingPause, [this, &f, position] { rolling(f, position + 1); });
                return;
            }
            loop_.schedule_after(kIsrPoll, [this, &f, position] { rolling_wait(f, position); });
        });
        (void)index;
    };
    if (f.controlled) {
        narrate(loop_.now(), fmt::format("broker {}: controlled shutdown", b.value()));
        cluster_->controlled_shutdown(b, bring_back);
    } else {
        narrate(loop_.now(), fmt::format("broker {}: stopped without controlled shutdown", b.value()));
        cluster_->crash(b);
        bring_back();
    }
}

void Simulation::rolling_wait(const FaultSpec& f, std::size_t position) {
    if (under_replicated()) {
        loop_.schedule_after(kIsrPoll, [this, &f, position] { rolling_wait(f, position); });
    } else {
        rolling(f, position + 1);
    }
}

void Simulation::heal_everything() {
    narrate(loop_.now(), "heal: every fault ends; producers stop sending and drain");
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
            narrate(loop_.now(), fmt::format("broker {} restarted for the heal", b.id.value()));
            cluster_->restart(b.id);
        }
    }
}

}  // namespace ks::runner
