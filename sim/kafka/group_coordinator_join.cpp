// GroupCoordinator: joining — JoinGroup (KIP-394's two rounds, KIP-345's
// static members) and the rebalance it starts, up to the JoinGroup answers
// (GroupCoordinator.handleJoinGroup, prepareRebalance, onCompleteJoin). The
// rules are in group_coordinator.hpp.
#include <algorithm>

#include "core/assert.hpp"
#include "kafka/group_assign.hpp"
#include "kafka/group_coordinator.hpp"

namespace ks::kafka {

namespace {
// GroupMetadata.updateMember + the member's metadata from its JoinGroup.
void update_member(GroupMember& m, NodeId from, const JoinGroupRequest& r) {
    m.client_id = r.client_id;
    m.node = from;
    m.session_timeout = r.session_timeout;
    m.rebalance_timeout = r.rebalance_timeout;
    m.protocols = r.protocols;
    m.topics = r.topics;
    m.owned = r.owned;
    m.owned_generation = r.owned_generation;
    m.pending_join = r.correlation;
}

// MemberMetadata.matches: the same protocols with the same metadata bytes —
// for a consumer the serialized Subscription: topics, owned partitions and the
// generation they were owned in (ConsumerProtocol, Subscription v2+, KIP-792).
bool matches(const GroupMember& m, const JoinGroupRequest& r) {
    return m.protocols == r.protocols && m.topics == r.topics && m.owned == r.owned &&
           m.owned_generation == r.owned_generation;
}

JoinGroupResponse join_error(const std::string& member_id, Error e, std::uint64_t correlation) {
    JoinGroupResponse resp;
    resp.error = e;
    resp.member_id = member_id;
    resp.correlation = correlation;
    return resp;
}
}  // namespace

// handleJoinGroup: doNewMemberJoinGroup for an empty member id (static:
// doStaticNewMemberJoinGroup; dynamic: doDynamicNewMemberJoinGroup), else
// doCurrentMemberJoinGroup; then the join may complete.
void GroupCoordinator::join(Instant now, NodeId from, const JoinGroupRequest& r, Group& g, Outbox& out) {
    if (!r.member_id.empty()) {
        if (!join_known_member(now, from, r, g, out)) return;  // refused: nothing changed
    } else if (!r.group_instance_id.empty()) {
        const std::string id = new_member_id(r);
        if (GroupMember* old = g.static_member(r.group_instance_id)) {
            replace_static_member(now, from, r, g, *old, id, out);
        } else {
            add_member(now, from, r, g, id, out);
        }
    } else if (r.require_known_member_id) {
        // KIP-394: name the member, remember it as pending, and ask it to join again with the name.
        const std::string id = new_member_id(r);
        KS_ASSERT(g.member(id) == nullptr);
        g.pending_members[id] = now + r.session_timeout;
        out.send(from, join_error(id, Error::member_id_required, r.correlation));
        arm_timer(g, out);
        return;
    } else {
        add_member(now, from, r, g, new_member_id(r), out);  // a pre-KIP-394 client (JoinGroup v0-v3)
    }
    maybe_complete_join(now, g, out);
    arm_timer(g, out);
}

// GroupMetadata.generateMemberId with a GroupStore counter in place of the UUID.
std::string GroupCoordinator::new_member_id(const JoinGroupRequest& r) {
    const std::string& prefix = r.group_instance_id.empty() ? r.client_id : r.group_instance_id;
    return prefix + "-" + std::to_string(config_.store->next_member++);
}

// doCurrentMemberJoinGroup. Returns false if the join was refused or answered at once.
bool GroupCoordinator::join_known_member(Instant now, NodeId from, const JoinGroupRequest& r, Group& g, Outbox& out) {
    if (g.pending_members.erase(r.member_id) > 0) {
        // A pending member is never static (static members skip MEMBER_ID_REQUIRED).
        KS_ASSERT_MSG(r.group_instance_id.empty(), "group {}: pending member {} joined with group.instance.id {}",
                      g.group_id, r.member_id, r.group_instance_id);
        add_member(now, from, r, g, r.member_id, out);
        return true;
    }
    const Error e = g.validate_member(r.member_id, r.group_instance_id);
    if (e != Error::none || g.state == GroupState::empty) {
        out.send(from, join_error(r.member_id, e != Error::none ? e : Error::unknown_member_id, r.correlation));
        return false;
    }
    GroupMember& m = *g.member(r.member_id);
    // CompletingRebalance with unchanged metadata (the member missed its
    // JoinGroup answer), or Stable for a follower with unchanged metadata: the
    // current generation, no rebalance. The leader rejoining a Stable group
    // always rebalances (it may have seen a change the metadata does not show).
    const bool same = matches(m, r);
    if ((g.state == GroupState::completing_rebalance && same) ||
        (g.state == GroupState::stable && same && g.leader != m.member_id)) {
        JoinGroupResponse resp;
        resp.generation = g.generation;
        resp.protocol = g.protocol;
        resp.leader = g.leader;
        resp.member_id = m.member_id;
        resp.correlation = r.correlation;
        out.send(from, std::move(resp));
        return false;  // nothing changed
    }
    update_member(m, from, r);
    touch(now, m);
    if (g.state != GroupState::preparing_rebalance)
        prepare_rebalance(now, g, "member " + m.member_id + " rejoined", out);
    return true;
}

// addMemberAndRebalance.
void GroupCoordinator::add_member(Instant now, NodeId from, const JoinGroupRequest& r, Group& g,
                                  const std::string& member_id, Outbox& out) {
    KS_ASSERT(g.member(member_id) == nullptr);
    KS_ASSERT(g.static_member(r.group_instance_id) == nullptr);
    // The InitialDelayedJoin waits longer only for members of the group's first generation.
    if (g.state == GroupState::preparing_rebalance && g.generation == 0) g.new_member_added = true;
    GroupMember nm;
    nm.member_id = member_id;
    nm.group_instance_id = r.group_instance_id;
    update_member(nm, from, r);
    touch(now, nm);
    g.members.push_back(std::move(nm));
    if (g.state != GroupState::preparing_rebalance) prepare_rebalance(now, g, "member " + member_id + " joined", out);
}

// updateStaticMemberAndRebalance (Kafka 3.9, JoinGroup v9): the static member
// known by `m` came back with an empty member id and takes `new_id`.
void GroupCoordinator::replace_static_member(Instant now, NodeId from, const JoinGroupRequest& r, Group& g,
                                             GroupMember& m, const std::string& new_id, Outbox& out) {
    KS_ASSERT(g.state != GroupState::empty);
    const std::string old_id = m.member_id;
    // replaceStaticMember: fence the old member id if it awaits a join answer
    // (SyncGroup is answered at once here, so no sync answer is waiting).
    if (m.pending_join) out.send(m.node, join_error(old_id, Error::fenced_instance_id, *m.pending_join));
    m.member_id = new_id;
    if (g.leader == old_id) g.leader = new_id;
    update_member(m, from, r);
    touch(now, m);
    const std::string why = "static member " + r.group_instance_id + " rejoined as " + new_id + " (was " + old_id + ")";
    switch (g.state) {
        case GroupState::stable: {
            std::vector<std::vector<std::string>> prefs;
            for (const GroupMember& x : g.members) prefs.push_back(x.protocols);
            const auto next = group_assign::select_protocol(prefs);
            if (!next || *next != g.protocol) {
                prepare_rebalance(now, g, why + ", changing the group's protocol", out);
                break;
            }
            // No rebalance: the current generation, the member's assignment kept.
            JoinGroupResponse resp;
            resp.generation = g.generation;
            resp.protocol = g.protocol;
            resp.leader = g.leader;
            resp.member_id = new_id;
            resp.correlation = *m.pending_join;
            m.pending_join.reset();
            out.send(from, std::move(resp));
            GroupEventEffect replaced{GroupEventEffect::Kind::member_replaced,
                                      g.group_id,
                                      g.generation,
                                      static_cast<std::int32_t>(g.members.size()),
                                      why + ", no rebalance",
                                      {}};
            for (const GroupMember& x : g.members) replaced.assignment.emplace_back(x.member_id, x.assignment);
            out.group_event(std::move(replaced));
            break;
        }
        case GroupState::completing_rebalance:
            // The leader may have assigned to the old member id: rebalance.
            prepare_rebalance(now, g, why, out);
            break;
        case GroupState::preparing_rebalance:
            break;  // it has simply rejoined
        case GroupState::empty:
            KS_UNREACHABLE("a known static member in an Empty group");
    }
}

void GroupCoordinator::prepare_rebalance(Instant now, Group& g, const std::string& reason, Outbox& out) {
    const bool from_empty = g.state == GroupState::empty;
    set_state(g, GroupState::preparing_rebalance);
    Duration rebalance_timeout = Duration::zero();
    for (const GroupMember& m : g.members) rebalance_timeout = std::max(rebalance_timeout, m.rebalance_timeout);
    g.rebalance_deadline = now + rebalance_timeout;
    g.initial_delay = from_empty && config_.initial_rebalance_delay > Duration::zero();
    if (g.initial_delay) {
        // InitialDelayedJoin(delay = min(initial delay, rebalance timeout), remaining = the rest).
        const Duration delay = std::min(config_.initial_rebalance_delay, rebalance_timeout);
        g.initial_remaining = rebalance_timeout - delay;
        g.initial_until = now + delay;
        g.new_member_added = false;
    }
    out.group_event(GroupEventEffect{GroupEventEffect::Kind::rebalance_started,
                                     g.group_id,
                                     g.generation,
                                     static_cast<std::int32_t>(g.members.size()),
                                     reason,
                                     {}});
}

void GroupCoordinator::maybe_complete_join(Instant now, Group& g, Outbox& out) {
    if (g.state != GroupState::preparing_rebalance) return;
    if (g.initial_delay) {
        if (now < g.initial_until) return;
        if (g.new_member_added && g.initial_remaining > Duration::zero()) {
            const Duration delay = std::min(config_.initial_rebalance_delay, g.initial_remaining);
            g.initial_remaining -= delay;
            g.initial_until = now + delay;
            g.new_member_added = false;
            return;
        }
        g.initial_delay = false;
    }
    // GroupMetadata.hasAllMembersJoined: every member rejoined, no KIP-394 member pending.
    bool all = g.pending_members.empty();
    for (const GroupMember& m : g.members) all = all && m.pending_join.has_value();
    if (!all && now < g.rebalance_deadline) return;
    complete_join(now, g, out);
}

void GroupCoordinator::complete_join(Instant now, Group& g, Outbox& out) {
    // Dynamic members that did not rejoin within the rebalance timeout are gone;
    // static ones stay until their session expires (onCompleteJoin).
    std::vector<std::string> late;
    for (const GroupMember& m : g.members) {
        if (!m.pending_join && m.group_instance_id.empty()) late.push_back(m.member_id);
    }
    for (const auto& id : late) {
        std::erase_if(g.members, [&](const GroupMember& m) { return m.member_id == id; });
        out.group_event(GroupEventEffect{GroupEventEffect::Kind::member_removed,
                                         g.group_id,
                                         g.generation,
                                         static_cast<std::int32_t>(g.members.size()),
                                         id + " did not rejoin within the rebalance timeout",
                                         {}});
    }
    // maybeElectNewJoinedLeader: the leader must be a member that rejoined;
    // with none (only absent static members), wait another rebalance timeout.
    const GroupMember* leader = g.member(g.leader);
    if (!g.members.empty() && (!leader || !leader->pending_join)) {
        auto joined = std::find_if(g.members.begin(), g.members.end(),
                                   [](const GroupMember& m) { return m.pending_join.has_value(); });
        if (joined == g.members.end()) {
            Duration rebalance_timeout = Duration::zero();
            for (const GroupMember& m : g.members) rebalance_timeout = std::max(rebalance_timeout, m.rebalance_timeout);
            g.rebalance_deadline = now + rebalance_timeout;
            return;
        }
        g.leader = joined->member_id;
    }
    ++g.generation;
    g.rebalance_deadline = Instant::max();
    if (g.members.empty()) {
        set_state(g, GroupState::empty);
        g.protocol.clear();
        g.leader.clear();
        return;
    }
    std::vector<std::vector<std::string>> prefs;
    for (const GroupMember& m : g.members) prefs.push_back(m.protocols);
    const auto protocol = group_assign::select_protocol(prefs);
    KS_ASSERT_MSG(protocol.has_value(), "group {}: members share no assignor", g.group_id);
    g.protocol = *protocol;
    KS_ASSERT(g.member(g.leader) != nullptr);
    std::vector<group_assign::MemberInput> in;
    for (const GroupMember& m : g.members) {
        group_assign::MemberInput mi{m.member_id, m.topics, {}, m.owned_generation, std::nullopt};
        if (!m.group_instance_id.empty()) mi.group_instance_id = m.group_instance_id;
        for (const TopicPartition& tp : m.owned) mi.owned.emplace_back(tp.topic, tp.partition);
        in.push_back(std::move(mi));
    }
    const auto result = group_assign::run(g.protocol, config_.topic_names, config_.topic_partitions, in);
    GroupEventEffect done{GroupEventEffect::Kind::rebalance_completed, g.group_id, g.generation,
                          static_cast<std::int32_t>(g.members.size()), g.protocol, {}};
    for (std::size_t i = 0; i < g.members.size(); ++i) {
        GroupMember& m = g.members[i];
        m.assignment.clear();
        for (const auto& [t, p] : result[i]) m.assignment.push_back(TopicPartition{t, p});
        done.assignment.emplace_back(m.member_id, m.assignment);
    }
    set_state(g, GroupState::completing_rebalance);
    ++g.rebalances;
    for (GroupMember& m : g.members) {
        // Every member of the new generation, absent static ones included, has its session restarted.
        m.generation_joined = g.generation;
        touch(now, m);
        if (!m.pending_join) continue;  // a static member that did not rejoin: no one to answer
        JoinGroupResponse resp;
        resp.generation = g.generation;
        resp.protocol = g.protocol;
        resp.leader = g.leader;
        resp.member_id = m.member_id;
        resp.correlation = *m.pending_join;
        m.pending_join.reset();
        out.send(m.node, std::move(resp));
    }
    out.group_event(std::move(done));
}

}  // namespace ks::kafka
