// The bridge between the group coordinator (which speaks in topic indices,
// kafka/types.hpp) and Kafka's assignors (which speak in topic names,
// kafka/assignor.hpp). The two headers each define a kafka::TopicPartition, so
// they never meet in one translation unit: this header uses neither, and
// group_assign.cpp includes only the assignor side.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ks::kafka::group_assign {

using Tp = std::pair<std::int32_t, std::int32_t>;  // (topic index, partition)

struct MemberInput {
    std::string member_id;
    std::vector<std::int32_t> topics;  // topic indices, the subscription's order
    std::vector<Tp> owned;
    std::int32_t generation = -1;
    std::optional<std::string> group_instance_id;  // static members sort first (KIP-345)
};

// Runs the named assignor ("range", "roundrobin", "sticky", "cooperative-sticky")
// over the members, in their order. `topic_names` / `topic_partitions` are
// indexed by topic index. Returns one list per member, in member order, in
// Kafka's order. REQUIRES a known assignor name.
std::vector<std::vector<Tp>> run(std::string_view assignor, const std::vector<std::string>& topic_names,
                                 const std::vector<std::int32_t>& topic_partitions,
                                 const std::vector<MemberInput>& members);

// The coordinator's protocol choice (select_group_protocol).
std::optional<std::string> select_protocol(const std::vector<std::vector<std::string>>& member_preferences);

// Whether a client with these assignors runs the cooperative protocol
// (client_rebalance_protocol). REQUIRES known names sharing a protocol.
bool is_cooperative(const std::vector<std::string>& assignors);

}  // namespace ks::kafka::group_assign
