// RangeAssignor, RoundRobinAssignor, the shared helpers of
// AbstractPartitionAssignor and the dispatch. See assignor.hpp.
#include "kafka/assignor.hpp"

#include <algorithm>
#include <set>

#include "core/assert.hpp"
#include "kafka/assignor_internal.hpp"
#include "kafka/java_hash.hpp"

namespace ks::kafka {

std::string TopicPartition::str() const {
    return topic + "-" + std::to_string(partition);
}

std::string_view assignor_name(AssignorKind kind) {
    switch (kind) {
        case AssignorKind::kRange:
            return "range";
        case AssignorKind::kRoundRobin:
            return "roundrobin";
        case AssignorKind::kSticky:
            return "sticky";
        case AssignorKind::kCooperativeSticky:
            return "cooperative-sticky";
    }
    KS_UNREACHABLE("assignor_name: unknown AssignorKind");
}

std::optional<AssignorKind> parse_assignor_name(std::string_view name) {
    for (auto k :
         {AssignorKind::kRange, AssignorKind::kRoundRobin, AssignorKind::kSticky, AssignorKind::kCooperativeSticky}) {
        if (assignor_name(k) == name) return k;
    }
    return std::nullopt;
}

namespace detail {

std::vector<std::size_t> subscription_order(const std::vector<Subscription>& members) {
    // ConsumerCoordinator.onLeaderElected: `new HashMap<>()`, put in JoinGroup order.
    java::JavaHashMap<std::string, std::size_t, java::StringHash> map;
    for (std::size_t i = 0; i < members.size(); ++i) {
        KS_ASSERT_MSG(!map.contains(members[i].member_id), "duplicate member id {}", members[i].member_id);
        map.put(members[i].member_id, i);
    }
    std::vector<std::size_t> order;
    order.reserve(members.size());
    map.for_each([&](const std::string&, std::size_t i) { order.push_back(i); });
    return order;
}

bool member_info_less(const Subscription& a, const Subscription& b) {
    // AbstractPartitionAssignor.MemberInfo.compareTo
    if (a.group_instance_id && b.group_instance_id)
        return java::string_compare(*a.group_instance_id, *b.group_instance_id) < 0;
    if (a.group_instance_id) return true;
    if (b.group_instance_id) return false;
    return java::string_compare(a.member_id, b.member_id) < 0;
}

bool contains_topic(const Subscription& s, const std::string& topic) {
    return std::find(s.topics.begin(), s.topics.end(), topic) != s.topics.end();
}

GroupAssignment empty_assignment(const std::vector<Subscription>& members) {
    GroupAssignment out;
    out.reserve(members.size());
    for (const auto& m : members) out.push_back({m.member_id, {}});
    return out;
}

}  // namespace detail

PartitionsPerTopic partitions_per_topic_from_metadata(const std::map<std::string, std::int32_t>& metadata,
                                                      const std::vector<Subscription>& members) {
    // AbstractPartitionAssignor.assign(Cluster, GroupSubscription)
    java::JavaHashSet<std::string, java::StringHash> all_subscribed;
    for (std::size_t i : detail::subscription_order(members))
        for (const auto& t : members[i].topics) all_subscribed.insert(t);
    PartitionsPerTopic out;
    all_subscribed.for_each([&](const std::string& topic) {
        auto it = metadata.find(topic);
        if (it != metadata.end() && it->second > 0) out.emplace_back(topic, it->second);
    });
    return out;
}

std::vector<TopicPartition> sticky_user_data_order(const std::vector<TopicPartition>& owned) {
    // StickyAssignor.serializeTopicPartitionAssignment -> CollectionUtils.groupPartitionsByTopic
    java::JavaHashMap<std::string, std::vector<std::int32_t>, java::StringHash> by_topic;
    for (const auto& tp : owned) by_topic.get_or_insert(tp.topic).push_back(tp.partition);
    std::vector<TopicPartition> out;
    out.reserve(owned.size());
    by_topic.for_each([&](const std::string& topic, const std::vector<std::int32_t>& ps) {
        for (auto p : ps) out.push_back({topic, p});
    });
    return out;
}

std::vector<TopicPartition> consumer_protocol_order(const std::vector<TopicPartition>& owned) {
    std::vector<std::string> topics;
    for (const auto& tp : owned)
        if (std::find(topics.begin(), topics.end(), tp.topic) == topics.end()) topics.push_back(tp.topic);
    std::vector<TopicPartition> out;
    out.reserve(owned.size());
    for (const auto& t : topics)
        for (const auto& tp : owned)
            if (tp.topic == t) out.push_back(tp);
    return out;
}

// ---------------------------------------------------------------------------
// RangeAssignor.assignPartitions without racks: per topic (in partitionsPerTopic
// HashMap order), members sorted by MemberInfo, each takes
// numPartitionsPerConsumer (+1 while consumers with an extra partition remain)
// consecutive partitions.
GroupAssignment range_assign(const PartitionsPerTopic& ppt, const std::vector<Subscription>& members) {
    const auto order = detail::subscription_order(members);
    GroupAssignment out = detail::empty_assignment(members);

    java::JavaHashMap<std::string, std::int32_t, java::StringHash> topics;
    for (const auto& [t, n] : ppt) topics.put(t, n);

    topics.for_each([&](const std::string& topic, std::int32_t num_partitions) {
        KS_ASSERT_GT(num_partitions, 0);
        std::vector<std::size_t> consumers;  // consumersPerTopic: subscriptions.forEach order
        for (std::size_t i : order)
            if (detail::contains_topic(members[i], topic)) consumers.push_back(i);
        std::stable_sort(consumers.begin(), consumers.end(), [&](std::size_t a, std::size_t b) {
            return detail::member_info_less(members[a], members[b]);
        });
        if (consumers.empty()) return;
        const auto n = static_cast<std::int32_t>(consumers.size());
        const std::int32_t per_consumer = num_partitions / n;
        std::int32_t remaining_extra = num_partitions % n;
        std::int32_t next = 0;
        for (std::size_t c : consumers) {
            if (next >= num_partitions) break;
            const std::int32_t take = per_consumer + (remaining_extra > 0 ? 1 : 0);
            if (take == 0) continue;
            for (std::int32_t k = 0; k < take; ++k) out[c].partitions.push_back({topic, next++});
            if (take > per_consumer) --remaining_extra;
        }
        KS_ASSERT_EQ(next, num_partitions);
    });
    return out;
}

// RoundRobinAssignor.assign: every partition of every subscribed topic (topics
// in String order) dealt over the members sorted by MemberInfo, skipping members
// not subscribed to the partition's topic.
GroupAssignment round_robin_assign(const PartitionsPerTopic& ppt, const std::vector<Subscription>& members) {
    const auto order = detail::subscription_order(members);
    GroupAssignment out = detail::empty_assignment(members);
    if (members.empty()) return out;

    std::vector<std::size_t> sorted(order);
    std::stable_sort(sorted.begin(), sorted.end(),
                     [&](std::size_t a, std::size_t b) { return detail::member_info_less(members[a], members[b]); });
    std::set<std::string, java::StringLess> topics;
    for (const auto& m : members) topics.insert(m.topics.begin(), m.topics.end());

    std::size_t cursor = 0;  // CircularIterator
    for (const auto& topic : topics) {
        auto it = std::find_if(ppt.begin(), ppt.end(), [&](const auto& e) { return e.first == topic; });
        if (it == ppt.end()) continue;
        for (std::int32_t p = 0; p < it->second; ++p) {
            std::size_t guard = 0;
            while (!detail::contains_topic(members[sorted[cursor]], topic)) {
                cursor = (cursor + 1) % sorted.size();
                KS_ASSERT_LE(++guard, sorted.size());
            }
            out[sorted[cursor]].partitions.push_back({topic, p});
            cursor = (cursor + 1) % sorted.size();
        }
    }
    return out;
}

GroupAssignment assign(AssignorKind kind, const PartitionsPerTopic& partitions_per_topic,
                       const std::vector<Subscription>& members) {
    switch (kind) {
        case AssignorKind::kRange:
            return range_assign(partitions_per_topic, members);
        case AssignorKind::kRoundRobin:
            return round_robin_assign(partitions_per_topic, members);
        case AssignorKind::kSticky:
            return sticky_assign(partitions_per_topic, members).assignment;
        case AssignorKind::kCooperativeSticky:
            return cooperative_sticky_assign(partitions_per_topic, members).assignment;
    }
    KS_UNREACHABLE("assign: unknown AssignorKind");
}

}  // namespace ks::kafka
