#include "kafka/group_assign.hpp"

#include <map>

#include "core/assert.hpp"
#include "kafka/assignor.hpp"
#include "kafka/rebalance_protocol.hpp"

namespace ks::kafka::group_assign {

std::vector<std::vector<Tp>> run(std::string_view assignor, const std::vector<std::string>& topic_names,
                                 const std::vector<std::int32_t>& topic_partitions,
                                 const std::vector<MemberInput>& members) {
    const auto kind = parse_assignor_name(assignor);
    KS_ASSERT_MSG(kind.has_value(), "unknown assignor {}", std::string(assignor));
    KS_ASSERT_EQ(topic_names.size(), topic_partitions.size());
    std::map<std::string, std::int32_t> index;
    std::map<std::string, std::int32_t> metadata;
    for (std::size_t t = 0; t < topic_names.size(); ++t) {
        index[topic_names[t]] = static_cast<std::int32_t>(t);
        metadata[topic_names[t]] = topic_partitions[t];
    }
    std::vector<Subscription> subs;
    for (const MemberInput& m : members) {
        Subscription s;
        s.member_id = m.member_id;
        s.group_instance_id = m.group_instance_id;
        for (std::int32_t t : m.topics) s.topics.push_back(topic_names.at(static_cast<std::size_t>(t)));
        for (const Tp& tp : m.owned) {
            s.owned_partitions.push_back(TopicPartition{topic_names.at(static_cast<std::size_t>(tp.first)), tp.second});
        }
        s.generation = m.owned.empty() ? kDefaultGeneration : m.generation;
        subs.push_back(std::move(s));
    }
    const PartitionsPerTopic ppt = partitions_per_topic_from_metadata(metadata, subs);
    const GroupAssignment ga = assign(*kind, ppt, subs);
    std::vector<std::vector<Tp>> out(members.size());
    for (const MemberAssignment& ma : ga) {
        for (std::size_t i = 0; i < members.size(); ++i) {
            if (members[i].member_id != ma.member_id) continue;
            for (const TopicPartition& tp : ma.partitions) out[i].emplace_back(index.at(tp.topic), tp.partition);
        }
    }
    return out;
}

std::optional<std::string> select_protocol(const std::vector<std::vector<std::string>>& member_preferences) {
    return select_group_protocol(member_preferences);
}

bool is_cooperative(const std::vector<std::string>& assignors) {
    std::vector<AssignorKind> kinds;
    for (const auto& a : assignors) {
        const auto k = parse_assignor_name(a);
        KS_ASSERT_MSG(k.has_value(), "unknown assignor {}", a);
        kinds.push_back(*k);
    }
    const auto p = client_rebalance_protocol(kinds);
    KS_ASSERT_MSG(p.has_value(), "assignors share no rebalance protocol");
    return *p == RebalanceProtocol::kCooperative;
}

}  // namespace ks::kafka::group_assign
