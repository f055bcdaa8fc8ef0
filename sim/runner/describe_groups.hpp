// `kafka-consumer-groups.sh --describe`, as kafkasim prints it for a run at
// time T (kafkasim describe --groups): the groups as the tool learns them
// (DescribeGroups from each group's coordinator, OffsetFetch for the committed
// offsets, ListOffsets "latest" for the log end offsets), and the three
// layouts it prints them in.
//
// Layout and wording follow Kafka's ConsumerGroupCommand
// (tools/src/main/java/org/apache/kafka/tools/consumer/group/ConsumerGroupCommand.java,
// trunk at Kafka 4.0 — the 3.9 tool is the same but for the final newline of
// the offsets table, added by commit 748d20200f9):
//   * printOffsets (the default, --offsets): GROUP TOPIC PARTITION
//     CURRENT-OFFSET LOG-END-OFFSET LAG CONSUMER-ID HOST CLIENT-ID;
//   * printMembers (--members): GROUP CONSUMER-ID [GROUP-INSTANCE-ID, when a
//     member has one] HOST CLIENT-ID #PARTITIONS [ASSIGNMENT with --verbose];
//   * printStates (--state): GROUP COORDINATOR (ID) ASSIGNMENT-STRATEGY STATE
//     #MEMBERS.
// Each table starts with an empty line; a column is padded to its widest
// value (at least 15 characters; 10 for PARTITION, 17 for GROUP-INSTANCE-ID,
// 25 for COORDINATOR (ID)), `-` stands for an unknown value
// (MISSING_COLUMN_VALUE). shouldPrintMemberState's messages come first:
// "Consumer group 'G' has no active members." (Empty) and "Warning: Consumer
// group 'G' is rebalancing." (PreparingRebalance, CompletingRebalance) on
// stderr, "Error: Consumer group 'G' does not exist." (Dead) on stdout. The
// tool's quirks are kept: --members prints its header even for a group it has
// just called empty or missing; --state pads the GROUP column to the
// COORDINATOR column's width. A group without a coordinator that answers
// fails the whole command, before anything is printed, as the admin client's
// error does ("Error: Executing consumer group command failed due to ...",
// its cause condensed), with a line of kafkasim's on stderr saying which group.
// LOG-END-OFFSET is `-` for a partition without a leader: the tool has that
// value for a log end offset it could not get, though its admin client would
// rather wait for a leader, up to its timeout.
//
// Order, as the tool's collections give it: groups by id (a TreeMap, Java's
// String order); in the offsets table the members that own partitions, most
// partitions first (a stable sort of the DescribeGroups order), each one's
// partitions in the iteration order of the java.util.HashMap the tool
// collects them into (after sorting them by partition number), then the
// committed partitions no member owns, likewise. kafka/java_hash.hpp
// reproduces those HashMap orders.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "kafkasim/simulation.hpp"

namespace ks::runner {

struct DescribedMember {
    std::string member_id;          // CONSUMER-ID
    std::string group_instance_id;  // GROUP-INSTANCE-ID; empty: a dynamic member
    std::string client_id;          // CLIENT-ID
    std::string host;               // HOST: "/" + the client's address
    // The member's partitions in the order its serialized assignment lists
    // them; empty unless the group is Stable (DescribeGroups answers members
    // without metadata otherwise).
    std::vector<std::pair<std::string, std::int32_t>> assignment;
};

struct DescribedPartition {
    std::string topic;
    std::int32_t partition = 0;
    std::optional<std::int64_t> committed;  // OffsetFetch; nullopt: no committed offset
    std::optional<std::int64_t> log_end;    // ListOffsets latest (the high watermark); nullopt: no leader
};

struct DescribedGroup {
    std::string group_id;
    // Kafka's state names: Stable, PreparingRebalance, CompletingRebalance,
    // Empty; Dead for a group its coordinator does not know.
    std::string state = "Dead";
    std::string coordinator_host;          // "host:port"; empty: no coordinator available
    std::int32_t coordinator = -1;         // its broker id
    std::string assignment_strategy;       // the group's protocol when Stable, else empty
    std::vector<DescribedMember> members;  // in the order DescribeGroups answers them
    // The committed partitions and those the members own (the union), each
    // with its log end offset, by topic (the scenario's order) then partition.
    std::vector<DescribedPartition> partitions;
};

// Simulated addresses, for the hosts Kafka's tools print (kafkasim's network
// has hosts, not addresses): broker B is 10.0.x.y with 256x + y = B (its id's
// low 16 bits), listening on port 9092; member m of the scenario's consumer
// group g (by index in consumer_groups) is 10.(1 + g).x.y with 256x + y =
// m + 1 — billing's first member 10.1.0.1 when billing is the first group.
// The second octet wraps beyond 255 groups.
inline constexpr std::int32_t kBrokerPort = 9092;
std::string broker_address(BrokerId b);
std::string consumer_address(std::size_t group, std::int32_t member);

// What kafka-consumer-groups --describe prints for `groups` (one call for
// all of them, as --group G1 --group G2 ...), in the layout `view` names.
// REQUIRES: view is one of the group views.
DescribeOutput print_groups(const std::vector<DescribedGroup>& groups, DescribeView view, bool verbose);

// Java's String.length(): the UTF-16 code units of a UTF-8 string, which is
// what the tool's %-Ns pads to.
std::size_t java_length(const std::string& utf8);

}  // namespace ks::runner
