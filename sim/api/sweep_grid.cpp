// The data side of a compare sweep (kafkasim/sweep.hpp): shards, merging,
// labels and replay lines. Nothing here loads a file or runs a simulation:
// plan_sweep is in scenario/sweep_plan.cpp, run_sweep in runner/sweep.cpp.
#include "kafkasim/sweep.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "core/assert.hpp"
#include "kafkasim/errors.hpp"

namespace ks {

using nlohmann::json;

namespace {

std::string shell_quote(const std::string& s) {
    const bool plain = !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               std::string_view("._-=,/:+@%").find(c) != std::string_view::npos;
    });
    if (plain) return s;
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

// VALUE as --set reads it back: a string that would not parse as JSON is
// written bare (acks=all), anything else as JSON text (acks="1", rf=3).
std::string set_value_text(const std::string& value_json) {
    const json v = json::parse(value_json);
    if (v.is_string()) {
        const std::string raw = v.get<std::string>();
        if (json::parse(raw, nullptr, false).is_discarded() && !raw.empty()) return raw;
    }
    return value_json;
}

}  // namespace

std::string axis_short_name(const std::string& path) {
    const auto cfg = path.find(".config.");
    if (cfg != std::string::npos) return path.substr(cfg + 8);
    const auto dot = path.rfind('.');
    return dot == std::string::npos ? path : path.substr(dot + 1);
}

SweepShard parse_shard(const std::string& text) {
    const auto slash = text.find('/');
    SweepShard s;
    try {
        if (slash == std::string::npos) throw std::invalid_argument("no slash");
        std::size_t used = 0;
        s.index = std::stoi(text.substr(0, slash), &used);
        if (used != slash) throw std::invalid_argument("junk");
        const std::string n = text.substr(slash + 1);
        s.count = std::stoi(n, &used);
        if (used != n.size()) throw std::invalid_argument("junk");
    } catch (const std::exception&) {
        throw InputError(fmt::format("--shard {}: expected I/N, e.g. 1/4", text));
    }
    if (s.count < 1 || s.index < 1 || s.index > s.count)
        throw InputError(fmt::format("--shard {}: expected I/N with 1 <= I <= N", text));
    return s;
}

std::vector<std::size_t> shard_pairs(const SweepGrid& grid, SweepShard shard) {
    std::vector<std::size_t> out;
    const auto n = static_cast<std::size_t>(shard.count);
    for (std::size_t k = static_cast<std::size_t>(shard.index - 1); k < grid.pairs(); k += n) out.push_back(k);
    return out;
}

namespace {
json grid_key(const SweepGrid& g) {
    json axes = json::array();
    for (const auto& a : g.axes) axes.push_back({a.path, a.values_json});
    return {g.file, g.scenario, g.overrides, axes, g.first_seed, g.seeds};
}
}  // namespace

SweepResult merge_sweeps(const std::vector<SweepResult>& shards) {
    if (shards.empty()) throw InputError("merge: no shards given");
    const SweepResult& first = shards.front();
    const std::int32_t n = first.shard.count;
    std::vector<const SweepResult*> by_index(static_cast<std::size_t>(n), nullptr);
    for (const SweepResult& s : shards) {
        if (grid_key(s.grid) != grid_key(first.grid))
            throw InputError(
                fmt::format("merge: shard {}/{} is of another compare (scenario {}, {} seeds) than "
                            "shard {}/{} (scenario {}, {} seeds)",
                            s.shard.index, s.shard.count, s.grid.scenario, s.grid.seeds, first.shard.index,
                            first.shard.count, first.grid.scenario, first.grid.seeds));
        if (s.shard.count != n)
            throw InputError(fmt::format("merge: shard {}/{} does not belong with shard {}/{}", s.shard.index,
                                         s.shard.count, first.shard.index, n));
        auto& slot = by_index[static_cast<std::size_t>(s.shard.index - 1)];
        if (slot) throw InputError(fmt::format("merge: shard {}/{} is given twice", s.shard.index, n));
        if (s.pairs != shard_pairs(s.grid, s.shard) || s.runs.size() != s.pairs.size())
            throw InputError(fmt::format("merge: shard {}/{} is incomplete", s.shard.index, n));
        slot = &s;
    }
    for (std::int32_t i = 0; i < n; ++i) {
        if (!by_index[static_cast<std::size_t>(i)])
            throw InputError(fmt::format("merge: shard {}/{} is missing", i + 1, n));
    }
    SweepResult out;
    out.grid = first.grid;
    out.shard = SweepShard{};
    const std::size_t total = first.grid.pairs();
    out.pairs.resize(total);
    out.runs.resize(total);
    for (const SweepResult* s : by_index) {
        for (std::size_t i = 0; i < s->pairs.size(); ++i) {
            out.pairs[s->pairs[i]] = s->pairs[i];
            out.runs[s->pairs[i]] = s->runs[i];
        }
    }
    return out;
}

std::string axis_value_text(const std::string& value_json) {
    const json v = json::parse(value_json);
    return v.is_string() ? v.get<std::string>() : v.dump();
}

std::string variant_label(const SweepGrid& grid, std::size_t variant) {
    KS_ASSERT_LT(variant, grid.variants.size());
    const auto& settings = grid.variants[variant];
    if (settings.empty()) return "as written";
    std::vector<std::string> names;
    for (const auto& s : settings) names.push_back(axis_short_name(s.path));
    std::string out;
    for (std::size_t i = 0; i < settings.size(); ++i) {
        const bool clash = std::count(names.begin(), names.end(), names[i]) > 1;
        out += (i ? ", " : "") + (clash ? settings[i].path : names[i]) + "=" + axis_value_text(settings[i].value_json);
    }
    return out;
}

std::string replay_command(const SweepGrid& grid, std::size_t variant, std::uint64_t seed) {
    KS_ASSERT_LT(variant, grid.variants.size());
    std::string out = "kafkasim run " + shell_quote(grid.file) + " --seed " + std::to_string(seed);
    for (const auto& o : grid.overrides) out += " --set " + shell_quote(o);
    for (const auto& s : grid.variants[variant])
        out += " --set " + shell_quote(s.path + "=" + set_value_text(s.value_json));
    return out;
}

}  // namespace ks
