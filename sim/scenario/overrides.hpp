// Overrides of a scenario document: `--set PATH=VALUE` and `compare.vary`.
//
// PATH is dotted. List entries are addressed by their name ("name" or
// "group_id": producers.checkout, topics.orders, consumer_groups.billing) or
// by index (faults.0.at_s). Inside a map whose keys contain dots — "config",
// "features", "set", "vary", "expect" — the rest of the path is one key:
// producers.checkout.config.acks, cluster.config.min.insync.replicas
// (in "expect", a last segment equals/min/max is the field of that key:
// expect.records.acked_lost.max).
// Missing object keys are created (validation then judges them); a missing
// list entry, an index past the end, or a path through a scalar is an error,
// and so is a Kafka setting of an entry's config map addressed beside the map
// (producers.checkout.acks: "did you mean producers.checkout.config.acks?").
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

namespace ks::scenario {

// Parses scenario text (JSON with comments). A syntax error throws
// ks::InputError "SOURCE:LINE:COLUMN: invalid JSON: ...".
nlohmann::json parse_scenario_json(std::string_view text, const std::string& source);

// Splits "PATH=VALUE"; VALUE is JSON if it parses as JSON, else a string.
// Throws ks::InputError on a missing '=' or an empty path.
std::pair<std::string, nlohmann::json> parse_override(std::string_view assignment);

// Sets the value at PATH in doc and returns where, as a JSON pointer with
// list entries by index (/producers/0/config/acks). Errors throw
// ks::InputError "<origin>PATH: <what is wrong>", origin being e.g. "--set ".
std::string apply_override(nlohmann::json& doc, std::string_view path, const nlohmann::json& value,
                           std::string_view origin = "--set ");

}  // namespace ks::scenario
