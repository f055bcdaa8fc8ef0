// GroupCoordinator: the broker side of classic consumer groups — membership,
// generations, rebalances and committed offsets. Mirrors
// kafka.coordinator.group.GroupCoordinator / GroupMetadata (the classic
// protocol, Kafka 3.x) at the granularity kafkasim needs.
//
// Placement (GroupCoordinator.partitionFor + the offsets partition's leader):
// a group lives in __consumer_offsets partition abs(groupId.hashCode) %
// offsets.topic.num.partitions, and its coordinator is that partition's
// leader. kafkasim does not create __consumer_offsets as a real topic (it would
// add 50 replicated partitions to every run); instead partition k has the
// replicas brokers[(k + i) % n] for i < min(offsets.topic.replication.factor, n)
// (brokers sorted by id) and its leader is the first of them that the asking
// broker's metadata shows live — a preferred-leader election that follows the
// controller's liveness, as a real offsets partition's leadership would.
//
// Durability: __consumer_offsets is modelled as perfectly replicated. The
// groups' state (members, generation, assignment, committed offsets) lives in
// a GroupStore that outlives every broker process (owned by whoever builds the
// cluster); the broker that is currently coordinator works on it. When the
// coordinator moves, the new one "loads" the group on first contact: it takes
// ownership (a new load epoch, so the old owner's timers are void) and restarts
// every member's session timer, as GroupMetadataManager.loadGroup followed by
// the heartbeat scheduling does. Only completed generations are persisted, so
// a rebalance under way is forgotten: the group is loaded Stable (Empty
// without members) with the members of its last generation, and joins that
// were waiting at the old coordinator must be sent again.
//
// Rules (GroupCoordinator.handleJoinGroup / handleSyncGroup / handleHeartbeat /
// handleLeaveGroup / handleCommitOffsets / onExpireHeartbeat; joining is in
// group_coordinator_join.cpp):
//   * States Empty → PreparingRebalance → CompletingRebalance → Stable, any →
//     PreparingRebalance on a join, a leave or a session expiry; set_state()
//     asserts each transition.
//   * A join to an Empty group starts the InitialDelayedJoin:
//     group.initial.rebalance.delay.ms, extended by the same delay while new
//     members keep arriving (only before the first generation, as
//     addMemberAndRebalance sets newMemberAdded), up to the rebalance timeout.
//     Otherwise the join completes when every known member has rejoined and no
//     pending member is left (GroupMetadata.hasAllMembersJoined), or at the
//     rebalance timeout (the largest max.poll.interval.ms of the members),
//     dropping the dynamic members that did not rejoin; static ones stay
//     (onCompleteJoin: notYetRejoinedDynamicMembers). If the leader did not
//     rejoin, another member that did leads (maybeElectNewJoinedLeader); if
//     none did, the join waits another rebalance timeout.
//   * Completing a join bumps the generation, selects the protocol (the
//     assignor every member supports with the most first-choice votes), keeps
//     the leader if it rejoined (else the first member that did) and answers
//     every pending JoinGroup. Simplification: the assignment is
//     computed here with Kafka's assignor (kafka/assignor.hpp) on the members'
//     subscriptions, owned partitions and group.instance.ids, instead of by the
//     leader consumer and shipped in its SyncGroup; the result is the one the
//     leader would compute. SyncGroup answers each member its part; the
//     leader's moves the group to Stable. A known member's JoinGroup
//     (doCurrentMemberJoinGroup) while PreparingRebalance updates it and
//     counts it as rejoined; while CompletingRebalance, or Stable from a
//     follower, with unchanged metadata (MemberMetadata.matches: protocols,
//     topics, owned partitions and their generation) it is answered at once
//     with the current generation — the member missed its JoinGroup answer;
//     otherwise (changed metadata, or the leader rejoining a Stable group) it
//     starts a rebalance.
//   * KIP-394 (doDynamicNewMemberJoinGroup): a JoinGroup with an empty member
//     id and no group.instance.id from a JoinGroup v4+ client is answered
//     MEMBER_ID_REQUIRED with a fresh member id, remembered as a pending member
//     for the request's session.timeout.ms (addPendingMemberExpiration); its
//     second JoinGroup with that id adds it to the group (addMemberAndRebalance).
//     A pending member that never comes back expires silently
//     (removePendingMemberAndUpdateGroup); while it is pending a rebalance
//     cannot complete before the rebalance timeout. Pending members are not
//     persisted: a coordinator move forgets them. Member ids are
//     clientId + "-" + N (or group.instance.id + "-" + N for static members),
//     N a counter of the GroupStore where Kafka appends a random UUID
//     (GroupMetadata.generateMemberId): deterministic, unique per group store.
//   * Static membership (KIP-345): a member with a group.instance.id joins in
//     one round (no MEMBER_ID_REQUIRED). With an empty member id and an
//     instance id the group knows, the member takes a new member id in place
//     of the old one (doStaticMemberJoinGroup → updateStaticMemberAndRebalance
//     → replaceStaticMember): the old id's waiting JoinGroup is answered
//     FENCED_INSTANCE_ID, its session restarts, its assignment and generation
//     are kept. Stable: no rebalance unless the selected protocol would
//     change; the member is answered at once with the current generation (the
//     JoinGroup v9 answer: leader = the group's leader) and its SyncGroup gets
//     its old assignment. CompletingRebalance: a rebalance. PreparingRebalance:
//     it simply counts as rejoined. Every request that carries a
//     group.instance.id is validated against it (validateCurrentMember): the
//     instance mapped to another member id → FENCED_INSTANCE_ID, an unknown
//     instance → UNKNOWN_MEMBER_ID. A static member leaves only by session
//     expiry (its client sends no LeaveGroup) or by a LeaveGroup naming its
//     instance id with no member id (the admin removal).
//   * Heartbeats: UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION, REBALANCE_IN_PROGRESS
//     while preparing; each valid heartbeat, join, sync and commit restarts the
//     member's session.timeout.ms timer, and completing a join restarts every
//     member's. A member awaiting a join answer is kept alive.
//   * OffsetCommit: accepted from a member of the current generation (also
//     while PreparingRebalance, so members can commit before rejoining),
//     REBALANCE_IN_PROGRESS while CompletingRebalance, ILLEGAL_GENERATION or
//     UNKNOWN_MEMBER_ID (FENCED_INSTANCE_ID) otherwise; commits with
//     generation -1 from no member (simple consumers) are accepted when the
//     group is Empty.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "kafka/consumer_group.hpp"
#include "kafka/outbox.hpp"

