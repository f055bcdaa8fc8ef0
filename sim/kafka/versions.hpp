// What the simulated Kafka does differently by version: the inter-broker
// protocol (inter.broker.protocol.version, ks::ProtocolVersion) and the
// broker's own release (cluster.kafka_version, ks::KafkaVersion), both in
// kafkasim/settings.hpp. docs/kafka-versions.md tabulates them.
#pragma once

#include "kafkasim/settings.hpp"

namespace ks::kafka {

using KafkaVersion = ks::KafkaVersion;
using ProtocolVersion = ks::ProtocolVersion;

// ---- inter.broker.protocol.version -------------------------------------------------------------

inline bool uses_leader_epochs(ProtocolVersion v) {
    return v >= ProtocolVersion::v0_11;
}
inline bool epoch_in_epoch_response(ProtocolVersion v) {
    return v >= ProtocolVersion::v2_0;
}
inline bool fences_stale_epochs(ProtocolVersion v) {
    return v >= ProtocolVersion::v2_1;
}

// ---- the broker's release -------------------------------------------------------------------

// KAFKA-15583 (3.7.0): Partition.maybeIncrementLeaderHW returns early while
// the partition is under min ISR, and every min-ISR check uses
// effectiveMinIsr = min(min.insync.replicas, replication factor). A binary
// change, whatever the protocol version: 3.6's Partition.scala compares the
// ISR with leaderLog.config.minInSyncReplicas and never freezes the HW.
inline bool freezes_hw_below_min_isr(KafkaVersion v) {
    return v >= KafkaVersion{3, 7, 0};
}
inline bool caps_min_isr_at_replication_factor(KafkaVersion v) {
    return v >= KafkaVersion{3, 7, 0};
}
// ReplicaFetcherThread.handleOffsetOutOfRange up to 2.0: a follower whose log
// ends beyond the leader's, for a topic without unclean.leader.election.enable,
// stops the broker ("Exiting because log truncation is not allowed for
// partition": Runtime.halt in 0.10.0, System.exit in 0.10.1-0.11, a
// FatalExitError from 1.0). 2.1's AbstractFetcherThread.fetchOffsetAndTruncate
// truncates instead.
inline bool exits_rather_than_truncate_below_leader(KafkaVersion v) {
    return v < KafkaVersion{2, 1, 0};
}

}  // namespace ks::kafka
