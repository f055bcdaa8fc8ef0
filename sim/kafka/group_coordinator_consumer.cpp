// The group coordinator's side of the consumer group protocol (KIP-848):
// ConsumerGroupHeartbeat, the members' session and rebalance timeouts,
// OffsetCommit from consumer-protocol members. Mirrors
// GroupMetadataManager.consumerGroupHeartbeat / consumerGroupLeave /
// consumerGroupFenceMember / scheduleConsumerGroupSessionTimeout /
// scheduleConsumerGroupRebalanceTimeout and ConsumerGroup.validateOffsetCommit
// (group-coordinator module, Kafka 4.0). The state and the two pure steps
// (target assignment, reconciliation) are in kafka/consumer_group.hpp.
//
// Not modelled: regular-expression subscriptions, rack-aware assignment,
// the metadata refresh of subscribed topics (topics never change in a run),
// group-level config overrides, and mixed groups (classic members inside a
// consumer group: Kafka 4.0's online upgrade / downgrade); a classic
// JoinGroup to a consumer group with members gets INCONSISTENT_GROUP_PROTOCOL.
#include <algorithm>

#include "core/assert.hpp"
#include "kafka/group_coordinator.hpp"

namespace ks::kafka {

namespace {

PartitionSet to_set(const std::vector<TopicPartition>& v) {
    return PartitionSet(v.begin(), v.end());
}

std::vector<TopicPartition> to_vector(const PartitionSet& s) {
    return std::vector<TopicPartition>(s.begin(), s.end());
}

bool same_assignment_state(const ModernMember& a, const ModernMember& b) {
    return a.member_epoch == b.member_epoch && a.previous_member_epoch == b.previous_member_epoch &&
           a.state == b.state && a.assigned == b.assigned && a.pending_revocation == b.pending_revocation;
}

// throwIfConsumerGroupMemberEpochIsInvalid: a larger epoch than ours, or a
// smaller one that is not the previous epoch with a subset of the current
// assignment (the member missed the response that bumped it), is fenced.
bool epoch_valid(const ModernMember& m, std::int32_t received,
                 const std::optional<std::vector<TopicPartition>>& owned) {
    if (received > m.member_epoch) return false;
    if (received < m.member_epoch) {
        if (received != m.previous_member_epoch) return false;
        if (!owned) return false;
        for (const TopicPartition& tp : *owned) {
            if (!m.assigned.contains(tp)) return false;
        }
    }
    return true;
}

}  // namespace

// computePreferredServerAssignor, else the first of group.consumer.assignors.
ServerAssignorKind GroupCoordinator::preferred_assignor(const ModernGroup& cg) const {
    if (const auto name = preferred_server_assignor(cg)) {
        if (const auto k = parse_server_assignor_name(*name)) return *k;
    }
    KS_ASSERT(!config_.consumer_assignors.empty());
    return config_.consumer_assignors.front();
}

void GroupCoordinator::consumer_heartbeat(Instant now, NodeId from, const ConsumerGroupHeartbeatRequest& r, Group& g,
                                          Outbox& out) {
    ConsumerGroupHeartbeatResponse resp{.error = Error::none,
                                        .member_id = r.member_id,
                                        .member_epoch = r.member_epoch,
                                        .heartbeat_interval = Duration::zero(),
                                        .assignment = std::nullopt,
                                        .correlation = r.correlation};
    if (!g.modern && !g.members.empty()) {
        resp.error = Error::inconsistent_group_protocol;  // a classic group with members (see the file comment)
    } else if (r.member_epoch == kLeaveGroupMemberEpoch || r.member_epoch == kLeaveGroupStaticMemberEpoch) {
        resp.error = consumer_leave(now, r, g, out);
    } else {
        resp.error = consumer_join_or_update(now, from, r, g, resp, out);
    }
    out.send(from, std::move(resp));
    arm_timer(g, out);
}

Error GroupCoordinator::consumer_join_or_update(Instant now, NodeId from, const ConsumerGroupHeartbeatRequest& r,
                                                Group& g, ConsumerGroupHeartbeatResponse& resp, Outbox& out) {
    ModernGroup& cg = g.consumer;
    const bool create = r.member_epoch == 0;
    if (!g.modern) {
        if (!create) return Error::group_id_not_found;  // getOrMaybeCreateConsumerGroup
        g.modern = true;
    }
    std::string member_id = r.member_id;
    if (member_id.empty()) {
        // Kafka names it with Uuid.randomUuid(); here a counter of the store (see new_member_id).
        member_id = r.client_id + "-" + std::to_string(config_.store->next_member++);
    }
    // Get or create the member (getOrMaybeSubscribe{Dynamic,Static}ConsumerGroupMember).
    ModernMember member;
    bool is_new = false;
    std::string replaced;  // a static member's previous member id
    if (r.group_instance_id.empty()) {
        const ModernMember* m = cg.member(member_id);
        if (!m && !create) return Error::unknown_member_id;
        if (m && !epoch_valid(*m, r.member_epoch, r.owned)) return Error::fenced_member_epoch;
        is_new = m == nullptr;
        if (m) member = *m;
    } else {
        const ModernMember* existing = cg.static_member(r.group_instance_id);
        if (create && existing) {
            // A static member (re)joins: the instance id is released only by a
            // leave with epoch -2 (throwIfInstanceIdIsUnreleased); the member is
            // copied under the new member id with epoch 0, its assignment kept.
            if (existing->member_epoch != kLeaveGroupStaticMemberEpoch) return Error::unreleased_instance_id;
            member = *existing;
            member.member_epoch = 0;
            member.previous_member_epoch = 0;
            if (existing->member_id != member_id) replaced = existing->member_id;
        } else if (create) {
            is_new = true;
        } else {
            if (!existing) return Error::unknown_member_id;  // throwIfStaticMemberIsUnknown
            if (existing->member_id != member_id) return Error::fenced_instance_id;
            if (!epoch_valid(*existing, r.member_epoch, r.owned)) return Error::fenced_member_epoch;
            member = *existing;
        }
    }
    // 1. The member's subscription; a change bumps the group epoch.
    ModernMember updated = member;
    updated.member_id = member_id;
    updated.instance_id = r.group_instance_id;
    updated.client_id = r.client_id;
    updated.node = from;
    if (r.rebalance_timeout) updated.rebalance_timeout = *r.rebalance_timeout;
    if (r.server_assignor) updated.server_assignor = *r.server_assignor;
    if (r.topics) {
        updated.topics = *r.topics;
        std::sort(updated.topics.begin(), updated.topics.end());
    }
    const bool bump = updated.topics != member.topics || is_new;
    if (!replaced.empty()) {
        // replaceMember: the old id's member and target become the new id's.
        if (const auto t = cg.target.find(replaced); t != cg.target.end()) {
            cg.target[member_id] = t->second;
            cg.target.erase(replaced);
        }
        std::erase_if(cg.members, [&](const ModernMember& m) { return m.member_id == replaced; });
        out.group_event(
            GroupEventEffect{GroupEventEffect::Kind::member_replaced,
                             g.group_id,
                             cg.group_epoch,
                             static_cast<std::int32_t>(cg.members.size() + 1),
                             "static member " + r.group_instance_id + " rejoined: " + replaced + " -> " + member_id,
                             {}});
    }
    if (ModernMember* m = cg.member(member_id)) {
        *m = updated;
    } else {
        cg.members.push_back(updated);
    }
    std::string why;
    if (bump) {
        ++cg.group_epoch;
        why = member_id + (is_new ? " joined" : " changed its subscription");
    }
    // 2. A new target assignment when the group epoch moved past it.
    if (cg.group_epoch > cg.assignment_epoch) {
        cg.target = compute_target(cg, TargetInput{preferred_assignor(cg), config_.topic_partitions});
        cg.assignment_epoch = cg.group_epoch;
    }
    // 3. Reconcile this member towards its target.
    ModernMember& m = *cg.member(member_id);
    const ModernMember before = m;
    if (!m.reconciled_to(cg.assignment_epoch)) {
        const std::optional<PartitionSet> owned = r.owned ? std::optional(to_set(*r.owned)) : std::nullopt;
        const ModernMember next = reconcile(m, cg.assignment_epoch, cg.target[member_id], owned, cg);
        if (!same_assignment_state(next, m)) {
            m = next;
            if (m.state == MemberState::unrevoked_partitions) {
                m.rebalance_deadline = now + m.rebalance_timeout;
                m.rebalance_epoch = m.member_epoch;
            } else {
                m.rebalance_deadline = Instant::max();
                m.rebalance_epoch = -1;
            }
        }
    }
    m.session_deadline = now + config_.consumer_session_timeout;
    resp.member_id = m.member_id;
    resp.member_epoch = m.member_epoch;
    resp.heartbeat_interval = config_.consumer_heartbeat_interval;
    const bool full = create || (r.rebalance_timeout && r.topics && r.owned);
    if (full || m.assigned != before.assigned) resp.assignment = to_vector(m.assigned);
    consumer_changed(g, why, out);
    return Error::none;
}

// consumerGroupLeave: epoch -1 removes the member (fences it); a static
// member's -2 only marks it as gone for now, keeping its partitions (no
// rebalance) until it rejoins or its session times out.
Error GroupCoordinator::consumer_leave(Instant now, const ConsumerGroupHeartbeatRequest& r, Group& g, Outbox& out) {
    if (!g.modern) return Error::group_id_not_found;
    ModernGroup& cg = g.consumer;
    if (r.group_instance_id.empty()) {
        if (!cg.member(r.member_id)) return Error::unknown_member_id;
        consumer_fence(now, g, r.member_id, "left the group", out);
        return Error::none;
    }
    ModernMember* m = cg.static_member(r.group_instance_id);
    if (!m) return Error::unknown_member_id;
    if (m->member_id != r.member_id) return Error::fenced_instance_id;
    if (r.member_epoch == kLeaveGroupStaticMemberEpoch) {
        m->member_epoch = kLeaveGroupStaticMemberEpoch;
        m->pending_revocation.clear();
        m->rebalance_deadline = Instant::max();
        consumer_changed(g, "", out);
        return Error::none;
    }
    consumer_fence(now, g, m->member_id, "left the group", out);
    return Error::none;
}

// consumerGroupFenceMember: the member, its target and its partitions go; the
// group epoch is bumped (the next heartbeat computes the new target).
void GroupCoordinator::consumer_fence(Instant now, Group& g, const std::string& member_id, const std::string& why,
                                      Outbox& out) {
    (void)now;
    ModernGroup& cg = g.consumer;
    KS_ASSERT(cg.member(member_id) != nullptr);
    std::erase_if(cg.members, [&](const ModernMember& m) { return m.member_id == member_id; });
    cg.target.erase(member_id);
    ++cg.group_epoch;
    out.group_event(GroupEventEffect{GroupEventEffect::Kind::member_removed,
                                     g.group_id,
                                     cg.group_epoch,
                                     static_cast<std::int32_t>(cg.members.size()),
                                     member_id + " " + why,
                                     {}});
    consumer_changed(g, member_id + " " + why, out);
}

// ConsumerGroup.validateOffsetCommit: a commit needs the member's current
// epoch (STALE_MEMBER_EPOCH otherwise); epoch -1 commits only to a group
// without members. Commits do not keep a consumer-protocol session alive.
void GroupCoordinator::consumer_commit(Instant now, NodeId from, const OffsetCommitRequest& r, Group& g, Outbox& out) {
    (void)now;
    OffsetCommitResponse resp;
    resp.correlation = r.correlation;
    resp.offsets = r.offsets;
    const ModernGroup& cg = g.consumer;
    if (!(r.generation < 0 && cg.members.empty())) {
        const ModernMember* m = cg.member(r.member_id);
        if (!m) {
            resp.error = Error::unknown_member_id;
        } else if (r.generation != m->member_epoch) {
            resp.error = Error::stale_member_epoch;
        }
    }
    if (resp.error == Error::none) {
        for (const auto& [tp, offset] : r.offsets) {
            g.offsets[tp] = offset;
            out.offset_committed(OffsetCommittedEffect{g.group_id, tp, offset});
        }
    }
    out.send(from, std::move(resp));
}

void GroupCoordinator::consumer_timer(Instant now, Group& g, Outbox& out) {
    std::vector<std::pair<std::string, std::string>> fenced;
    for (const ModernMember& m : g.consumer.members) {
        if (m.session_deadline <= now) {
            fenced.emplace_back(m.member_id, "session timed out");
        } else if (m.rebalance_deadline <= now && m.member_epoch == m.rebalance_epoch) {
            fenced.emplace_back(m.member_id, "did not revoke its partitions within its rebalance timeout (" +
                                                 std::to_string(m.rebalance_timeout.ms()) + " ms)");
        }
    }
    for (const auto& [id, why] : fenced) {
        if (g.consumer.member(id)) consumer_fence(now, g, id, why, out);
    }
    arm_timer(g, out);
}

// Loading the group: every member's session timer starts again, and the
// rebalance timer of each member still revoking (GroupMetadataManager.onLoaded).
void GroupCoordinator::consumer_load(Instant now, Group& g) {
    for (ModernMember& m : g.consumer.members) {
        m.session_deadline = now + config_.consumer_session_timeout;
        if (m.state == MemberState::unrevoked_partitions) {
            m.rebalance_deadline = now + m.rebalance_timeout;
            m.rebalance_epoch = m.member_epoch;
        }
    }
}

void GroupCoordinator::consumer_changed(Group& g, const std::string& why, Outbox& out) {
    ModernGroup& cg = g.consumer;
    const ModernGroupState before = cg.state;
    cg.state = cg.compute_state();
    const auto members = static_cast<std::int32_t>(cg.members.size());
    const bool busy = cg.state == ModernGroupState::assigning || cg.state == ModernGroupState::reconciling;
    if (busy && !cg.rebalancing && cg.group_epoch > cg.announced_epoch) {
        cg.rebalancing = true;
        cg.announced_epoch = cg.group_epoch;
        out.group_event(GroupEventEffect{GroupEventEffect::Kind::rebalance_started,
                                         g.group_id,
                                         cg.group_epoch,
                                         members,
                                         why.empty() ? "group epoch " + std::to_string(cg.group_epoch) : why,
                                         {}});
    }
    if (cg.state == ModernGroupState::empty) cg.rebalancing = false;
    if (cg.state == ModernGroupState::stable && (cg.rebalancing || before == ModernGroupState::empty)) {
        cg.rebalancing = false;
        cg.announced_epoch = cg.group_epoch;
        ++g.rebalances;
        GroupEventEffect done{GroupEventEffect::Kind::rebalance_completed,
                              g.group_id,
                              cg.assignment_epoch,
                              members,
                              std::string(server_assignor_name(preferred_assignor(cg))) + ", consumer protocol",
                              {}};
        for (const ModernMember& m : cg.members) done.assignment.emplace_back(m.member_id, to_vector(m.assigned));
        out.group_event(std::move(done));
    }
    cg.check();
}

}  // namespace ks::kafka
