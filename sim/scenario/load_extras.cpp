// The "chaos", "burrow", "compare" and "expect" sections.
#include <algorithm>

#include <fmt/format.h>

#include "scenario/format.hpp"
#include "scenario/load_parts.hpp"
#include "scenario/suggest.hpp"

namespace ks::scenario {

namespace {

// summary.json: the fields under each top-level key an expectation may name
// (an empty list: any deeper path).
const std::vector<std::pair<std::string, std::vector<std::string>>>& summary_paths() {
    static const std::vector<std::pair<std::string, std::vector<std::string>>> p = {
        {"scenario", {}},
        {"seed", {}},
        {"trace_hash", {}},
        {"version", {}},
        {"kafka_version", {}},
        {"sim_duration_s", {}},
        {"events", {}},
        {"records",
         {"sent", "acked", "failed", "acked_lost", "duplicated", "reordered", "unacked_present", "pending",
          "deleted_by_retention", "measured"}},
        {"produce_latency_ms", {"p50", "p99", "max", "count"}},
        {"availability",
         {"offline_partition_s", "under_replicated_partition_s", "write_unavailable_partition_s",
          "read_unavailable_partition_s"}},
        {"elections", {"clean", "unclean", "preferred"}},
        {"isr", {"shrinks", "expands", "strong_isr_violations", "weak_isr_violations"}},
        {"partitions", {}},
        {"groups", {}},
        {"producers", {}},
        {"settle", {"converged", "settle_s", "warmup_s"}},
    };
    return p;
}

const std::vector<std::string>& group_fields() {
    static const std::vector<std::string> f = {"consumed",
                                               "reprocessed",
                                               "skipped",
                                               "skipped_initial_reset",
                                               "skipped_out_of_range_reset",
                                               "deleted_unread",
                                               "skipped_other",
                                               "rebalances",
                                               "partitions_revoked",
                                               "rebalance_s",
                                               "unowned_partition_s",
                                               "max_unowned_s",
                                               "max_lag",
                                               "mean_lag",
                                               "final_lag",
                                               "lag_unknown_partitions",
                                               "partitions",
                                               "members",
                                               "burrow"};
    return f;
}

std::vector<std::string> split_dots(const std::string& path) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (true) {
        const auto dot = path.find('.', start);
        out.push_back(path.substr(start, dot - start));
        if (dot == std::string::npos) return out;
        start = dot + 1;
    }
}

void fail_segment(const Node& n, const std::string& seg, const std::vector<std::string>& known,
                  const std::string& what) {
    const std::string hint = did_you_mean(seg, known);
    n.ctx->fail(n.ptr, fmt::format("unknown {} \"{}\"{}", what, seg,
                                   hint.empty() ? "; expected one of " + quoted_alternatives(known) : hint));
}

void check_group_path(const Node& n, const std::vector<std::string>& segs, const Scenario& s) {
    if (segs.size() < 2) return;
    std::vector<std::string> ids;
    for (const auto& g : s.consumer_groups) ids.push_back(g.group_id);
    if (std::find(ids.begin(), ids.end(), segs[1]) == ids.end()) fail_segment(n, segs[1], ids, "consumer group");
    if (segs.size() >= 3 && std::find(group_fields().begin(), group_fields().end(), segs[2]) == group_fields().end())
        fail_segment(n, segs[2], group_fields(), "group field");
}

const std::vector<std::string>& producer_fields() {
    static const std::vector<std::string> f = {"client_version",
                                               "sent",
                                               "acked",
                                               "failed",
                                               "produce_requests",
                                               "batches_sent",
                                               "records_per_request_avg",
                                               "batches_per_request_avg",
                                               "bytes_sent",
                                               "bytes_sent_uncompressed",
                                               "compression_rate_avg",
                                               "compress_time_ms",
                                               "write_unavailable_partition_s",
                                               "latency_ms"};
    return f;
}

void check_producer_path(const Node& n, const std::vector<std::string>& segs, const Scenario& s) {
    if (segs.size() < 2) return;
    std::vector<std::string> names;
    for (const auto& p : s.producers) names.push_back(p.name);
    if (std::find(names.begin(), names.end(), segs[1]) == names.end()) fail_segment(n, segs[1], names, "producer");
    if (segs.size() >= 3 &&
        std::find(producer_fields().begin(), producer_fields().end(), segs[2]) == producer_fields().end())
        fail_segment(n, segs[2], producer_fields(), "producer field");
}

void check_summary_path(const Node& n, const std::string& path, const Scenario& s) {
    const auto segs = split_dots(path);
    std::vector<std::string> tops;
    for (const auto& [top, subs] : summary_paths()) tops.push_back(top);
    const auto it =
        std::find_if(summary_paths().begin(), summary_paths().end(), [&](const auto& p) { return p.first == segs[0]; });
    if (it == summary_paths().end()) fail_segment(n, segs[0], tops, "summary field");
    if (segs[0] == "groups") return check_group_path(n, segs, s);
    if (segs[0] == "producers") return check_producer_path(n, segs, s);
    const auto& subs = it->second;
    if (subs.empty() || segs.size() < 2) return;
    if (std::find(subs.begin(), subs.end(), segs[1]) == subs.end()) fail_segment(n, segs[1], subs, segs[0] + " field");
}

Expectation read_expectation(const std::string& path, const Node& n, const Scenario& s) {
    check_summary_path(n, path, s);
    const Obj o = Obj::of(n, "expect{}");
    Expectation e;
    e.path = path;
    if (auto v = o.get("equals")) e.equals_json = v->j->dump();
    if (auto v = o.get("min")) e.min = v->as_number();
    if (auto v = o.get("max")) {
        e.max = v->as_number();
        if (e.min && *e.max < *e.min) v->expected(fmt::format("a number >= min ({})", *e.min));
    }
    if (!e.equals_json && !e.min && !e.max) n.ctx->fail(n.ptr, "missing \"equals\", \"min\" or \"max\"");
    if (e.equals_json && (e.min || e.max)) n.ctx->fail(n.ptr, "give \"equals\" or \"min\"/\"max\", not both");
    return e;
}

constexpr std::int64_t kBurrowSecondsMax = 1000000000;
constexpr std::int64_t kBurrowIntervalsMax = 100000;  // BurrowStore's bound on a ring

// A whole number of seconds in [lo, kBurrowSecondsMax].
Duration whole_seconds(const Node& n, std::int64_t lo) {
    const std::string what = fmt::format("a whole number of seconds in [{}, {}]", lo, kBurrowSecondsMax);
    if (!n.j->is_number_integer()) n.expected(what);
    if (n.j->is_number_unsigned() && n.j->get<std::uint64_t>() > static_cast<std::uint64_t>(kBurrowSecondsMax))
        n.expected(what);
    const auto v = n.j->get<std::int64_t>();
    if (v < lo || v > kBurrowSecondsMax) n.expected(what);
    return s(v);
}

}  // namespace

