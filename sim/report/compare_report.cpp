#include "report/compare_report.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include <fmt/format.h>

#include "core/assert.hpp"
#include "kafkasim/errors.hpp"
#include "report/compare_pages.hpp"

namespace ks::report {

namespace fs = std::filesystem;
using ks::RunOutcome;
using ks::SweepGrid;
using ks::SweepResult;
using nlohmann::json;

Interval wilson_interval(std::int64_t k, std::int64_t n, double z) {
    KS_ASSERT_GE(k, 0);
    KS_ASSERT_LE(k, n);
    if (n == 0) return {};
    const double nn = static_cast<double>(n);
    const double p = static_cast<double>(k) / nn;
    const double z2 = z * z;
    const double denom = 1 + z2 / nn;
    const double center = (p + z2 / (2 * nn)) / denom;
    const double half = z / denom * std::sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn));
    // Exact at the ends (k == 0 gives low 0, k == n gives high 1) without rounding noise.
    return {k == 0 ? 0.0 : std::max(0.0, center - half), k == n ? 1.0 : std::min(1.0, center + half)};
}

Spread spread_of(std::vector<double> values) {
    KS_ASSERT(!values.empty());
    std::sort(values.begin(), values.end());
    const std::size_t n = values.size();
    auto rank = [&](double q) {
        const auto k = static_cast<std::size_t>(std::ceil(q * static_cast<double>(n)));
        return values[std::clamp<std::size_t>(k, 1, n) - 1];
    };
    double sum = 0;
    for (double v : values) sum += v;
    return {.min = values.front(),
            .p25 = rank(0.25),
            .p50 = rank(0.5),
            .p75 = rank(0.75),
            .max = values.back(),
            .mean = sum / static_cast<double>(n)};
}

std::vector<VariantStats> variant_stats(const SweepResult& r) {
    KS_ASSERT_EQ(r.runs.size(), r.grid.pairs());
    std::vector<VariantStats> out(r.grid.variants.size());
    for (std::size_t v = 0; v < out.size(); ++v) {
        out[v].variant = v;
        out[v].label = ks::variant_label(r.grid, v);
    }
    std::vector<std::vector<double>> max_lags(out.size()), mean_lags(out.size());
    auto add = [](MeanMax& m, double x, bool first) {
        m.mean += x;
        m.max = first ? x : std::max(m.max, x);
    };
    for (std::size_t i = 0; i < r.runs.size(); ++i) {
        const RunOutcome& o = r.runs[i];
        KS_ASSERT_EQ(o.variant, r.grid.variant_of(i));
        VariantStats& s = out[o.variant];
        const bool first = s.runs == 0;
        ++s.runs;
        if (o.acked_lost > 0) {
            ++s.runs_with_loss;
            if (!s.first_loss_seed) {
                s.first_loss_seed = o.seed;
                s.first_loss_replay = ks::replay_command(r.grid, o.variant, o.seed);
            }
        }
        add(s.acked_lost, static_cast<double>(o.acked_lost), first);
        add(s.failed, static_cast<double>(o.failed), first);
        add(s.duplicated, static_cast<double>(o.duplicated), first);
        add(s.offline_partition_s, o.offline_partition_s, first);
        add(s.write_unavailable_partition_s, o.write_unavailable_partition_s, first);
        add(s.read_unavailable_partition_s, o.read_unavailable_partition_s, first);
        s.sent_mean += static_cast<double>(o.sent);
        s.latency_p50_ms_mean += o.latency_p50_ms;
        s.latency_p99_ms_mean += o.latency_p99_ms;
        if (o.max_consumer_lag) {
            if (!s.max_consumer_lag) s.max_consumer_lag = MeanMax{0, static_cast<double>(*o.max_consumer_lag)};
            add(*s.max_consumer_lag, static_cast<double>(*o.max_consumer_lag), false);
            max_lags[o.variant].push_back(static_cast<double>(*o.max_consumer_lag));
            mean_lags[o.variant].push_back(o.mean_consumer_lag.value_or(0));
        }
        s.not_settled += o.settled ? 0 : 1;
        s.runs_strong_isr_broken += o.strong_isr_violations > 0 ? 1 : 0;
    }
    for (VariantStats& s : out) {
        if (s.runs == 0) continue;
        const double n = static_cast<double>(s.runs);
        for (MeanMax* m : {&s.acked_lost, &s.failed, &s.duplicated, &s.offline_partition_s,
                           &s.write_unavailable_partition_s, &s.read_unavailable_partition_s})
            m->mean /= n;
        if (s.max_consumer_lag) {
            s.max_consumer_lag->mean /= n;
            s.max_consumer_lag_spread = spread_of(max_lags[s.variant]);
            s.mean_consumer_lag_spread = spread_of(mean_lags[s.variant]);
        }
        s.sent_mean /= n;
        s.latency_p50_ms_mean /= n;
        s.latency_p99_ms_mean /= n;
        s.p_loss = static_cast<double>(s.runs_with_loss) / n;
        s.p_loss_95 = wilson_interval(s.runs_with_loss, s.runs);
    }
    return out;
}

