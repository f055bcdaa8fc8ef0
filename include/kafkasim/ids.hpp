// Strong identifier types shared by every layer and the public API.
//
// An Id<Tag> wraps an integer so that a broker id cannot be passed where a
// partition index is expected. Broker ids are Kafka's (1-based in scenarios).
#pragma once

#include <compare>
#include <cstdint>
#include <functional>

namespace ks {

template <typename Tag, typename Rep = std::int32_t>
class Id {
  public:
    using rep = Rep;
    constexpr Id() = default;
    constexpr explicit Id(Rep v) : v_(v) {}
    constexpr Rep value() const { return v_; }
    constexpr auto operator<=>(const Id&) const = default;

  private:
    Rep v_ = -1;
};

using BrokerId = Id<struct BrokerIdTag>;
using NodeId = Id<struct NodeIdTag>;  // any host in the simulated world
using ProducerId = Id<struct ProducerIdTag, std::int64_t>;

// Kafka offsets and epochs keep Kafka's names and widths.
using Offset = std::int64_t;
using LeaderEpoch = std::int32_t;
using Bytes = std::int64_t;

// Topics are numbered in scenario order; a partition is (topic index,
// partition number), ordered lexicographically.
using TopicIndex = std::int32_t;
struct TopicPartition {
    TopicIndex topic = -1;
    std::int32_t partition = -1;
    constexpr auto operator<=>(const TopicPartition&) const = default;
};

}  // namespace ks

template <typename Tag, typename Rep>
struct std::hash<ks::Id<Tag, Rep>> {
    std::size_t operator()(ks::Id<Tag, Rep> id) const noexcept { return std::hash<Rep>{}(id.value()); }
};
