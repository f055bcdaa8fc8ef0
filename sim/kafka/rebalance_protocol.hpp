// Which rebalance protocol a classic consumer group runs, and which assignor.
//
// Client side (ConsumerCoordinator constructor): a consumer's protocol is the
// highest RebalanceProtocol (EAGER = 0 < COOPERATIVE = 1) supported by *every*
// assignor in its partition.assignment.strategy list; none in common is a
// configuration error (Kafka: IllegalArgumentException).
// range, roundrobin, sticky: [EAGER]; cooperative-sticky: [COOPERATIVE, EAGER].
// So the default [range, cooperative-sticky] runs EAGER.
//
// Coordinator side (GroupMetadata.selectProtocol / ClassicGroup.selectProtocol):
// the candidates are the assignor names every member lists; each member votes
// for the first candidate in its own preference order; the most votes wins.
// Ties: the new (Java, KIP-848 era) coordinator's Stream.max over a
// HashMap<String, Integer> keeps the first maximum in HashMap iteration order,
// which select_group_protocol reproduces; the older Scala coordinator breaks
// ties by Scala immutable.HashMap order, which is not modelled.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "kafka/assignor.hpp"

namespace ks::kafka {

enum class RebalanceProtocol : std::uint8_t { kEager = 0, kCooperative = 1 };

// ConsumerPartitionAssignor.supportedProtocols(), in Kafka's list order.
std::vector<RebalanceProtocol> supported_protocols(AssignorKind kind);

// The consumer's protocol for its configured assignors; nullopt when the list is
// empty or they share no protocol.
std::optional<RebalanceProtocol> client_rebalance_protocol(const std::vector<AssignorKind>& assignors);

// The assignor (protocol name) the group coordinator picks, given each member's
// assignor names in preference order; nullopt when there is no member or no name
// common to all (Kafka: INCONSISTENT_GROUP_PROTOCOL at join time).
std::optional<std::string> select_group_protocol(const std::vector<std::vector<std::string>>& member_preferences);

}  // namespace ks::kafka