void read_chaos(const std::optional<Node>& n, Scenario& s) {
    if (!n) return;
    const Obj o = Obj::of(*n, "chaos");
    ChaosSpec& c = s.chaos;
    if (auto v = o.get("enabled")) c.enabled = v->as_bool();
    if (auto v = o.get("mean_interval_s")) c.mean_interval = from_seconds(v->as_positive());
    if (auto v = o.get("actions")) {
        // The actions the generator can draw (they need no extra fields).
        const std::vector<std::string> names = format::enum_values("chaos", "actions");
        std::vector<std::string> seen;
        c.actions.clear();
        for (const auto& item : v->items("an array of fault actions")) {
            const auto name = item.as_enum(names);
            check_unique(item, name, seen, "action");
            c.actions.push_back(fault_action(name));
        }
        if (c.actions.empty()) v->expected("a non-empty array of fault actions");
        const bool consumer = std::any_of(c.actions.begin(), c.actions.end(), [](FaultAction a) {
            return a == FaultAction::consumer_crash || a == FaultAction::slow_consumer;
        });
        if (consumer && s.consumer_groups.empty()) v->ctx->fail(v->ptr, "consumer actions need a consumer group");
    }
    if (auto v = o.get("for_s")) c.for_s = v->as_dist();
    if (auto v = o.get("max_concurrent")) c.max_concurrent = static_cast<std::int32_t>(v->as_int(1, 100));
}

// Burrow's settings are whole seconds and counts, as Burrow reads them
// (viper.GetInt / GetInt64): kafka_cluster.go and inmemory.go Configure().
void read_burrow(const std::optional<Node>& n, Scenario& s) {
    if (!n) return;
    const Obj o = Obj::of(*n, "burrow");
    BurrowSpec& b = s.burrow;
    // time.NewTicker panics on an interval <= 0: offset-refresh is at least 1 s.
    if (auto v = o.get("offset_refresh_s")) b.offset_refresh = whole_seconds(*v, 1);
    // ring.New(n) makes no ring for n <= 0.
    if (auto v = o.get("intervals")) b.intervals = static_cast<std::int32_t>(v->as_int(1, kBurrowIntervalsMax));
    if (auto v = o.get("min_distance_s")) b.min_distance = whole_seconds(*v, 0);
    if (auto v = o.get("expire_group_s")) b.expire_group = whole_seconds(*v, 0);
}

void read_compare(const std::optional<Node>& n, Scenario& s) {
    if (!n) return;
    const Obj o = Obj::of(*n, "compare");
    if (auto v = o.get("seeds")) s.compare.seeds = static_cast<std::int32_t>(v->as_int(1, 1000000));
    if (auto v = o.get("vary")) {
        for (const auto& [path, values] : map_entries(*v)) {
            CompareAxis axis{.path = path, .values_json = {}};
            for (const auto& x : values.items("a non-empty array of values")) axis.values_json.push_back(x.j->dump());
            if (axis.values_json.empty()) values.expected("a non-empty array of values");
            s.compare.vary.push_back(std::move(axis));
        }
    }
}

void read_expect(const std::optional<Node>& n, Scenario& s) {
    if (!n) return;
    for (const auto& [path, value] : map_entries(*n)) s.expect.push_back(read_expectation(path, value, s));
}

}  // namespace ks::scenario
