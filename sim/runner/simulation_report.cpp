// Watching a run: controller notes → availability and the timeline; periodic
// samples → the time series; invariants; settle; the summary.
#include <fmt/format.h>
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "core/assert.hpp"
#include "monitor/ownership.hpp"
#include "runner/simulation_impl.hpp"

namespace ks::runner {

namespace {
constexpr Duration kSettleStep = ms(500);

}  // namespace

std::string Simulation::tp_name(kafka::TopicPartition tp) const {
    return fmt::format("{}-{}", s_.topics.at(static_cast<std::size_t>(tp.topic)).name, tp.partition);
}

void Simulation::record(Instant now, TimelineEvent event) {
    timeline_.push_back({now, std::move(event)});
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
        std::holds_alternative<kafka::OffsetCommittedEffect>(e) || std::holds_alternative<kafka::GroupEventEffect>(e) ||
        std::holds_alternative<kafka::OffsetResetEffect>(e)) {
        on_group_effect(now, e);
        return;
    }
    if (const auto* sd = std::get_if<kafka::SegmentsDeletedEffect>(&e)) {
        // The leader's deletions only: the log start offset clients see.
        if (kafka::is_broker_node(node) && cluster_->controller().partition(sd->tp).leader == BrokerId(node.value())) {
            record(now, RetentionDeleted{.leader = BrokerId(node.value()),
                                         .tp = sd->tp,
                                         .from = sd->log_start_before,
                                         .to = sd->log_start,
                                         .segments = sd->segments,
                                         .by_time = sd->by_time,
                                         .by_size = sd->by_size});
        }
        return;
    }
    const auto* pe = std::get_if<ProtocolEvent>(&e);
    if (!pe) return;
    invariants_.on_event(*pe, *view_);
    if (node == kafka::controller_node()) availability_.on_event(now, *pe);
    // What clients can do changes with leaders, ISRs and roles (one
    // partition) and with brokers' registrations (any partition).
    std::visit(
        [this](const auto& ev) {
            if constexpr (requires { ev.tp; }) {
                update_client_access(ev.tp);
            } else {
                update_client_access();
            }
        },
        *pe);
    if (const auto* t = std::get_if<Truncated>(pe)) {
        // The timeline says how many acknowledged records the cut destroyed.
        Truncated told = *t;
        std::int64_t acked = 0;
        for (const Truncated::Batch& b : t->batches)
            acked += ledger_.acked_among(b.producer, t->tp, b.first_record, b.count);
        told.acknowledged = acked;
        record(now, ProtocolEvent(std::move(told)));
    } else {
        record(now, *pe);
    }
    // StrongIsr and WeakIsr can break as a log is cut back or as an ISR changes: look at once.
    if (const auto* t = std::get_if<Truncated>(pe)) measure_isr_properties(now, t->tp);
    if (const auto* ic = std::get_if<IsrChanged>(pe)) measure_isr_properties(now, ic->tp);
}

void Simulation::record(Instant now, const ProtocolEvent& event) {
    // What the timeline tells of the protocol: elections, ISR changes,
    // fencing, registration, truncation, controlled shutdown; not the
    // brokers' role changes and ISR proposals (the controller's decisions
    // follow them), nor the registrations of the warm-up.
    std::visit(
        [&](const auto& e) {
            using E = std::decay_t<decltype(e)>;
            if constexpr (std::is_same_v<E, BrokerUnfenced>) {
                if (now > t0_) record(now, TimelineEvent(e));
            } else if constexpr (!std::is_same_v<E, BecameLeader> && !std::is_same_v<E, BecameFollower> &&
                                 !std::is_same_v<E, IsrShrinkProposed> && !std::is_same_v<E, IsrExpandProposed>) {
                record(now, TimelineEvent(e));
            }
        },
        event);
}

// ---- sampling -----------------------------------------------------------------------------

void Simulation::schedule_sampling() {
    monitor::MetricsLayout layout;
    for (const TopicSpec& t : s_.topics) {
        layout.topic_names.push_back(t.name);
        layout.min_insync_replicas.push_back(t.settings.min_insync_replicas);
        layout.acks_all.push_back(topic_acks_all(static_cast<TopicIndex>(layout.topic_names.size() - 1)));
    }
    for (std::size_t t = 0; t < s_.topics.size(); ++t) {
        for (std::int32_t p = 0; p < s_.topics[t].partitions; ++p) {
            layout.partitions.push_back(TopicPartition{static_cast<TopicIndex>(t), p});
        }
    }
    for (const ProducerSpec& p : s_.producers) layout.producers.push_back(p.name);
    for (std::size_t g = 0; g < s_.consumer_groups.size(); ++g) {
        layout.groups.push_back({s_.consumer_groups[g].group_id, group_trackers_[g].partitions()});
    }
    for (const BrokerSpec& b : s_.cluster.brokers) layout.brokers.push_back(b.id);
    sampler_ = std::make_unique<monitor::MetricsSampler>(std::move(layout));
    series_.columns = sampler_->columns();
    sample_tick();
}

