#include "report/narrate.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "core/assert.hpp"

namespace ks::report {

namespace {

std::string list(const std::vector<BrokerId>& v) {
    std::string s = "[";
    for (std::size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + std::to_string(v[i].value());
    return s + "]";
}

// Brokers as a sentence names them: "broker 1", "brokers 1 and 2", "brokers 1, 2 and 3".
std::string ids(const std::vector<BrokerId>& v) {
    std::string s = v.size() == 1 ? "broker " : "brokers ";
    for (std::size_t i = 0; i < v.size(); ++i) {
        s += (i == 0 ? "" : i + 1 == v.size() ? " and " : ", ") + std::to_string(v[i].value());
    }
    return s;
}

std::string tp_name(const Scenario& s, TopicPartition tp) {
    return fmt::format("{}-{}", s.topics.at(static_cast<std::size_t>(tp.topic)).name, tp.partition);
}

std::string fault_started(const FaultStarted& e, const Scenario& s) {
    const FaultSpec& f = s.faults.at(e.fault);
    switch (f.action) {
        case FaultAction::crash:
            return fmt::format("broker {} crashed (kill -9)", f.broker->value());
        case FaultAction::restart:
            return fmt::format("broker {} restarted", f.broker->value());
        case FaultAction::pause:
            return fmt::format("broker {} paused", f.broker->value());
        case FaultAction::power_loss:
            return fmt::format("broker {} lost power{}", e.broker.value_or(f.broker.value_or(BrokerId())).value(),
                               f.rack ? fmt::format(" (rack {})", *f.rack) : std::string());
        case FaultAction::partition:
            return f.groups.empty() ? "one-way network partition"
                                    : fmt::format("network partitioned into {} groups", f.groups.size());
        case FaultAction::link:
            return fmt::format("link {}-{} degraded: +{} ms, loss {}", f.between[0].value(), f.between[1].value(),
                               f.latency_ms.value_or(DistSpec::constant(0)).mean(), f.loss);
        case FaultAction::disk_slow:
            return fmt::format("broker {} disk {}x slower", f.broker->value(), f.factor);
        case FaultAction::rolling_restart:
            return "rolling restart begins";
        case FaultAction::rolling_upgrade:
            return "rolling upgrade begins";
        case FaultAction::producer_rate:
            return fmt::format("producer {} rate -> {}/s", f.producer, f.rate_per_s);
        case FaultAction::consumer_crash:
            return fmt::format("consumer {}-{} crashed", f.group, f.member.value_or(-1));
        case FaultAction::consumer_leave:
            return fmt::format("consumer {}-{} closed (leaves the group)", f.group, f.member.value_or(-1));
        case FaultAction::consumer_join:
            return e.instance_id
                       ? fmt::format("consumer {}-{} started (joins the group as group.instance.id {})", f.group,
                                     e.member.value_or(-1), *e.instance_id)
                       : fmt::format("consumer {}-{} started (joins the group)", f.group, e.member.value_or(-1));
        case FaultAction::slow_consumer:
            return fmt::format("group {}: processing {}x slower", f.group, f.factor);
        case FaultAction::stop_consumer:
            return fmt::format("group {}: consumers stopped polling", f.group);
    }
    KS_UNREACHABLE("narrate: fault action");
}

std::string fault_ended(const FaultEnded& e, const Scenario& s) {
    const FaultSpec& f = s.faults.at(e.fault);
    switch (f.action) {
        case FaultAction::pause:
            return fmt::format("broker {} resumed", f.broker->value());
        case FaultAction::partition:
            return "network partition healed";
        case FaultAction::link:
            return fmt::format("link {}-{} restored", f.between[0].value(), f.between[1].value());
        case FaultAction::disk_slow:
            return fmt::format("broker {} disk back to normal", f.broker->value());
        case FaultAction::producer_rate: {
            const ProducerSpec* p = s.find_producer(f.producer);
            return fmt::format("producer {} rate back to {}/s", f.producer, p ? p->rate_per_s : 0.0);
        }
        case FaultAction::slow_consumer:
            return fmt::format("group {}: processing back to normal", f.group);
        case FaultAction::stop_consumer:
            return fmt::format("group {}: consumers poll again", f.group);
        default:
            return fmt::format("{} fault ended", to_string(f.action));
    }
}

std::string rolling_step(const RollingStep& e, const Scenario& s) {
    const FaultSpec& f = s.faults.at(e.fault);
    switch (e.step) {
        case RollingStep::Step::controlled_shutdown:
            return fmt::format("broker {}: controlled shutdown", e.broker.value());
        case RollingStep::Step::stopped:
            return fmt::format("broker {}: stopped without controlled shutdown", e.broker.value());
        case RollingStep::Step::back: {
            if (f.action != FaultAction::rolling_upgrade) return fmt::format("broker {} back", e.broker.value());
            std::string what;
            if (f.kafka_version) what = "on Kafka " + to_string(*f.kafka_version);
            if (!f.set.user_keys().empty()) what += std::string(what.empty() ? "" : ", ") + "with the new config";
            return fmt::format("broker {} back {}", e.broker.value(), what);
        }
        case RollingStep::Step::done:
            return "rolling operation done";
    }
    KS_UNREACHABLE("narrate: rolling step");
}

std::string group_changed(const GroupChanged& e, const Scenario& s) {
    switch (e.kind) {
        case GroupChanged::Kind::rebalance_started:
            return fmt::format("group {}: rebalance ({})", e.group_id, e.detail);
        case GroupChanged::Kind::member_removed:
            return fmt::format("group {}: member {}", e.group_id, e.detail);
        case GroupChanged::Kind::member_replaced:
        case GroupChanged::Kind::coordinator_moved:
            return fmt::format("group {}: {}", e.group_id, e.detail);
        case GroupChanged::Kind::rebalance_completed: {
            std::string parts;
            for (const auto& [member, tps] : e.assignment) {
                parts += fmt::format("{}{}=[", parts.empty() ? "" : " ", member);
                for (std::size_t i = 0; i < tps.size(); ++i) parts += (i ? "," : "") + tp_name(s, tps[i]);
                parts += "]";
            }
            std::string moved;
            for (const GroupChanged::Move& m : e.moved) {
                moved += fmt::format("{}{} {} -> {}", moved.empty() ? "" : ", ", tp_name(s, m.tp),
                                     m.from.empty() ? "(none)" : m.from, m.to.empty() ? "(none)" : m.to);
            }
            if (!e.moved.empty() || e.generation > 1) {
                moved = e.moved.empty() ? "; no partition changed owner" : "; moved: " + moved;
            }
            return fmt::format("group {}: generation {} ({}, {} members): {}{}", e.group_id, e.generation, e.detail,
                               e.members, parts, moved);
        }
    }
    KS_UNREACHABLE("narrate: group change");
}

// Why the ISR changed: who asked, and for a leader's AlterPartition what it
// saw (Partition.maybeShrinkIsr: out of sync longer than
// replica.lag.time.max.ms; maybeExpandIsr: caught up with the high watermark).
std::string isr_change_reason(const IsrChanged& e) {
    std::vector<BrokerId> removed, added;
    for (BrokerId b : e.previous_isr) {
        if (std::find(e.isr.begin(), e.isr.end(), b) == e.isr.end()) removed.push_back(b);
    }
    for (BrokerId b : e.isr) {
        if (std::find(e.previous_isr.begin(), e.previous_isr.end(), b) == e.previous_isr.end()) added.push_back(b);
    }
    switch (e.reason) {
        case IsrChanged::Reason::broker_fenced:
            return fmt::format("the controller removed fenced {}", ids(removed));
        case IsrChanged::Reason::controlled_shutdown:
            return fmt::format("the controller removed {}, in controlled shutdown", ids(removed));
        case IsrChanged::Reason::alter_partition:
            break;
    }
    std::string why;
    if (!removed.empty()) why = fmt::format("{} out of sync longer than replica.lag.time.max.ms", ids(removed));
    if (!added.empty())
        why += fmt::format("{}{} caught up with the high watermark", why.empty() ? "" : "; ", ids(added));
    if (e.requested_by.value() >= 0) why = fmt::format("leader {}: {}", e.requested_by.value(), why);
    return why;
}

// As the Java consumer logs it (FetchCollector, SubscriptionState.maybeSeekUnvalidated).
std::string offset_reset(const ConsumerOffsetReset& e, const Scenario& s) {
    if (e.cause == ConsumerOffsetReset::Cause::log_truncation) {
        // SubscriptionState.maybeCompleteValidation.
        const std::string read =
            e.read_then_truncated > 0
                ? fmt::format(" ({} records it had read are no longer in the log)", e.read_then_truncated)
                : "";
        if (e.stopped) {
            return fmt::format(
                "group {} member {}: {} truncation detected at offset {} (the log diverges from {}), but "
                "auto.offset.reset=none: LogTruncationException, the partition is no longer fetched{}",
                e.group_id, e.member, tp_name(s, e.tp), e.from.value_or(0), e.to, read);
        }
        return fmt::format(
            "group {} member {}: {} truncation detected at offset {}, resetting offset to the first offset known "
            "to diverge {}{}",
            e.group_id, e.member, tp_name(s, e.tp), e.from.value_or(0), e.to, read);
    }
    const char* strategy = e.earliest ? "earliest" : "latest";
    std::string why;
    if (e.cause == ConsumerOffsetReset::Cause::no_committed_offset) {
        why = "no committed offset";
    } else {
        why = fmt::format("fetch position {} out of range (log start {})", e.from.value_or(0), e.log_start);
    }
    std::string effect;
    if (e.deleted_unread > 0)
        effect += fmt::format("; {} records deleted by retention before it read them", e.deleted_unread);
    if (e.passed_over > 0) effect += fmt::format("; {} records passed over", e.passed_over);
    return fmt::format("group {} member {}: {} {}; auto.offset.reset={} -> offset {}{}", e.group_id, e.member,
                       tp_name(s, e.tp), why, strategy, e.to, effect);
}

}  // namespace

std::string narrate(const TimelineEvent& event, const Scenario& s) {
    return std::visit(
        [&s](const auto& e) -> std::string {
            using E = std::decay_t<decltype(e)>;
            if constexpr (std::is_same_v<E, LeaderElected>) {
                return fmt::format("{}: {}leader {} elected (epoch {}), ISR {}", tp_name(s, e.tp),
                                   e.unclean ? "UNCLEAN " : (e.preferred ? "preferred " : ""), e.leader.value(),
                                   e.epoch, list(e.isr));
            } else if constexpr (std::is_same_v<E, PartitionOffline>) {
                return fmt::format("{}: OFFLINE (no eligible leader; last ISR {})", tp_name(s, e.tp), list(e.last_isr));
            } else if constexpr (std::is_same_v<E, IsrChanged>) {
                return fmt::format("{} ISR {} -> {} ({})", tp_name(s, e.tp), list(e.previous_isr), list(e.isr),
                                   isr_change_reason(e));
            } else if constexpr (std::is_same_v<E, BrokerFenced>) {
                return fmt::format("controller fenced broker {} ({})", e.broker.value(),
                                   e.reason == BrokerFenced::Reason::new_incarnation ? "a new incarnation registered"
                                   : e.reason == BrokerFenced::Reason::session_closed
                                       ? "its ZooKeeper session closed: a clean stop"
                                       : "session expired");
            } else if constexpr (std::is_same_v<E, BrokerUnfenced>) {
                return fmt::format("broker {} registered and unfenced", e.broker.value());
            } else if constexpr (std::is_same_v<E, RegistrationRefused>) {
                if (s.cluster.controller == ControllerKind::kraft)
                    return fmt::format(
                        "broker {} cannot register yet: its previous incarnation's session is still valid "
                        "(DUPLICATE_BROKER_REGISTRATION; restarted faster than broker.session.timeout.ms); it "
                        "retries with backoff",
                        e.broker.value());
                return fmt::format(
                    "broker {} cannot register yet: its previous ZooKeeper session is still alive "
                    "(restarted faster than zookeeper.session.timeout.ms); it keeps trying",
                    e.broker.value());
            } else if constexpr (std::is_same_v<E, ControlledShutdownFailed>) {
                return fmt::format(
                    "broker {} gave up its controlled shutdown after {} attempts (it still led partitions no other "
                    "in-sync replica could take) and stops anyway",
                    e.broker.value(), e.attempts);
            } else if constexpr (std::is_same_v<E, BrokerExited>) {
                return fmt::format(
                    "broker {} EXITED: following {}, whose leader's log ends at offset {} below its own {}, it may "
                    "not truncate without unclean.leader.election.enable (Kafka before 2.1 stops the broker)",
                    e.broker.value(), tp_name(s, e.tp), e.leader_log_end_offset, e.log_end_offset);
            } else if constexpr (std::is_same_v<E, ControlledShutdownDone>) {
                return fmt::format("broker {} finished its controlled shutdown", e.broker.value());
            } else if constexpr (std::is_same_v<E, Truncated>) {
                std::string acked;
                if (e.acknowledged) {
                    acked = *e.acknowledged == 0
                                ? ", none acknowledged"
                                : fmt::format(", {} of them ACKNOWLEDGED to producers", *e.acknowledged);
                }
                return fmt::format("broker {} truncated {} from offset {} to {}: {} record{} cut{}", e.broker.value(),
                                   tp_name(s, e.tp), e.from, e.to, e.from - e.to, e.from - e.to == 1 ? "" : "s", acked);
            } else if constexpr (std::is_same_v<E, WarmupDone>) {
                return "warm-up done: topics created, leaders elected";
            } else if constexpr (std::is_same_v<E, FaultStarted>) {
                return fault_started(e, s);
            } else if constexpr (std::is_same_v<E, FaultEnded>) {
                return fault_ended(e, s);
            } else if constexpr (std::is_same_v<E, RollingStep>) {
                return rolling_step(e, s);
            } else if constexpr (std::is_same_v<E, HealStarted>) {
                return "heal: every fault ends; producers stop sending and drain";
            } else if constexpr (std::is_same_v<E, BrokerRestarted>) {
                return fmt::format("broker {} restarted for the heal", e.broker.value());
            } else if constexpr (std::is_same_v<E, SettleEnded>) {
                return e.converged ? fmt::format("settled after {:.1f} s", e.after.seconds_f())
                                   : fmt::format("did NOT settle within {} s", s.settle_max.ms() / 1000);
            } else if constexpr (std::is_same_v<E, GroupChanged>) {
                return group_changed(e, s);
            } else if constexpr (std::is_same_v<E, RetentionDeleted>) {
                const char* why = e.by_time && e.by_size ? "retention.ms and retention.bytes"
                                  : e.by_size            ? "retention.bytes"
                                                         : "retention.ms";
                return fmt::format(
                    "{}: retention ({}) deleted {} segment{} on leader {}: log start offset {} -> {} "
                    "({} records)",
                    tp_name(s, e.tp), why, e.segments, e.segments == 1 ? "" : "s", e.leader.value(), e.from, e.to,
                    e.to - e.from);
            } else if constexpr (std::is_same_v<E, ConsumerOffsetReset>) {
                return offset_reset(e, s);
            } else if constexpr (std::is_same_v<E, BurrowStatusChanged>) {
                std::string parts;
                for (const auto& [tp, status] : e.partitions) {
                    parts += fmt::format("{}{} {}", parts.empty() ? "" : ", ", tp_name(s, tp), status);
                }
                return fmt::format("Burrow: group {} {} -> {}{}", e.group_id, e.from, e.to,
                                   parts.empty() ? "" : " (" + parts + ")");
            } else {
                static_assert(std::is_same_v<E, IsrPropertyBroken>);
                return fmt::format(
                    "{}: {} broken: broker {} in the {}ISR {} leader {}'s records from offset {} (HW {}){}",
                    tp_name(s, e.tp), e.weak ? "WeakIsr" : "StrongIsr", e.member.value(), e.weak ? "leader's own " : "",
                    e.lacks ? "lacks" : "differs from", e.leader.value(), e.from, e.high_watermark,
                    e.member_down ? "; it is down: its log on disk" : "");
            }
        },
        event);
}

std::vector<NarratedLine> narrate(const RunResult& r) {
    std::vector<NarratedLine> out;
    out.reserve(r.timeline.size());
    for (const TimelineEntry& e : r.timeline) out.push_back({e.at, narrate(e.event, r.scenario)});
    return out;
}

}  // namespace ks::report
