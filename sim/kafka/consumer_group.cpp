// ConsumerGroup state, CurrentAssignmentBuilder and TargetAssignmentBuilder
// (KIP-848). See consumer_group.hpp.
#include "kafka/consumer_group.hpp"

#include <algorithm>

#include "core/assert.hpp"
#include "kafka/java_hash.hpp"

namespace ks::kafka {

const char* to_string(MemberState s) {
    switch (s) {
        case MemberState::stable:
            return "STABLE";
        case MemberState::unrevoked_partitions:
            return "UNREVOKED_PARTITIONS";
        case MemberState::unreleased_partitions:
            return "UNRELEASED_PARTITIONS";
    }
    KS_UNREACHABLE("MemberState");
}

const char* to_string(ModernGroupState s) {
    // ConsumerGroupState.toString, as DescribeGroups / ConsumerGroupDescribe print it.
    switch (s) {
        case ModernGroupState::empty:
            return "Empty";
        case ModernGroupState::assigning:
            return "Assigning";
        case ModernGroupState::reconciling:
            return "Reconciling";
        case ModernGroupState::stable:
            return "Stable";
    }
    KS_UNREACHABLE("ModernGroupState");
}

ModernMember* ModernGroup::member(const std::string& id) {
    for (ModernMember& m : members) {
        if (m.member_id == id) return &m;
    }
    return nullptr;
}

const ModernMember* ModernGroup::member(const std::string& id) const {
    for (const ModernMember& m : members) {
        if (m.member_id == id) return &m;
    }
    return nullptr;
}

ModernMember* ModernGroup::static_member(const std::string& instance_id) {
    if (instance_id.empty()) return nullptr;
    for (ModernMember& m : members) {
        if (m.instance_id == instance_id) return &m;
    }
    return nullptr;
}

std::int32_t ModernGroup::partition_epoch(TopicPartition tp) const {
    for (const ModernMember& m : members) {
        if (m.assigned.contains(tp) || m.pending_revocation.contains(tp)) return m.member_epoch;
    }
    return -1;
}

ModernGroupState ModernGroup::compute_state() const {
    if (members.empty()) return ModernGroupState::empty;
    if (group_epoch != assignment_epoch) return ModernGroupState::assigning;
    for (const ModernMember& m : members) {
        if (!m.reconciled_to(assignment_epoch)) return ModernGroupState::reconciling;
    }
    return ModernGroupState::stable;
}

void ModernGroup::check() const {
    KS_ASSERT_LE(assignment_epoch, group_epoch);
    std::map<TopicPartition, std::string> holder;
    for (const ModernMember& m : members) {
        KS_ASSERT_MSG(m.member_epoch <= assignment_epoch || m.member_epoch < 0, "member {} epoch {} > target {}",
                      m.member_id, m.member_epoch, assignment_epoch);
        for (const PartitionSet* set : {&m.assigned, &m.pending_revocation}) {
            for (const TopicPartition& tp : *set) {
                const auto [it, fresh] = holder.emplace(tp, m.member_id);
                KS_ASSERT_MSG(fresh, "partition {}-{} held by {} and {}", tp.topic, tp.partition, it->second,
                              m.member_id);
            }
        }
    }
}

namespace {

bool owns_any(const std::optional<PartitionSet>& owned, const PartitionSet& revoking) {
    if (!owned) return true;  // ownsRevokedPartitions: null owned partitions
    return std::any_of(owned->begin(), owned->end(), [&](const TopicPartition& tp) { return revoking.contains(tp); });
}

// CurrentAssignmentBuilder.computeNextAssignment.
ModernMember next_assignment(const ModernMember& member, std::int32_t member_epoch, std::int32_t target_epoch,
                             const PartitionSet& target, const std::optional<PartitionSet>& owned,
                             const ModernGroup& group) {
    PartitionSet assigned, revoking, adding;
    bool unreleased = false;
    for (const TopicPartition& tp : member.assigned) {
        (target.contains(tp) ? assigned : revoking).insert(tp);
    }
    for (const TopicPartition& tp : target) {
        if (assigned.contains(tp)) continue;
        if (group.partition_epoch(tp) != -1) {
            unreleased = true;  // still held by its previous owner
        } else {
            adding.insert(tp);
        }
    }
    ModernMember next = member;
    next.pending_revocation.clear();
    const auto set_epoch = [&](std::int32_t epoch) {
        // ConsumerGroupMember.Builder.updateMemberEpoch
        next.previous_member_epoch = member.member_epoch;
        next.member_epoch = epoch;
    };
    if (!revoking.empty() && owns_any(owned, revoking)) {
        // Revoke first: stay in the current epoch until the member stops reporting them.
        next.state = MemberState::unrevoked_partitions;
        set_epoch(member_epoch);
        next.assigned = assigned;
        next.pending_revocation = revoking;
        return next;
    }
    assigned.insert(adding.begin(), adding.end());
    next.state = unreleased ? MemberState::unreleased_partitions : MemberState::stable;
    set_epoch(target_epoch);
    next.assigned = assigned;
    return next;
}

}  // namespace

ModernMember reconcile(const ModernMember& member, std::int32_t target_epoch, const PartitionSet& target,
                       const std::optional<PartitionSet>& owned, const ModernGroup& group) {
    switch (member.state) {
        case MemberState::stable:
            if (member.member_epoch == target_epoch) return member;
            return next_assignment(member, member.member_epoch, target_epoch, target, owned, group);
        case MemberState::unrevoked_partitions:
            if (owns_any(owned, member.pending_revocation)) return member;
            return next_assignment(member, member.member_epoch + 1, target_epoch, target, owned, group);
        case MemberState::unreleased_partitions:
            return next_assignment(member, member.member_epoch, target_epoch, target, owned, group);
    }
    KS_UNREACHABLE("reconcile");
}

std::optional<std::string> preferred_server_assignor(const ModernGroup& group) {
    java::JavaHashMap<std::string, std::int32_t, java::StringHash> counts;
    for (const ModernMember& m : group.members) {
        if (m.server_assignor.empty()) continue;
        const std::int32_t* c = counts.find(m.server_assignor);
        counts.put(m.server_assignor, c ? *c + 1 : 1);
    }
    std::optional<std::string> best;
    std::int32_t best_count = 0;
    counts.for_each([&](const std::string& name, std::int32_t c) {
        if (!best || c > best_count) {
            best = name;
            best_count = c;
        }
    });
    return best;
}

std::map<std::string, PartitionSet> compute_target(const ModernGroup& group, const TargetInput& in) {
    // TargetAssignmentBuilder.build: memberSpecs is a new HashMap<String, ...>.
    java::JavaHashMap<std::string, std::size_t, java::StringHash> order;
    for (std::size_t i = 0; i < group.members.size(); ++i) order.put(group.members[i].member_id, i);
    ServerGroupSpec spec;
    for (std::size_t t = 0; t < in.topic_partitions.size(); ++t) {
        spec.topics.push_back({in.topic_partitions[t], static_cast<std::int64_t>(t)});
    }
    order.for_each([&](const std::string& id, std::size_t i) {
        const ModernMember& m = group.members[i];
        ServerAssignorMember sm;
        sm.member_id = id;
        if (!m.instance_id.empty()) sm.instance_id = m.instance_id;
        sm.topics.insert(m.topics.begin(), m.topics.end());
        if (const auto it = group.target.find(id); it != group.target.end()) {
            for (const TopicPartition& tp : it->second) sm.assignment[tp.topic].insert(tp.partition);
        }
        spec.members.push_back(std::move(sm));
    });
    const std::vector<SlotAssignment> result = server_assign(in.assignor, spec);
    std::map<std::string, PartitionSet> out;
    for (std::size_t i = 0; i < spec.members.size(); ++i) {
        PartitionSet& set = out[spec.members[i].member_id];
        for (const auto& [slot, parts] : result[i]) {
            for (std::int32_t p : parts) set.insert(TopicPartition{slot, p});
        }
    }
    return out;
}

}  // namespace ks::kafka
