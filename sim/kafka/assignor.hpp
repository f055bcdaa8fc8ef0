// Kafka's consumer partition assignors, computed exactly as the Java client
// (Kafka 3.5 – 3.9, the rack-aware generation of the code) computes them.
//
// Mirrors org.apache.kafka.clients.consumer.{RangeAssignor, RoundRobinAssignor,
// StickyAssignor, CooperativeStickyAssignor} and consumer.internals.
// {AbstractPartitionAssignor, AbstractStickyAssignor}. Pure functions: no state
// survives a call (Kafka's AbstractStickyAssignor keeps `maxGeneration` in a
// field across calls on one instance; we start every call fresh, as a new
// consumer leader does).
//
// Order matters and is Kafka's: each member's list comes out in the order the
// Java code appends to it. Where Kafka's result depends on java.util.HashMap /
// HashSet iteration (the subscriptions map keyed by member id, the
// partitionsPerTopic map keyed by topic, sets of TopicPartition), it is
// reproduced with kafka/java_hash.hpp. The members' order below is the order the
// leader inserted them into its `subscriptions` HashMap (JoinGroup response
// order); it only matters between member ids that share a hash bucket.
//
// Rack-aware assignment (KIP-881) is not modelled: consumers have no rack here,
// so Kafka's RackInfo is empty and its rack paths never run.
#pragma once

#include <compare>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ks::kafka {

// org.apache.kafka.common.TopicPartition. Printed "topic-partition".
// In an inline namespace so that its mangled name differs from
// kafka/types.hpp's TopicPartition (topic index form): both end up in one
// binary, and template instantiations such as std::vector<TopicPartition>
// must not collide (an ODR violation). The two headers still never meet in
// one translation unit (kafka/group_assign.hpp bridges them).
inline namespace by_name {
struct TopicPartition {
    std::string topic;
    std::int32_t partition = 0;

    bool operator==(const TopicPartition&) const = default;
    std::string str() const;
};
}  // namespace by_name

// Kafka's AbstractStickyAssignor.DEFAULT_GENERATION (also "no generation").
inline constexpr std::int32_t kDefaultGeneration = -1;

// ConsumerPartitionAssignor.Subscription as the group leader receives it.
struct Subscription {
    std::string member_id;
    std::optional<std::string> group_instance_id;  // static membership (KIP-345)
    std::vector<std::string> topics;               // in the subscription's order
    // The member's owned partitions as the leader decodes them. For "sticky"
    // these stand for the StickyAssignor userData (partitions + generation);
    // for "cooperative-sticky" for Subscription.ownedPartitions.
    std::vector<TopicPartition> owned_partitions;
    std::int32_t generation = kDefaultGeneration;  // kDefaultGeneration = none
};

enum class AssignorKind : std::uint8_t { kRange, kRoundRobin, kSticky, kCooperativeSticky };

// "range", "roundrobin", "sticky", "cooperative-sticky" (ConsumerPartitionAssignor.name()).
std::string_view assignor_name(AssignorKind kind);
std::optional<AssignorKind> parse_assignor_name(std::string_view name);

// Topic name -> partition count, in the insertion order of Kafka's
// partitionsPerTopic HashMap (AbstractPartitionAssignor.assign). Topics with no
// metadata are absent.
using PartitionsPerTopic = std::vector<std::pair<std::string, std::int32_t>>;

// AbstractPartitionAssignor.assign(Cluster, GroupSubscription): the subscribed
// topics (a HashSet filled in member order) that exist in `metadata` with at
// least one partition, in the order Kafka inserts them into partitionsPerTopic.
PartitionsPerTopic partitions_per_topic_from_metadata(const std::map<std::string, std::int32_t>& metadata,
                                                      const std::vector<Subscription>& members);

// One member's assignment; the list is in Kafka's order.
struct MemberAssignment {
    std::string member_id;
    std::vector<TopicPartition> partitions;
};

// The group's assignment: one entry per member, in the order of `members`.
using GroupAssignment = std::vector<MemberAssignment>;

// Runs the assignor. REQUIRES: member ids unique and non-empty; partition counts
// > 0; topics unique in partitions_per_topic. Throws nothing for valid input;
// an internal inconsistency (a bug, or a state Kafka itself rejects with
// IllegalStateException) is a KS_ASSERT.
GroupAssignment assign(AssignorKind kind, const PartitionsPerTopic& partitions_per_topic,
                       const std::vector<Subscription>& members);

// --- the individual assignors (assign() dispatches to these) ----------------

GroupAssignment range_assign(const PartitionsPerTopic& ppt, const std::vector<Subscription>& members);
GroupAssignment round_robin_assign(const PartitionsPerTopic& ppt, const std::vector<Subscription>& members);

// AbstractStickyAssignor.assignPartitions plus what the subclass adds.
struct StickyResult {
    GroupAssignment assignment;
    // partitionsTransferringOwnership: set only by the constrained path
    // (all subscriptions equal); nullopt after the general path, as in Kafka.
    std::optional<std::vector<std::pair<TopicPartition, std::string>>> transferring;
    bool constrained_path = false;
};
StickyResult sticky_assign(const PartitionsPerTopic& ppt, const std::vector<Subscription>& members);
// CooperativeStickyAssignor.assignPartitions: sticky_assign, then
// adjustAssignment withholds every partition changing owner.
StickyResult cooperative_sticky_assign(const PartitionsPerTopic& ppt, const std::vector<Subscription>& members);

// StickyAssignor round-trips owned partitions through its userData
// (serializeTopicPartitionAssignment groups them by topic with
// CollectionUtils.groupPartitionsByTopic, a HashMap): the order its memberData
// yields. Exposed for tests.
std::vector<TopicPartition> sticky_user_data_order(const std::vector<TopicPartition>& owned);

// ConsumerProtocol (de)serialisation groups a partition list by topic, topics in
// first-appearance order, partitions in list order: what the leader receives for
// a member whose client holds `owned` (used for JSON cases, not by assign()).
std::vector<TopicPartition> consumer_protocol_order(const std::vector<TopicPartition>& owned);

}  // namespace ks::kafka
