// A `kafkasim lag-eval` case: a JSON offset history for Burrow's evaluator, and the
// JSON shape of Burrow's verdict (SCENARIOS.md, "lag-eval"; summary.json "burrow").
//
// Input (comments allowed):
//   {"time_now_s": 600,            // Burrow's clock, seconds (may be fractional)
//    "allowed_lag": 0,             // optional, >= 0; Burrow is 0
//    "minimum_complete": 0,        // optional, in [0, 1]; Burrow's default 0
//    "partitions": [{
//      "topic": "orders", "partition": 0,
//      "window": [null, {"offset": 1000, "timestamp_ms": 100000, "lag": 0, "order": 7}],
//      "broker_offsets": [5200],   // optional, oldest first
//      "current_lag": 200}]}       // optional; default: newest broker offset −
//                                  // newest commit, floored at 0 (Burrow's fetchConsumer)
// A window is the ring oldest first: null marks an empty slot and may only lead;
// `lag` may be null or absent (not known at commit time); `order` defaults to the
// entry's index. A (topic, partition) may appear once.
//
// Output: Burrow's ConsumerGroupStatus as JSON, statuses by Burrow's names:
//   {"status", "complete", "totallag", "partition_count", "maxlag",
//    "partitions": [{"topic", "partition", "status", "complete", "current_lag",
//                    "start", "end"}]}
// complete is printed as Burrow's float32 prints (1/3 → 0.33333334).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "monitor/burrow.hpp"

namespace ks::runner {

struct LagCase {
    std::int64_t time_now_ms = 0;
    monitor::BurrowEvalOptions options;
    std::vector<monitor::BurrowPartitionInput> partitions;
};

// Validates and converts a parsed document. `file` names the source in errors,
// which are ks::InputError shaped "FILE: /json/pointer: expected …, got …".
LagCase parse_lag_case(const nlohmann::json& doc, const std::string& file);

// Reads FILE (JSON with comments) and parses it. Throws ks::InputError.
LagCase load_lag_case(const std::string& file);

// Burrow's verdicts as JSON.
nlohmann::json burrow_offset_json(const monitor::BurrowOffset& o);
nlohmann::json burrow_partition_json(const monitor::BurrowPartitionStatus& p);
nlohmann::json burrow_group_json(const monitor::BurrowGroupStatus& g);

// Burrow's HTTP response for a group (core/internal/httpserver: handleConsumerStatus
// for /v3/kafka/<cluster>/consumer/<group>/status, which lists only partitions
// that are not OK; handleConsumerStatusComplete for .../lag, which lists all):
//   {"error": false, "message": "consumer status returned",
//    "status": {"cluster", "group", "status", "complete", "partitions",
//               "partition_count", "maxlag", "totallag"},
//    "request": {"url", "host"}}
// Partition entries carry "owner" and "client_id" (empty: not known here),
// "start" and "end" offsets as {"offset", "timestamp", "observedAt", "lag"}
// (observedAt: the commit's timestamp — kafkasim's Burrow reads each commit as
// it is made). A NOTFOUND group is Burrow's: complete 1, no partitions, maxlag
// null (Burrow answers it with HTTP 404).
enum class BurrowEndpoint { status, lag };
nlohmann::json burrow_http_json(const monitor::BurrowGroupStatus& g, const std::string& cluster,
                                const std::string& group, BurrowEndpoint endpoint);

// A float32 as the double whose shortest decimal form is the float's shortest
// form, so JSON shows 0.33333334 rather than 0.3333333432674408.
double float_for_json(float f);

}  // namespace ks::runner
