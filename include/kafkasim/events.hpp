// Protocol events: what Kafka's nodes tell their observers, one struct per
// event with named fields. A broker or the controller emits them into its
// Outbox (kafka/outbox.hpp); the cluster folds each into the trace hash; the
// monitor's observers check and measure with them; the run's timeline keeps
// them, and report narrates them.
#pragma once

#include <cstdint>
#include <optional>
#include <variant>
#include <vector>

#include "kafkasim/ids.hpp"

namespace ks {

// ---- the controller ----

// `leader` now leads `tp` in leader epoch `epoch` (PartitionChangeBuilder /
// PartitionStateMachine). `isr` is the ISR after the election.
struct LeaderElected {
    TopicPartition tp{};
    BrokerId leader{};
    LeaderEpoch epoch = 0;
    bool unclean = false;    // chosen from outside the ISR (unclean.leader.election.enable)
    bool preferred = false;  // a preferred-replica election moved leadership back
    std::vector<BrokerId> isr{};
};

// No replica may lead `tp`: its leader is gone and no eligible replica is left.
struct PartitionOffline {
    TopicPartition tp{};
    LeaderEpoch epoch = 0;  // the epoch the partition moved to without a leader
    std::vector<BrokerId> last_isr{};
};

// The controller committed a new ISR for `tp` (from an AlterPartition, or by
// removing a fenced or shutting-down broker).
struct IsrChanged {
    enum class Reason : std::uint8_t {
        // The leader's AlterPartition: a shrink removes followers out of sync
        // longer than replica.lag.time.max.ms (Partition.maybeShrinkIsr), an
        // expansion adds a follower that caught up with the leader's high
        // watermark (Partition.maybeExpandIsr).
        alter_partition,
        broker_fenced,        // the controller removed the fenced broker
        controlled_shutdown,  // the controller removed a broker shutting down
    };
    TopicPartition tp{};
    BrokerId leader{};
    std::int32_t partition_epoch = 0;
    std::vector<BrokerId> isr{};
    std::vector<BrokerId> previous_isr{};
    Reason reason = Reason::alter_partition;
    BrokerId requested_by{};  // alter_partition: the leader that asked (-1: none)
};

struct BrokerFenced {
    enum class Reason : std::uint8_t {
        session_expired,  // no heartbeat (ZooKeeper: ping) within the session timeout
        new_incarnation,  // a new process registered after the old session ran out
        session_closed,   // ZooKeeper mode: a clean stop closed the session
    };
    BrokerId broker{};
    Reason reason = Reason::session_expired;
};

struct BrokerUnfenced {
    BrokerId broker{};
};

// `broker` restarted while its previous session still lives and cannot
// register yet (ZooKeeper: KafkaZkClient.registerBroker, NodeExists; KRaft:
// ClusterControlManager.registerBroker, DuplicateBrokerRegistrationException).
struct RegistrationRefused {
    BrokerId broker{};
};

// The broker's controlled shutdown did not finish within
// controlled.shutdown.max.retries attempts (ZooKeeper mode: it still led
// partitions no other ISR member could take); it stops anyway.
struct ControlledShutdownFailed {
    BrokerId broker{};
    std::int32_t attempts = 0;
};

// Kafka before 2.1: the broker followed a leader whose log ends below its own
// for a topic without unclean election, and exited rather than truncate
// (ReplicaFetcherThread.handleOffsetOutOfRange).
struct BrokerExited {
    BrokerId broker{};
    TopicPartition tp{};
    Offset leader_log_end_offset = 0;
    Offset log_end_offset = 0;
};

struct ControlledShutdownDone {
    BrokerId broker{};
};

// ---- a broker ----

// `broker` took leadership of `tp` in `epoch` (Partition.makeLeader).
struct BecameLeader {
    BrokerId broker{};
    TopicPartition tp{};
    LeaderEpoch epoch = 0;
    Offset log_end_offset = 0;
};

// `broker` follows `leader` for `tp` in `epoch` (Partition.makeFollower).
struct BecameFollower {
    BrokerId broker{};
    TopicPartition tp{};
    LeaderEpoch epoch = 0;
    BrokerId leader{};
};

// `broker` cut its log of `tp` back from `from` to `to` (log end offsets).
// `batches`: what was cut, by the ledger's identity of records (scenario
// producer index, first record, count; producer -1: not a workload's).
// `acknowledged`: how many of those records producers had been told were
// written, filled in by the runner from its ledger (none: not measured).
struct Truncated {
    struct Batch {
        std::int32_t producer = -1;
        std::int64_t first_record = 0;
        std::int32_t count = 0;
    };
    BrokerId broker{};
    TopicPartition tp{};
    Offset from = 0;
    Offset to = 0;
    std::vector<Batch> batches{};
    std::optional<std::int64_t> acknowledged{};
};

// The leader asked the controller to shrink or expand the ISR (AlterPartition).
struct IsrShrinkProposed {
    BrokerId leader{};
    TopicPartition tp{};
    std::vector<BrokerId> isr{};
};
struct IsrExpandProposed {
    BrokerId leader{};
    TopicPartition tp{};
    std::vector<BrokerId> isr{};
};

using ProtocolEvent = std::variant<LeaderElected, PartitionOffline, IsrChanged, BrokerFenced, BrokerUnfenced,
                                   RegistrationRefused, ControlledShutdownDone, BecameLeader, BecameFollower, Truncated,
                                   IsrShrinkProposed, IsrExpandProposed, ControlledShutdownFailed, BrokerExited>;

}  // namespace ks
