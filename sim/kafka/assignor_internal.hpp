// Helpers shared by the assignor translation units (assignor*.cpp); not part of
// the kafka module's public surface. Mirrors bits of AbstractPartitionAssignor.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "kafka/assignor.hpp"

namespace ks::kafka::detail {

// Indices of `members` in the iteration order of Kafka's `subscriptions`
// HashMap<String, Subscription> (default capacity, put in vector order).
// Asserts member ids are unique.
std::vector<std::size_t> subscription_order(const std::vector<Subscription>& members);

// AbstractPartitionAssignor.MemberInfo.compareTo(a, b) < 0: static members
// first, by group.instance.id, then dynamic members by member id.
bool member_info_less(const Subscription& a, const Subscription& b);

// subscription.topics().contains(topic)
bool contains_topic(const Subscription& s, const std::string& topic);

// One empty entry per member, in `members` order.
GroupAssignment empty_assignment(const std::vector<Subscription>& members);

}  // namespace ks::kafka::detail
