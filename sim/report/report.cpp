#include "report/report.hpp"
#include "report/narrate.hpp"

#include "report/run_pages.hpp"

#include <fmt/format.h>
#include <cmath>
#include <filesystem>

namespace ks::report {

namespace fs = std::filesystem;
using nlohmann::json;

std::string clock(Duration d) {
    const bool neg = d < Duration::zero();
    const std::int64_t total = (neg ? -d : d).ms();
    return fmt::format("{}{:02}:{:02}.{:03}", neg ? "-" : "", total / 60000, (total / 1000) % 60, total % 1000);
}

std::string skipped_text(const GroupSummary& g) {
    std::string causes;
    const auto add = [&causes](const char* name, std::int64_t n) {
        if (n != 0) causes += fmt::format("{}{} {}", causes.empty() ? "" : ", ", name, n);
    };
    add("initial reset", g.skipped_initial_reset);
    add("out-of-range reset", g.skipped_out_of_range_reset);
    add("deleted unread", g.deleted_unread);
    add("other", g.skipped_other);
    return fmt::format("skipped {}{}", g.skipped, causes.empty() ? "" : " (" + causes + ")");
}

std::string timeline_clock(Duration d) {
    return d < Duration::zero() ? "(warm-up)" : clock(d);
}

json summary_json(const RunSummary& s) {
    json j;
    j["scenario"] = s.scenario;
    j["seed"] = s.seed;
    j["trace_hash"] = s.trace_hash;
    j["version"] = s.version;
    j["kafka_version"] = s.kafka_version;
    j["sim_duration_s"] = s.sim_duration_s;
    j["events"] = s.events;
    j["records"] = {{"sent", s.records.sent},
                    {"acked", s.records.acked},
                    {"failed", s.records.failed},
                    {"acked_lost", s.records.acked_lost},
                    {"duplicated", s.records.duplicated},
                    {"reordered", s.records.reordered},
                    {"unacked_present", s.records.unacked_present},
                    {"pending", s.records.pending},
                    {"deleted_by_retention", s.records.deleted},
                    {"measured", s.records_measured}};
    j["produce_latency_ms"] = {{"p50", s.produce_latency_ms.p50},
                               {"p99", s.produce_latency_ms.p99},
                               {"max", s.produce_latency_ms.max},
                               {"count", s.produce_latency_ms.count}};
    j["availability"] = {{"offline_partition_s", s.offline_partition_s},
                         {"under_replicated_partition_s", s.under_replicated_partition_s},
                         {"write_unavailable_partition_s", s.write_unavailable_partition_s},
                         {"read_unavailable_partition_s", s.read_unavailable_partition_s}};
    j["elections"] = {
        {"clean", s.clean_elections}, {"unclean", s.unclean_elections}, {"preferred", s.preferred_elections}};
    j["isr"] = {{"shrinks", s.isr_shrinks},
                {"expands", s.isr_expands},
                {"strong_isr_violations", s.strong_isr_violations},
                {"weak_isr_violations", s.weak_isr_violations}};
    json parts = json::array();
    for (const PartitionSummary& p : s.partitions) {
        parts.push_back({{"topic", p.topic},
                         {"partition", p.partition},
                         {"replicas", p.replicas},
                         {"leader", p.leader},
                         {"isr", p.isr},
                         {"leader_epoch", p.leader_epoch},
                         {"log_end_offset", p.log_end_offset},
                         {"high_watermark", p.high_watermark},
                         {"log_size_bytes", p.log_size_bytes},
                         {"offline_s", p.offline_s},
                         {"under_replicated_s", p.under_replicated_s},
                         {"write_unavailable_s", p.write_unavailable_s},
                         {"read_unavailable_s", p.read_unavailable_s},
                         {"diverged", p.diverged},
                         {"acked", p.acked},
                         {"acked_lost", p.acked_lost}});
    }
    j["partitions"] = parts;
    j["groups"] = json::array();
    for (const GroupSummary& g : s.groups) {
        json members = json::array();
        for (const auto& m : g.members) members.push_back({{"member_id", m.member_id}, {"assigned", m.assigned}});
        json bparts = json::array();
        for (const auto& p : g.burrow_partitions) {
            bparts.push_back(
                {{"topic", p.topic}, {"partition", p.partition}, {"status", p.status}, {"current_lag", p.current_lag}});
        }
        json gparts = json::array();
        for (const auto& p : g.partitions) {
            json e = {{"topic", p.topic},
                      {"partition", p.partition},
                      {"committed_offset", p.committed_offset ? json(*p.committed_offset) : json(nullptr)},
                      {"high_watermark", p.high_watermark},
                      {"lag", p.lag ? json(*p.lag) : json(nullptr)},
                      {"owner", p.owner.empty() ? json(nullptr) : json(p.owner)}};
            if (!p.lag) e["lag_unknown_reason"] = p.lag_unknown_reason;
            gparts.push_back(std::move(e));
        }
        j["groups"].push_back({{"group_id", g.group_id},
                               {"consumed", g.consumed},
                               {"reprocessed", g.reprocessed},
                               {"skipped", g.skipped},
                               {"skipped_initial_reset", g.skipped_initial_reset},
                               {"skipped_out_of_range_reset", g.skipped_out_of_range_reset},
                               {"deleted_unread", g.deleted_unread},
                               {"skipped_other", g.skipped_other},
                               {"rebalances", g.rebalances},
                               {"partitions_revoked", g.partitions_revoked},
                               {"rebalance_s", g.rebalance_s},
                               {"unowned_partition_s", g.unowned_partition_s},
                               {"max_unowned_s", g.max_unowned_s},
                               {"max_lag", g.max_lag},
                               {"mean_lag", g.mean_lag},
                               {"final_lag", g.final_lag},
                               {"lag_unknown_partitions", g.lag_unknown_partitions},
                               {"partitions", gparts},
                               {"members", members},
                               {"burrow",
                                {{"status", g.burrow_status},
                                 {"complete", g.burrow_complete},
                                 {"totallag", g.burrow_totallag},
                                 {"partitions", bparts}}}});
    }
    j["producers"] = json::array();
    for (const ProducerSummary& p : s.producers) {
        j["producers"].push_back({{"name", p.name},
                                  {"client_version", p.client_version},
                                  {"sent", p.sent},
                                  {"acked", p.acked},
                                  {"failed", p.failed},
                                  {"produce_requests", p.produce_requests},
                                  {"batches_sent", p.batches_sent},
                                  {"records_per_request_avg", p.records_per_request_avg},
                                  {"batches_per_request_avg", p.batches_per_request_avg},
                                  {"bytes_sent", p.bytes_sent},
                                  {"bytes_sent_uncompressed", p.bytes_sent_uncompressed},
                                  {"compression_rate_avg", p.compression_rate_avg},
                                  {"compress_time_ms", p.compress_time_ms},
                                  {"write_unavailable_partition_s", p.write_unavailable_partition_s},
                                  {"latency_ms",
                                   {{"p50", p.latency_ms.p50},
                                    {"p99", p.latency_ms.p99},
                                    {"max", p.latency_ms.max},
                                    {"count", p.latency_ms.count}}}});
    }
    j["settle"] = {{"converged", s.settled}, {"settle_s", s.settle_s}, {"warmup_s", s.warmup_s}};
    j["warnings"] = s.warnings;
    return j;
}

json burrow_json(const RunSummary& s) {
    json j = json::object();
    for (const GroupSummary& g : s.groups) {
        if (g.burrow_http_status.empty()) continue;  // not judged (a summary built by hand)
        j[g.group_id] = {{"status", json::parse(g.burrow_http_status)}, {"lag", json::parse(g.burrow_http_lag)}};
    }
    return j;
}

std::string timeseries_csv(const TimeSeries& t) {
    std::string out;
    for (std::size_t i = 0; i < t.columns.size(); ++i) out += (i ? "," : "") + t.columns[i];
    out += "\n";
    for (const auto& row : t.rows) {
        // t_s exactly (the shortest text that reads back as the same number):
        // {:g} keeps 6 digits, so 1000.001 and 1000 would both print 1000.
        if (!row.empty()) out += fmt::format("{}", row[0]);
        // NaN (no value in this interval) is an empty cell.
        for (std::size_t i = 1; i < row.size(); ++i) {
            out += "," + (std::isnan(row[i]) ? std::string() : fmt::format("{:g}", row[i]));
        }
        out += "\n";
    }
    return out;
}

ReportOutcome write_run_report(const OutputDir& out, const RunResult& r, const ReportOptions& options) {
    const fs::path& dir = out.staging();
    const json summary = summary_json(r.summary);
    write_file(dir / "summary.json", summary.dump(2) + "\n");
    // The expect block (SCENARIOS.md), judged before the page that shows it.
    std::vector<ExpectResult> expectations;
    if (options.scenario && !options.scenario->expect.empty()) {
        expectations = evaluate(options.scenario->expect, summary);
        write_file(dir / "expect.json", expect_json(expectations).dump(2) + "\n");
    }
    write_file(dir / "timeseries.csv", timeseries_csv(r.series));
    std::string tl;
    for (const auto& e : narrate(r)) tl += timeline_clock(e.at) + " " + e.text + "\n";
    write_file(dir / "timeline.txt", tl);
    if (!r.summary.groups.empty()) write_file(dir / "burrow.json", burrow_json(r.summary).dump(2) + "\n");
    ReportOutcome outcome = write_run_pages(dir, r, options, expectations);
    outcome.expectations = std::move(expectations);
    return outcome;
}

ReportOutcome write_run_report(const std::string& dir, const RunResult& r, const ReportOptions& options) {
    OutputDir out(dir);
    const ReportOutcome outcome = write_run_report(out, r, options);
    out.commit();
    return outcome;
}

void print_summary(std::ostream& out, const RunResult& r, const std::string& report_dir) {
    const RunSummary& s = r.summary;
    out << fmt::format("kafkasim run: {} (seed {})\n", s.scenario, s.seed);
    if (s.records_measured) {
        out << fmt::format(
            "  records    sent {}  acked {}  failed {}  ACKED-BUT-LOST {}  duplicated {}  reordered {}\n",
            s.records.sent, s.records.acked, s.records.failed, s.records.acked_lost, s.records.duplicated,
            s.records.reordered);
        out << fmt::format("  latency    produce p50 {:.2f} ms  p99 {:.2f} ms  max {:.2f} ms\n",
                           s.produce_latency_ms.p50, s.produce_latency_ms.p99, s.produce_latency_ms.max);
    }
    out << fmt::format(
        "  partitions offline {:.1f} partition-s  under-replicated {:.1f} partition-s  (the brokers' gauges)\n",
        s.offline_partition_s, s.under_replicated_partition_s);
    out << fmt::format("  clients    write-unavailable {:.1f} partition-s  read-unavailable {:.1f} partition-s\n",
                       s.write_unavailable_partition_s, s.read_unavailable_partition_s);
    out << fmt::format("  elections  clean {}  unclean {}  preferred {}   ISR shrinks {}  expands {}\n",
                       s.clean_elections, s.unclean_elections, s.preferred_elections, s.isr_shrinks, s.isr_expands);
    std::int64_t diverged = 0;
    for (const auto& p : s.partitions) diverged += p.diverged ? 1 : 0;
    out << fmt::format("  settle     {} after the heal ({:.1f} s){}\n", s.settled ? "converged" : "DID NOT CONVERGE",
                       s.settle_s, diverged ? fmt::format("; {} partitions DIVERGED", diverged) : "");
    for (const auto& g : s.groups) {
        const std::string unknown = g.lag_unknown_partitions == 0
                                        ? std::string()
                                        : fmt::format(" (lag unknown on {} of {} partitions: no commit or no leader)",
                                                      g.lag_unknown_partitions, g.partitions.size());
        out << fmt::format(
            "  group {:<10} consumed {}  reprocessed {}  {}  rebalances {} ({:.1f} s, {} revoked, {:.1f} "
            "partition-s unowned)  max lag {}{}  Burrow {}\n",
            g.group_id, g.consumed, g.reprocessed, skipped_text(g), g.rebalances, g.rebalance_s, g.partitions_revoked,
            g.unowned_partition_s, g.max_lag, unknown, g.burrow_status);
    }
    for (const auto& w : s.warnings) out << "  note: " << w << "\n";
    out << fmt::format("  events {}  trace hash {}\n", s.events, s.trace_hash);
    if (!report_dir.empty()) out << "  report " << report_dir << "\n";
}

void print_timeline(std::ostream& out, const RunResult& r) {
    for (const auto& e : narrate(r)) out << timeline_clock(e.at) << " " << e.text << "\n";
}

}  // namespace ks::report