namespace ks::kafka {

enum class GroupState : std::uint8_t { empty, preparing_rebalance, completing_rebalance, stable };
const char* to_string(GroupState s);

struct GroupMember {
    std::string member_id;
    std::string group_instance_id;  // group.instance.id; empty: a dynamic member
    std::string client_id;
    NodeId node;
    Duration session_timeout;
    Duration rebalance_timeout;
    std::vector<std::string> protocols;
    std::vector<TopicIndex> topics;
    std::vector<TopicPartition> owned;
    std::int32_t owned_generation = -1;
    std::vector<TopicPartition> assignment;
    Instant session_deadline = Instant::max();
    std::optional<std::uint64_t> pending_join;  // correlation of a JoinGroup awaiting the answer
    std::int32_t generation_joined = -1;        // the last generation it completed a join in
};

struct Group {
    std::string group_id;
    std::int32_t index = 0;  // timer id
    GroupState state = GroupState::empty;
    std::int32_t generation = 0;
    std::string protocol;
    std::string leader;
    std::vector<GroupMember> members;  // join order (the leader's subscriptions map order)
    // KIP-394 pending members (GroupMetadata.pendingMembers): member id → when it
    // expires (the session.timeout.ms of its first JoinGroup). Not persisted.
    std::map<std::string, Instant> pending_members;
    std::map<TopicPartition, Offset> offsets;  // committed
    Instant rebalance_deadline = Instant::max();
    // InitialDelayedJoin
    bool initial_delay = false;
    bool new_member_added = false;
    Duration initial_remaining;
    Instant initial_until = Instant::max();
    std::int64_t rebalances = 0;  // completed joins with members
    // ownership: which coordinator process works on the group now
    std::uint64_t owner_load = 0;
    std::optional<BrokerId> owner_broker;  // the broker that loaded it last
    // The consumer group protocol (KIP-848): a group that a ConsumerGroupHeartbeat
    // created runs it (kafka/consumer_group.hpp) and keeps only `offsets`
    // and `rebalances` of the fields above.
    bool modern = false;
    ModernGroup consumer;

    GroupMember* member(const std::string& id);
    // The member holding `instance_id` (GroupMetadata.currentStaticMemberId), or null.
    GroupMember* static_member(const std::string& instance_id);
    // GroupCoordinator.validateCurrentMember for a request from `member_id`
    // naming `instance_id` (empty: none): FENCED_INSTANCE_ID if the instance is
    // mapped to another member id, UNKNOWN_MEMBER_ID if it or the member id is
    // unknown, else NONE.
    Error validate_member(const std::string& member_id, const std::string& instance_id);
};

// The replicated content of __consumer_offsets (see the file comment).
struct GroupStore {
    std::map<std::string, Group> groups;
    std::uint64_t next_load = 1;    // coordinator process incarnations
    std::uint64_t next_member = 1;  // member id suffixes
    Group& group(const std::string& id);
};

struct GroupCoordinatorConfig {
    GroupStore* store = nullptr;                  // null: this broker hosts no coordinator
    std::vector<BrokerId> brokers;                // every broker id, ascending
    std::int32_t offsets_topic_partitions = 50;   // offsets.topic.num.partitions
    std::int32_t offsets_replication = 3;         // offsets.topic.replication.factor
    Duration initial_rebalance_delay = ms(3000);  // group.initial.rebalance.delay.ms
    std::vector<std::string> topic_names;         // by topic index
    std::vector<std::int32_t> topic_partitions;   // by topic index
    // The consumer group protocol (KIP-848) settings of GroupCoordinatorConfig.
    Duration consumer_heartbeat_interval = ms(5000);  // group.consumer.heartbeat.interval.ms
    Duration consumer_session_timeout = ms(45000);    // group.consumer.session.timeout.ms
    std::vector<ServerAssignorKind> consumer_assignors = {ServerAssignorKind::uniform,
                                                          ServerAssignorKind::range};  // group.consumer.assignors
};

// GroupMetadataManager.loadGroup as modelled here: `g` as a coordinator
// taking it over sees it — the members of its last completed generation (none
// before the first), Stable (Empty without members), no join under way, no
// pending members. Session timers are the caller's.
void load_group(Group& g);

// abs(groupId.hashCode) % partitions, as Utils.abs (Integer.MIN_VALUE → 0).
std::int32_t offsets_partition_for(const std::string& group_id, std::int32_t partitions);

class GroupCoordinator {
  public:
    // `load` identifies this coordinator process (GroupStore::next_load).
    GroupCoordinator(GroupCoordinatorConfig config, BrokerId self);

