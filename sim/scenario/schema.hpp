// The scenario format table (format.hpp) rendered for readers outside
// kafkasim: a JSON Schema (draft 2020-12) for editors, and the Markdown field
// tables of docs/scenario-format.md.
//
// The schema checks what a schema can: each object's keys (an unknown key is
// an error, as in the loader), types, ranges, enumerations, required keys,
// the keys a fault action or a distribution kind takes, and in `config` maps
// every Kafka setting name of the scope (a name that is not Kafka's is an
// error, as in the loader). What needs the whole file — a producer's topic
// exists, a fault's broker is the cluster's, at_s < duration_s,
// replication_factor <= brokers — only `kafkasim check` checks.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace ks::scenario {

inline constexpr std::string_view kSchemaDialect = "https://json-schema.org/draft/2020-12/schema";
inline constexpr std::string_view kSchemaId = "https://kafkasim.invalid/scenario.schema.json";

// The JSON Schema of scenario files, keys in the order the table gives them.
nlohmann::ordered_json scenario_schema();

// The Markdown of one generated block of docs/scenario-format.md: the field
// table of an object of the table ("cluster.disk", "top-level" for the top
// level), or "NAME variants", a table of the variants of a discriminated
// object ("dist variants"). Throws ks::InputError for an unknown block name.
std::string markdown_block(std::string_view block);
// The names of every block: each object's table, then the variants tables.
std::vector<std::string> markdown_block_names();
// Every block between its markers, as `kafkasim schema --markdown` prints it:
//   <!-- kafkasim schema: NAME -->
//   ...
//   <!-- /kafkasim schema -->
std::string markdown_blocks();
// `doc` with the contents of every marked block replaced by the current
// rendering; text outside the markers is kept byte for byte. Throws
// ks::InputError (naming `source` and the line) for an unknown block name or
// a block without its end marker.
std::string update_markdown(std::string_view doc, const std::string& source);
// The block names marked in `doc`, in order.
std::vector<std::string> marked_blocks(std::string_view doc);

}  // namespace ks::scenario