// Burrow's cluster module polls once when it starts (here, with the workload)
// and then every offset-refresh (kafka_cluster.go Start, mainLoop), until
// Burrow is judged at the end of duration_s.
void Simulation::burrow_poll_tick() {
    const Instant now = loop_.now();
    if (now > heal_at_) return;
    burrow_.on_broker_offsets(now, *view_);
    loop_.schedule_after(s_.burrow.offset_refresh, [this] { burrow_poll_tick(); });
}

std::vector<std::vector<double>> Simulation::burrow_verdicts(Instant now) {
    std::vector<std::vector<double>> out;
    if (now > heal_at_) return out;  // Burrow is judged until the end of duration_s
    for (std::size_t g = 0; g < s_.consumer_groups.size(); ++g) {
        const std::string& id = s_.consumer_groups[g].group_id;
        const monitor::BurrowGroupStatus status = burrow_.evaluate(id, now);
        std::map<std::pair<std::string, std::int32_t>, monitor::BurrowStatus> by_partition;
        for (const auto& p : status.partitions) by_partition[{p.topic, p.partition}] = p.status;
        std::vector<double> row{static_cast<double>(static_cast<int>(status.status))};
        BurrowStatusChanged change{.group_id = id,
                                   .from = groups_[g].burrow_status,
                                   .to = monitor::to_string(status.status),
                                   .partitions = {}};
        for (const TopicPartition& tp : group_trackers_[g].partitions()) {
            const auto it = by_partition.find({s_.topics.at(static_cast<std::size_t>(tp.topic)).name, tp.partition});
            if (it == by_partition.end()) {
                row.push_back(std::numeric_limits<double>::quiet_NaN());  // no commit seen for its topic
                continue;
            }
            row.push_back(static_cast<double>(static_cast<int>(it->second)));
            if (it->second != monitor::BurrowStatus::ok)
                change.partitions.emplace_back(tp, monitor::to_string(it->second));
        }
        if (change.to != change.from) {
            groups_[g].burrow_status = change.to;
            record(now, TimelineEvent(std::move(change)));
        }
        out.push_back(std::move(row));
    }
    return out;
}

void Simulation::sample_tick() {
    sample();
    if (!settled_) loop_.schedule_after(s_.sample_interval, [this] { sample_tick(); });
}

void Simulation::sample() {
    const Instant now = loop_.now();
    const auto latency = ledger_.take_interval_latency();
    monitor::MetricsSampler::Inputs in;
    in.now = now;
    in.t0 = t0_;
    in.healing = now >= heal_at_;
    in.view = view_.get();
    for (std::size_t i = 0; i < s_.producers.size(); ++i) {
        in.producers.push_back(i < producers_.size() ? &producers_[i]->producer().stats() : nullptr);
    }
    in.latency = &latency;
    in.groups = &group_trackers_;
    in.access = &client_availability_;
    in.records_lag.resize(group_trackers_.size());
    for (const ConsumerSlot& slot : consumers_) {
        if (!slot.consumer || !slot.consumer->alive()) continue;
        auto& lags = in.records_lag.at(slot.group);
        for (const TopicPartition& tp : slot.consumer->assignment()) {
            if (const auto l = slot.consumer->records_lag(tp)) lags[tp] = std::max(lags[tp], *l);
        }
    }
    // A partition no live member reads has no records-lag: the group's is
    // then unknown (an empty cell), not the lag of the partitions still read.
    for (std::size_t g = 0; g < in.records_lag.size(); ++g) {
        if (in.records_lag[g].size() < group_trackers_[g].partitions().size()) in.records_lag[g].clear();
    }
    in.burrow = burrow_verdicts(now);
    KS_ASSERT_MSG(!last_row_at_ || *last_row_at_ < now, "two time-series rows at {} ns", now.ns());
    series_.rows.push_back(sampler_->row(in));
    last_row_at_ = now;
    measure_isr_properties(now);
}

// ---- invariants -----------------------------------------------------------------------------

