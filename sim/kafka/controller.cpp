#include "kafka/controller.hpp"

#include <algorithm>

#include "core/assert.hpp"

namespace ks::kafka {

namespace {
bool contains(const std::vector<BrokerId>& v, BrokerId b) {
    return std::find(v.begin(), v.end(), b) != v.end();
}
void erase(std::vector<BrokerId>& v, BrokerId b) {
    v.erase(std::remove(v.begin(), v.end(), b), v.end());
}
const BrokerId kNoLeader{-1};
}  // namespace

Controller::Controller(ControllerConfig config, std::vector<TopicSettings> topics)
    : config_(config), topics_(std::move(topics)) {}

void Controller::add_partition(TopicPartition tp, std::vector<BrokerId> replicas) {
    KS_ASSERT(!replicas.empty());
    PartitionState p;
    p.tp = tp;
    p.replicas = replicas;
    p.isr = replicas;
    p.leader = kNoLeader;
    p.leader_epoch = -1;
    p.partition_epoch = 0;
    partitions_.emplace(tp, std::move(p));
    for (BrokerId b : replicas) brokers_[b];
}

void Controller::create_partitions(Instant now, Outbox& out) {
    created_ = true;
    for (auto& [tp, p] : partitions_) {
        if (p.leader_epoch >= 0) continue;
        std::vector<BrokerId> live;
        for (BrokerId r : p.replicas) {
            if (is_live(r)) live.push_back(r);
        }
        if (live.empty()) continue;
        p.isr = live;
        set_leader(now, p, live.front(), false, false, out);
        publish(p, out);
    }
}

// The automatic preferred-leader election. ZooKeeper era
// (KafkaController.onControllerFailover, AutoPreferredReplicaLeaderElection):
// first 5 s after the controller takes over, then every
// leader.imbalance.check.interval.seconds. KRaft
// (QuorumController.maybeScheduleNextBalancePartitionLeaders): after every
// write event, if a partition is not led by its preferred replica and no
// balance is scheduled, one is scheduled an interval later (10 ms later when
// the last one stopped at its election limit).
void Controller::start(Instant now, Outbox& out) {
    out.set_timer(kLivenessTimer, now + config_.liveness_check_interval);
    if (config_.auto_leader_rebalance && config_.zookeeper) out.set_timer(kRebalanceTimer, now + s(5));
}

void Controller::maybe_schedule_balance(Instant now, Outbox& out) {
    if (config_.zookeeper || !config_.auto_leader_rebalance || !created_) return;
    if (balance_ == Balance::scheduled || preferred_replica_imbalance_count() == 0) return;
    const Duration delay = balance_ == Balance::deferred ? config_.leader_imbalance_check_interval : ms(10);
    out.set_timer(kRebalanceTimer, now + delay);
    balance_ = Balance::scheduled;
}

bool Controller::is_live(BrokerId b) const {
    auto it = brokers_.find(b);
    return it != brokers_.end() && it->second.registered && !it->second.fenced;
}

bool Controller::is_shutting_down(BrokerId b) const {
    auto it = brokers_.find(b);
    return it != brokers_.end() && it->second.shutting_down;
}

bool Controller::eligible(BrokerId b) const {
    return is_live(b) && !is_shutting_down(b);
}

std::vector<BrokerId> Controller::live_brokers() const {
    // Registered, unfenced and not in controlled shutdown: the brokers that may
    // join an ISR (Partition.isReplicaIsrEligible) and that clients may use.
    std::vector<BrokerId> out;
    for (const auto& [id, info] : brokers_) {
        if (info.registered && !info.fenced && !info.shutting_down) out.push_back(id);
    }
    return out;
}

std::int64_t Controller::offline_partition_count() const {
    std::int64_t n = 0;
    for (const auto& [tp, p] : partitions_) n += p.leader == kNoLeader ? 1 : 0;
    return n;
}

std::int64_t Controller::preferred_replica_imbalance_count() const {
    std::int64_t n = 0;
    for (const auto& [tp, p] : partitions_) n += (p.leader != p.replicas.front()) ? 1 : 0;
    return n;
}

// ---- inputs ------------------------------------------------------------------------------

void Controller::on_message(Instant now, NodeId from, const Message& m, Outbox& out) {
    if (const auto* r = std::get_if<BrokerRegistration>(&m)) {
        handle_registration(now, *r, out);
    } else if (const auto* h = std::get_if<BrokerHeartbeat>(&m)) {
        handle_heartbeat(now, *h, out);
    } else if (const auto* a = std::get_if<AlterPartitionRequest>(&m)) {
        handle_alter_partition(now, from, *a, out);
    } else if (const auto* z = std::get_if<ZkSessionClosed>(&m)) {
        auto it = brokers_.find(z->broker);
        if (config_.zookeeper && it != brokers_.end() && it->second.registered)
            fence(now, z->broker, out, BrokerFenced::Reason::session_closed);
    }
    maybe_schedule_balance(now, out);
}

void Controller::on_timer(Instant now, std::uint64_t key, Outbox& out) {
    if (key == kLivenessTimer) {
        for (auto& [id, info] : brokers_) {
            if (info.registered && !info.fenced && now - info.last_heartbeat > config_.session_timeout) {
                fence(now, id, out);
            }
        }
        out.set_timer(kLivenessTimer, now + config_.liveness_check_interval);
    } else if (key == kRebalanceTimer) {
        const std::int64_t elections = preferred_elections(now, out);
        if (config_.zookeeper) {
            out.set_timer(kRebalanceTimer, now + config_.leader_imbalance_check_interval);
        } else {
            balance_ = elections >= kMaxElectionsPerImbalance ? Balance::immediately : Balance::deferred;
        }
    }
    maybe_schedule_balance(now, out);
}

void Controller::handle_registration(Instant now, const BrokerRegistration& r, Outbox& out) {
    BrokerInfo& info = brokers_[r.broker];
    if (info.registered && !info.fenced) {
        if (config_.zookeeper) {
            // The previous incarnation's ephemeral /brokers/ids node lives
            // until its session expires: the new process cannot register
            // (ZkUtils.registerBrokerInZk, KafkaZkClient.registerBroker: NodeExists).
            // It keeps trying; once the session expires the controller treats
            // the broker as failed (onBrokerFailure) and the next attempt
            // registers a new broker (onBrokerStartup).
            if (!info.refused) out.event(RegistrationRefused{r.broker});
            info.refused = true;
            return;
        }
        // KRaft: while the previous incarnation's session is valid (not
        // fenced, heard from within broker.session.timeout.ms) a new one is
        // refused (ClusterControlManager.registerBroker:
        // DuplicateBrokerRegistrationException, BrokerHeartbeatManager.
        // hasValidSession); the broker retries with backoff.
        if (now - info.last_heartbeat <= config_.session_timeout) {
            if (!info.refused) out.event(RegistrationRefused{r.broker});
            info.refused = true;
            out.send(broker_node(r.broker),
                     BrokerRegistrationReply{.broker_epoch = 0, .error = Error::duplicate_broker_registration});
            return;
        }
        // The session ran out before the liveness check fenced it: the old
        // incarnation is fenced first, which takes it out of every ISR
        // (ReplicationControlManager.handleBrokerShutdown on re-registration).
        fence(now, r.broker, out, BrokerFenced::Reason::new_incarnation);
    }
    info.registered = true;
    info.fenced = true;
    info.refused = false;
    info.shutting_down = false;
    info.epoch = next_broker_epoch_++;
    info.last_heartbeat = now;
    if (config_.eligible_leader_replicas && !r.clean_shutdown) {
        // KIP-966: a broker back from an unclean shutdown may have lost data it
        // acknowledged: it leaves every ELR (and ISR), so it cannot be elected
        // as an eligible leader.
        for (auto& [tp, p] : partitions_) {
            bool changed = false;
            if (contains(p.elr, r.broker)) {
                erase(p.elr, r.broker);
                changed = true;
            }
            if (contains(p.isr, r.broker) && p.leader != r.broker) {
                erase(p.isr, r.broker);
                changed = true;
            }
            if (changed) {
                ++p.partition_epoch;
                publish(p, out);
            }
        }
    }
    out.send(broker_node(r.broker), BrokerRegistrationReply{.broker_epoch = info.epoch});
    // Brokers learn the whole current metadata at registration.
    out.send(broker_node(r.broker), snapshot());
    info.version_at_last_reply = metadata_version_;
}

void Controller::handle_heartbeat(Instant now, const BrokerHeartbeat& h, Outbox& out) {
    auto it = brokers_.find(h.broker);
    if (it == brokers_.end() || !it->second.registered || h.broker_epoch != it->second.epoch) {
        out.send(broker_node(h.broker), BrokerHeartbeatReply{true, false});
        return;
    }
    BrokerInfo& info = it->second;
    info.last_heartbeat = now;
    // The broker missed updates published before our previous answer (they
    // were lost, e.g. while it was cut off): it catches up from a snapshot,
    // as a KRaft broker does by fetching the metadata log.
    if (h.metadata_version < info.version_at_last_reply) out.send(broker_node(h.broker), snapshot());
    info.version_at_last_reply = metadata_version_;
    if (info.fenced && !h.want_shutdown) unfence(now, h.broker, out);
    if (h.want_shutdown && !info.shutting_down && !info.fenced) {
        begin_controlled_shutdown(now, h.broker, out);
    } else if (h.want_shutdown && info.shutting_down && !info.fenced && config_.zookeeper) {
        // A retried ControlledShutdownRequest (KafkaServer.controlledShutdown):
        // leaderships that could not move may move now.
        remove_from_isrs(now, h.broker, true, out);
    }
    bool leads_nothing = true;
    if (h.want_shutdown) {
        for (const auto& [tp, p] : partitions_) leads_nothing = leads_nothing && p.leader != h.broker;
    }
    out.send(broker_node(h.broker), BrokerHeartbeatReply{info.fenced, h.want_shutdown && leads_nothing});
    if (h.want_shutdown && leads_nothing && !info.fenced) {
        // The broker leads nothing and may stop: it is fenced now, so it is no
        // longer ISR-eligible anywhere (BrokerHeartbeatManager).
        info.fenced = true;
        out.event(ControlledShutdownDone{h.broker});
        broadcast({}, out);  // the live-broker set changed
    }
}

// The checks and their order are the controller's own: KRaft's
// ReplicationControlManager.alterPartition / validateAlterPartitionData, and the
// ZooKeeper era's KafkaController.processAlterPartition (which answers a
// request for the state it already has with success, before the partition
// epoch check, and does not check who leads). The broker's reaction to each
// error is Partition.handleAlterPartitionError (see Partition).
void Controller::handle_alter_partition(Instant now, NodeId from, const AlterPartitionRequest& r, Outbox& out) {
    (void)now;
    AlterPartitionResponse resp;
    resp.tp = r.tp;
    resp.correlation = r.correlation;
    const auto binfo = brokers_.find(r.leader);
    if (binfo == brokers_.end() || binfo->second.epoch != r.broker_epoch) {
        // Response-level: the whole request is refused (checked first by both).
        resp.error = Error::stale_broker_epoch;
        out.send(from, std::move(resp));
        return;
    }
    auto it = partitions_.find(r.tp);
    if (it == partitions_.end()) {
        resp.error = Error::unknown_topic_or_partition;
        out.send(from, std::move(resp));
        return;
    }
    PartitionState& p = it->second;
    const auto valid_isr = [&] {
        std::vector<BrokerId> seen;
        for (BrokerId b : r.new_isr) {
            if (!contains(p.replicas, b) || contains(seen, b)) return false;
            seen.push_back(b);
        }
        return contains(r.new_isr, p.leader);
    };
    const auto ineligible = [&] {
        for (BrokerId b : r.new_isr) {
            // Joiners must be eligible (KIP-841): KRaft asks for an unfenced,
            // not shutting-down broker of the epoch given; ZooKeeper for a live one.
            if (!contains(p.isr, b) && !eligible(b)) return true;
        }
        return false;
    };
    bool unchanged = false;  // ZooKeeper: already the state asked for
    if (r.leader_epoch > p.leader_epoch || r.partition_epoch > p.partition_epoch) {
        // Ahead of this controller: the leader should look for a newer one.
        resp.error = Error::not_controller;
    } else if (r.leader_epoch < p.leader_epoch) {
        resp.error = Error::fenced_leader_epoch;
    } else if (config_.zookeeper && r.new_isr == p.isr) {
        unchanged = true;  // LeaderAndIsr.equalsAllowStalePartitionEpoch
    } else if (!config_.zookeeper && r.leader != p.leader) {
        resp.error = Error::invalid_request;
    } else if (r.partition_epoch < p.partition_epoch) {
        resp.error = Error::invalid_update_version;
    } else if (!valid_isr()) {
        resp.error = Error::invalid_request;
    } else if (ineligible()) {
        resp.error = Error::ineligible_replica;
    }
    if (resp.error == Error::none && !unchanged) {
        if (r.new_isr.size() < p.isr.size()) ++counters_.isr_shrinks;
        if (r.new_isr.size() > p.isr.size()) ++counters_.isr_expands;
        set_isr(p, r.new_isr, out, true, IsrChanged::Reason::alter_partition, r.leader);
        publish(p, out);
    }
    resp.leader = p.leader;
    resp.leader_epoch = p.leader_epoch;
    resp.partition_epoch = p.partition_epoch;
    resp.isr = p.isr;
    out.send(from, std::move(resp));
}

// ---- liveness ----------------------------------------------------------------------------

void Controller::fence(Instant now, BrokerId b, Outbox& out, BrokerFenced::Reason reason) {
    BrokerInfo& info = brokers_[b];
    if (info.fenced) return;
    info.fenced = true;
    out.event(BrokerFenced{b, reason});
    remove_from_isrs(now, b, false, out);
}

void Controller::unfence(Instant now, BrokerId b, Outbox& out) {
    BrokerInfo& info = brokers_[b];
    info.fenced = false;
    out.event(BrokerUnfenced{b});
    elect_leaderless(now, out);
    broadcast({}, out);  // tell everyone the broker set changed (clients route by it)
}

void Controller::begin_controlled_shutdown(Instant now, BrokerId b, Outbox& out) {
    brokers_[b].shutting_down = true;
    remove_from_isrs(now, b, true, out);
}

void Controller::remove_from_isrs(Instant now, BrokerId b, bool controlled, Outbox& out) {
    for (auto& [tp, p] : partitions_) {
        if (!contains(p.isr, b) && p.leader != b) continue;
        const bool was_leader = p.leader == b;
        if (controlled && config_.zookeeper && was_leader &&
            (p.replicas.size() == 1 || !choose_clean_leader(p, true).has_value())) {
            // KafkaController.doControlledShutdown: a partition with one replica
            // is left alone, and one whose ISR holds no other live broker keeps
            // its leader (ControlledShutdownPartitionLeaderElectionStrategy
            // finds none); the broker is told it still leads them and retries.
            continue;
        }
        std::vector<BrokerId> isr = p.isr;
        // The last ISR member stays in it; with ELR the ISR may become empty.
        if (isr.size() > 1 || config_.eligible_leader_replicas) erase(isr, b);
        if (isr != p.isr) {
            ++counters_.isr_shrinks;
            set_isr(p, isr, out, true,
                    controlled ? IsrChanged::Reason::controlled_shutdown : IsrChanged::Reason::broker_fenced);
        }
        if (was_leader) {
            auto next = choose_clean_leader(p, controlled);
            if (next) {
                ++counters_.clean_elections;
                set_leader(now, p, *next, false, false, out);
            } else {
                p.leader = kNoLeader;
                ++p.leader_epoch;
                ++p.partition_epoch;
                out.event(PartitionOffline{tp, p.leader_epoch, p.isr});
                elect_without_isr(now, p, out);
            }
        } else {
            ++p.partition_epoch;
        }
        publish(p, out);
    }
}

// ---- elections ---------------------------------------------------------------------------

// PartitionChangeBuilder.isValidNewLeader: an ISR member, or an ELR member
// when the ISR is empty (KIP-966), that is unfenced (and not shutting down).
std::optional<BrokerId> Controller::choose_clean_leader(const PartitionState& p, bool exclude_shutting_down) const {
    for (BrokerId r : p.replicas) {
        if (!contains(p.isr, r)) continue;
        if (!is_live(r)) continue;
        if (exclude_shutting_down && is_shutting_down(r)) continue;
        return r;
    }
    if (config_.eligible_leader_replicas && p.isr.empty()) {
        for (BrokerId r : p.replicas) {
            if (contains(p.elr, r) && is_live(r) && !is_shutting_down(r)) return r;
        }
    }
    return std::nullopt;
}

// PartitionChangeBuilder.canElectLastKnownLeader: with no ISR or ELR member
// left, the last leader, if it is unfenced (KAFKA-19522). An unclean
// election: it may have lost what it had (it left the ELR after an unclean
// shutdown), and the ISR becomes just it.
std::optional<BrokerId> Controller::choose_last_known_leader(const PartitionState& p) const {
    if (!config_.eligible_leader_replicas || !p.isr.empty() || !p.elr.empty() || p.last_known_elr.size() != 1)
        return std::nullopt;
    const BrokerId b = p.last_known_elr.front();
    if (!is_live(b) || is_shutting_down(b)) return std::nullopt;
    return b;
}

bool Controller::elect_without_isr(Instant now, PartitionState& p, Outbox& out) {
    std::optional<BrokerId> leader = choose_last_known_leader(p);
    if (!leader && unclean_allowed(p.tp)) leader = choose_unclean_leader(p);
    if (!leader) return false;
    ++counters_.unclean_elections;
    set_leader(now, p, *leader, true, false, out);
    return true;
}

// Topic min ISR capped at the replication factor
// (ReplicationControlManager.getTopicEffectiveMinIsr).
std::int32_t Controller::effective_min_isr(const PartitionState& p) const {
    return std::min<std::int32_t>(topic(p.tp).min_insync_replicas, static_cast<std::int32_t>(p.replicas.size()));
}

// The ZooKeeper-era controller reads the topic's unclean.leader.election.enable;
// the KRaft controller only from 3.9 (KAFKA-12670): before, its
// ConfigurationControlManager.uncleanLeaderElectionEnabledForTopic returns
// false ("TODO: support configuring unclean leader election").
bool Controller::unclean_allowed(TopicPartition tp) const {
    if (!topic(tp).unclean_leader_election) return false;
    return config_.zookeeper || config_.kafka_version >= KafkaVersion{3, 9, 0};
}

std::optional<BrokerId> Controller::choose_unclean_leader(const PartitionState& p) const {
    for (BrokerId r : p.replicas) {
        if (is_live(r) && !is_shutting_down(r)) return r;
    }
    return std::nullopt;
}

void Controller::set_leader(Instant now, PartitionState& p, BrokerId leader, bool unclean, bool preferred,
                            Outbox& out) {
    (void)now;
    p.leader = leader;
    ++p.leader_epoch;
    ++p.partition_epoch;
    p.last_known_elr.clear();  // a leader again (maybeUpdateLastKnownLeader)
    if (unclean) {
        // The ISR is forced to the new leader; ELR and LastKnownElr are
        // cleared (PartitionChangeBuilder.tryElection, maybeUpdateRecordElr).
        set_isr(p, {leader}, out, false);
        p.elr.clear();
        p.last_known_elr.clear();
    } else if (!contains(p.isr, leader)) {
        // Elected from the ELR: it is the ISR, and leaves the ELR.
        erase(p.elr, leader);
        set_isr(p, {leader}, out, false);
    }
    out.event(LeaderElected{.tp = p.tp,
                            .leader = leader,
                            .epoch = p.leader_epoch,
                            .unclean = unclean,
                            .preferred = preferred,
                            .isr = p.isr});
}

// KIP-966, PartitionChangeBuilder.maybePopulateTargetElr, on every ISR
// change (a fencing, a controlled shutdown, a leader's AlterPartition shrink):
// at or above min ISR there is no ELR; below it, whoever was in the ISR or the
// ELR and is not in the new ISR is eligible, since the HW cannot have moved
// past what they hold (it is frozen below min ISR). maybeUpdateLastKnownLeader:
// the first time the ISR becomes empty the leader is remembered.
void Controller::set_isr(PartitionState& p, std::vector<BrokerId> isr, Outbox& out, bool noted,
                         IsrChanged::Reason reason, BrokerId requested_by) {
    std::vector<BrokerId> old = p.isr;
    p.isr = std::move(isr);
    ++p.partition_epoch;
    if (!config_.eligible_leader_replicas || static_cast<std::int32_t>(p.isr.size()) >= effective_min_isr(p)) {
        p.elr.clear();
        p.last_known_elr.clear();
    } else {
        for (BrokerId b : old) {
            if (!contains(p.elr, b)) p.elr.push_back(b);
        }
        for (BrokerId b : p.isr) erase(p.elr, b);
        if (p.isr.empty() && p.leader != kNoLeader &&
            (p.last_known_elr.size() != 1 || p.last_known_elr.front() != p.leader))
            p.last_known_elr = {p.leader};
    }
    if (noted) {
        out.event(IsrChanged{.tp = p.tp,
                             .leader = p.leader,
                             .partition_epoch = p.partition_epoch,
                             .isr = p.isr,
                             .previous_isr = std::move(old),
                             .reason = reason,
                             .requested_by = requested_by});
    }
}

void Controller::elect_leaderless(Instant now, Outbox& out) {
    for (auto& [tp, p] : partitions_) {
        if (!created_) return;
        if (p.leader != kNoLeader && is_live(p.leader)) continue;
        const bool initial = p.leader_epoch < 0;
        if (auto l = choose_clean_leader(p, true)) {
            if (!initial) ++counters_.clean_elections;
            set_leader(now, p, *l, false, false, out);
            publish(p, out);
        } else if (!initial && elect_without_isr(now, p, out)) {
            publish(p, out);
        }
    }
}

std::int64_t Controller::preferred_elections(Instant now, Outbox& out) {
    std::int64_t elections = 0;
    // Per-broker imbalance (ZooKeeper's KafkaController.checkAndTriggerAutoLeaderRebalance).
    std::map<BrokerId, std::pair<int, int>> per_broker;  // preferred-of count, not-led count
    for (const auto& [tp, p] : partitions_) {
        auto& c = per_broker[p.replicas.front()];
        ++c.first;
        if (p.leader != p.replicas.front()) ++c.second;
    }
    for (auto& [tp, p] : partitions_) {
        const BrokerId preferred = p.replicas.front();
        if (p.leader == preferred || !contains(p.isr, preferred) || !eligible(preferred)) continue;
        if (p.leader != kNoLeader && !is_live(p.leader)) continue;  // the offline path handles it
        if (config_.zookeeper) {
            const auto& c = per_broker[preferred];
            const double ratio = c.first > 0 ? 100.0 * c.second / c.first : 0.0;
            if (ratio <= config_.leader_imbalance_per_broker_percentage) continue;
        }
        // KRaft: at most maxElectionsPerImbalance per run (ReplicationControlManager).
        if (!config_.zookeeper && elections >= kMaxElectionsPerImbalance) break;
        ++counters_.preferred_elections;
        ++elections;
        set_leader(now, p, preferred, false, true, out);
        publish(p, out);
    }
    return elections;
}

// ---- metadata ------------------------------------------------------------------------------

MetadataUpdate Controller::snapshot() const {
    MetadataUpdate all;
    for (const auto& [tp, p] : partitions_) all.partitions.push_back(p);
    all.live_brokers = live_brokers();
    all.version = metadata_version_;
    all.snapshot = true;
    return all;
}

void Controller::broadcast(std::vector<PartitionState> partitions, Outbox& out) {
    MetadataUpdate m;
    m.version = ++metadata_version_;
    m.partitions = std::move(partitions);
    m.live_brokers = live_brokers();
    for (const auto& [id, info] : brokers_) {
        if (info.registered) out.send(broker_node(id), m);
    }
}

void Controller::publish(const PartitionState& p, Outbox& out) {
    broadcast({p}, out);
}

void Controller::check_invariants() const {
    for (const auto& [tp, p] : partitions_) {
        for (BrokerId b : p.isr) KS_ASSERT(contains(p.replicas, b));
        if (p.leader != kNoLeader) {
            KS_ASSERT_MSG(contains(p.isr, p.leader), "leader {} not in ISR of {}-{}", p.leader.value(), tp.topic,
                          tp.partition);
        }
        if (!config_.eligible_leader_replicas && p.leader_epoch >= 0) KS_ASSERT(!p.isr.empty());
        for (BrokerId b : p.elr) KS_ASSERT(!contains(p.isr, b));
    }
}

}  // namespace ks::kafka
