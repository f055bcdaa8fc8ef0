// inter.broker.protocol.version: the replication rules that changed across
// Kafka releases, where historical data-loss cases differ.
//
//   v0_10  truncate to the local high watermark on becoming follower (pre KIP-101)
//   v0_11  KIP-101: OffsetsForLeaderEpoch, truncate to the leader's end offset
//          of the follower's latest epoch
//   v2_0   KIP-279: the answer carries the leader's largest epoch <= the asked
//          one; a follower lacking that epoch steps down and asks again
//   v2_1   KIP-320: requests carry the current leader epoch; stale ones fenced
//   v3_7   the leader's high watermark does not advance while the ISR is below
//          min.insync.replicas (KAFKA-15583)
#pragma once

#include <optional>
#include <string_view>

namespace ks::kafka {

enum class ProtocolVersion { v0_10, v0_11, v2_0, v2_1, v3_7 };

// Parses Kafka's version strings ("0.10.2", "0.10.2-IV0", "0.11.0", "2.0",
// "2.8", "3.9", "3.9-IV0", "4.0"); nullopt if not a version Kafka knows.
std::optional<ProtocolVersion> parse_protocol_version(std::string_view text);

inline bool uses_leader_epochs(ProtocolVersion v) {
    return v >= ProtocolVersion::v0_11;
}
inline bool epoch_in_epoch_response(ProtocolVersion v) {
    return v >= ProtocolVersion::v2_0;
}
inline bool fences_stale_epochs(ProtocolVersion v) {
    return v >= ProtocolVersion::v2_1;
}
inline bool freezes_hw_below_min_isr(ProtocolVersion v) {
    return v >= ProtocolVersion::v3_7;
}

}  // namespace ks::kafka
