// Watching a run: controller notes → availability and the timeline; periodic
// samples → the time series; invariants; settle; the summary.
#include <fmt/format.h>
#include <algorithm>
#include <limits>

#include "core/assert.hpp"
#include "runner/simulation_impl.hpp"

namespace ks::runner {

namespace {
constexpr Duration kSettleStep = ms(500);

std::string list(const std::vector<BrokerId>& v) {
    std::string s = "[";
    for (std::size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + std::to_string(v[i].value());
    return s + "]";
}

}  // namespace

std::string Simulation::tp_name(kafka::TopicPartition tp) const {
    return fmt::format("{}-{}", s_.topics.at(static_cast<std::size_t>(tp.topic)).name, tp.partition);
}

void Simulation::narrate(Instant now, std::string text) {
    timeline_.emplace_back(now, std::move(text));
}

void Simulation::on_effect(Instant now, NodeId node, const kafka::Effect& e) {
    if (const auto* sent = std::get_if<kafka::RecordsSentEffect>(&e)) {
        ledger_.on_sent(*sent);
        return;
    }
    if (const auto* outcome = std::get_if<kafka::RecordsOutcomeEffect>(&e)) {
        ledger_.on_outcome(*outcome);
        return;
    }
    if (std::holds_alternative<kafka::RecordsConsumedEffect>(e) ||
        std::holds_alternative<kafka::OffsetCommittedEffect>(e) || std::holds_alternative<kafka::GroupEventEffect>(e)) {
        on_group_effect(now, e);
        return;
    }
    const auto* pe = std::get_if<ProtocolEvent>(&e);
    if (!pe) return;
    if (const auto* bl = std::get_if<BecameLeader>(pe)) {
        // At most one leader per partition and epoch, checked as each broker
        // takes leadership (Broker notes every move to leader: Partition.makeLeader).
        auto [it, fresh] = epoch_leaders_.emplace(std::pair{bl->tp, bl->epoch}, bl->broker.value());
        KS_ASSERT_MSG(fresh || it->second == bl->broker.value(),
                      "two leaders of {} in epoch {}: brokers {} and {} (seed {})", tp_name(bl->tp), bl->epoch,
                      it->second, bl->broker.value(), seed_);
    }
    if (node == kafka::controller_node()) track_partition(*pe, now);
    narrate(now, *pe);
    // StrongIsr can break as a log is cut back or as the ISR changes: look at once.
    if (const auto* t = std::get_if<Truncated>(pe)) measure_strong_isr(now, t->tp);
    if (const auto* ic = std::get_if<IsrChanged>(pe)) measure_strong_isr(now, ic->tp);
}

void Simulation::track_partition(const ProtocolEvent& event, Instant now) {
    const TopicPartition* tp = nullptr;
    const std::vector<BrokerId>* isr = nullptr;
    std::optional<bool> offline_now;
    if (const auto* le = std::get_if<LeaderElected>(&event)) {
        tp = &le->tp, isr = &le->isr, offline_now = false;
    } else if (const auto* po = std::get_if<PartitionOffline>(&event)) {
        tp = &po->tp, isr = &po->last_isr, offline_now = true;
    } else if (const auto* ic = std::get_if<IsrChanged>(&event)) {
        tp = &ic->tp, isr = &ic->isr;
    } else {
        return;
    }
    auto it = tracks_.find(*tp);
    if (it == tracks_.end()) return;
    PartitionTrack& t = it->second;
    const bool offline = offline_now.value_or(t.offline);
    if (t.offline && !offline && now > t0_) t.offline_total += now - std::max(t.since, t0_);
    if (offline != t.offline) t.since = now;
    t.offline = offline;
    const bool urp = isr->size() < t.replicas.size() || offline;
    if (t.under_replicated && now > t0_) t.urp_total += now - std::max(t.urp_since, t0_);
    t.urp_since = now;
    t.under_replicated = urp;
}

void Simulation::narrate(Instant now, const ProtocolEvent& event) {
    if (const auto* e = std::get_if<LeaderElected>(&event)) {
        narrate(now, fmt::format("{}: {}leader {} elected (epoch {}), ISR {}", tp_name(e->tp),
                                 e->unclean ? "UNCLEAN " : (e->preferred ? "preferred " : ""), e->leader.value(),
                                 e->epoch, list(e->isr)));
    } else if (const auto* po = std::get_if<PartitionOffline>(&event)) {
        narrate(now, fmt::format("{}: OFFLINE (no eligible leader; last ISR {})", tp_name(po->tp), list(po->last_isr)));
    } else if (const auto* ic = std::get_if<IsrChanged>(&event)) {
        narrate(now, fmt::format("{} ISR {} -> {}", tp_name(ic->tp), list(ic->previous_isr), list(ic->isr)));
    } else if (const auto* bf = std::get_if<BrokerFenced>(&event)) {
        narrate(now, fmt::format("controller fenced broker {} ({})", bf->broker.value(),
                                 bf->new_incarnation ? "a new incarnation registered" : "session expired"));
    } else if (const auto* bu = std::get_if<BrokerUnfenced>(&event)) {
        if (now > t0_) narrate(now, fmt::format("broker {} registered and unfenced", bu->broker.value()));
    } else if (const auto* rr = std::get_if<RegistrationRefused>(&event)) {
        narrate(now, fmt::format("broker {} cannot register yet: its previous ZooKeeper session is still alive "
                                 "(restarted faster than zookeeper.session.timeout.ms); it keeps trying",
                                 rr->broker.value()));
    } else if (const auto* tr = std::get_if<Truncated>(&event)) {
        narrate(now, fmt::format("broker {} truncated {} from offset {} to {}", tr->broker.value(), tp_name(tr->tp),
                                 tr->from, tr->to));
    } else if (const auto* cs = std::get_if<ControlledShutdownDone>(&event)) {
        narrate(now, fmt::format("broker {} finished its controlled shutdown", cs->broker.value()));
    }
}

// ---- sampling -----------------------------------------------------------------------------

void Simulation::schedule_sampling() {
    series_.columns = {"t_s",
                       "phase",
                       "OfflinePartitionsCount",
                       "UnderReplicatedPartitions",
                       "UnderMinIsrPartitionCount",
                       "PreferredReplicaImbalanceCount",
                       "ActiveBrokers"};
    for (const ProducerSpec& p : s_.producers) {
        series_.columns.push_back(p.name + ".sent");
        series_.columns.push_back(p.name + ".acked");
        series_.columns.push_back(p.name + ".failed");
        series_.columns.push_back(p.name + ".latency_p99_ms");  // acks in this interval only; empty: none
    }
    series_.columns.push_back("produce_latency_p99_ms");  // every producer, acks in this interval only
    for (const auto& [tp, tr] : tracks_) {
        const std::string name = tp_name(tp);
        series_.columns.push_back(name + ".leader");
        series_.columns.push_back(name + ".isr_size");
        series_.columns.push_back(name + ".log_end_offset");
        series_.columns.push_back(name + ".high_watermark");
    }
    for (std::size_t g = 0; g < s_.consumer_groups.size(); ++g) {
        const std::string& id = s_.consumer_groups[g].group_id;
        series_.columns.push_back(id + ".lag");
        series_.columns.push_back(id + ".records-lag-max");
        series_.columns.push_back(id + ".consumed");
        // Per partition: HW - committed offset; empty before the first commit.
        for (const kafka::TopicPartition& tp : group_partitions(g))
            series_.columns.push_back(id + "." + tp_name(tp) + ".lag");
    }
    // Kafka's rate meters, per second over the last interval, and LeaderCount.
    series_.columns.push_back("IsrShrinksPerSec");
    series_.columns.push_back("IsrExpandsPerSec");
    series_.columns.push_back("UncleanLeaderElectionsPerSec");
    for (const BrokerSpec& b : s_.cluster.brokers)
        series_.columns.push_back(fmt::format("LeaderCount.broker{}", b.id.value()));
    sample_tick();
}

void Simulation::sample_tick() {
    sample();
    if (!settled_) loop_.schedule_after(s_.sample_interval, [this] { sample_tick(); });
}

void Simulation::sample() {
    const Instant now = loop_.now();
    std::vector<double> row;
    row.push_back((now - t0_).seconds_f());
    row.push_back(now < heal_at_ ? 1.0 : 2.0);  // 1: the scenario, 2: heal and settle
    const auto& ctl = cluster_->controller();
    double under_min = 0, urp = 0;
    for (const auto& [tp, st] : ctl.partitions()) {
        urp += (st.isr.size() < st.replicas.size()) ? 1 : 0;
        const auto min_isr = s_.topics.at(static_cast<std::size_t>(tp.topic)).config.get_int("min.insync.replicas");
        under_min += (static_cast<std::int32_t>(st.isr.size()) < min_isr) ? 1 : 0;
    }
    double active = 0;
    for (const BrokerSpec& b : s_.cluster.brokers) active += ctl.is_live(b.id) ? 1 : 0;
    row.push_back(static_cast<double>(ctl.offline_partition_count()));
    row.push_back(urp);
    row.push_back(under_min);
    row.push_back(static_cast<double>(ctl.preferred_replica_imbalance_count()));
    row.push_back(active);
    const auto latency = ledger_.take_interval_latency();
    const double none = std::numeric_limits<double>::quiet_NaN();
    for (std::size_t i = 0; i < s_.producers.size(); ++i) {
        if (i < producers_.size()) {
            const kafka::ProducerStats& st = producers_[i]->producer().stats();
            row.push_back(static_cast<double>(st.sent));
            row.push_back(static_cast<double>(st.acked));
            row.push_back(static_cast<double>(st.failed));
        } else {
            row.insert(row.end(), {0.0, 0.0, 0.0});  // before the producers start
        }
        const auto l = latency.p99_ms_by_producer.find(static_cast<std::int32_t>(i));
        row.push_back(l == latency.p99_ms_by_producer.end() ? none : l->second);
    }
    row.push_back(latency.p99_ms);
    for (const auto& [tp, tr] : tracks_) {
        const auto& st = ctl.partition(tp);
        row.push_back(st.leader.value());
        row.push_back(static_cast<double>(st.isr.size()));
        const kafka::Partition* p = replica(st.leader, tp);
        row.push_back(p ? static_cast<double>(p->log_end_offset()) : -1.0);
        row.push_back(p ? static_cast<double>(p->high_watermark()) : -1.0);
    }
    sample_groups(row);
    measure_strong_isr(now);
    const auto& c = ctl.counters();
    const double dt = last_sample_ ? (now - *last_sample_).seconds_f() : 0.0;
    auto rate = [dt](std::int64_t now_count, std::int64_t before) {
        return dt > 0 ? static_cast<double>(now_count - before) / dt : 0.0;
    };
    row.push_back(rate(c.isr_shrinks, last_counters_.isr_shrinks));
    row.push_back(rate(c.isr_expands, last_counters_.isr_expands));
    row.push_back(rate(c.unclean_elections, last_counters_.unclean_elections));
    for (const BrokerSpec& b : s_.cluster.brokers) {
        double leaders = 0;
        for (const auto& [tp, st] : ctl.partitions()) leaders += st.leader == b.id ? 1 : 0;
        row.push_back(leaders);
    }
    last_counters_ = c;
    last_sample_ = now;
    KS_ASSERT_EQ(row.size(), series_.columns.size());
    series_.rows.push_back(std::move(row));
}

// ---- invariants -----------------------------------------------------------------------------

void Simulation::check_invariants() {
    cluster_->controller().check_invariants();
    // At most one leader per partition and epoch is checked as each broker
    // takes leadership (on_effect: every become_leader note), not here.
    for (const BrokerSpec& b : s_.cluster.brokers) {
        kafka::Broker* br = cluster_->broker(b.id);
        if (!br) continue;
        br->check_invariants();
        for (const auto& [tp, p] : br->partitions()) {
            if (p->role() != kafka::Role::leader) continue;
            // A leader's HW never decreases within its epoch.
            Offset& hw = leader_hw_[{tp, p->leader_epoch()}];
            KS_ASSERT_MSG(p->high_watermark() >= hw, "HW of {} went back from {} to {} in epoch {} (seed {})",
                          tp_name(tp), hw, p->high_watermark(), p->leader_epoch(), seed_);
            hw = p->high_watermark();
        }
    }
}

// StrongIsr (KAFKA.md; TLA+ KafkaReplication.tla of the KIP-320 work): every
// replica that presumes leadership has, below its HW, the very records that
// each member of the controller's ISR holds. Measured, not asserted: a power
// loss of ISR members, the legacy truncation rules (KIP-101's scenarios) and
// unclean elections break it. A member that is down is judged by its log on
// disk. Records are compared by identity and leader epoch, not by batch
// boundaries; each check resumes where the last one found agreement.
void Simulation::measure_strong_isr(Instant now, std::optional<kafka::TopicPartition> only) {
    const auto& ctl = cluster_->controller();
    for (const BrokerSpec& spec : s_.cluster.brokers) {
        const kafka::Broker* lb = cluster_->broker(spec.id);
        if (!lb) continue;
        for (const auto& [tp, lp] : lb->partitions()) {
            if (lp->role() != kafka::Role::leader || (only && tp != *only)) continue;
            const kafka::Log& ll = lp->log();
            const Offset hw = lp->high_watermark();
            for (BrokerId m : ctl.partitions().at(tp).isr) {
                if (m == spec.id) continue;
                const auto& member_logs = cluster_->storage(m).logs;
                const auto mit = member_logs.find(tp);
                if (mit == member_logs.end()) continue;
                const kafka::Log& ml = mit->second;
                StrongIsrProgress& g = strong_isr_[{tp, spec.id, m}];
                if (g.epoch != lp->leader_epoch() || g.leader_truncations != ll.truncations() ||
                    g.member_truncations != ml.truncations()) {
                    g = StrongIsrProgress{lp->leader_epoch(), ll.truncations(), ml.truncations(), 0};
                }
                const Offset from = std::max({g.verified, ll.log_start_offset(), ml.log_start_offset()});
                if (from >= hw) continue;
                const Offset held = std::min(hw, ml.log_end_offset());
                const Offset differs = from < held ? ll.first_difference(ml, from, held) : held;
                if (differs == hw) {
                    g.verified = hw;
                    continue;
                }
                g.verified = differs;
                strong_isr_violated_.insert(tp);
                if (g.narrated) continue;
                g.narrated = true;
                narrate(now,
                        fmt::format("{}: StrongIsr broken: broker {} in the ISR {} leader {}'s records from offset {} "
                                    "(HW {}){}",
                                    tp_name(tp), m.value(), differs == held ? "lacks" : "differs from", spec.id.value(),
                                    differs, hw, cluster_->broker(m) ? "" : "; it is down: its log on disk"));
            }
        }
    }
}

// ---- settle -----------------------------------------------------------------------------------

bool Simulation::converged() {
    if (!producers_idle()) return false;
    const auto& ctl = cluster_->controller();
    for (const BrokerSpec& b : s_.cluster.brokers) {
        if (!cluster_->is_up(b.id) || !ctl.is_live(b.id)) return false;
    }
    for (const auto& [tp, st] : ctl.partitions()) {
        if (st.leader.value() < 0 || st.isr.size() != st.replicas.size()) return false;
        const kafka::Partition* lp = replica(st.leader, tp);
        if (!lp || lp->role() != kafka::Role::leader || lp->high_watermark() != lp->log_end_offset()) return false;
        for (BrokerId r : st.replicas) {
            const kafka::Partition* rp = replica(r, tp);
            if (!rp || rp->log_end_offset() != lp->log_end_offset()) return false;
        }
    }
    return true;
}

void Simulation::settle() {
    const Instant start = loop_.now();
    const Instant deadline = start + s_.settle_max;
    while (loop_.now() < deadline) {
        loop_.run_until(std::min(deadline, loop_.now() + kSettleStep), options_.events_max);
        check_invariants();
        if (converged()) {
            settled_ = true;
            break;
        }
    }
    settled_at_ = loop_.now();
    sample();
    settled_ = true;  // stops the sampling timer either way
    narrate(settled_at_, converged() ? fmt::format("settled after {:.1f} s", (settled_at_ - start).seconds_f())
                                     : fmt::format("did NOT settle within {} s", s_.settle_max.ms() / 1000));
}

// ---- summary ----------------------------------------------------------------------------------

const kafka::Partition* Simulation::replica(BrokerId b, kafka::TopicPartition tp) const {
    if (b.value() < 0) return nullptr;
    const kafka::Broker* br = cluster_->broker(b);
    return br ? br->partition(tp) : nullptr;
}

Offset Simulation::final_log_start(kafka::TopicPartition tp) const {
    const kafka::Partition* lp = replica(cluster_->controller().partition(tp).leader, tp);
    return lp ? lp->log().log_start_offset() : 0;
}

RunSummary Simulation::summarize() {
    RunSummary r;
    r.scenario = s_.name;
    r.seed = seed_;
    r.trace_hash = Trace::format_hash(trace_.hash());
    r.version = KS_VERSION;
    r.sim_duration_s = s_.duration.seconds_f();
    r.events = loop_.events_run();
    r.settled = converged();
    r.settle_s = (settled_at_ - heal_at_).seconds_f();
    r.warmup_s = t0_.seconds_f();
    r.warnings = warnings_;
    for (std::size_t g = 0; g < groups_.size(); ++g) {
        const GroupTrack& gt = groups_[g];
        GroupSummary gs = gt.snapshot;
        gs.group_id = s_.consumer_groups[g].group_id;
        gs.consumed = gt.consumed_total;
        gs.reprocessed = gt.reprocessed;
        gs.rebalances = gt.rebalances;
        gs.max_lag = gt.max_lag;
        for (const ConsumerSlot& slot : consumers_) {
            if (slot.group == g) gs.partitions_revoked += slot.consumer->stats().partitions_revoked;
        }
        // Skipped: never consumed, yet below the highest offset consumed (jumped
        // over) or below the final log start (deleted unread) — the latter
        // also counts a partition whose reads never caught up with retention.
        for (const kafka::TopicPartition& tp : group_partitions(g)) {
            const auto it = gt.consumed.find(tp);
            const bool any = it != gt.consumed.end() && !it->second.ranges().empty();
            Offset top = any ? std::prev(it->second.ranges().end())->second : 0;
            top = std::max(top, final_log_start(tp));
            gs.skipped += top - (any ? it->second.count_in(0, top) : 0);
        }
        r.groups.push_back(std::move(gs));
    }
    const auto& ctl = cluster_->controller();
    // The ledger judges every partition against its final leader's log,
    // committed part only (below the HW).
    {
        std::map<kafka::TopicPartition, const kafka::Log*> logs;
        std::map<kafka::TopicPartition, Offset> hws;
        for (const auto& [tp, st] : ctl.partitions()) {
            const kafka::Partition* lp = replica(st.leader, tp);
            if (!lp) continue;
            logs[tp] = &lp->log();
            hws[tp] = lp->high_watermark();
        }
        const auto v = ledger_.judge(logs, hws);
        r.records_measured = !s_.producers.empty();
        r.records = RecordsSummary{v.sent,      v.acked,           v.failed,  v.acked_lost, v.duplicated,
                                   v.reordered, v.unacked_present, v.pending, v.deleted};
        const auto l = ledger_.latency_verdict();
        r.produce_latency_ms = LatencySummary{l.p50_ms, l.p99_ms, l.max_ms, l.count};
    }
    const auto& c = ctl.counters();
    r.clean_elections = c.clean_elections;
    r.unclean_elections = c.unclean_elections;
    r.preferred_elections = c.preferred_elections;
    r.strong_isr_violations = static_cast<std::int64_t>(strong_isr_violated_.size());
    // Every committed ISR change, whoever proposed it (the leader through
    // AlterPartition, or the controller when it fenced a broker).
    r.isr_shrinks = c.isr_shrinks;
    r.isr_expands = c.isr_expands;
    // Availability is measured over the scenario's duration (up to the heal).
    for (auto& [tp, t] : tracks_) {
        Duration off = t.offline_total, urp = t.urp_total;
        if (t.offline && heal_at_ > t.since) off += heal_at_ - std::max(t.since, t0_);
        if (t.under_replicated && heal_at_ > t.urp_since) urp += heal_at_ - std::max(t.urp_since, t0_);
        const auto& st = ctl.partition(tp);
        PartitionSummary ps;
        ps.topic = s_.topics.at(static_cast<std::size_t>(tp.topic)).name;
        ps.partition = tp.partition;
        for (BrokerId b : st.replicas) ps.replicas.push_back(b.value());
        for (BrokerId b : st.isr) ps.isr.push_back(b.value());
        ps.leader = st.leader.value();
        ps.leader_epoch = st.leader_epoch;
        ps.offline_s = off.seconds_f();
        ps.under_replicated_s = urp.seconds_f();
        const kafka::Partition* lp = replica(st.leader, tp);
        if (lp) {
            ps.log_end_offset = lp->log_end_offset();
            ps.high_watermark = lp->high_watermark();
        }
        // Diverged: two replicas disagree below the smaller of their LEOs.
        std::vector<const kafka::Log*> logs;
        for (BrokerId b : st.replicas) {
            const auto& st_logs = cluster_->storage(b).logs;
            auto lit = st_logs.find(tp);
            logs.push_back(lit == st_logs.end() ? nullptr : &lit->second);
        }
        for (std::size_t i = 0; i < logs.size() && !ps.diverged; ++i) {
            for (std::size_t j = i + 1; j < logs.size() && !ps.diverged; ++j) {
                if (!logs[i] || !logs[j]) continue;
                const Offset from = std::max(logs[i]->log_start_offset(), logs[j]->log_start_offset());
                const Offset upto = std::min(logs[i]->log_end_offset(), logs[j]->log_end_offset());
                ps.diverged = from < upto && logs[i]->first_difference(*logs[j], from, upto) != upto;
            }
        }
        r.offline_partition_s += ps.offline_s;
        r.under_replicated_partition_s += ps.under_replicated_s;
        r.partitions.push_back(std::move(ps));
    }
    return r;
}

}  // namespace ks::runner
