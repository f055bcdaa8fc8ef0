// The consumer group protocol (KIP-848, `group.protocol=consumer`, GA in
// Kafka 4.0): the group's state at the coordinator and the two pure steps
// of a heartbeat — the target assignment and the per-member reconciliation.
//
// Mirrors org.apache.kafka.coordinator.group.modern.consumer.{ConsumerGroup,
// ConsumerGroupMember, CurrentAssignmentBuilder} and modern.TargetAssignmentBuilder
// (Kafka 4.0). kafka/group_coordinator.hpp handles the requests.
//
// The protocol in one paragraph: every member heartbeats
// (ConsumerGroupHeartbeat) with its subscription and the partitions it owns.
// A change of membership or subscription bumps the group epoch; the next
// heartbeat computes a new target assignment (epoch = group epoch) with the
// broker-side assignor (kafka/server_assignor.hpp). Each member then
// converges to its target on its own, without a group-wide barrier: it is
// first asked to revoke what it must give up (UNREVOKED_PARTITIONS, its
// epoch unchanged) and moves to the target epoch only once it no longer
// reports them; a partition still held by another member (its partition
// epoch ≠ -1) is withheld (UNRELEASED_PARTITIONS) until that member has
// revoked it. So a partition is never owned by two members at once, and the
// members whose partitions do not move keep consuming throughout.
//
// Invariants (asserted): a partition is in at most one member's assigned ∪
// pending-revocation set (ConsumerGroup.addPartitionEpochs throws
// IllegalStateException otherwise); a member's epoch ≤ the assignment epoch ≤
// the group epoch.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "kafka/server_assignor.hpp"
#include "kafka/types.hpp"

namespace ks::kafka {

// ConsumerGroupHeartbeatRequest.memberEpoch sentinels.
inline constexpr std::int32_t kLeaveGroupMemberEpoch = -1;        // LEAVE_GROUP_MEMBER_EPOCH
inline constexpr std::int32_t kLeaveGroupStaticMemberEpoch = -2;  // LEAVE_GROUP_STATIC_MEMBER_EPOCH

using PartitionSet = std::set<TopicPartition>;

// modern.MemberState.
enum class MemberState : std::uint8_t { stable, unrevoked_partitions, unreleased_partitions };
const char* to_string(MemberState s);

// ConsumerGroupMember: what the coordinator keeps per member.
struct ModernMember {
    std::string member_id;
    std::string instance_id;  // group.instance.id; empty: dynamic
    std::string client_id;
    NodeId node;
    std::int32_t member_epoch = 0;
    std::int32_t previous_member_epoch = 0;
    MemberState state = MemberState::stable;
    std::vector<TopicIndex> topics;  // subscribedTopicNames, ascending
    std::string server_assignor;     // group.remote.assignor; empty: none
    Duration rebalance_timeout = ms(300000);
    PartitionSet assigned;            // assignedPartitions
    PartitionSet pending_revocation;  // partitionsPendingRevocation
    Instant session_deadline = Instant::max();
    // The rebalance timeout armed when the member entered
    // UNREVOKED_PARTITIONS at this epoch (scheduleConsumerGroupRebalanceTimeout).
    Instant rebalance_deadline = Instant::max();
    std::int32_t rebalance_epoch = -1;

    // isReconciledTo(targetAssignmentEpoch)
    bool reconciled_to(std::int32_t epoch) const { return state == MemberState::stable && member_epoch == epoch; }
};

// modern.consumer.ConsumerGroup.ConsumerGroupState.
enum class ModernGroupState : std::uint8_t { empty, assigning, reconciling, stable };
const char* to_string(ModernGroupState s);

// The persisted part of a consumer group (ConsumerGroup's timeline data).
struct ModernGroup {
    std::int32_t group_epoch = 0;
    std::int32_t assignment_epoch = 0;  // the target assignment's epoch
    std::vector<ModernMember> members;  // join order
    std::map<std::string, PartitionSet> target;
    ModernGroupState state = ModernGroupState::empty;
    // Reporting: a rebalance was announced (at announced_epoch) and has not
    // completed yet. A static member's -2 makes the group Reconciling
    // without a new group epoch: no rebalance.
    bool rebalancing = false;
    std::int32_t announced_epoch = 0;

    ModernMember* member(const std::string& id);
    const ModernMember* member(const std::string& id) const;
    ModernMember* static_member(const std::string& instance_id);
    // currentPartitionEpoch: the epoch of the member holding tp (assigned or
    // pending revocation), or -1.
    std::int32_t partition_epoch(TopicPartition tp) const;
    // ConsumerGroup.maybeUpdateGroupState.
    ModernGroupState compute_state() const;
    // Asserts the invariants in the file comment.
    void check() const;
};

// CurrentAssignmentBuilder.build(): the member's next state given the
// target (epoch, partitions), the partitions it reported owning (nullopt:
// not reported in this heartbeat, which counts as still owning everything
// pending revocation) and the group's partition epochs (excluding what the
// member holds itself).
ModernMember reconcile(const ModernMember& member, std::int32_t target_epoch, const PartitionSet& target,
                       const std::optional<PartitionSet>& owned, const ModernGroup& group);

// ConsumerGroup.computePreferredServerAssignor: the group.remote.assignor most
// members name (a HashMap's max: the first in its iteration order among
// equals); nullopt when none names one (the coordinator's default applies).
std::optional<std::string> preferred_server_assignor(const ModernGroup& group);

// What the target-assignment step needs beside the group.
struct TargetInput {
    ServerAssignorKind assignor = ServerAssignorKind::uniform;
    std::vector<std::int32_t> topic_partitions;  // by topic index
};

// TargetAssignmentBuilder.build: the assignor over every member, each
// starting from its previous target; members in the iteration order of
// Kafka's HashMap<String, ...> by member id. Returns member id → target.
std::map<std::string, PartitionSet> compute_target(const ModernGroup& group, const TargetInput& in);

}  // namespace ks::kafka