// ---- JSON ------------------------------------------------------------------------------------

namespace {

json mean_max(const MeanMax& m) {
    return {{"mean", m.mean}, {"max", m.max}};
}

json spread_json(const Spread& x) {
    return {{"min", x.min}, {"p25", x.p25}, {"p50", x.p50}, {"p75", x.p75}, {"max", x.max}, {"mean", x.mean}};
}

json grid_json(const SweepGrid& g) {
    json vary = json::array();
    for (const auto& a : g.axes) {
        json values = json::array();
        for (const auto& v : a.values_json) values.push_back(json::parse(v));
        vary.push_back({{"path", a.path}, {"values", values}});
    }
    return {
        {"file", g.file},           {"scenario", g.scenario}, {"description", g.description},
        {"overrides", g.overrides}, {"vary", vary},           {"seeds", {{"first", g.first_seed}, {"count", g.seeds}}}};
}

json settings_json(const SweepGrid& g, std::size_t v) {
    json s = json::array();
    for (const auto& x : g.variants[v]) s.push_back({{"path", x.path}, {"value", json::parse(x.value_json)}});
    return s;
}

json run_json(const RunOutcome& o) {
    return {{"variant", o.variant},
            {"seed", o.seed},
            {"sent", o.sent},
            {"acked", o.acked},
            {"failed", o.failed},
            {"acked_lost", o.acked_lost},
            {"duplicated", o.duplicated},
            {"reordered", o.reordered},
            {"offline_partition_s", o.offline_partition_s},
            {"under_replicated_partition_s", o.under_replicated_partition_s},
            {"write_unavailable_partition_s", o.write_unavailable_partition_s},
            {"read_unavailable_partition_s", o.read_unavailable_partition_s},
            {"latency_p50_ms", o.latency_p50_ms},
            {"latency_p99_ms", o.latency_p99_ms},
            {"latency_max_ms", o.latency_max_ms},
            {"max_consumer_lag", o.max_consumer_lag ? json(*o.max_consumer_lag) : json(nullptr)},
            {"mean_consumer_lag", o.mean_consumer_lag ? json(*o.mean_consumer_lag) : json(nullptr)},
            {"unclean_elections", o.unclean_elections},
            {"strong_isr_violations", o.strong_isr_violations},
            {"settled", o.settled},
            {"trace_hash", o.trace_hash}};
}

RunOutcome run_from_json(const json& j) {
    RunOutcome o;
    o.variant = j.at("variant").get<std::size_t>();
    o.seed = j.at("seed").get<std::uint64_t>();
    o.sent = j.at("sent").get<std::int64_t>();
    o.acked = j.at("acked").get<std::int64_t>();
    o.failed = j.at("failed").get<std::int64_t>();
    o.acked_lost = j.at("acked_lost").get<std::int64_t>();
    o.duplicated = j.at("duplicated").get<std::int64_t>();
    o.reordered = j.at("reordered").get<std::int64_t>();
    o.offline_partition_s = j.at("offline_partition_s").get<double>();
    o.under_replicated_partition_s = j.at("under_replicated_partition_s").get<double>();
    // Absent in shards written before the clients' view was measured.
    o.write_unavailable_partition_s = j.value("write_unavailable_partition_s", 0.0);
    o.read_unavailable_partition_s = j.value("read_unavailable_partition_s", 0.0);
    o.latency_p50_ms = j.at("latency_p50_ms").get<double>();
    o.latency_p99_ms = j.at("latency_p99_ms").get<double>();
    o.latency_max_ms = j.at("latency_max_ms").get<double>();
    if (!j.at("max_consumer_lag").is_null()) o.max_consumer_lag = j.at("max_consumer_lag").get<std::int64_t>();
    // Absent in shards written before the time-averaged lag was measured.
    if (j.contains("mean_consumer_lag") && !j.at("mean_consumer_lag").is_null())
        o.mean_consumer_lag = j.at("mean_consumer_lag").get<double>();
    o.unclean_elections = j.at("unclean_elections").get<std::int64_t>();
    o.strong_isr_violations =
        j.value("strong_isr_violations", std::int64_t{0});  // absent in shards written before it was measured
    o.settled = j.at("settled").get<bool>();
    o.trace_hash = j.at("trace_hash").get<std::string>();
    return o;
}

json runs_json(const SweepResult& r) {
    json runs = json::array();
    for (const auto& o : r.runs) runs.push_back(run_json(o));
    return runs;
}

}  // namespace

