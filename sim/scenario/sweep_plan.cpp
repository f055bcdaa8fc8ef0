// plan_sweep (kafkasim/sweep.hpp): the grid of a compare, every variant
// loaded and validated before anything runs.
#include "kafkasim/sweep.hpp"

#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "core/assert.hpp"
#include "kafkasim/errors.hpp"
#include "scenario/loader.hpp"
#include "scenario/overrides.hpp"

namespace ks {

using namespace ks::scenario;  // the loader and the overrides
using nlohmann::json;

namespace {

std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(fmt::format("{}: cannot open the file", path));
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// --vary PATH=V1,V2,... → (path, [values]); each value JSON if it parses, else a string.
std::pair<std::string, json> parse_vary(const std::string& text) {
    const auto eq = text.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == text.size())
        throw InputError(
            fmt::format("--vary {}: expected PATH=V1,V2,..., e.g. producers.checkout.config.acks=0,1,all", text));
    json values = json::array();
    std::size_t start = eq + 1;
    while (true) {
        const auto comma = text.find(',', start);
        const std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        if (item.empty()) throw InputError(fmt::format("--vary {}: an empty value", text));
        json v = json::parse(item, nullptr, /*allow_exceptions=*/false);
        values.push_back(v.is_discarded() ? json(item) : v);
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return {text.substr(0, eq), values};
}

// The variants: the cartesian product of the axes, the first axis slowest.
std::vector<std::vector<SweepSetting>> cartesian(const std::vector<CompareAxis>& axes) {
    std::vector<std::vector<SweepSetting>> out = {{}};
    for (const CompareAxis& axis : axes) {
        std::vector<std::vector<SweepSetting>> next;
        for (const auto& prefix : out) {
            for (const auto& v : axis.values_json) {
                auto row = prefix;
                row.push_back({axis.path, v});
                next.push_back(std::move(row));
            }
        }
        out = std::move(next);
    }
    return out;
}

}  // namespace

namespace {

SweepPlan plan_of(json doc, const std::string& file, const SweepPlanOptions& options,
                  const std::vector<CompareAxis>* axes) {
    for (const auto& o : options.overrides) {
        auto [path, value] = parse_override(o);
        apply_override(doc, path, value);
    }
    if (axes) {
        json vary = json::object();
        for (const auto& a : *axes) {
            json values = json::array();
            for (const auto& v : a.values_json) values.push_back(json::parse(v));
            vary[a.path] = values;
        }
        if (!doc.is_object()) throw InputError(file + ": expected a JSON object");
        doc["compare"]["vary"] = vary;
    } else if (!options.vary.empty()) {
        json vary = json::object();
        for (const auto& v : options.vary) {
            auto [path, values] = parse_vary(v);
            if (vary.contains(path)) throw InputError(fmt::format("--vary {}: the path is given twice", path));
            vary[path] = values;
        }
        if (!doc.is_object()) throw InputError(file + ": expected a JSON object");
        doc["compare"]["vary"] = vary;
    }
    const Loaded base = load_json(doc, file, /*check_variants=*/true);  // every variant validated
    SweepPlan plan;
    SweepGrid& g = plan.grid;
    g.file = file;
    g.scenario = base.scenario.name;
    g.description = base.scenario.description;
    g.overrides = options.overrides;
    g.axes = base.scenario.compare.vary;
    g.variants = cartesian(g.axes);
    g.first_seed = base.scenario.seed;
    g.seeds = options.seeds.value_or(base.scenario.compare.seeds);
    if (g.seeds < 1) throw InputError(fmt::format("--seeds {}: expected a number >= 1", g.seeds));
    for (const auto& settings : g.variants) {
        json variant = doc;
        variant.erase("compare");
        for (const auto& s : settings) apply_override(variant, s.path, json::parse(s.value_json), "/compare/vary/");
        plan.variant_scenarios.push_back(load_json(variant, file, false).scenario);
    }
    KS_ASSERT_EQ(plan.variant_scenarios.size(), g.variants.size());
    return plan;
}

}  // namespace

SweepPlan plan_sweep(const std::string& file, const SweepPlanOptions& options) {
    return plan_of(parse_scenario_json(read_text(file), file), file, options, nullptr);
}

SweepPlan plan_for_grid(const SweepGrid& grid) {
    SweepPlanOptions options{.overrides = grid.overrides, .vary = {}, .seeds = grid.seeds};
    SweepPlan plan = plan_of(parse_scenario_json(read_text(grid.file), grid.file), grid.file, options, &grid.axes);
    // The scenario's seed (the first seed) or its name may have changed since.
    bool same = plan.grid.first_seed == grid.first_seed && plan.grid.scenario == grid.scenario &&
                plan.grid.variants.size() == grid.variants.size();
    for (std::size_t v = 0; same && v < grid.variants.size(); ++v) {
        same = plan.grid.variants[v].size() == grid.variants[v].size();
        for (std::size_t k = 0; same && k < grid.variants[v].size(); ++k) {
            same = plan.grid.variants[v][k].path == grid.variants[v][k].path &&
                   plan.grid.variants[v][k].value_json == grid.variants[v][k].value_json;
        }
    }
    if (!same) throw InputError(grid.file + ": the scenario no longer gives the grid of this compare (changed since?)");
    return plan;
}

}  // namespace ks
