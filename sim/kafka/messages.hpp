// The messages Kafka nodes exchange, as plain data.
//
// One struct per request/response kafkasim models, named after Kafka's API
// (FetchRequest, ProduceRequest, AlterPartitionRequest, ...), with only the
// fields whose values change behaviour here. A Message is a variant of them;
// nodes receive Messages and emit them through their Outbox (outbox.hpp), and
// the cluster carries them over the simulated network, sized by wire_bytes().
//
// Addressing: every node has a ks::NodeId. Brokers use their broker id; the
// controller, producers and consumers use ids from the ranges below.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "kafka/types.hpp"
#include "kafkasim/settings.hpp"

namespace ks::kafka {

inline constexpr std::int32_t kControllerNode = 1'000'000;
inline constexpr std::int32_t kFirstProducerNode = 2'000'000;
inline constexpr std::int32_t kFirstConsumerNode = 3'000'000;
inline NodeId broker_node(BrokerId b) {
    return NodeId(b.value());
}
inline NodeId controller_node() {
    return NodeId(kControllerNode);
}
inline bool is_broker_node(NodeId n) {
    return n.value() >= 0 && n.value() < kControllerNode;
}
inline bool is_consumer_node(NodeId n) {
    return n.value() >= kFirstConsumerNode;
}

// ---- replication (follower -> leader) -----------------------------------------------

struct FetchPartition {
    TopicPartition tp;
    Offset fetch_offset = 0;
    LeaderEpoch current_leader_epoch = kNoEpoch;  // KIP-320 (IBP >= 2.1); kNoEpoch before
    Offset log_start_offset = 0;
};

struct FetchRequest {
    BrokerId replica;                // the fetching follower; -1 for consumers
    std::int64_t broker_epoch = -1;  // the follower's registration epoch
    std::vector<FetchPartition> partitions;
    Duration max_wait;                        // replica.fetch.wait.max.ms
    Bytes min_bytes = 1;                      // replica.fetch.min.bytes
    Bytes max_bytes_per_partition = 1048576;  // replica.fetch.max.bytes
    Bytes max_bytes = 10485760;               // replica.fetch.response.max.bytes (KIP-74)
    std::uint64_t correlation = 0;
    // FetchRequest v16+ (KIP-951, a consumer of 3.7 or later): the client
    // reads CurrentLeader in NOT_LEADER_OR_FOLLOWER / FENCED_LEADER_EPOCH answers.
    bool leader_hints = false;
};

struct FetchPartitionData {
    TopicPartition tp;
    Error error = Error::none;
    Offset high_watermark = 0;
    Offset log_start_offset = 0;
    Offset log_end_offset = 0;  // for OFFSET_OUT_OF_RANGE handling (pre KIP-101)
    std::vector<RecordBatch> batches;
    // KIP-951 CurrentLeader (FetchResponse v16+, brokers of 3.7 or later): with
    // NOT_LEADER_OR_FOLLOWER / FENCED_LEADER_EPOCH, the leader the broker knows.
    BrokerId current_leader{-1};
    LeaderEpoch current_leader_epoch = kNoEpoch;
};

struct FetchResponse {
    std::vector<FetchPartitionData> partitions;
    std::uint64_t correlation = 0;
};

// OffsetsForLeaderEpoch (KIP-101; epoch in the response from KIP-279).
struct EpochQuery {
    TopicPartition tp;
    LeaderEpoch leader_epoch = kNoEpoch;          // the epoch asked about
    LeaderEpoch current_leader_epoch = kNoEpoch;  // KIP-320 fencing
};
// A consumer validating its positions (KIP-320, v3+) sends replica -1 and a
// correlation its answer repeats.
struct OffsetsForLeaderEpochRequest {
    BrokerId replica;
    std::vector<EpochQuery> partitions;
    std::uint64_t correlation = 0;
};
struct EpochAnswer {
    TopicPartition tp;
    Error error = Error::none;
    LeaderEpoch leader_epoch = kNoEpoch;  // kNoEpoch before KIP-279
    Offset end_offset = kUndefinedOffset;
};
struct OffsetsForLeaderEpochResponse {
    std::vector<EpochAnswer> partitions;
    std::uint64_t correlation = 0;
};

// ---- brokers <-> controller ----------------------------------------------------------

// BrokerRegistrationRequest (KRaft) / the ZooKeeper session being created.
struct BrokerRegistration {
    BrokerId broker;
    bool clean_shutdown = true;  // KIP-966: whether the previous shutdown was clean
};
struct BrokerRegistrationReply {
    std::int64_t broker_epoch = 0;
    Error error = Error::none;  // KRaft: DUPLICATE_BROKER_REGISTRATION
};

struct BrokerHeartbeat {
    BrokerId broker;
    std::int64_t broker_epoch = 0;
    bool want_shutdown = false;         // controlled shutdown (KRaft); ZooKeeper uses the same path
    std::int64_t metadata_version = 0;  // the newest MetadataUpdate version applied
};
struct BrokerHeartbeatReply {
    bool fenced = false;
    bool shutdown_ok = false;  // no more leaderships here: the broker may stop
};

// AlterPartition (KIP-497): the leader proposes a new ISR.
struct AlterPartitionRequest {
    BrokerId leader;
    std::int64_t broker_epoch = 0;
    TopicPartition tp;
    LeaderEpoch leader_epoch = 0;
    std::int32_t partition_epoch = 0;
    std::vector<BrokerId> new_isr;
    std::uint64_t correlation = 0;  // echoed: which proposal an answer is for
};
// `error` STALE_BROKER_EPOCH stands for the response-level error, the others
// for the partition-level one (AlterPartitionResponseData).
struct AlterPartitionResponse {
    TopicPartition tp;
    Error error = Error::none;
    BrokerId leader;
    LeaderEpoch leader_epoch = 0;
    std::int32_t partition_epoch = 0;
    std::vector<BrokerId> isr;
    std::uint64_t correlation = 0;
};

// The controller's view of one partition, pushed to brokers (KRaft metadata
// records / ZooKeeper-era LeaderAndIsr + UpdateMetadata).
struct PartitionState {
    TopicPartition tp;
    std::vector<BrokerId> replicas;  // assignment order: the first is preferred
    std::vector<BrokerId> isr;
    std::vector<BrokerId> elr;  // KIP-966 eligible leader replicas
    // KIP-966 LastKnownElr: the last leader, recorded when the ISR became
    // empty; elected (uncleanly) when no ISR or ELR member is left.
    std::vector<BrokerId> last_known_elr;
    BrokerId leader;  // BrokerId(-1): offline
    LeaderEpoch leader_epoch = 0;
    std::int32_t partition_epoch = 0;
};
struct MetadataUpdate {
    std::vector<PartitionState> partitions;
    std::vector<BrokerId> live_brokers;  // unfenced, registered
    // The controller's metadata version after this update (the offset of the
    // KRaft metadata log); a broker that heartbeats with an older version than
    // the controller had two heartbeats ago missed updates and gets a snapshot.
    std::int64_t version = 0;
    bool snapshot = false;  // the whole state, not a delta
};

// ---- clients <-> brokers -------------------------------------------------------------

struct ProducePartition {
    TopicPartition tp;
    RecordBatch batch;
};
struct ProduceRequest {
    Acks acks = Acks::all;  // acks
    Duration timeout;       // request.timeout.ms: the acks=all purgatory bound
    std::vector<ProducePartition> partitions;
    std::uint64_t correlation = 0;
    // ProduceRequest v10 (a 3.7+ client): a 3.7+ broker answers
    // NOT_LEADER_OR_FOLLOWER with the leader it knows (KIP-951).
    bool leader_hints = false;
};
struct ProducePartitionResult {
    TopicPartition tp;
    Error error = Error::none;
    Offset base_offset = kUndefinedOffset;
    // KIP-951 CurrentLeader: with NOT_LEADER_OR_FOLLOWER, the leader and epoch
    // of the broker's metadata cache (-1 / kNoEpoch when unknown or not sent).
    BrokerId current_leader{-1};
    LeaderEpoch current_leader_epoch = kNoEpoch;
};
struct ProduceResponse {
    std::vector<ProducePartitionResult> partitions;
    std::uint64_t correlation = 0;
};

struct MetadataRequest {
    std::uint64_t correlation = 0;
};
// A client's first request on a new connection (NetworkClient with
// discoverBrokerVersions): the node is "ready" for other requests only once
// the answer is back, so a client never writes a request into a connection
// that was refused or never set up.
struct ApiVersionsRequest {
    std::uint64_t correlation = 0;
};
struct ApiVersionsResponse {
    std::uint64_t correlation = 0;
};
struct MetadataResponse {
    std::vector<PartitionState> partitions;
    std::vector<BrokerId> live_brokers;
    std::uint64_t correlation = 0;
};

// ---- consumers <-> brokers: fetching and offsets ------------------------------------
// Consumer fetches are FetchRequests with replica = -1 (see above): the leader
// answers with batches below the high watermark, long-polling up to max_wait
// for min_bytes. ListOffsets resolves auto.offset.reset.

inline constexpr std::int64_t kLatestTimestamp = -1;    // ListOffsetsRequest.LATEST_TIMESTAMP
inline constexpr std::int64_t kEarliestTimestamp = -2;  // ListOffsetsRequest.EARLIEST_TIMESTAMP

struct ListOffsetsRequest {
    std::vector<std::pair<TopicPartition, std::int64_t>> partitions;  // (tp, timestamp)
    std::uint64_t correlation = 0;
};
struct ListOffsetsPartition {
    TopicPartition tp;
    Error error = Error::none;
    Offset offset = kUndefinedOffset;  // earliest: log start; latest: the high watermark
};
struct ListOffsetsResponse {
    std::vector<ListOffsetsPartition> partitions;
    std::uint64_t correlation = 0;
};

// ---- consumers <-> the group coordinator (classic protocol) ---------------------------
// FindCoordinator, JoinGroup, SyncGroup, Heartbeat, LeaveGroup, OffsetCommit,
// OffsetFetch (kafka/group_coordinator.hpp has the coordinator's rules).

struct FindCoordinatorRequest {
    std::string group_id;
    std::uint64_t correlation = 0;
};
struct FindCoordinatorResponse {
    Error error = Error::none;
    BrokerId coordinator{-1};
    std::uint64_t correlation = 0;
};

struct JoinGroupRequest {
    std::string group_id;
    std::string member_id;          // empty: a new member (the coordinator names it)
    std::string group_instance_id;  // group.instance.id; empty: a dynamic member (Kafka's null)
    std::string client_id;
    bool require_known_member_id = true;  // JoinGroup v4+ (KIP-394): every modern client
    Duration session_timeout;             // session.timeout.ms
    Duration rebalance_timeout;           // max.poll.interval.ms
    std::vector<std::string> protocols;   // assignor names, preference order
    std::vector<TopicIndex> topics;       // the subscription
    std::vector<TopicPartition> owned;    // owned partitions (cooperative / sticky userData)
    std::int32_t owned_generation = -1;
    std::uint64_t correlation = 0;
};
struct JoinGroupResponse {
    Error error = Error::none;
    std::int32_t generation = -1;
    std::string protocol;
    std::string leader;
    std::string member_id;
    std::uint64_t correlation = 0;
};

struct SyncGroupRequest {
    std::string group_id;
    std::int32_t generation = -1;
    std::string member_id;
    std::uint64_t correlation = 0;
    std::string group_instance_id{};  // group.instance.id; empty: dynamic
};
struct SyncGroupResponse {
    Error error = Error::none;
    std::vector<TopicPartition> assignment;
    std::uint64_t correlation = 0;
};

struct HeartbeatRequest {
    std::string group_id;
    std::int32_t generation = -1;
    std::string member_id;
    std::uint64_t correlation = 0;
    std::string group_instance_id{};  // group.instance.id; empty: dynamic
};
struct HeartbeatResponse {
    Error error = Error::none;
    std::uint64_t correlation = 0;
};

struct LeaveGroupRequest {
    std::string group_id;
    std::string member_id;  // empty with an instance id: removal by group.instance.id (admin)
    std::uint64_t correlation = 0;
    std::string group_instance_id{};  // group.instance.id; empty: dynamic
};
struct LeaveGroupResponse {
    Error error = Error::none;
    std::uint64_t correlation = 0;
};

struct OffsetCommitRequest {
    std::string group_id;
    std::int32_t generation = -1;
    std::string member_id;
    std::vector<std::pair<TopicPartition, Offset>> offsets;
    std::uint64_t correlation = 0;
    std::string group_instance_id{};  // group.instance.id; empty: dynamic
};
struct OffsetCommitResponse {
    Error error = Error::none;
    std::vector<std::pair<TopicPartition, Offset>> offsets;
    std::uint64_t correlation = 0;
};

struct OffsetFetchRequest {
    std::string group_id;
    std::vector<TopicPartition> partitions;
    std::uint64_t correlation = 0;
};
struct OffsetFetchResponse {
    Error error = Error::none;
    std::vector<std::pair<TopicPartition, Offset>> offsets;  // kUndefinedOffset: none committed
    std::uint64_t correlation = 0;
};

// ---- consumers <-> the group coordinator (consumer protocol, KIP-848) -------------------
// ConsumerGroupHeartbeat (kafka/consumer_group.hpp has the protocol, and
// kafka/group_coordinator.hpp the coordinator's rules). Fields that a
// heartbeat may leave out are optional: Kafka's null ("unchanged").

struct ConsumerGroupHeartbeatRequest {
    std::string group_id;
    std::string member_id;            // empty: a new member (the coordinator names it)
    std::int32_t member_epoch = 0;    // 0: join; -1: leave; -2: a static member leaves for now
    std::string group_instance_id{};  // group.instance.id; empty: dynamic
    std::string client_id{};
    std::optional<Duration> rebalance_timeout{};         // max.poll.interval.ms (joins)
    std::optional<std::vector<TopicIndex>> topics{};     // subscribedTopicNames
    std::optional<std::string> server_assignor{};        // group.remote.assignor
    std::optional<std::vector<TopicPartition>> owned{};  // topicPartitions: what the member owns now
    std::uint64_t correlation = 0;
};
struct ConsumerGroupHeartbeatResponse {
    Error error = Error::none;
    std::string member_id;
    std::int32_t member_epoch = 0;
    Duration heartbeat_interval = Duration::zero();           // group.consumer.heartbeat.interval.ms
    std::optional<std::vector<TopicPartition>> assignment{};  // null: unchanged
    std::uint64_t correlation = 0;
};

// ZooKeeper mode: the broker's session was closed by a clean stop
// (KafkaServer.shutdown closes the ZooKeeper client); ZooKeeper deletes its
// ephemeral /brokers/ids node at once and the controller's BrokerChange
// watch fires (KafkaController.onBrokerFailure).
struct ZkSessionClosed {
    BrokerId broker;
};

using Message =
    std::variant<FetchRequest, FetchResponse, OffsetsForLeaderEpochRequest, OffsetsForLeaderEpochResponse,
                 BrokerRegistration, BrokerRegistrationReply, BrokerHeartbeat, BrokerHeartbeatReply,
                 AlterPartitionRequest, AlterPartitionResponse, MetadataUpdate, ProduceRequest, ProduceResponse,
                 MetadataRequest, MetadataResponse, ListOffsetsRequest, ListOffsetsResponse, FindCoordinatorRequest,
                 FindCoordinatorResponse, JoinGroupRequest, JoinGroupResponse, SyncGroupRequest, SyncGroupResponse,
                 HeartbeatRequest, HeartbeatResponse, LeaveGroupRequest, LeaveGroupResponse, OffsetCommitRequest,
                 OffsetCommitResponse, OffsetFetchRequest, OffsetFetchResponse, ApiVersionsRequest, ApiVersionsResponse,
                 ZkSessionClosed, ConsumerGroupHeartbeatRequest, ConsumerGroupHeartbeatResponse>;

// Approximate size on the wire (headers + payload): what the network charges.
Bytes wire_bytes(const Message& m);
// Kafka's API name of the message, e.g. "Fetch", "ProduceResponse".
const char* message_name(const Message& m);
// The same names by the Message's index (variant alternative), as the trace
// writes a delivered message's type.
std::span<const std::string_view> message_names();

}  // namespace ks::kafka
