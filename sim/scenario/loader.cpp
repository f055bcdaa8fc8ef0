// The scenario loader's top level: reads the document's sections in order of
// dependence and checks compare variants.
#include "scenario/loader.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "kafkasim/errors.hpp"
#include "scenario/json_reader.hpp"
#include "scenario/load_parts.hpp"
#include "scenario/overrides.hpp"
#include "scenario/resolve.hpp"

namespace ks::scenario {

namespace {

void read_header(const Obj& o, Scenario& s) {
    s.name = o.req("name").as_name();
    if (auto v = o.get("description")) s.description = v->as_string();
    if (auto v = o.get("seed")) s.seed = static_cast<std::uint64_t>(v->as_int(0));
    if (auto v = o.get("duration_s")) {
        if (!(v->j->is_number() && v->j->get<double>() > 0 && v->j->get<double>() <= 1e7))
            v->expected("a number of seconds in (0, 10000000]");
        s.duration = v->as_seconds();
    }
    if (auto v = o.get("sample_interval_ms")) {
        if (!(v->j->is_number() && v->j->get<double>() >= 1)) v->expected("a number of milliseconds >= 1");
        s.sample_interval = v->as_millis();
    }
    if (auto v = o.get("settle_max_s")) s.settle_max = v->as_seconds();
    if (auto v = o.get("$schema")) v->as_string();  // where editors find the JSON Schema; not read
}

Scenario read_scenario(const Node& root) {
    // The format table's top level (format.hpp).
    const Obj o = Obj::of(root, "");
    Scenario s;
    read_header(o, s);
    read_cluster(o.get("cluster"), s);
    read_topics(o.get("topics"), s);
    read_producers(o.get("producers"), s);
    read_groups(o.get("consumer_groups"), s);
    read_faults(o.get("faults"), s);
    read_chaos(o.get("chaos"), s);
    read_burrow(o.get("burrow"), s);
    read_compare(o.get("compare"), s);
    read_expect(o.get("expect"), s);
    return s;
}

// Loads each variant of each axis; a failure names the axis and the value.
void check_variants(const nlohmann::json& doc, const Scenario& s, const std::string& source) {
    const std::string origin = source + ": /compare/vary/";
    for (const auto& axis : s.compare.vary) {
        for (std::size_t i = 0; i < axis.values_json.size(); ++i) {
            nlohmann::json variant = doc;
            variant.erase("compare");
            apply_override(variant, axis.path, nlohmann::json::parse(axis.values_json[i]), origin);
            try {
                load_json(variant, source, false);
            } catch (const InputError& e) {
                std::string inner = e.what();
                if (inner.rfind(source + ": ", 0) == 0) inner = inner.substr(source.size() + 2);
                throw InputError(fmt::format("{}{}/{}: with {}={}: {}", origin, axis.path, i, axis.path,
                                             axis.values_json[i], inner));
            }
        }
    }
}

}  // namespace

Loaded load_json(const nlohmann::json& doc, const std::string& source, bool check_vary) {
    Loaded out;
    const Ctx ctx{.file = source, .warnings = &out.warnings};
    out.scenario = read_scenario(root_node(ctx, doc));
    resolve_settings(out.scenario);
    if (check_vary) check_variants(doc, out.scenario, source);
    return out;
}

Loaded load_string(std::string_view text, const std::string& source_name, const LoadOptions& options) {
    nlohmann::json doc = parse_scenario_json(text, source_name);
    std::vector<AppliedOverride> applied;
    for (const auto& o : options.overrides) {
        auto [path, value] = parse_override(o);
        applied.push_back({.pointer = apply_override(doc, path, value), .value_json = value.dump()});
    }
    Loaded out = load_json(doc, source_name, true);
    out.overrides = std::move(applied);
    return out;
}

Loaded load_file(const std::string& path, const LoadOptions& options) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(fmt::format("{}: cannot open the file ({})", path, std::strerror(errno)));
    std::ostringstream text;
    text << in.rdbuf();
    return load_string(text.str(), path, options);
}

}  // namespace ks::scenario
