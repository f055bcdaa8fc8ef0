#include "scenario/sweep.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "core/assert.hpp"
#include "kafkasim/errors.hpp"
#include "kafkasim/simulation.hpp"
#include "scenario/loader.hpp"
#include "scenario/overrides.hpp"

namespace ks::scenario {

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
        throw InputError(fmt::format("--vary {}: expected PATH=V1,V2,..., e.g. producers.checkout.config.acks=0,1,all",
                                     text));
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

std::string short_name(const std::string& path) {
    const auto cfg = path.find(".config.");
    if (cfg != std::string::npos) return path.substr(cfg + 8);
    const auto dot = path.rfind('.');
    return dot == std::string::npos ? path : path.substr(dot + 1);
}

RunOutcome outcome_of(const RunSummary& s, std::size_t variant, std::uint64_t seed) {
    RunOutcome o;
    o.variant = variant;
    o.seed = seed;
    o.sent = s.records.sent;
    o.acked = s.records.acked;
    o.failed = s.records.failed;
    o.acked_lost = s.records.acked_lost;
    o.duplicated = s.records.duplicated;
    o.reordered = s.records.reordered;
    o.offline_partition_s = s.offline_partition_s;
    o.under_replicated_partition_s = s.under_replicated_partition_s;
    o.latency_p50_ms = s.produce_latency_ms.p50;
    o.latency_p99_ms = s.produce_latency_ms.p99;
    o.latency_max_ms = s.produce_latency_ms.max;
    for (const GroupSummary& g : s.groups) o.max_consumer_lag = std::max(o.max_consumer_lag.value_or(0), g.max_lag);
    o.unclean_elections = s.unclean_elections;
    o.strong_isr_violations = s.strong_isr_violations;
    o.settled = s.settled;
    o.trace_hash = s.trace_hash;
    return o;
}

}  // namespace

SweepPlan plan_sweep(const std::string& file, const SweepPlanOptions& options) {
    json doc = parse_scenario_json(read_text(file), file);
    for (const auto& o : options.overrides) {
        auto [path, value] = parse_override(o);
        apply_override(doc, path, value);
    }
    if (!options.vary.empty()) {
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

SweepResult run_sweep(const SweepPlan& plan, const SweepOptions& options) {
    KS_ASSERT_GE(options.jobs, 1);
    SweepResult result;
    result.grid = plan.grid;
    result.shard = options.shard;
    result.pairs = shard_pairs(plan.grid, options.shard);
    const std::size_t total = result.pairs.size();
    result.runs.resize(total);
    std::vector<std::exception_ptr> errors(total);
    std::atomic<std::size_t> next{0};
    std::atomic<std::size_t> stop_at{total};  // tasks past the first failure are skipped
    std::mutex progress_mutex;
    std::size_t done = 0;

    auto worker = [&] {
        while (true) {
            const std::size_t i = next.fetch_add(1);
            if (i >= total || i > stop_at.load()) return;
            const std::size_t pair = result.pairs[i];
            const std::size_t v = plan.grid.variant_of(pair);
            const std::uint64_t seed = plan.grid.seed_of(pair);
            try {
                RunOptions ro;
                ro.seed = seed;
                const RunResult r = run_simulation(plan.variant_scenarios[v], ro);
                result.runs[i] = outcome_of(r.summary, v, seed);
            } catch (...) {
                errors[i] = std::current_exception();
                std::size_t cur = stop_at.load();
                while (i < cur && !stop_at.compare_exchange_weak(cur, i)) {
                }
            }
            std::lock_guard<std::mutex> lock(progress_mutex);
            ++done;
            if (options.progress) options.progress(done, total);
        }
    };
    const auto jobs = std::min<std::size_t>(static_cast<std::size_t>(options.jobs), std::max<std::size_t>(total, 1));
    if (jobs <= 1) {
        worker();
    } else {
        std::vector<std::thread> threads;
        threads.reserve(jobs);
        for (std::size_t t = 0; t < jobs; ++t) threads.emplace_back(worker);
        for (auto& t : threads) t.join();
    }
    for (std::size_t i = 0; i < total; ++i) {
        if (!errors[i]) continue;
        const std::size_t pair = result.pairs[i];
        const std::string replay = replay_command(plan.grid, plan.grid.variant_of(pair), plan.grid.seed_of(pair));
        try {
            std::rethrow_exception(errors[i]);
        } catch (const AssertionFailure& e) {
            throw AssertionFailure(std::string(e.what()) + "\n  replay: " + replay);
        } catch (const std::exception& e) {
            throw std::runtime_error(std::string(e.what()) + "\n  replay: " + replay);
        }
    }
    return result;
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
            throw InputError(fmt::format("merge: shard {}/{} is of another compare (scenario {}, {} seeds) than "
                                         "shard {}/{} (scenario {}, {} seeds)",
                                         s.shard.index, s.shard.count, s.grid.scenario, s.grid.seeds,
                                         first.shard.index, first.shard.count, first.grid.scenario, first.grid.seeds));
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

std::string variant_label(const SweepGrid& grid, std::size_t variant) {
    KS_ASSERT_LT(variant, grid.variants.size());
    const auto& settings = grid.variants[variant];
    if (settings.empty()) return "as written";
    std::vector<std::string> names;
    for (const auto& s : settings) names.push_back(short_name(s.path));
    std::string out;
    for (std::size_t i = 0; i < settings.size(); ++i) {
        const bool clash = std::count(names.begin(), names.end(), names[i]) > 1;
        const json v = json::parse(settings[i].value_json);
        out += (i ? ", " : "") + (clash ? settings[i].path : names[i]) + "=" +
               (v.is_string() ? v.get<std::string>() : v.dump());
    }
    return out;
}

std::string replay_command(const SweepGrid& grid, std::size_t variant, std::uint64_t seed) {
    KS_ASSERT_LT(variant, grid.variants.size());
    std::string out = "kafkasim run " + shell_quote(grid.file) + " --seed " + std::to_string(seed);
    for (const auto& o : grid.overrides) out += " --set " + shell_quote(o);
    for (const auto& s : grid.variants[variant]) out += " --set " + shell_quote(s.path + "=" + set_value_text(s.value_json));
    return out;
}

}  // namespace ks::scenario
