// Nearest-name suggestions for typos ("did you mean ...?").
//
// Distance is the optimal-string-alignment Damerau–Levenshtein distance
// (insert, delete, substitute, swap two adjacent characters), case-insensitive.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ks::scenario {

std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate nearest to `word`, if it is close enough to be a plausible
// typo (distance <= max(2, |word| / 4)); ties go to the earliest candidate.
std::optional<std::string> nearest(std::string_view word, const std::vector<std::string>& candidates);

// "; did you mean \"x\"?" or "" — for appending to a message.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

// "\"a\", \"b\" or \"c\"" — Kafka's way of listing valid values.
std::string quoted_alternatives(const std::vector<std::string>& values);

}  // namespace ks::scenario