json compare_json(const SweepResult& r) {
    json j;
    j["kind"] = "kafkasim-compare";
    j["version"] = KS_VERSION;
    j["grid"] = grid_json(r.grid);
    json variants = json::array();
    for (const VariantStats& s : variant_stats(r)) {
        json v = {{"index", s.variant},
                  {"label", s.label},
                  {"settings", settings_json(r.grid, s.variant)},
                  {"runs", s.runs},
                  {"runs_with_loss", s.runs_with_loss},
                  {"p_loss", s.p_loss},
                  {"p_loss_95", {s.p_loss_95.low, s.p_loss_95.high}},
                  {"acked_lost", mean_max(s.acked_lost)},
                  {"failed", mean_max(s.failed)},
                  {"duplicated", mean_max(s.duplicated)},
                  {"offline_partition_s", mean_max(s.offline_partition_s)},
                  {"write_unavailable_partition_s", mean_max(s.write_unavailable_partition_s)},
                  {"read_unavailable_partition_s", mean_max(s.read_unavailable_partition_s)},
                  {"sent_mean", s.sent_mean},
                  {"produce_latency_ms", {{"p50_mean", s.latency_p50_ms_mean}, {"p99_mean", s.latency_p99_ms_mean}}},
                  {"max_consumer_lag", s.max_consumer_lag ? mean_max(*s.max_consumer_lag) : json(nullptr)},
                  {"consumer_lag", s.max_consumer_lag_spread ? json{{"max", spread_json(*s.max_consumer_lag_spread)},
                                                                    {"mean", spread_json(*s.mean_consumer_lag_spread)}}
                                                             : json(nullptr)},
                  {"not_settled", s.not_settled},
                  {"runs_strong_isr_broken", s.runs_strong_isr_broken}};
        v["first_loss"] =
            s.first_loss_seed ? json{{"seed", *s.first_loss_seed}, {"replay", s.first_loss_replay}} : json(nullptr);
        variants.push_back(std::move(v));
    }
    j["variants"] = variants;
    j["runs"] = runs_json(r);
    return j;
}