void Simulation::check_invariants() {
    invariants_.check(*view_);
}

void Simulation::measure_isr_properties(Instant now, std::optional<TopicPartition> tp) {
    for (const monitor::IsrPropertyBreak& b : isr_properties_.measure(*view_, tp)) {
        record(now, IsrPropertyBroken{.weak = b.property == monitor::IsrProperty::weak,
                                      .tp = b.tp,
                                      .leader = b.leader,
                                      .member = b.member,
                                      .from = b.from,
                                      .high_watermark = b.high_watermark,
                                      .lacks = b.lacks,
                                      .member_down = b.member_down});
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
        const kafka::Partition* lp = view_->replica(st.leader, tp);
        if (!lp || lp->role() != kafka::Role::leader || lp->high_watermark() != lp->log_end_offset()) return false;
        for (BrokerId r : st.replicas) {
            const kafka::Partition* rp = view_->replica(r, tp);
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
        report_progress(true);
        if (converged()) {
            settled_ = true;
            break;
        }
    }
    settled_at_ = loop_.now();
    // The last row of the time series, at the end of the settle, unless the
    // sampling timer has just taken one at this very instant (a settle step
    // ending on a tick): one row per time. The ISR properties are measured
    // anyway, as events after the tick may have moved the logs.
    if (last_row_at_ == settled_at_) {
        measure_isr_properties(settled_at_);
    } else {
        sample();
    }
    settled_ = true;  // stops the sampling timer either way
    record(settled_at_, SettleEnded{converged(), settled_at_ - start});
}

// ---- summary ----------------------------------------------------------------------------------

namespace {
// The mean of a time-series column over the rows at 0 <= t_s <= until_s
// (rows are equally spaced there: one per sample interval).
double mean_of_column(const TimeSeries& t, const std::string& column, double until_s) {
    const auto c = std::find(t.columns.begin(), t.columns.end(), column);
    if (c == t.columns.end()) return 0;
    const auto i = static_cast<std::size_t>(c - t.columns.begin());
    double sum = 0;
    std::int64_t n = 0;
    for (const auto& row : t.rows) {
        if (row.front() < 0 || row.front() > until_s || std::isnan(row[i])) continue;
        sum += row[i];
        ++n;
    }
    return n ? sum / static_cast<double>(n) : 0;
}
}  // namespace

Offset Simulation::final_log_start(kafka::TopicPartition tp) const {
    const kafka::Partition* lp = view_->leader_replica(tp);
    return lp ? lp->log().log_start_offset() : 0;
}

bool Simulation::topic_acks_all(TopicIndex t) const {
    const std::string& name = s_.topics.at(static_cast<std::size_t>(t)).name;
    bool any = false;
    for (const ProducerSpec& p : s_.producers) {
        if (p.topic != name) continue;
        if (p.settings.acks == Acks::all) return true;
        any = true;
    }
    return !any;
}

void Simulation::update_client_access(TopicPartition tp) {
    const std::vector<NodeId>& clients = cluster_->client_nodes();
    const std::optional<NodeId> client = clients.empty() ? std::nullopt : std::optional<NodeId>(clients.front());
    const std::int32_t min_isr = s_.topics.at(static_cast<std::size_t>(tp.topic)).settings.min_insync_replicas;
    client_availability_.update(tp, loop_.now(), monitor::client_access(*view_, tp, min_isr, client));
}

void Simulation::update_client_access() {
    if (!view_) return;
    for (const auto& [tp, st] : cluster_->controller().partitions()) update_client_access(tp);
}

RunSummary Simulation::summarize() {
    RunSummary r;
    r.scenario = s_.name;
    r.seed = seed_;
    r.trace_hash = Trace::format_hash(trace_.hash());
    r.version = KS_VERSION;
    r.kafka_version = to_string(s_.cluster.kafka_version);
    r.sim_duration_s = s_.duration.seconds_f();
    r.events = loop_.events_run();
    r.settled = converged();
    r.settle_s = (settled_at_ - heal_at_).seconds_f();
    r.warmup_s = t0_.seconds_f();
    r.warnings = warnings_;
    for (std::size_t g = 0; g < groups_.size(); ++g) {
        const monitor::GroupTracker& gt = group_trackers_[g];
        GroupSummary gs = groups_[g].snapshot;
        gs.group_id = s_.consumer_groups[g].group_id;
        gs.consumed = gt.consumed();
        gs.reprocessed = gt.reprocessed();
        gs.rebalances = gt.rebalances();
        const GroupTrack& track = groups_[g];
        Duration rebalancing = track.rebalancing;
        if (track.rebalance_since && *track.rebalance_since < heal_at_)
            rebalancing += heal_at_ - *track.rebalance_since;
        gs.rebalance_s = rebalancing.seconds_f();
        std::vector<monitor::OwnershipEvent> ownership;
        for (const ConsumerSlot& slot : consumers_) {
            if (slot.group != g) continue;
            for (const kafka::OwnershipChange& c : slot.consumer->ownership_log()) {
                ownership.push_back({c.at, c.tp, c.owned ? 1 : -1});
            }
        }
        const monitor::UnownedTime unowned = monitor::unowned_time(std::move(ownership), group_partitions(g), heal_at_);
        gs.unowned_partition_s = unowned.partition_s;
        gs.max_unowned_s = unowned.max_s;
        gs.max_lag = gt.max_lag();
        gs.mean_lag = mean_of_column(series_, gs.group_id + ".lag", s_.duration.seconds_f());
        for (const ConsumerSlot& slot : consumers_) {
            if (slot.group == g) gs.partitions_revoked += slot.consumer->stats().partitions_revoked;
        }
        // Skipped: never consumed, yet below the highest offset consumed (jumped
        // over) or below the final log start (deleted unread) — the latter
        // also counts a partition whose reads never caught up with retention.
        const auto log_start = [this](TopicPartition tp) { return final_log_start(tp); };
        gs.skipped = gt.skipped(log_start);
        const monitor::GroupTracker::Skipped by_cause = gt.skipped_by_cause(log_start);
        KS_ASSERT_EQ(by_cause.total(), gs.skipped);
        gs.skipped_initial_reset = by_cause.initial_reset;
        gs.skipped_out_of_range_reset = by_cause.out_of_range_reset;
        gs.deleted_unread = by_cause.deleted_unread;
        gs.skipped_other = by_cause.other;
        r.groups.push_back(std::move(gs));
    }
    const auto& ctl = cluster_->controller();
    // The ledger judges every partition against its final leader's log,
    // committed part only (below the HW).
    std::map<kafka::TopicPartition, monitor::RecordsVerdict::PartitionLoss> loss_by_partition;
    {
        std::map<kafka::TopicPartition, const kafka::Log*> logs;
        std::map<kafka::TopicPartition, Offset> hws;
        for (const auto& [tp, st] : ctl.partitions()) {
            const kafka::Partition* lp = view_->replica(st.leader, tp);
            if (!lp) continue;
            logs[tp] = &lp->log();
            hws[tp] = lp->high_watermark();
        }
        auto v = ledger_.judge(logs, hws);
        loss_by_partition = std::move(v.by_partition);
        r.records_measured = !s_.producers.empty();
        r.records = RecordsSummary{.sent = v.sent,
                                   .acked = v.acked,
                                   .failed = v.failed,
                                   .acked_lost = v.acked_lost,
                                   .duplicated = v.duplicated,
                                   .reordered = v.reordered,
                                   .unacked_present = v.unacked_present,
                                   .pending = v.pending,
                                   .deleted = v.deleted};
        const auto l = ledger_.latency_verdict();
        r.produce_latency_ms = LatencySummary{.p50 = l.p50_ms, .p99 = l.p99_ms, .max = l.max_ms, .count = l.count};
    }
    for (std::size_t i = 0; i < s_.producers.size(); ++i) {
        ProducerSummary ps;
        ps.name = s_.producers[i].name;
        ps.client_version = to_string(s_.producers[i].client_version);
        if (i < producers_.size()) {
            const kafka::ProducerStats& st = producers_[i]->producer().stats();
            ps.sent = st.sent;
            ps.acked = st.acked;
            ps.failed = st.failed;
            ps.produce_requests = st.requests;
            ps.batches_sent = st.batches_sent;
            if (st.requests > 0) {
                ps.records_per_request_avg = static_cast<double>(st.request_records) / static_cast<double>(st.requests);
                ps.batches_per_request_avg = static_cast<double>(st.batches_sent) / static_cast<double>(st.requests);
            }
            ps.bytes_sent = st.batch_bytes_sent;
            ps.bytes_sent_uncompressed = st.batch_bytes_sent_uncompressed;
            if (st.batches_sent > 0)
                ps.compression_rate_avg = st.compression_ratio_sum / static_cast<double>(st.batches_sent);
            ps.compress_time_ms = st.compress_time.ms_f();
        }
        const auto l = ledger_.latency_verdict(static_cast<std::int32_t>(i));
        ps.latency_ms = LatencySummary{.p50 = l.p50_ms, .p99 = l.p99_ms, .max = l.max_ms, .count = l.count};
        r.producers.push_back(std::move(ps));
    }
    const auto& c = ctl.counters();
    r.clean_elections = c.clean_elections;
    r.unclean_elections = c.unclean_elections;
    r.preferred_elections = c.preferred_elections;
    r.strong_isr_violations = static_cast<std::int64_t>(isr_properties_.violated(monitor::IsrProperty::strong).size());
    r.weak_isr_violations = static_cast<std::int64_t>(isr_properties_.violated(monitor::IsrProperty::weak).size());
    // Every committed ISR change, whoever proposed it (the leader through
    // AlterPartition, or the controller when it fenced a broker).
    r.isr_shrinks = c.isr_shrinks;
    r.isr_expands = c.isr_expands;
    // Availability is measured over the scenario's duration (up to the heal).
    for (const auto& [tp, st] : ctl.partitions()) {
        const monitor::AvailabilityTracker::Totals at = availability_.totals(tp, heal_at_);
        PartitionSummary ps;
        ps.topic = s_.topics.at(static_cast<std::size_t>(tp.topic)).name;
        ps.partition = tp.partition;
        for (BrokerId b : st.replicas) ps.replicas.push_back(b.value());
        for (BrokerId b : st.isr) ps.isr.push_back(b.value());
        ps.leader = st.leader.value();
        ps.leader_epoch = st.leader_epoch;
        ps.offline_s = at.offline.seconds_f();
        ps.under_replicated_s = at.under_replicated.seconds_f();
        const monitor::ClientAvailability::Totals ct = client_availability_.totals(tp, heal_at_);
        ps.read_unavailable_s = ct.read_unavailable.seconds_f();
        ps.write_unavailable_s =
            (topic_acks_all(tp.topic) ? ct.write_unavailable_acks_all : ct.write_unavailable_acks_one).seconds_f();
        for (std::size_t i = 0; i < s_.producers.size(); ++i) {
            if (s_.producers[i].topic != ps.topic) continue;
            const bool all = s_.producers[i].settings.acks == Acks::all;
            r.producers.at(i).write_unavailable_partition_s +=
                (all ? ct.write_unavailable_acks_all : ct.write_unavailable_acks_one).seconds_f();
        }
        const kafka::Partition* lp = view_->replica(st.leader, tp);
        if (lp) {
            ps.log_end_offset = lp->log_end_offset();
            ps.high_watermark = lp->high_watermark();
            ps.log_size_bytes = lp->log().size_bytes();
        }
        // Diverged: two replicas disagree below the smaller of their LEOs (as on disk).
        std::vector<const kafka::Log*> logs;
        std::vector<Offset> ends;
        for (BrokerId b : st.replicas) {
            const kafka::BrokerStorage& storage = cluster_->storage(b);
            auto lit = storage.logs.find(tp);
            logs.push_back(lit == storage.logs.end() ? nullptr : &lit->second);
            ends.push_back(lit == storage.logs.end() ? 0 : storage.end_on_disk(tp));
        }
        for (std::size_t i = 0; i < logs.size() && !ps.diverged; ++i) {
            for (std::size_t j = i + 1; j < logs.size() && !ps.diverged; ++j) {
                if (!logs[i] || !logs[j]) continue;
                const Offset from = std::max(logs[i]->log_start_offset(), logs[j]->log_start_offset());
                const Offset upto = std::min(ends[i], ends[j]);
                ps.diverged = from < upto && logs[i]->first_difference(*logs[j], from, upto) != upto;
            }
        }
        if (const auto loss = loss_by_partition.find(tp); loss != loss_by_partition.end()) {
            ps.acked = loss->second.acked;
            ps.acked_lost = loss->second.acked_lost;
        }
        r.offline_partition_s += ps.offline_s;
        r.under_replicated_partition_s += ps.under_replicated_s;
        r.write_unavailable_partition_s += ps.write_unavailable_s;
        r.read_unavailable_partition_s += ps.read_unavailable_s;
        r.partitions.push_back(std::move(ps));
    }
    std::int64_t lost = 0;
    for (const PartitionSummary& p : r.partitions) lost += p.acked_lost;
    KS_ASSERT_EQ(lost, r.records.acked_lost);  // every judged partition is one of the controller's
    return r;
}

}  // namespace ks::runner
