// Internal state of AbstractStickyAssignor shared by its two builders
// (assignor_sticky.cpp: allSubscriptionsEqual + ConstrainedAssignmentBuilder,
// assignor_sticky_general.cpp: GeneralAssignmentBuilder). Not public.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "kafka/assignor.hpp"
#include "kafka/java_hash.hpp"

namespace ks::kafka::sticky {

struct TpHash {
    std::int32_t operator()(const TopicPartition& tp) const {
        return java::topic_partition_hash(tp.topic, tp.partition);
    }
};

// Comparator.comparing(TopicPartition::topic).thenComparing(TopicPartition::partition)
struct TpLess {
    bool operator()(const TopicPartition& a, const TopicPartition& b) const {
        const int c = java::string_compare(a.topic, b.topic);
        return c != 0 ? c < 0 : a.partition < b.partition;
    }
};

using PartList = std::vector<TopicPartition>;
using TpSet = java::JavaHashSet<TopicPartition, TpHash>;
using OwnedMap = java::JavaHashMap<std::string, PartList, java::StringHash>;
using TopicCounts = java::JavaHashMap<std::string, std::int32_t, java::StringHash>;

// The inputs as AbstractStickyAssignor sees them.
struct Context {
    const std::vector<Subscription>* members = nullptr;
    std::vector<std::size_t> order;                                 // subscriptions HashMap order
    std::map<std::string, std::size_t, java::StringLess> index_of;  // member id -> index
    TopicCounts partitions_per_topic;
    bool cooperative = false;
    std::int32_t max_generation = kDefaultGeneration;

    const Subscription& sub(const std::string& id) const;
    std::int32_t total_partitions() const;
};

// AbstractStickyAssignor.MemberData
struct MemberData {
    PartList partitions;
    std::int32_t generation = kDefaultGeneration;
};
MemberData member_data(const Context& ctx, const Subscription& s);

// List.remove(Object): removes the first occurrence; returns whether found.
bool remove_first(PartList& list, const TopicPartition& tp);
bool list_contains(const PartList& list, const TopicPartition& tp);

// All partitions of the given topics, topics in the given order.
PartList all_topic_partitions(const TopicCounts& ppt, const std::vector<std::string>& sorted_topics);

using Transferring = std::map<TopicPartition, std::string, TpLess>;

// GeneralAssignmentBuilder.build(): returns the assignment keyed by member id.
std::map<std::string, PartList> general_assign(Context& ctx, OwnedMap current_assignment);

}  // namespace ks::kafka::sticky