json shard_json(const SweepResult& r) {
    json j;
    j["kind"] = "kafkasim-compare-shard";
    j["version"] = KS_VERSION;
    j["grid"] = grid_json(r.grid);
    j["shard"] = {{"index", r.shard.index}, {"count", r.shard.count}};
    j["pairs"] = r.pairs;
    j["runs"] = runs_json(r);
    return j;
}

SweepResult sweep_from_json(const json& j, const std::string& source) {
    try {
        const std::string kind = j.at("kind").get<std::string>();
        if (kind != "kafkasim-compare-shard" && kind != "kafkasim-compare")
            throw InputError(source + ": not a kafkasim compare file (kind " + kind + ")");
        SweepResult r;
        const json& g = j.at("grid");
        r.grid.file = g.at("file").get<std::string>();
        r.grid.scenario = g.at("scenario").get<std::string>();
        r.grid.description = g.at("description").get<std::string>();
        r.grid.overrides = g.at("overrides").get<std::vector<std::string>>();
        for (const json& a : g.at("vary")) {
            CompareAxis axis{.path = a.at("path").get<std::string>(), .values_json = {}};
            for (const json& v : a.at("values")) axis.values_json.push_back(v.dump());
            r.grid.axes.push_back(std::move(axis));
        }
        r.grid.variants = {{}};
        for (const CompareAxis& axis : r.grid.axes) {
            std::vector<std::vector<ks::SweepSetting>> next;
            for (const auto& prefix : r.grid.variants) {
                for (const auto& v : axis.values_json) {
                    auto row = prefix;
                    row.push_back({axis.path, v});
                    next.push_back(std::move(row));
                }
            }
            r.grid.variants = std::move(next);
        }
        r.grid.first_seed = g.at("seeds").at("first").get<std::uint64_t>();
        r.grid.seeds = g.at("seeds").at("count").get<std::int32_t>();
        if (r.grid.seeds < 1) throw InputError(source + ": seeds.count must be >= 1");
        if (kind == "kafkasim-compare-shard") {
            r.shard.index = j.at("shard").at("index").get<std::int32_t>();
            r.shard.count = j.at("shard").at("count").get<std::int32_t>();
            if (r.shard.count < 1 || r.shard.index < 1 || r.shard.index > r.shard.count)
                throw InputError(source + ": bad shard index");
            r.pairs = j.at("pairs").get<std::vector<std::size_t>>();
        } else {
            for (std::size_t k = 0; k < r.grid.pairs(); ++k) r.pairs.push_back(k);
        }
        for (const json& o : j.at("runs")) r.runs.push_back(run_from_json(o));
        if (r.runs.size() != r.pairs.size()) throw InputError(source + ": runs and pairs differ in number");
        for (std::size_t i = 0; i < r.runs.size(); ++i) {
            if (r.pairs[i] >= r.grid.pairs() || r.runs[i].variant != r.grid.variant_of(r.pairs[i]) ||
                r.runs[i].seed != r.grid.seed_of(r.pairs[i]))
                throw InputError(fmt::format("{}: run {} does not match its grid pair", source, i));
        }
        return r;
    } catch (const json::exception& e) {
        throw InputError(source + ": not a kafkasim compare file: " + e.what());
    }
}

// ---- CSV -------------------------------------------------------------------------------------

