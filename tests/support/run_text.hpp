// Runs a scenario given as JSON text with a seed: the end-to-end tests' entry.
#pragma once

#include <cstdint>
#include <string>

#include "kafkasim/scenario.hpp"
#include "kafkasim/simulation.hpp"

namespace ks::test {

inline RunResult run_text(const std::string& text, std::uint64_t seed = 1, const std::string& file = "test.json") {
    const auto loaded = scenario::load_string(text, file);
    RunOptions o;
    o.seed = seed;
    return run_simulation(loaded.scenario, o);
}

}  // namespace ks::test
