#include "kafka/messages.hpp"

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
    template <typename T>
    Bytes operator()(const T&) const {
        return kHeader + kPerPartition;
    }
};

struct Namer {
    const char* operator()(const FetchRequest&) const { return "Fetch"; }
    const char* operator()(const FetchResponse&) const { return "FetchResponse"; }
    const char* operator()(const OffsetsForLeaderEpochRequest&) const { return "OffsetForLeaderEpoch"; }
    const char* operator()(const OffsetsForLeaderEpochResponse&) const { return "OffsetForLeaderEpochResponse"; }
    const char* operator()(const BrokerRegistration&) const { return "BrokerRegistration"; }
    const char* operator()(const BrokerRegistrationReply&) const { return "BrokerRegistrationResponse"; }
    const char* operator()(const BrokerHeartbeat&) const { return "BrokerHeartbeat"; }
    const char* operator()(const BrokerHeartbeatReply&) const { return "BrokerHeartbeatResponse"; }
    const char* operator()(const ZkSessionClosed&) const { return "ZooKeeperSessionClose"; }
    const char* operator()(const AlterPartitionRequest&) const { return "AlterPartition"; }
    const char* operator()(const AlterPartitionResponse&) const { return "AlterPartitionResponse"; }
    const char* operator()(const MetadataUpdate&) const { return "MetadataUpdate"; }
    const char* operator()(const ProduceRequest&) const { return "Produce"; }
    const char* operator()(const ProduceResponse&) const { return "ProduceResponse"; }
    const char* operator()(const MetadataRequest&) const { return "Metadata"; }
    const char* operator()(const MetadataResponse&) const { return "MetadataResponse"; }
    const char* operator()(const ListOffsetsRequest&) const { return "ListOffsets"; }
    const char* operator()(const ListOffsetsResponse&) const { return "ListOffsetsResponse"; }
    const char* operator()(const FindCoordinatorRequest&) const { return "FindCoordinator"; }
    const char* operator()(const FindCoordinatorResponse&) const { return "FindCoordinatorResponse"; }
    const char* operator()(const JoinGroupRequest&) const { return "JoinGroup"; }
    const char* operator()(const JoinGroupResponse&) const { return "JoinGroupResponse"; }
    const char* operator()(const SyncGroupRequest&) const { return "SyncGroup"; }
    const char* operator()(const SyncGroupResponse&) const { return "SyncGroupResponse"; }
    const char* operator()(const HeartbeatRequest&) const { return "Heartbeat"; }
    const char* operator()(const HeartbeatResponse&) const { return "HeartbeatResponse"; }
    const char* operator()(const LeaveGroupRequest&) const { return "LeaveGroup"; }
    const char* operator()(const LeaveGroupResponse&) const { return "LeaveGroupResponse"; }
    const char* operator()(const OffsetCommitRequest&) const { return "OffsetCommit"; }
    const char* operator()(const OffsetCommitResponse&) const { return "OffsetCommitResponse"; }
    const char* operator()(const OffsetFetchRequest&) const { return "OffsetFetch"; }
    const char* operator()(const OffsetFetchResponse&) const { return "OffsetFetchResponse"; }
    const char* operator()(const ApiVersionsRequest&) const { return "ApiVersions"; }
    const char* operator()(const ApiVersionsResponse&) const { return "ApiVersionsResponse"; }
};
}  // namespace

Bytes wire_bytes(const Message& m) {
    return std::visit(Sizer{}, m);
}
const char* message_name(const Message& m) {
    return std::visit(Namer{}, m);
}

}  // namespace ks::kafka