std::string compare_csv(const SweepResult& r) {
    auto quote = [](const std::string& s) {
        if (s.find_first_of(",\"\n") == std::string::npos) return s;
        std::string o = "\"";
        for (char c : s) o += c == '"' ? std::string("\"\"") : std::string(1, c);
        return o + "\"";
    };
    std::string out = "variant,label";
    for (const auto& a : r.grid.axes) out += "," + quote(a.path);
    out +=
        ",runs,runs_with_loss,p_loss,p_loss_low,p_loss_high,acked_lost_mean,acked_lost_max,failed_mean,failed_max,"
        "duplicated_mean,duplicated_max,offline_partition_s_mean,offline_partition_s_max,latency_p50_ms_mean,"
        "latency_p99_ms_mean,max_consumer_lag_mean,max_consumer_lag_max,not_settled,first_loss_seed,"
        "runs_strong_isr_broken,write_unavailable_partition_s_mean,write_unavailable_partition_s_max,"
        "read_unavailable_partition_s_mean,read_unavailable_partition_s_max,max_consumer_lag_p50,"
        "mean_consumer_lag_mean,mean_consumer_lag_p50,mean_consumer_lag_max\n";
    for (const VariantStats& s : variant_stats(r)) {
        out += fmt::format("{},{}", s.variant, quote(s.label));
        for (const auto& x : r.grid.variants[s.variant]) out += "," + quote(ks::axis_value_text(x.value_json));
        out += fmt::format(
            ",{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}", s.runs, s.runs_with_loss,
            s.p_loss, s.p_loss_95.low, s.p_loss_95.high, s.acked_lost.mean, s.acked_lost.max, s.failed.mean,
            s.failed.max, s.duplicated.mean, s.duplicated.max, s.offline_partition_s.mean, s.offline_partition_s.max,
            s.latency_p50_ms_mean, s.latency_p99_ms_mean,
            s.max_consumer_lag ? fmt::format("{}", s.max_consumer_lag->mean) : std::string(),
            s.max_consumer_lag ? fmt::format("{}", s.max_consumer_lag->max) : std::string(), s.not_settled,
            s.first_loss_seed ? std::to_string(*s.first_loss_seed) : std::string(), s.runs_strong_isr_broken,
            s.write_unavailable_partition_s.mean, s.write_unavailable_partition_s.max,
            s.read_unavailable_partition_s.mean, s.read_unavailable_partition_s.max);
        auto opt = [](const std::optional<Spread>& x, double Spread::*field) {
            return x ? fmt::format("{}", (*x).*field) : std::string();
        };
        out +=
            fmt::format(",{},{},{},{}\n", opt(s.max_consumer_lag_spread, &Spread::p50),
                        opt(s.mean_consumer_lag_spread, &Spread::mean), opt(s.mean_consumer_lag_spread, &Spread::p50),
                        opt(s.mean_consumer_lag_spread, &Spread::max));
    }
    return out;
}

// ---- replays --------------------------------------------------------------------------------

void add_first_seed(CompareReplays& replays, std::size_t variant, std::size_t variants, const RunResult& run) {
    KS_ASSERT_LT(variant, variants);
    replays.first_seed_lag.resize(variants);
    const TimeSeries& t = run.series;
    std::vector<std::size_t> lag_columns;
    for (const GroupSummary& g : run.summary.groups) {
        const auto c = std::find(t.columns.begin(), t.columns.end(), g.group_id + ".lag");
        if (c != t.columns.end()) lag_columns.push_back(static_cast<std::size_t>(c - t.columns.begin()));
    }
    auto& points = replays.first_seed_lag[variant];
    points.clear();
    if (!lag_columns.empty()) {
        for (const auto& row : t.rows) {
            if (row.front() < 0) continue;
            double sum = 0;
            for (std::size_t c : lag_columns) sum += std::isnan(row[c]) ? 0 : row[c];
            points.emplace_back(row.front(), sum);
        }
    }
    if (replays.faults.empty()) replays.faults = fault_windows(run.scenario);
    replays.heal_s = run.summary.sim_duration_s;
    if (!t.rows.empty()) replays.end_s = std::max(replays.end_s, t.rows.back().front());
}

std::string loss_run_folder(std::size_t variant, std::uint64_t seed) {
    return fmt::format("runs/variant-{}-seed-{}", variant + 1, seed);
}

// ---- files -----------------------------------------------------------------------------------

