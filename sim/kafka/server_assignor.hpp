// The broker-side assignors of the consumer group protocol (KIP-848,
// group.protocol=consumer, GA in Kafka 4.0): the group coordinator computes
// the target assignment itself with the assignor named by the members'
// group.remote.assignor (or the first of group.consumer.assignors).
//
// Mirrors org.apache.kafka.coordinator.group.assignor (Kafka 4.0):
//   UniformAssignor      "uniform" (the default): all members subscribed to the
//                        same topics → UniformHomogeneousAssignmentBuilder (the
//                        "optimized" builder: keep each member's previous target
//                        within its quota, hand the rest out in order), else
//                        UniformHeterogeneousAssignmentBuilder (keep, fill the
//                        least loaded subscriber, then balance per topic).
//   RangeAssignor        "range": per topic, members sorted (static members
//                        first by instance id, then by member id), contiguous
//                        ranges, the first P % C members one extra; sticky only
//                        through the sort.
// Pure functions; no state survives a call.
//
// What stands for Kafka's random identities: Kafka keys topics by random Uuids
// (a HashSet<Uuid> decides the homogeneous builder's order of unassigned
// partitions and a HashMap<Uuid> the order in which a member's previous
// topics use up its quota; Uuid.compareTo breaks the heterogeneous builder's
// ties) and, since 4.0, members by client-generated Uuids (GroupSpec.memberIds()
// iterates a HashMap<String>). Those orders are random per cluster in Kafka;
// here a topic is a `slot` (iteration order ascending) with an `id_rank`
// (compareTo order), and the members come in the caller's order. A
// HashSet<Integer> of partitions iterates ascending (partition ids below the
// set's capacity), which is what is modelled.
//
// Rack-aware assignment is not modelled (members have no rack here).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace ks::kafka {

enum class ServerAssignorKind : std::uint8_t { uniform, range };

// "uniform" / "range" (ConsumerGroupPartitionAssignor.name()).
std::string_view server_assignor_name(ServerAssignorKind kind);
std::optional<ServerAssignorKind> parse_server_assignor_name(std::string_view name);

// topic slot → partitions (Map<Uuid, Set<Integer>>).
using SlotAssignment = std::map<std::int32_t, std::set<std::int32_t>>;

struct ServerAssignorTopic {
    std::int32_t partitions = 0;  // SubscribedTopicDescriber.numPartitions, > 0
    std::int64_t id_rank = 0;     // Uuid.compareTo order; unique
};

struct ServerAssignorMember {
    std::string member_id;
    std::optional<std::string> instance_id;  // group.instance.id (RangeAssignor sorts by it)
    std::set<std::int32_t> topics;           // subscribed topic slots
    SlotAssignment assignment;               // the member's previous target assignment
};

// GroupSpec + SubscribedTopicDescriber. `topics` is indexed by slot; every
// subscribed slot must exist (Kafka's PartitionAssignorException for an
// unknown topic cannot arise: the coordinator only passes resolved topics).
struct ServerGroupSpec {
    std::vector<ServerAssignorTopic> topics;
    std::vector<ServerAssignorMember> members;  // GroupSpec.memberIds() order; ids unique
};

// ModernGroup.subscriptionType: HOMOGENEOUS iff every member subscribes to
// the same topics.
bool homogeneous(const ServerGroupSpec& spec);

// ConsumerGroupPartitionAssignor.assign: the new target assignment, one entry
// per member in `spec.members` order. Every subscribed partition ends up with
// exactly one member subscribed to its topic (KS_ASSERT).
std::vector<SlotAssignment> server_assign(ServerAssignorKind kind, const ServerGroupSpec& spec);

std::vector<SlotAssignment> uniform_homogeneous_assign(const ServerGroupSpec& spec);
std::vector<SlotAssignment> uniform_heterogeneous_assign(const ServerGroupSpec& spec);
std::vector<SlotAssignment> server_range_assign(const ServerGroupSpec& spec);

}  // namespace ks::kafka
