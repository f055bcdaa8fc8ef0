#include "kafka/group_coordinator.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "core/assert.hpp"
#include "kafka/java_hash.hpp"

namespace ks::kafka {

namespace {
// Broker::kGroup: the coordinator's timers live in the broker's key space.
constexpr std::uint64_t kGroupTimerKind = 20;
std::uint64_t group_timer(std::int32_t index) {
    return (kGroupTimerKind << 56) | static_cast<std::uint64_t>(index);
}
}  // namespace

const char* to_string(GroupState s) {
    switch (s) {
        case GroupState::empty:
            return "Empty";
        case GroupState::preparing_rebalance:
            return "PreparingRebalance";
        case GroupState::completing_rebalance:
            return "CompletingRebalance";
        case GroupState::stable:
            return "Stable";
    }
    return "?";
}

GroupMember* Group::member(const std::string& id) {
    for (GroupMember& m : members) {
        if (m.member_id == id) return &m;
    }
    return nullptr;
}

GroupMember* Group::static_member(const std::string& instance_id) {
    if (instance_id.empty()) return nullptr;
    for (GroupMember& m : members) {
        if (m.group_instance_id == instance_id) return &m;
    }
    return nullptr;
}

// GroupCoordinator.validateCurrentMember: a request naming a group.instance.id
// must come from the member id the instance is mapped to (FENCED_INSTANCE_ID
// otherwise; UNKNOWN_MEMBER_ID for an unknown instance); then the member id
// must be known.
Error Group::validate_member(const std::string& member_id, const std::string& instance_id) {
    if (!instance_id.empty()) {
        const GroupMember* s = static_member(instance_id);
        if (!s) return Error::unknown_member_id;
        return s->member_id == member_id ? Error::none : Error::fenced_instance_id;
    }
    return member(member_id) ? Error::none : Error::unknown_member_id;
}

Group& GroupStore::group(const std::string& id) {
    auto it = groups.find(id);
    if (it != groups.end()) return it->second;
    Group g;
    g.group_id = id;
    g.index = static_cast<std::int32_t>(groups.size());
    return groups.emplace(id, std::move(g)).first->second;
}

void load_group(Group& g) {
    std::erase_if(g.members,
                  [&](const GroupMember& m) { return m.generation_joined != g.generation || g.generation == 0; });
    for (GroupMember& m : g.members) m.pending_join.reset();
    // The persisted state of the last generation (no transition: a load).
    g.state = g.members.empty() ? GroupState::empty : GroupState::stable;
    g.pending_members.clear();  // KIP-394 pending members live in the old coordinator's memory only
    g.initial_delay = false;
    g.rebalance_deadline = Instant::max();
    if (!g.member(g.leader)) g.leader.clear();
}

std::int32_t offsets_partition_for(const std::string& group_id, std::int32_t partitions) {
    KS_ASSERT_GE(partitions, 1);
    const std::int32_t h = java::string_hash(group_id);
    const std::int32_t a = h == INT32_MIN ? 0 : (h < 0 ? -h : h);  // Utils.abs
    return a % partitions;
}

GroupCoordinator::GroupCoordinator(GroupCoordinatorConfig config, BrokerId self)
    : config_(std::move(config)), self_(self), load_(config_.store ? config_.store->next_load++ : 0) {}

std::optional<BrokerId> GroupCoordinator::coordinator_for(const std::string& group_id,
                                                          const std::vector<BrokerId>& live) const {
    const auto& b = config_.brokers;
    if (b.empty()) return std::nullopt;
    const std::int32_t k = offsets_partition_for(group_id, config_.offsets_topic_partitions);
    const auto n = static_cast<std::int32_t>(b.size());
    const std::int32_t rf = std::min(std::max(config_.offsets_replication, 1), n);
    for (std::int32_t i = 0; i < rf; ++i) {
        const BrokerId r = b[static_cast<std::size_t>((k + i) % n)];
        if (std::find(live.begin(), live.end(), r) != live.end()) return r;
    }
    return std::nullopt;
}

// ---- dispatch ---------------------------------------------------------------------------------

Group* GroupCoordinator::owned_group(Instant now, const std::string& id, const std::vector<BrokerId>& live, Outbox& out,
                                     Error& error) {
    const auto c = coordinator_for(id, live);
    if (!c) {
        error = Error::coordinator_not_available;
        return nullptr;
    }
    if (*c != self_) {
        error = Error::not_coordinator;
        return nullptr;
    }
    Group& g = config_.store->group(id);
    if (g.owner_load != load_) {
        // Load the group: ours from now on; every member's session starts again.
        // A group another coordinator (or this broker before a restart) held
        // has moved: GroupMetadataManager.loadGroupsForPartition on the new
        // leader of its __consumer_offsets partition.
        if (g.owner_broker) {
            out.group_event(GroupEventEffect{
                .kind = GroupEventEffect::Kind::coordinator_moved,
                .group_id = id,
                .generation = g.generation,
                .members = static_cast<std::int32_t>(g.members.size()),
                .text = *g.owner_broker == self_
                            ? fmt::format("coordinator reloaded on broker {} after its restart", self_.value())
                            : fmt::format("coordinator moved from broker {} to broker {} (leader of "
                                          "__consumer_offsets-{})",
                                          g.owner_broker->value(), self_.value(),
                                          offsets_partition_for(id, config_.offsets_topic_partitions)),
                .assignment = {}});
        }
        g.owner_broker = self_;
        g.owner_load = load_;
        load_group(g);
        for (GroupMember& m : g.members) touch(now, m);
        if (g.modern) consumer_load(now, g);
        arm_timer(g, out);
    }
    error = Error::none;
    return &g;
}

bool GroupCoordinator::on_message(Instant now, NodeId from, const Message& m, const std::vector<BrokerId>& live,
                                  Outbox& out) {
    if (const auto* f = std::get_if<FindCoordinatorRequest>(&m)) {
        FindCoordinatorResponse r;
        r.correlation = f->correlation;
        const auto c = enabled() ? coordinator_for(f->group_id, live) : std::nullopt;
        if (c) {
            r.coordinator = *c;
        } else {
            r.error = Error::coordinator_not_available;
        }
        out.send(from, std::move(r));
        return true;
    }
    Error e = Error::none;
    auto group_of = [&](const std::string& id) -> Group* {
        if (!enabled()) {
            e = Error::coordinator_not_available;
            return nullptr;
        }
        return owned_group(now, id, live, out, e);
    };
    if (const auto* r = std::get_if<JoinGroupRequest>(&m)) {
        Group* g = group_of(r->group_id);
        if (g && g->modern && !g->consumer.members.empty()) {
            // A classic member joining a consumer-protocol group: Kafka 4.0
            // runs it inside the consumer group (classicGroupJoinToConsumerGroup);
            // not modelled (a scenario's group runs one protocol).
            g = nullptr;
            e = Error::inconsistent_group_protocol;
        }
        if (g) {
            join(now, from, *r, *g, out);
        } else {
            JoinGroupResponse resp;
            resp.error = e;
            resp.member_id = r->member_id;
            resp.correlation = r->correlation;
            out.send(from, std::move(resp));
        }
        return true;
    }
    if (const auto* r = std::get_if<SyncGroupRequest>(&m)) {
        if (Group* g = group_of(r->group_id)) {
            sync(now, from, *r, *g, out);
        } else {
            out.send(from, SyncGroupResponse{e, {}, r->correlation});
        }
        return true;
    }
    if (const auto* r = std::get_if<HeartbeatRequest>(&m)) {
        if (Group* g = group_of(r->group_id)) {
            heartbeat(now, from, *r, *g, out);
        } else {
            out.send(from, HeartbeatResponse{e, r->correlation});
        }
        return true;
    }
    if (const auto* r = std::get_if<LeaveGroupRequest>(&m)) {
        if (Group* g = group_of(r->group_id)) {
            leave(now, from, *r, *g, out);
        } else {
            out.send(from, LeaveGroupResponse{e, r->correlation});
        }
        return true;
    }
    if (const auto* r = std::get_if<OffsetCommitRequest>(&m)) {
        if (Group* g = group_of(r->group_id)) {
            commit(now, from, *r, *g, out);
        } else {
            out.send(from, OffsetCommitResponse{e, r->offsets, r->correlation});
        }
        return true;
    }
    if (const auto* r = std::get_if<ConsumerGroupHeartbeatRequest>(&m)) {
        if (Group* g = group_of(r->group_id)) {
            consumer_heartbeat(now, from, *r, *g, out);
        } else {
            out.send(from, ConsumerGroupHeartbeatResponse{.error = e,
                                                          .member_id = r->member_id,
                                                          .member_epoch = r->member_epoch,
                                                          .correlation = r->correlation});
        }
        return true;
    }
    if (const auto* r = std::get_if<OffsetFetchRequest>(&m)) {
        OffsetFetchResponse resp;
        resp.correlation = r->correlation;
        if (Group* g = group_of(r->group_id)) {
            for (const TopicPartition& tp : r->partitions) {
                auto it = g->offsets.find(tp);
                resp.offsets.emplace_back(tp, it == g->offsets.end() ? kUndefinedOffset : it->second);
            }
        } else {
            resp.error = e;
        }
        out.send(from, std::move(resp));
        return true;
    }
    return false;
}

// ---- sync -----------------------------------------------------------------------------------

void GroupCoordinator::sync(Instant now, NodeId from, const SyncGroupRequest& r, Group& g, Outbox& out) {
    SyncGroupResponse resp;
    resp.correlation = r.correlation;
    const Error e = g.validate_member(r.member_id, r.group_instance_id);
    GroupMember* m = g.member(r.member_id);
    if (e != Error::none) {
        resp.error = e;
    } else if (r.generation != g.generation) {
        resp.error = Error::illegal_generation;
    } else if (g.state == GroupState::preparing_rebalance || g.state == GroupState::empty) {
        resp.error = Error::rebalance_in_progress;
    } else {
        resp.assignment = m->assignment;
        touch(now, *m);
        if (g.state == GroupState::completing_rebalance && r.member_id == g.leader) {
            set_state(g, GroupState::stable);
        }
    }
    out.send(from, std::move(resp));
    arm_timer(g, out);
}

// ---- heartbeat, leave, commit -----------------------------------------------------------------

void GroupCoordinator::heartbeat(Instant now, NodeId from, const HeartbeatRequest& r, Group& g, Outbox& out) {
    HeartbeatResponse resp;
    resp.correlation = r.correlation;
    const Error e = g.validate_member(r.member_id, r.group_instance_id);
    GroupMember* m = g.member(r.member_id);
    if (e != Error::none) {
        resp.error = e;
    } else if (r.generation != g.generation) {
        resp.error = Error::illegal_generation;
    } else {
        touch(now, *m);
        if (g.state == GroupState::preparing_rebalance) resp.error = Error::rebalance_in_progress;
    }
    out.send(from, std::move(resp));
    arm_timer(g, out);
}

// handleLeaveGroup: by member id (a pending member just stops being pending),
// or, with no member id, by group.instance.id (the admin removal of a static member).
void GroupCoordinator::leave(Instant now, NodeId from, const LeaveGroupRequest& r, Group& g, Outbox& out) {
    Error e = Error::none;
    if (r.member_id.empty()) {
        const GroupMember* s = g.static_member(r.group_instance_id);
        if (s) {
            remove_member(now, g, s->member_id, "removed by group.instance.id " + r.group_instance_id, out);
        } else {
            e = Error::unknown_member_id;
        }
    } else if (g.pending_members.count(r.member_id) > 0) {
        remove_pending_member(now, g, r.member_id, out);
    } else {
        e = g.validate_member(r.member_id, r.group_instance_id);
        if (e == Error::none) remove_member(now, g, r.member_id, "left the group", out);
    }
    out.send(from, LeaveGroupResponse{e, r.correlation});
    if (e == Error::none) arm_timer(g, out);
}

void GroupCoordinator::commit(Instant now, NodeId from, const OffsetCommitRequest& r, Group& g, Outbox& out) {
    if (g.modern) {
        consumer_commit(now, from, r, g, out);
        return;
    }
    OffsetCommitResponse resp;
    resp.correlation = r.correlation;
    resp.offsets = r.offsets;
    GroupMember* m = g.member(r.member_id);
    const Error e = g.validate_member(r.member_id, r.group_instance_id);
    if (r.generation < 0 && r.member_id.empty() && g.state == GroupState::empty) {
        resp.error = Error::none;  // a simple (group-less) commit
    } else if (e != Error::none) {
        resp.error = e;
    } else if (g.state == GroupState::completing_rebalance) {
        resp.error = Error::rebalance_in_progress;
    } else if (r.generation != g.generation) {
        resp.error = Error::illegal_generation;
    } else {
        touch(now, *m);
    }
    if (resp.error == Error::none) {
        for (const auto& [tp, offset] : r.offsets) {
            g.offsets[tp] = offset;
            out.offset_committed(OffsetCommittedEffect{g.group_id, tp, offset});
        }
    }
    out.send(from, std::move(resp));
    arm_timer(g, out);
}

void GroupCoordinator::remove_member(Instant now, Group& g, const std::string& member_id, const std::string& why,
                                     Outbox& out) {
    GroupMember* m = g.member(member_id);
    KS_ASSERT(m != nullptr);
    if (m->pending_join) {
        JoinGroupResponse resp;
        resp.error = Error::unknown_member_id;
        resp.member_id = member_id;
        resp.correlation = *m->pending_join;
        out.send(m->node, std::move(resp));
    }
    std::erase_if(g.members, [&](const GroupMember& x) { return x.member_id == member_id; });
    out.group_event(GroupEventEffect{GroupEventEffect::Kind::member_removed,
                                     g.group_id,
                                     g.generation,
                                     static_cast<std::int32_t>(g.members.size()),
                                     member_id + " " + why,
                                     {}});
    switch (g.state) {
        case GroupState::stable:
        case GroupState::completing_rebalance:
            prepare_rebalance(now, g, member_id + " " + why, out);
            maybe_complete_join(now, g, out);
            break;
        case GroupState::preparing_rebalance:
            maybe_complete_join(now, g, out);
            break;
        case GroupState::empty:
            break;
    }
}

// removePendingMemberAndUpdateGroup: a rebalance may have waited for it.
void GroupCoordinator::remove_pending_member(Instant now, Group& g, const std::string& member_id, Outbox& out) {
    KS_ASSERT(g.pending_members.erase(member_id) == 1);
    maybe_complete_join(now, g, out);
}

// ---- timers -----------------------------------------------------------------------------------

void GroupCoordinator::on_timer(Instant now, std::int32_t group_index, Outbox& out) {
    if (!enabled()) return;
    Group* g = nullptr;
    for (auto& [id, grp] : config_.store->groups) {
        if (grp.index == group_index) g = &grp;
    }
    if (!g || g->owner_load != load_) return;  // another coordinator owns it now
    if (g->modern) {
        consumer_timer(now, *g, out);
        return;
    }
    // Session expiry (onExpireHeartbeat); members awaiting a join answer stay.
    std::vector<std::string> expired;
    for (const GroupMember& m : g->members) {
        if (!m.pending_join && m.session_deadline <= now) expired.push_back(m.member_id);
    }
    for (const auto& id : expired) {
        if (g->member(id)) remove_member(now, *g, id, "session timed out", out);
    }
    // KIP-394 pending members that never joined again (onExpireHeartbeat, isPending).
    std::vector<std::string> pending_expired;
    for (const auto& [id, deadline] : g->pending_members) {
        if (deadline <= now) pending_expired.push_back(id);
    }
    for (const auto& id : pending_expired) remove_pending_member(now, *g, id, out);
    maybe_complete_join(now, *g, out);
    arm_timer(*g, out);
}

void GroupCoordinator::arm_timer(Group& g, Outbox& out) {
    if (g.modern) {
        arm_consumer_timer(g, out);
        return;
    }
    Instant next = Instant::max();
    for (const GroupMember& m : g.members) {
        if (!m.pending_join) next = std::min(next, m.session_deadline);
    }
    for (const auto& [id, deadline] : g.pending_members) next = std::min(next, deadline);
    if (g.state == GroupState::preparing_rebalance) {
        next = std::min(next, g.initial_delay ? g.initial_until : g.rebalance_deadline);
    }
    if (next == Instant::max()) {
        out.cancel_timer(group_timer(g.index));
    } else {
        out.set_timer(group_timer(g.index), next);
    }
}

// The consumer protocol's timers (scheduleConsumerGroupSessionTimeout,
// scheduleConsumerGroupRebalanceTimeout): one group timer at the earliest.
void GroupCoordinator::arm_consumer_timer(Group& g, Outbox& out) {
    Instant next = Instant::max();
    for (const ModernMember& m : g.consumer.members) {
        next = std::min({next, m.session_deadline, m.rebalance_deadline});
    }
    if (next == Instant::max()) {
        out.cancel_timer(group_timer(g.index));
    } else {
        out.set_timer(group_timer(g.index), next);
    }
}

void GroupCoordinator::touch(Instant now, GroupMember& m) {
    m.session_deadline = now + m.session_timeout;
}

void GroupCoordinator::set_state(Group& g, GroupState to) {
    using S = GroupState;
    const S from = g.state;
    // GroupMetadata.validPreviousStates.
    bool ok = false;
    switch (to) {
        case S::preparing_rebalance:
            ok = from == S::stable || from == S::completing_rebalance || from == S::empty;
            break;
        case S::completing_rebalance:
            ok = from == S::preparing_rebalance;
            break;
        case S::stable:
            ok = from == S::completing_rebalance;
            break;
        case S::empty:
            ok = from == S::preparing_rebalance;
            break;
    }
    KS_ASSERT_MSG(ok, "group {}: illegal transition {} -> {}", g.group_id, to_string(from), to_string(to));
    g.state = to;
}

}  // namespace ks::kafka