    bool enabled() const { return config_.store != nullptr; }
    // The coordinator of `group_id` given the live brokers, or nullopt.
    std::optional<BrokerId> coordinator_for(const std::string& group_id, const std::vector<BrokerId>& live) const;

    // Handles a group request. `live`: the broker's view of live brokers (to
    // answer NOT_COORDINATOR when the group is not ours). Returns true iff `m`
    // was a group message.
    bool on_message(Instant now, NodeId from, const Message& m, const std::vector<BrokerId>& live, Outbox& out);
    // The group timer (Broker timer kind kGroup, id = Group::index) fired.
    void on_timer(Instant now, std::int32_t group_index, Outbox& out);

    // Whether this coordinator process has loaded `g` (works on it now);
    // otherwise its first request for the group loads it (load_group).
    bool owns(const Group& g) const { return g.owner_load == load_; }

    // Test access.
    const GroupStore& store() const { return *config_.store; }

  private:
    Group* owned_group(Instant now, const std::string& id, const std::vector<BrokerId>& live, Outbox& out,
                       Error& error);
    void join(Instant now, NodeId from, const JoinGroupRequest& r, Group& g, Outbox& out);
    bool join_known_member(Instant now, NodeId from, const JoinGroupRequest& r, Group& g, Outbox& out);
    void add_member(Instant now, NodeId from, const JoinGroupRequest& r, Group& g, const std::string& member_id,
                    Outbox& out);
    void replace_static_member(Instant now, NodeId from, const JoinGroupRequest& r, Group& g, GroupMember& m,
                               const std::string& new_id, Outbox& out);
    std::string new_member_id(const JoinGroupRequest& r);
    void sync(Instant now, NodeId from, const SyncGroupRequest& r, Group& g, Outbox& out);
    void heartbeat(Instant now, NodeId from, const HeartbeatRequest& r, Group& g, Outbox& out);
    void leave(Instant now, NodeId from, const LeaveGroupRequest& r, Group& g, Outbox& out);
    void commit(Instant now, NodeId from, const OffsetCommitRequest& r, Group& g, Outbox& out);
    void prepare_rebalance(Instant now, Group& g, const std::string& reason, Outbox& out);
    void maybe_complete_join(Instant now, Group& g, Outbox& out);
    void complete_join(Instant now, Group& g, Outbox& out);
    void remove_member(Instant now, Group& g, const std::string& member_id, const std::string& why, Outbox& out);
    void remove_pending_member(Instant now, Group& g, const std::string& member_id, Outbox& out);
    void set_state(Group& g, GroupState to);
    // The consumer group protocol (group_coordinator_consumer.cpp).
    void consumer_heartbeat(Instant now, NodeId from, const ConsumerGroupHeartbeatRequest& r, Group& g, Outbox& out);
    Error consumer_join_or_update(Instant now, NodeId from, const ConsumerGroupHeartbeatRequest& r, Group& g,
                                  ConsumerGroupHeartbeatResponse& resp, Outbox& out);
    Error consumer_leave(Instant now, const ConsumerGroupHeartbeatRequest& r, Group& g, Outbox& out);
    void consumer_fence(Instant now, Group& g, const std::string& member_id, const std::string& why, Outbox& out);
    void consumer_commit(Instant now, NodeId from, const OffsetCommitRequest& r, Group& g, Outbox& out);
    void consumer_timer(Instant now, Group& g, Outbox& out);
    void consumer_load(Instant now, Group& g);
    // After a change: the group's state, its events, the invariants.
    void consumer_changed(Group& g, const std::string& why, Outbox& out);
    void arm_consumer_timer(Group& g, Outbox& out);
    ServerAssignorKind preferred_assignor(const ModernGroup& cg) const;
    void touch(Instant now, GroupMember& m);
    void arm_timer(Group& g, Outbox& out);

    GroupCoordinatorConfig config_;
    BrokerId self_;
    std::uint64_t load_;
};

}  // namespace ks::kafka
