#include "kafka/messages.hpp"

#include <array>
#include <type_traits>
#include <utility>

namespace ks::kafka {

namespace {
constexpr Bytes kHeader = 64;         // request/response header and framing
constexpr Bytes kPerPartition = 32;   // per-partition fields
constexpr Bytes kBatchOverhead = 61;  // RecordBatch header (v2)

Bytes batches_bytes(const std::vector<RecordBatch>& bs) {
    Bytes n = 0;
    for (const auto& b : bs) n += b.size_bytes + kBatchOverhead;
    return n;
}

struct Sizer {
    Bytes operator()(const FetchRequest& m) const {
        return kHeader + kPerPartition * static_cast<Bytes>(m.partitions.size());
    }
    Bytes operator()(const FetchResponse& m) const {
        Bytes n = kHeader;
        for (const auto& p : m.partitions) n += kPerPartition + batches_bytes(p.batches);
        return n;
    }
    Bytes operator()(const ProduceRequest& m) const {
        Bytes n = kHeader;
        for (const auto& p : m.partitions) n += kPerPartition + p.batch.size_bytes + kBatchOverhead;
        return n;
    }
    Bytes operator()(const MetadataUpdate& m) const { return kHeader + 48 * static_cast<Bytes>(m.partitions.size()); }
    Bytes operator()(const MetadataResponse& m) const { return kHeader + 48 * static_cast<Bytes>(m.partitions.size()); }
    Bytes operator()(const JoinGroupRequest& m) const {
        return kHeader + 16 * static_cast<Bytes>(m.topics.size() + m.owned.size());
    }
    Bytes operator()(const SyncGroupResponse& m) const { return kHeader + 8 * static_cast<Bytes>(m.assignment.size()); }
    Bytes operator()(const OffsetCommitRequest& m) const { return kHeader + 16 * static_cast<Bytes>(m.offsets.size()); }
    Bytes operator()(const ConsumerGroupHeartbeatRequest& m) const {
        const auto n = (m.topics ? m.topics->size() : 0) + (m.owned ? m.owned->size() : 0);
        return kHeader + 16 * static_cast<Bytes>(n);
    }
    Bytes operator()(const ConsumerGroupHeartbeatResponse& m) const {
        return kHeader + 8 * static_cast<Bytes>(m.assignment ? m.assignment->size() : 0);
    }
    template <typename T>
    Bytes operator()(const T&) const {
        return kHeader + kPerPartition;
    }
};

// Kafka's API names, by message type.
template <typename T>
using Of = std::type_identity<T>;
struct ApiName {
    static constexpr std::string_view of(Of<FetchRequest>) { return "Fetch"; }
    static constexpr std::string_view of(Of<FetchResponse>) { return "FetchResponse"; }
    static constexpr std::string_view of(Of<OffsetsForLeaderEpochRequest>) { return "OffsetForLeaderEpoch"; }
    static constexpr std::string_view of(Of<OffsetsForLeaderEpochResponse>) { return "OffsetForLeaderEpochResponse"; }
    static constexpr std::string_view of(Of<BrokerRegistration>) { return "BrokerRegistration"; }
    static constexpr std::string_view of(Of<BrokerRegistrationReply>) { return "BrokerRegistrationResponse"; }
    static constexpr std::string_view of(Of<BrokerHeartbeat>) { return "BrokerHeartbeat"; }
    static constexpr std::string_view of(Of<BrokerHeartbeatReply>) { return "BrokerHeartbeatResponse"; }
    static constexpr std::string_view of(Of<ZkSessionClosed>) { return "ZooKeeperSessionClose"; }
    static constexpr std::string_view of(Of<AlterPartitionRequest>) { return "AlterPartition"; }
    static constexpr std::string_view of(Of<AlterPartitionResponse>) { return "AlterPartitionResponse"; }
    static constexpr std::string_view of(Of<MetadataUpdate>) { return "MetadataUpdate"; }
    static constexpr std::string_view of(Of<ProduceRequest>) { return "Produce"; }
    static constexpr std::string_view of(Of<ProduceResponse>) { return "ProduceResponse"; }
    static constexpr std::string_view of(Of<MetadataRequest>) { return "Metadata"; }
    static constexpr std::string_view of(Of<MetadataResponse>) { return "MetadataResponse"; }
    static constexpr std::string_view of(Of<ListOffsetsRequest>) { return "ListOffsets"; }
    static constexpr std::string_view of(Of<ListOffsetsResponse>) { return "ListOffsetsResponse"; }
    static constexpr std::string_view of(Of<FindCoordinatorRequest>) { return "FindCoordinator"; }
    static constexpr std::string_view of(Of<FindCoordinatorResponse>) { return "FindCoordinatorResponse"; }
    static constexpr std::string_view of(Of<JoinGroupRequest>) { return "JoinGroup"; }
    static constexpr std::string_view of(Of<JoinGroupResponse>) { return "JoinGroupResponse"; }
    static constexpr std::string_view of(Of<SyncGroupRequest>) { return "SyncGroup"; }
    static constexpr std::string_view of(Of<SyncGroupResponse>) { return "SyncGroupResponse"; }
    static constexpr std::string_view of(Of<HeartbeatRequest>) { return "Heartbeat"; }
    static constexpr std::string_view of(Of<HeartbeatResponse>) { return "HeartbeatResponse"; }
    static constexpr std::string_view of(Of<LeaveGroupRequest>) { return "LeaveGroup"; }
    static constexpr std::string_view of(Of<LeaveGroupResponse>) { return "LeaveGroupResponse"; }
    static constexpr std::string_view of(Of<OffsetCommitRequest>) { return "OffsetCommit"; }
    static constexpr std::string_view of(Of<OffsetCommitResponse>) { return "OffsetCommitResponse"; }
    static constexpr std::string_view of(Of<OffsetFetchRequest>) { return "OffsetFetch"; }
    static constexpr std::string_view of(Of<OffsetFetchResponse>) { return "OffsetFetchResponse"; }
    static constexpr std::string_view of(Of<ApiVersionsRequest>) { return "ApiVersions"; }
    static constexpr std::string_view of(Of<ApiVersionsResponse>) { return "ApiVersionsResponse"; }
    static constexpr std::string_view of(Of<ConsumerGroupHeartbeatRequest>) { return "ConsumerGroupHeartbeat"; }
    static constexpr std::string_view of(Of<ConsumerGroupHeartbeatResponse>) {
        return "ConsumerGroupHeartbeatResponse";
    }
};

template <std::size_t... I>
constexpr std::array<std::string_view, sizeof...(I)> api_names(std::index_sequence<I...>) {
    return {ApiName::of(Of<std::variant_alternative_t<I, Message>>{})...};
}
constexpr auto kMessageNames = api_names(std::make_index_sequence<std::variant_size_v<Message>>{});
}  // namespace

Bytes wire_bytes(const Message& m) {
    return std::visit(Sizer{}, m);
}
const char* message_name(const Message& m) {
    return kMessageNames[m.index()].data();  // the literals end in '\0'
}
std::span<const std::string_view> message_names() {
    return kMessageNames;
}

}  // namespace ks::kafka