CompareWritten write_compare_report(const OutputDir& dir, const SweepResult& r, const RenderOptions& render,
                                    const CompareReplays* replays) {
    const fs::path& tmp = dir.staging();
    CompareWritten out;
    if (!r.shard.whole()) {
        write_file(tmp / "compare-shard.json", shard_json(r).dump(2) + "\n");
    } else {
        write_file(tmp / "compare.json", compare_json(r).dump(2) + "\n");
        write_file(tmp / "compare.csv", compare_csv(r));
        const auto stats = variant_stats(r);
        const std::vector<Plot> plots = compare_plots(r, stats, replays);
        RenderOptions ro = render;
        ro.shown_dir = "plots";
        const RenderOutcome rendered = write_plots(tmp / "plots", plots, ro);
        out.note = rendered.message;
        write_file(tmp / "index.html",
                   compare_page(r, stats, html::read_figures(tmp / "plots", plots), rendered.message, replays));
    }
    return out;
}

CompareWritten write_compare_report(const std::string& dir, const SweepResult& r, const RenderOptions& render,
                                    const CompareReplays* replays) {
    OutputDir out(dir);
    const CompareWritten written = write_compare_report(out, r, render, replays);
    out.commit();
    return written;
}

void print_compare(std::ostream& out, const SweepResult& r) {
    const auto stats = variant_stats(r);
    std::size_t w = 7;
    for (const auto& s : stats) w = std::max(w, s.label.size());
    const bool lag =
        std::any_of(stats.begin(), stats.end(), [](const VariantStats& s) { return s.max_consumer_lag.has_value(); });
    out << fmt::format("kafkasim compare: {} — {} variants × {} seeds (seeds {}..{})\n", r.grid.scenario,
                       r.grid.variants.size(), r.grid.seeds, r.grid.first_seed,
                       r.grid.first_seed + static_cast<std::uint64_t>(r.grid.seeds) - 1);
    // "StrongIsr broken": runs in which some ISR member lacked or differed
    // from its leader's log (the compare.csv column runs_strong_isr_broken).
    // "write-unavail s": partition-seconds no produce could complete (the
    // clients' view; "offline s" is the brokers' OfflinePartitionsCount).
    // "max lag": the largest committed-lag sample of any seed; "mean lag":
    // the time-averaged committed lag, mean over seeds.
    out << fmt::format("  {:<{}}  {:>24}  {:>17}  {:>9}  {:>9}  {:>15}  {:>9}  {:>9}  {:>9}  {:>16}{}\n", "variant", w,
                       "P(acked lost) [95% CI]", "acked_lost mean/max", "failed", "dup", "write-unavail s", "offline s",
                       "p50 ms", "p99 ms", "StrongIsr broken", lag ? "  max lag  mean lag" : "");
    for (const auto& s : stats) {
        out << fmt::format(
            "  {:<{}}  {:>24}  {:>17}  {:>9.1f}  {:>9.1f}  {:>15.1f}  {:>9.1f}  {:>9.2f}  {:>9.2f}  {:>16}{}\n",
            s.label, w, fmt::format("{:.3f} [{:.3f}, {:.3f}]", s.p_loss, s.p_loss_95.low, s.p_loss_95.high),
            fmt::format("{:.1f} / {:.0f}", s.acked_lost.mean, s.acked_lost.max), s.failed.mean, s.duplicated.mean,
            s.write_unavailable_partition_s.mean, s.offline_partition_s.mean, s.latency_p50_ms_mean,
            s.latency_p99_ms_mean, fmt::format("{}/{}", s.runs_strong_isr_broken, s.runs),
            s.max_consumer_lag
                ? fmt::format("  {:>7.0f}  {:>8.0f}", s.max_consumer_lag->max, s.mean_consumer_lag_spread->mean)
                : std::string());
    }
    bool any = false;
    for (const auto& s : stats) {
        if (!s.first_loss_seed) continue;
        if (!any) out << "  first seed that lost acknowledged records, per variant:\n";
        any = true;
        out << fmt::format("    {}: seed {}\n      {}\n", s.label, *s.first_loss_seed, s.first_loss_replay);
    }
    if (!any) out << "  no run lost an acknowledged record\n";
}

}  // namespace ks::report
