// Loading a scenario from an already-parsed JSON document — for callers that
// edit the document first (the compare sweep applies each variant's
// overrides, then loads). load_file / load_string (kafkasim/scenario.hpp) are
// the usual entry points.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "kafkasim/scenario.hpp"

namespace ks::scenario {

// Validates doc into a Scenario. With check_variants, every value of every
// compare.vary axis is also applied to a copy and validated, so a bad variant
// fails now rather than in the middle of a sweep.
Loaded load_json(const nlohmann::json& doc, const std::string& source, bool check_variants = true);

}  // namespace ks::scenario
