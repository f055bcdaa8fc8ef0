// A `kafkasim assign` case: a consumer group's subscriptions and owned
// partitions as JSON, run through one of Kafka's assignors (kafka/assignor.hpp).
//
// Input (SCENARIOS.md "assign"; comments allowed):
//   {"strategy": "range" | "roundrobin" | "sticky" | "cooperative-sticky",
//    "topics": {"orders": 3},                       // topic -> partition count (>= 1)
//    "members": [{"member_id": "c1",                // unique, non-empty
//                 "group_instance_id": null,        // optional: static membership
//                 "topics": ["orders"],             // subscription, no duplicates
//                 "owned_partitions": ["orders-0"], // optional: "TOPIC-N", no duplicates
//                 "generation": 1}]}                // optional: int >= -1 or null (none)
// `members` is in JoinGroup order: the order the leader inserts them into its
// subscriptions HashMap. Subscribed topics missing from `topics` have no
// metadata and are skipped, as Kafka does; an owned partition of a known topic
// must exist. owned_partitions is the member's current assignment as its client
// holds it; kafkasim sends it through ConsumerProtocol's grouping by topic (and,
// for "sticky", StickyAssignor's userData encoding), as Kafka does.
//
// Output: {"assignment": {"c1": ["orders-0", ...]}}: every member, in input
// order, each list in Kafka's order.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kafka/assignor.hpp"

namespace ks::runner {

inline constexpr std::int64_t kAssignPartitionsPerTopicMax = 100000;
inline constexpr std::size_t kAssignMembersMax = 10000;

struct AssignCase {
    kafka::AssignorKind strategy = kafka::AssignorKind::kRange;
    std::map<std::string, std::int32_t> topics;  // cluster metadata
    std::vector<kafka::Subscription> members;    // JoinGroup order, owned as the leader decodes it
};

// Validates and converts a parsed document. Errors are ks::InputError shaped
// "FILE: /json/pointer: expected …, got …".
AssignCase parse_assign_case(const nlohmann::json& doc, const std::string& file);

// Reads FILE (JSON with comments) and parses it. Throws ks::InputError.
AssignCase load_assign_case(const std::string& file);

// Runs the case's assignor the way a group leader would.
kafka::GroupAssignment run_assign_case(const AssignCase& c);

// {"assignment": {member: ["topic-p", ...]}} in member order.
nlohmann::ordered_json assignment_json(const kafka::GroupAssignment& a);

}  // namespace ks::runner
