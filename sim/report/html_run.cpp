// The index.html of one run (html::run_page), section by section.
#include <map>

#include <fmt/format.h>

#include "report/html.hpp"
#include "report/narrate.hpp"
#include "report/report.hpp"

namespace ks::report::html {

namespace {

constexpr std::size_t kTimelineRowsMax = 3000;  // the rest stays in timeline.txt
constexpr std::size_t kLossRowsAll = 24;        // more partitions: only those with something to show
constexpr std::size_t kExpectValueChars = 160;  // a longer value ("*" paths) is cut, expect.json has it whole

std::string num(double v) {
    return fmt::format("{:.1f}", v);
}

std::string card(std::string_view key, std::string_view value, bool bad = false) {
    return fmt::format("<div class=\"card{}\"><div class=\"v\">{}</div><div class=\"k\">{}</div></div>\n",
                       bad ? " bad" : "", escape(value), escape(key));
}

bool notable(std::string_view text) {
    for (std::string_view w : {"UNCLEAN", "OFFLINE", "crashed", "power", "LOST", "lost", "NOT", "DIVERGED", "paused"}) {
        if (text.find(w) != std::string_view::npos) return true;
    }
    return false;
}

std::string id_list(const std::vector<std::int32_t>& v) {
    std::string t = "[";
    for (std::size_t i = 0; i < v.size(); ++i) t += (i ? "," : "") + std::to_string(v[i]);
    return t + "]";
}

std::string header(const RunResult& r, const Scenario* sc) {
    const RunSummary& s = r.summary;
    return fmt::format("<h1>kafkasim run: {}</h1>\n", escape(s.scenario)) +
           fmt::format(
               "<p class=\"sub\">{}seed <code>{}</code> · trace hash <code>{}</code> · {} s simulated · {} events "
               "· kafkasim {}</p>\n",
               sc && !sc->description.empty() ? escape(sc->description) + "<br>" : std::string(), s.seed,
               escape(s.trace_hash), num(s.sim_duration_s), s.events, escape(s.version));
}

std::string cards(const RunSummary& s, const std::vector<ExpectResult>& expectations) {
    std::string b = "<div class=\"cards\">\n";
    if (!expectations.empty()) {
        std::size_t held = 0;
        for (const auto& e : expectations) held += e.status == ExpectStatus::held ? 1 : 0;
        b += card("expectations held", fmt::format("{} / {}", held, expectations.size()), held < expectations.size());
    }
    if (s.records_measured) {
        b += card("records sent", std::to_string(s.records.sent));
        b += card("acknowledged", std::to_string(s.records.acked));
        b += card("acknowledged but LOST", std::to_string(s.records.acked_lost), s.records.acked_lost > 0);
        b += card("failed", std::to_string(s.records.failed), s.records.failed > 0);
        b += card("duplicated", std::to_string(s.records.duplicated), s.records.duplicated > 0);
        b += card("produce p50 / p99 (ms)",
                  fmt::format("{:.1f} / {:.1f}", s.produce_latency_ms.p50, s.produce_latency_ms.p99));
    }
    b += card("write-unavailable partition-s", num(s.write_unavailable_partition_s),
              s.write_unavailable_partition_s > 0);
    b += card("read-unavailable partition-s", num(s.read_unavailable_partition_s), s.read_unavailable_partition_s > 0);
    b += card("offline partition-seconds", num(s.offline_partition_s), s.offline_partition_s > 0);
    b += card("under-replicated partition-s", num(s.under_replicated_partition_s));
    return b + "</div>\n";
}

std::string summary(const RunSummary& s, const std::vector<ExpectResult>& expectations) {
    std::string b = "<h2>Summary</h2>\n" + cards(s, expectations);
    std::vector<std::vector<std::string>> rows;
    if (s.records_measured) {
        const auto& x = s.records;
        rows.push_back(
            {"records", fmt::format("sent {} · acked {} · failed {} · acked but lost {} · duplicated {} · "
                                    "reordered {} · pending {}",
                                    x.sent, x.acked, x.failed, x.acked_lost, x.duplicated, x.reordered, x.pending)});
        rows.push_back(
            {"produce latency", fmt::format("p50 {:.2f} ms · p99 {:.2f} ms · max {:.2f} ms", s.produce_latency_ms.p50,
                                            s.produce_latency_ms.p99, s.produce_latency_ms.max)});
    }
    rows.push_back({"availability (clients)",
                    fmt::format("write-unavailable {:.1f} partition-s · read-unavailable {:.1f} partition-s: no "
                                "produce (for the producers' acks) or no fetch could complete",
                                s.write_unavailable_partition_s, s.read_unavailable_partition_s)});
    rows.push_back({"availability (brokers' gauges)",
                    fmt::format("offline {:.1f} partition-s · under-replicated {:.1f} partition-s (a leader that "
                                "died but is not yet fenced counts in neither)",
                                s.offline_partition_s, s.under_replicated_partition_s)});
    rows.push_back({"elections", fmt::format("clean {} · unclean {} · preferred {}", s.clean_elections,
                                             s.unclean_elections, s.preferred_elections)});
    rows.push_back({"ISR", fmt::format("shrinks {} · expands {}", s.isr_shrinks, s.isr_expands)});
    rows.push_back({"settle", fmt::format("{} {:.1f} s after the heal",
                                          s.settled ? "<span class=\"ok\">converged</span>"
                                                    : "<span class=\"bad\">did NOT converge</span>",
                                          s.settle_s)});
    return b + table({}, rows);
}

// The scenario's expect block as judged: what was expected, what happened.
std::string expectations_section(const std::vector<ExpectResult>& expectations) {
    if (expectations.empty()) return {};
    std::vector<std::vector<std::string>> rows;
    for (const ExpectResult& e : expectations) {
        const Expectation& x = e.expectation;
        std::string want;
        if (x.equals_json) want = "equals " + *x.equals_json;
        if (x.min) want += fmt::format("{}min {}", want.empty() ? "" : " · ", *x.min);
        if (x.max) want += fmt::format("{}max {}", want.empty() ? "" : " · ", *x.max);
        std::string value = e.actual.is_null() && e.status == ExpectStatus::missing ? "—" : e.actual.dump();
        if (value.size() > kExpectValueChars) value = value.substr(0, kExpectValueChars) + " …";
        std::string verdict;
        switch (e.status) {
            case ExpectStatus::held:
                verdict = "<span class=\"ok\">held</span>";
                break;
            case ExpectStatus::failed:
                verdict = "<span class=\"bad\">FAILED</span>: " + escape(e.why);
                break;
            case ExpectStatus::missing:
                verdict = "<span class=\"bad\">MISSING</span>: " + escape(e.why);
                break;
        }
        rows.push_back(
            {"<code>" + escape(x.path) + "</code>", escape(want), "<code>" + escape(value) + "</code>", verdict});
    }
    return "<h2>Expectations</h2>\n<p>The scenario's <code>expect</code> block, judged against "
           "<code>summary.json</code> (also in <code>expect.json</code>); a run with one that did not hold exits "
           "with code 1.</p>\n" +
           table({"path", "expected", "value", "result"}, rows, "expect");
}

std::string groups_section(const RunSummary& s) {
    if (s.groups.empty()) return {};
    std::vector<std::vector<std::string>> g;
    for (const auto& x : s.groups) {
        g.push_back({escape(x.group_id), std::to_string(x.consumed), std::to_string(x.reprocessed),
                     std::to_string(x.skipped) +
                         (x.skipped_other ? fmt::format(" (other {})", x.skipped_other) : std::string()),
                     std::to_string(x.skipped_initial_reset), std::to_string(x.skipped_out_of_range_reset),
                     std::to_string(x.deleted_unread), std::to_string(x.rebalances),
                     std::to_string(x.partitions_revoked), fmt::format("{:.1f}", x.rebalance_s),
                     fmt::format("{:.1f}", x.unowned_partition_s), std::to_string(x.max_lag),
                     fmt::format("{:.0f}", x.mean_lag), std::to_string(x.final_lag), escape(x.burrow_status)});
    }
    std::string b = "<h2>Consumer groups</h2>\n";
    b += table(
        {"group", "consumed", "reprocessed", "skipped", "by initial reset", "by out-of-range reset", "deleted unread",
         "rebalances", "revoked", "rebalancing s", "unowned partition-s", "max lag", "mean lag", "final lag", "Burrow"},
        g);
    b += "<p>skipped: records below what the group read (or below the log start) that no member "
         "read; by cause, each record once: passed over by <code>auto.offset.reset</code> with no committed "
         "offset (initial reset), passed over by a reset after an out-of-range fetch, or deleted by retention "
         "before any member read it; other: what none of these explains (a member resuming from a committed "
         "offset above where an unclean truncation made the log diverge). revoked: partitions members gave up in "
         "rebalances; rebalancing s: "
         "the time the group spent rebalancing (<code>rebalance_s</code>); unowned partition-s: how long "
         "partitions had no member consuming them (<code>unowned_partition_s</code>). max / mean / final lag: "
         "the committed lag (high watermark minus committed offset) summed over the partitions with a commit — "
         "the largest sample, the mean of the samples up to the end of the scenario, and the value at its "
         "end.</p>\n";
    // As kafka-consumer-groups --describe at the end of duration_s ("-": unknown).
    std::vector<std::vector<std::string>> parts;
    for (const auto& x : s.groups) {
        for (const auto& p : x.partitions) {
            parts.push_back(
                {escape(x.group_id), escape(p.topic), std::to_string(p.partition),
                 p.committed_offset ? std::to_string(*p.committed_offset) : "-",
                 p.high_watermark >= 0 ? std::to_string(p.high_watermark) : "-",
                 p.lag ? std::to_string(*p.lag) : "<span class=\"bad\">- (" + escape(p.lag_unknown_reason) + ")</span>",
                 p.owner.empty() ? "-" : escape(p.owner)});
        }
    }
    b += "<p>At the end of the scenario, as <code>kafka-consumer-groups --describe</code> shows it: a partition "
         "without a committed offset has no lag (\"-\"), however far behind its reader is.</p>\n";
    return b +
           table({"group", "topic", "partition", "current offset", "log end offset (HW)", "lag", "consumer"}, parts);
}

std::string faults_section(const Scenario& sc) {
    std::string b = "<h2>Fault schedule</h2>\n";
    if (sc.faults.empty()) {
        b += "<p>No scheduled faults.</p>\n";
    } else {
        auto fr = fault_rows(sc);
        for (auto& row : fr)
            for (auto& c : row) c = escape(c);
        b += table({"at (s)", "action", "target", "for (s)", "details"}, fr);
    }
    if (sc.chaos.enabled) b += "<p>Chaos is on: random faults are narrated in the timeline below.</p>\n";
    return b;
}

// The racks of the replicas, in replica order ("-" for a broker without one);
// empty when no broker of the scenario has a rack.
std::map<std::int32_t, std::string> racks_of(const Scenario& sc) {
    std::map<std::int32_t, std::string> racks;
    for (const BrokerSpec& b : sc.cluster.brokers) {
        if (b.rack) racks[b.id.value()] = *b.rack;
    }
    return racks;
}

std::string partitions_section(const RunResult& r) {
    const auto racks = racks_of(r.scenario);
    const auto rack_list = [&racks](const std::vector<std::int32_t>& replicas) {
        std::string t = "[";
        for (std::size_t i = 0; i < replicas.size(); ++i) {
            const auto it = racks.find(replicas[i]);
            t += (i ? "," : "") + (it == racks.end() ? std::string("-") : it->second);
        }
        return escape(t + "]");
    };
    std::vector<std::vector<std::string>> parts;
    for (const auto& p : r.summary.partitions) {
        std::vector<std::string> row = {escape(fmt::format("{}-{}", p.topic, p.partition)), id_list(p.replicas)};
        if (!racks.empty()) row.push_back(rack_list(p.replicas));
        for (std::string c :
             {std::to_string(p.leader), id_list(p.isr), std::to_string(p.leader_epoch),
              std::to_string(p.log_end_offset), std::to_string(p.high_watermark), num(p.write_unavailable_s),
              num(p.read_unavailable_s), num(p.offline_s), num(p.under_replicated_s)}) {
            row.push_back(std::move(c));
        }
        row.push_back(p.diverged ? "<span class=\"bad\">yes</span>" : "no");
        parts.push_back(std::move(row));
    }
    std::vector<std::string> head = {"partition", "replicas"};
    if (!racks.empty()) head.push_back("racks");
    for (const char* h : {"leader", "ISR", "epoch", "LEO", "HW", "write-unavailable s", "read-unavailable s",
                          "offline s", "URP s", "diverged"}) {
        head.emplace_back(h);
    }
    std::string b = "<h2>Partitions at the end</h2>\n";
    if (!racks.empty()) b += "<p>racks: each replica's <code>broker.rack</code>, in the order of the replicas.</p>\n";
    return b + table(head, parts, "partitions");
}

// Per partition: what the ledger judged lost, beside the events that lose data.
std::string loss_section(const RunResult& r) {
    const RunSummary& s = r.summary;
    if (!s.records_measured || s.partitions.empty()) return {};
    std::map<std::string, std::int64_t> unclean, truncated;  // by "topic-n"
    const auto name = [&r](TopicPartition tp) {
        const auto t = static_cast<std::size_t>(tp.topic);
        return fmt::format("{}-{}", t < r.scenario.topics.size() ? r.scenario.topics[t].name : "?", tp.partition);
    };
    for (const TimelineEntry& e : r.timeline) {
        if (const auto* x = std::get_if<LeaderElected>(&e.event); x && x->unclean) ++unclean[name(x->tp)];
        if (const auto* x = std::get_if<Truncated>(&e.event))
            truncated[name(x->tp)] += std::max<Offset>(0, x->from - x->to);
    }
    std::vector<std::vector<std::string>> rows;
    std::size_t left_out = 0;
    for (const auto& p : s.partitions) {
        const std::string tp = fmt::format("{}-{}", p.topic, p.partition);
        const std::int64_t u = unclean.count(tp) ? unclean.at(tp) : 0, t = truncated.count(tp) ? truncated.at(tp) : 0;
        if (s.partitions.size() > kLossRowsAll && p.acked_lost == 0 && u == 0 && t == 0 && !p.diverged) {
            ++left_out;
            continue;
        }
        const double share = p.acked > 0 ? 100.0 * static_cast<double>(p.acked_lost) / static_cast<double>(p.acked) : 0;
        rows.push_back({escape(tp), std::to_string(p.acked),
                        p.acked_lost > 0 ? fmt::format("<span class=\"bad\">{}</span>", p.acked_lost) : "0",
                        p.acked_lost > 0 ? fmt::format("{:.2f} %", share) : "0 %", std::to_string(u), std::to_string(t),
                        p.diverged ? "<span class=\"bad\">yes</span>" : "no"});
    }
    std::string b = "<h2>Loss per partition</h2>\n";
    b += s.records.acked_lost > 0
             ? fmt::format("<p class=\"note\">{} acknowledged records lost in all.</p>\n", s.records.acked_lost)
             : "<p>No acknowledged record was lost.</p>\n";
    b += "<p>acked lost: acknowledged records absent from the partition's final leader's log below its high "
         "watermark, judged after the heal and settle. Unclean elections and offsets truncated (from every "
         "replica's log, followers' uncommitted tails included) are the events that can lose them.</p>\n";
    b += table({"partition", "acked", "acked lost", "share lost", "unclean elections", "offsets truncated", "diverged"},
               rows, "loss");
    if (left_out > 0)
        b += fmt::format("<p>{} partitions without loss, unclean election or truncation are left out.</p>\n", left_out);
    return b;
}

std::string timeline_section(const RunResult& r) {
    std::string b = "<h2>Timeline</h2>\n";
    b += "<p class=\"ks-hint\" hidden>Click a line to put the plots' cursor at its moment; click it again to "
         "let go.</p>\n";
    b += "<table class=\"timeline\">\n<tbody>\n";
    std::size_t n = 0;
    for (const auto& e : narrate(r)) {
        if (++n > kTimelineRowsMax) break;
        b += fmt::format("<tr{} data-t=\"{:.3f}\"><td>{}</td><td>{}</td></tr>\n",
                         notable(e.text) ? " class=\"bad\"" : "", e.at.seconds_f(), escape(timeline_clock(e.at)),
                         escape(e.text));
    }
    b += "</tbody>\n</table>\n";
    if (r.timeline.size() > kTimelineRowsMax)
        b +=
            fmt::format("<p>… {} more lines in <code>timeline.txt</code>.</p>\n", r.timeline.size() - kTimelineRowsMax);
    return b;
}

}  // namespace

std::string run_page(const RunPageInput& in) {
    const RunResult& r = in.run;
    const RunSummary& s = r.summary;
    std::string b = header(r, in.scenario) + summary(s, in.expectations) + expectations_section(in.expectations) +
                    groups_section(s);
    for (const auto& w : s.warnings) b += "<p class=\"note\">" + escape(w) + "</p>\n";
    b += "<h2>Plots</h2>\n";
    b += "<p class=\"ks-hint\" hidden>Hover a plot for its values; the cursor follows the same moment on every plot "
         "over time.</p>\n";
    b += figures(in.figures, "plots", in.plots_note);
    if (in.scenario) b += faults_section(*in.scenario);
    b += partitions_section(r) + loss_section(r) + timeline_section(r);
    return page("kafkasim run: " + s.scenario + " (seed " + std::to_string(s.seed) + ")", b);
}

}  // namespace ks::report::html
