// Consumer groups in a run: one kafka::Consumer per member on its own client
// host, started at the end of warm-up like the producers; the consumer_*
// faults; consumption, commits and rebalances watched for the summary's
// `groups`, the time series' lag columns and Burrow (fed with every commit and,
// at every sample, every partition's high watermark).
//
// Node ids: kFirstConsumerNode + 1000 × group index + member index; hosts are
// reserved at build time for the scenario's members plus one per consumer_join
// fault of the group.
//
// Static membership: a group whose config sets group.instance.id to V gives
// each running consumer its own instance id V-k, k the lowest number no live
// consumer of the group holds — the initial members get V-0 .. V-(n-1), and a
// consumer_join after a consumer_crash (or consumer_leave) of the member that
// held V-k starts a consumer with V-k again: the same static member restarted,
// which rejoins without a rebalance if it is back within session.timeout.ms
// (KIP-345).
#include <fmt/format.h>
#include <algorithm>
#include <limits>
#include <map>

#include "core/assert.hpp"
#include "kafka/java_hash.hpp"
#include "runner/describe_groups.hpp"
#include "runner/lag_case.hpp"
#include "runner/simulation_impl.hpp"

namespace ks::runner {

namespace {
constexpr std::int32_t kMembersPerGroupMax = 1000;

}  // namespace

NodeId Simulation::consumer_node(std::size_t group, std::int32_t member) const {
    KS_ASSERT_LT(member, kMembersPerGroupMax);
    return NodeId(kafka::kFirstConsumerNode + static_cast<std::int32_t>(group) * kMembersPerGroupMax + member);
}

void Simulation::add_consumer_hosts() {
    groups_.resize(s_.consumer_groups.size());
    for (std::size_t g = 0; g < s_.consumer_groups.size(); ++g) {
        std::int32_t joins = 0;
        for (const FaultSpec& f : s_.faults) {
            joins += (f.action == FaultAction::consumer_join && f.group == s_.consumer_groups[g].group_id) ? 1 : 0;
        }
        groups_[g].capacity = s_.consumer_groups[g].members + joins;
        for (std::int32_t m = 0; m < groups_[g].capacity; ++m) cluster_->add_client_host(consumer_node(g, m));
    }
}

kafka::ConsumerOptions Simulation::consumer_options(std::size_t group, std::int32_t member) const {
    const ConsumerGroupSpec& spec = s_.consumer_groups[group];
    kafka::ConsumerOptions o;
    static_cast<ConsumerSettings&>(o) = spec.settings;
    o.group_instance_id.reset();  // this member's own, below
    o.group_index = static_cast<std::int32_t>(group);
    o.member_index = member;
    o.group_id = spec.group_id;
    o.client_id = fmt::format("{}-{}", spec.group_id, member);
    o.self = consumer_node(group, member);
    for (const BrokerSpec& b : s_.cluster.brokers) o.bootstrap.push_back(b.id);
    for (const std::string& t : spec.topics) {
        const TopicSpec* topic = s_.find_topic(t);
        KS_ASSERT(topic != nullptr);
        o.topics.push_back(static_cast<kafka::TopicIndex>(topic - s_.topics.data()));
    }
    for (const TopicSpec& t : s_.topics) o.topic_partitions.push_back(t.partitions);
    o.processing_ms_per_record = spec.processing_ms_per_record;
    if (spec.settings.group_instance_id) {
        const std::string& prefix = *spec.settings.group_instance_id;
        for (std::int32_t k = 0;; ++k) {
            std::string id = fmt::format("{}-{}", prefix, k);
            const bool held = std::any_of(consumers_.begin(), consumers_.end(), [&](const ConsumerSlot& slot) {
                return slot.group == group && slot.consumer->alive() &&
                       slot.consumer->options().group_instance_id == id;
            });
            if (!held) {
                o.group_instance_id = std::move(id);
                break;
            }
        }
    }
    return o;
}

void Simulation::start_consumer(std::size_t group, std::int32_t member) {
    const ConsumerGroupSpec& spec = s_.consumer_groups[group];
    auto consumer = std::make_unique<kafka::Consumer>(
        consumer_options(group, member), Rng::stream(seed_, fmt::format("consumer/{}/{}", spec.group_id, member)));
    consumers_.push_back(ConsumerSlot{group, member, std::move(consumer)});
    cluster_->start_client(consumer_node(group, member),
                           std::make_unique<cluster::NodeOf<kafka::Consumer>>(*consumers_.back().consumer));
}

void Simulation::start_consumers() {
    for (std::size_t g = 0; g < s_.consumer_groups.size(); ++g) {
        for (std::int32_t m = 0; m < s_.consumer_groups[g].members; ++m) start_consumer(g, m);
        groups_[g].next_member = s_.consumer_groups[g].members;
    }
}

// ---- faults -----------------------------------------------------------------------------------

void Simulation::consumer_fault(const FaultSpec& f, bool heal) {
    const ConsumerGroupSpec* spec = s_.find_group(f.group);
    KS_ASSERT(spec != nullptr);
    const auto g = static_cast<std::size_t>(spec - s_.consumer_groups.data());
    const Instant now = loop_.now();
    auto each = [&](const std::function<void(ConsumerSlot&)>& fn) {
        for (ConsumerSlot& slot : consumers_) {
            if (slot.group == g && (!f.member || *f.member == slot.member)) fn(slot);
        }
    };
    switch (f.action) {
        case FaultAction::consumer_crash:
            if (heal) break;  // a crashed client stays gone; the group carries on
            each([&](ConsumerSlot& slot) { slot.consumer->crash(now); });
            record(now, FaultStarted{.fault = index_of(f)});
            break;
        case FaultAction::consumer_leave:
            if (heal) break;
            each([&](ConsumerSlot& slot) {
                kafka::Consumer* c = slot.consumer.get();
                cluster_->node_action(consumer_node(g, slot.member),
                                      [c](Instant t, kafka::Outbox& o) { c->close(t, o); });
            });
            record(now, FaultStarted{.fault = index_of(f)});
            break;
        case FaultAction::consumer_join: {
            if (heal) break;
            GroupTrack& gt = groups_[g];
            KS_ASSERT_LT(gt.next_member, gt.capacity);
            const std::int32_t m = gt.next_member++;
            start_consumer(g, m);
            const auto& instance = consumers_.back().consumer->options().group_instance_id;
            record(now, FaultStarted{.fault = index_of(f), .member = m, .instance_id = instance});
            break;
        }
        case FaultAction::slow_consumer:
            each([&](ConsumerSlot& slot) { slot.consumer->set_slow_factor(heal ? 1.0 : f.factor); });
            record(now,
                   heal ? TimelineEvent(FaultEnded{index_of(f)}) : TimelineEvent(FaultStarted{.fault = index_of(f)}));
            break;
        case FaultAction::stop_consumer:
            each([&](ConsumerSlot& slot) {
                kafka::Consumer* c = slot.consumer.get();
                cluster_->node_action(consumer_node(g, slot.member),
                                      [c, heal](Instant t, kafka::Outbox& o) { c->set_stopped(!heal, t, o); });
            });
            record(now,
                   heal ? TimelineEvent(FaultEnded{index_of(f)}) : TimelineEvent(FaultStarted{.fault = index_of(f)}));
            break;
        default:
            KS_UNREACHABLE("not a consumer fault");
    }
}

// ---- watching ---------------------------------------------------------------------------------

void Simulation::on_group_effect(Instant now, const kafka::Effect& e) {
    auto group_of = [this](const std::string& id) -> std::optional<std::size_t> {
        const ConsumerGroupSpec* spec = s_.find_group(id);
        if (!spec) return std::nullopt;
        return static_cast<std::size_t>(spec - s_.consumer_groups.data());
    };
    if (const auto* c = std::get_if<kafka::RecordsConsumedEffect>(&e)) {
        group_trackers_.at(static_cast<std::size_t>(c->group)).on_consumed(*c);
        return;
    }
    if (const auto* r = std::get_if<kafka::OffsetResetEffect>(&e)) {
        const auto g = static_cast<std::size_t>(r->group);
        const Offset log_start = final_log_start(r->tp);
        if (r->cause == kafka::OffsetResetEffect::Cause::log_truncation) {
            record(now, TimelineEvent(ConsumerOffsetReset{
                            .group_id = s_.consumer_groups.at(g).group_id,
                            .member = r->member,
                            .tp = r->tp,
                            .cause = ConsumerOffsetReset::Cause::log_truncation,
                            .earliest = r->strategy == OffsetReset::earliest,
                            .from = r->from,
                            .to = r->to,
                            .log_start = log_start,
                            .stopped = r->strategy == OffsetReset::none,
                            .read_then_truncated = group_trackers_.at(g).on_truncation(*r),
                        }));
            return;
        }
        const bool out_of_range = r->cause == kafka::OffsetResetEffect::Cause::out_of_range;
        ConsumerOffsetReset reset{
            .group_id = s_.consumer_groups.at(g).group_id,
            .member = r->member,
            .tp = r->tp,
            .cause = out_of_range ? ConsumerOffsetReset::Cause::out_of_range
                                  : ConsumerOffsetReset::Cause::no_committed_offset,
            .earliest = r->strategy == OffsetReset::earliest,
            .from = out_of_range ? std::optional<Offset>(r->from) : std::nullopt,
            .to = r->to,
            .log_start = log_start,
            .passed_over = group_trackers_.at(g).on_reset(*r, log_start),
            .deleted_unread = out_of_range ? std::max<Offset>(0, log_start - r->from) : 0,
        };
        record(now, TimelineEvent(std::move(reset)));
        return;
    }
    if (const auto* oc = std::get_if<kafka::OffsetCommittedEffect>(&e)) {
        const auto g = group_of(oc->group_id);
        if (!g) return;
        group_trackers_[*g].on_committed(oc->tp, oc->offset);
        if (now > heal_at_) return;  // Burrow is judged at the end of duration_s
        burrow_.on_commit(now, oc->group_id, oc->tp, oc->offset);
        return;
    }
    if (const auto* ge = std::get_if<kafka::GroupEventEffect>(&e)) {
        const auto g = group_of(ge->group_id);
        if (!g) return;
        using K = kafka::GroupEventEffect::Kind;
        GroupChanged changed{
            ge->group_id, GroupChanged::Kind::rebalance_started, ge->generation, ge->members, ge->text, {}};
        GroupTrack& track = groups_[*g];
        switch (ge->kind) {
            case K::rebalance_started:
                if (!track.rebalance_since) track.rebalance_since = now;
                break;
            case K::member_removed:
                changed.kind = GroupChanged::Kind::member_removed;
                break;
            case K::member_replaced:
                group_trackers_[*g].on_member_replaced(ge->assignment);  // the same assignment, new member id
                changed.kind = GroupChanged::Kind::member_replaced;
                break;
            case K::coordinator_moved:
                changed.kind = GroupChanged::Kind::coordinator_moved;
                break;
            case K::rebalance_completed: {
                // Which partitions changed owner since the last generation.
                std::map<TopicPartition, std::string> before;
                for (const auto& [member, tps] : group_trackers_[*g].assignment()) {
                    for (const auto& tp : tps) before[tp] = member;
                }
                const bool first = before.empty() && group_trackers_[*g].rebalances() == 0;
                for (const auto& [member, tps] : ge->assignment) {
                    for (const auto& tp : tps) {
                        const auto it = before.find(tp);
                        const std::string from = it == before.end() ? std::string() : it->second;
                        if (!first && from != member) changed.moved.push_back({tp, from, member});
                        if (it != before.end()) before.erase(it);
                    }
                }
                // Owned before, assigned to no one now (cooperative: revoked, reassigned next round).
                for (const auto& [tp, from] : before) changed.moved.push_back({tp, from, std::string()});
                group_trackers_[*g].on_rebalance_completed(ge->assignment);
                if (track.rebalance_since) {
                    track.rebalancing += now - *track.rebalance_since;
                    track.rebalance_since.reset();
                }
                changed.kind = GroupChanged::Kind::rebalance_completed;
                changed.assignment = ge->assignment;
                break;
            }
        }
        record(now, std::move(changed));
    }
}

std::vector<kafka::TopicPartition> Simulation::group_partitions(std::size_t group) const {
    std::vector<kafka::TopicPartition> out;
    for (const std::string& name : s_.consumer_groups[group].topics) {
        const TopicSpec* topic = s_.find_topic(name);
        KS_ASSERT(topic);
        const auto t = static_cast<kafka::TopicIndex>(topic - s_.topics.data());
        for (std::int32_t p = 0; p < topic->partitions; ++p) out.push_back(kafka::TopicPartition{t, p});
    }
    return out;
}

void Simulation::snapshot_groups() {
    const Instant now = loop_.now();
    for (std::size_t g = 0; g < groups_.size(); ++g) {
        monitor::GroupTracker& gt = group_trackers_[g];
        GroupSummary& out = groups_[g].snapshot;
        out.group_id = s_.consumer_groups[g].group_id;
        out.final_lag = gt.lag(*view_).total;
        std::map<TopicPartition, std::string> owner;
        for (const auto& [member, tps] : gt.assignment()) {
            for (const auto& tp : tps) owner[tp] = member;
        }
        for (const TopicPartition& tp : gt.partitions()) {
            GroupPartitionSummary ps;
            ps.topic = s_.topics.at(static_cast<std::size_t>(tp.topic)).name;
            ps.partition = tp.partition;
            if (const auto c = gt.committed().find(tp); c != gt.committed().end()) ps.committed_offset = c->second;
            ps.high_watermark = view_->leader_high_watermark(tp);
            ps.lag = gt.partition_lag(*view_, tp);
            if (!ps.lag) {
                ps.lag_unknown_reason = !ps.committed_offset ? "no committed offset" : "no running leader";
                ++out.lag_unknown_partitions;
            }
            if (const auto o = owner.find(tp); o != owner.end()) ps.owner = o->second;
            out.partitions.push_back(std::move(ps));
        }
        for (const auto& [member, tps] : gt.assignment()) {
            GroupMemberSummary m;
            m.member_id = member;
            for (const auto& tp : tps) m.assigned.push_back(tp_name(tp));
            out.members.push_back(std::move(m));
        }
        const auto status = burrow_.evaluate(out.group_id, now);
        out.burrow_status = monitor::to_string(status.status);
        out.burrow_complete = static_cast<double>(status.complete);
        out.burrow_totallag = status.totallag;
        for (const auto& p : status.partitions) {
            out.burrow_partitions.push_back(GroupBurrowPartition{.topic = p.topic,
                                                                 .partition = p.partition,
                                                                 .status = monitor::to_string(p.status),
                                                                 .current_lag = p.current_lag});
        }
        out.burrow_http_status = burrow_http_json(status, "local", out.group_id, BurrowEndpoint::status).dump();
        out.burrow_http_lag = burrow_http_json(status, "local", out.group_id, BurrowEndpoint::lag).dump();
    }
}

// ---- kafka-consumer-groups --describe ---------------------------------------------------------

// The admin client asks a broker which broker coordinates the group
// (FindCoordinator) and, until one names a coordinator that answers, asks
// again (here: the running brokers the controller has registered, by id);
// then it asks the coordinator (DescribeGroups), which answers
// NOT_COORDINATOR unless its own metadata names it too. A coordinator that has not
// loaded the group yet loads it to answer (load_group on a copy: the run is
// not touched).
DescribedGroup Simulation::describe_group(const std::string& id) const {
    DescribedGroup d;
    d.group_id = id;
    const kafka::Controller& ctl = cluster_->controller();
    auto running = [this](BrokerId b) -> const kafka::Broker* {
        return cluster_->is_paused(kafka::broker_node(b)) ? nullptr : cluster_->broker(b);
    };
    std::vector<BrokerId> ids = view_->brokers();
    std::sort(ids.begin(), ids.end());
    const kafka::Broker* coordinator = nullptr;
    for (const BrokerId b : ids) {
        const kafka::Broker* asked = ctl.is_live(b) ? running(b) : nullptr;
        const auto named = asked ? asked->coordinator().coordinator_for(id, asked->live_brokers()) : std::nullopt;
        coordinator = named ? running(*named) : nullptr;
        if (coordinator && coordinator->coordinator().coordinator_for(id, coordinator->live_brokers()) == named) break;
        coordinator = nullptr;
    }
    if (!coordinator) return d;  // no coordinator answers
    const BrokerId c = coordinator->id();
    d.coordinator = c.value();
    d.coordinator_host = broker_address(c) + ":" + std::to_string(kBrokerPort);
    const auto found = group_store_->groups.find(id);
    if (found == group_store_->groups.end()) return d;  // Dead: the coordinator does not know it
    kafka::Group g = found->second;
    if (g.modern) return describe_consumer_group(std::move(d), g);
    if (!coordinator->coordinator().owns(g)) kafka::load_group(g);
    d.state = kafka::to_string(g.state);
    const bool stable = g.state == kafka::GroupState::stable;
    if (stable) d.assignment_strategy = g.protocol;
    // ClassicGroup keeps its members in a HashMap by member id; DescribeGroups
    // lists them in its iteration order (the map sized for the members present).
    kafka::java::JavaHashMap<std::string, std::size_t, kafka::java::StringHash> order;
    for (std::size_t i = 0; i < g.members.size(); ++i) order.put(g.members[i].member_id, i);
    std::set<TopicPartition> partitions;
    for (const auto& [tp, offset] : g.offsets) partitions.insert(tp);
    order.for_each([&](const std::string&, std::size_t i) {
        const kafka::GroupMember& m = g.members[i];
        DescribedMember dm{.member_id = m.member_id,
                           .group_instance_id = m.group_instance_id,
                           .client_id = m.client_id,
                           .host = "/" + client_address(m.node),
                           .assignment = {}};
        if (stable) {
            // ConsumerProtocol.serializeAssignment: grouped by topic, in order of first appearance.
            std::vector<TopicPartition> by_topic = m.assignment;
            std::vector<TopicIndex> topics;
            for (const TopicPartition& tp : m.assignment) {
                if (std::find(topics.begin(), topics.end(), tp.topic) == topics.end()) topics.push_back(tp.topic);
            }
            std::stable_sort(by_topic.begin(), by_topic.end(), [&](const TopicPartition& a, const TopicPartition& b) {
                return std::find(topics.begin(), topics.end(), a.topic) <
                       std::find(topics.begin(), topics.end(), b.topic);
            });
            for (const TopicPartition& tp : by_topic) {
                dm.assignment.emplace_back(s_.topics.at(static_cast<std::size_t>(tp.topic)).name, tp.partition);
                partitions.insert(tp);
            }
        }
        d.members.push_back(std::move(dm));
    });
    describe_partitions(d, g, partitions);
    return d;
}

// A consumer-protocol group (KIP-848) as the admin client's
// describeConsumerGroups learns it from ConsumerGroupDescribe: the group's
// state (Empty, Assigning, Reconciling, Stable), its assignor, and every
// member with the partitions it owns now (assignedPartitions), whatever the
// state. Members in the order of the group's member map (a TimelineHashMap,
// iterated as a HashMap by member id).
DescribedGroup Simulation::describe_consumer_group(DescribedGroup d, const kafka::Group& g) const {
    const kafka::ModernGroup& cg = g.consumer;
    d.state = kafka::to_string(cg.state);
    if (!cg.members.empty()) {
        // ConsumerGroup.preferredServerAssignor, else the brokers' first group.consumer.assignors.
        const std::string assignor = kafka::preferred_server_assignor(cg).value_or(
            s_.cluster.brokers.front().settings.consumer_assignors.front());
        d.assignment_strategy = assignor;
    }
    kafka::java::JavaHashMap<std::string, std::size_t, kafka::java::StringHash> order;
    for (std::size_t i = 0; i < cg.members.size(); ++i) order.put(cg.members[i].member_id, i);
    std::set<TopicPartition> partitions;
    for (const auto& [tp, offset] : g.offsets) partitions.insert(tp);
    order.for_each([&](const std::string&, std::size_t i) {
        const kafka::ModernMember& m = cg.members[i];
        DescribedMember dm{.member_id = m.member_id,
                           .group_instance_id = m.instance_id,
                           .client_id = m.client_id,
                           .host = "/" + client_address(m.node),
                           .assignment = {}};
        for (const TopicPartition& tp : m.assigned) {
            dm.assignment.emplace_back(s_.topics.at(static_cast<std::size_t>(tp.topic)).name, tp.partition);
            partitions.insert(tp);
        }
        d.members.push_back(std::move(dm));
    });
    describe_partitions(d, g, partitions);
    return d;
}

// The partitions' rows of a describe: committed offset and log end (the
// leader's high watermark), each unknown when there is none.
void Simulation::describe_partitions(DescribedGroup& d, const kafka::Group& g,
                                     const std::set<TopicPartition>& partitions) const {
    for (const TopicPartition& tp : partitions) {
        DescribedPartition p{.topic = s_.topics.at(static_cast<std::size_t>(tp.topic)).name,
                             .partition = tp.partition,
                             .committed = std::nullopt,
                             .log_end = std::nullopt};
        if (const auto o = g.offsets.find(tp); o != g.offsets.end()) p.committed = o->second;
        if (const Offset hw = view_->leader_high_watermark(tp); hw >= 0) p.log_end = hw;
        d.partitions.push_back(std::move(p));
    }
}

std::string Simulation::client_address(NodeId node) const {
    KS_ASSERT(kafka::is_consumer_node(node));
    const std::int32_t v = node.value() - kafka::kFirstConsumerNode;
    return consumer_address(static_cast<std::size_t>(v / kMembersPerGroupMax), v % kMembersPerGroupMax);
}

}  // namespace ks::runner
