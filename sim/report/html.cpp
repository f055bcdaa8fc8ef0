#include "report/html.hpp"
#include "report/narrate.hpp"

#include <cctype>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "report/report.hpp"

namespace ks::report::html {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kTimelineRowsMax = 3000;  // the rest stays in timeline.txt

constexpr std::string_view kStyle = R"(
:root { --fg: #1f2328; --muted: #656d76; --line: #d0d7de; --bad: #b42318; --badbg: #fdecea; --ok: #1a7f37; }
* { box-sizing: border-box; }
body { font: 14px/1.45 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: var(--fg);
       margin: 0 auto; padding: 24px 32px 64px; max-width: 1120px; background: #fff; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 32px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
p.sub { color: var(--muted); margin: 0 0 16px; }
code, pre { font: 12.5px/1.4 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; }
pre.cmd { background: #f6f8fa; border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px;
          white-space: pre-wrap; word-break: break-all; }
table { border-collapse: collapse; margin: 8px 0 16px; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 10px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; font-weight: 600; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
tr.bad td { background: var(--badbg); }
td.bad, span.bad { color: var(--bad); font-weight: 600; }
span.ok { color: var(--ok); font-weight: 600; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 12px 0; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; min-width: 150px; }
.card .v { font-size: 22px; font-weight: 600; font-variant-numeric: tabular-nums; }
.card .k { color: var(--muted); font-size: 12px; }
.card.bad { border-color: var(--bad); background: var(--badbg); }
.card.bad .v { color: var(--bad); }
figure { margin: 12px 0 24px; }
figure svg { max-width: 100%; height: auto; display: block; border: 1px solid var(--line); border-radius: 6px; }
figcaption { color: var(--muted); font-size: 13px; margin-top: 4px; }
.note { background: #fff8c5; border: 1px solid #d4a72c; border-radius: 6px; padding: 8px 12px; }
table.timeline td:first-child { white-space: nowrap; color: var(--muted); font-family: ui-monospace, Menlo, monospace; }
footer { margin-top: 40px; color: var(--muted); font-size: 12px; }
)";

bool numeric(std::string_view cell) {
    return !cell.empty() && (std::isdigit(static_cast<unsigned char>(cell[0])) || cell[0] == '-' || cell[0] == '+');
}

std::string read_text(const fs::path& p) {
    std::ifstream f(p, std::ios::binary);
    if (!f) return {};
    std::ostringstream s;
    s << f.rdbuf();
    return s.str();
}

std::string num(double v) {
    return fmt::format("{:.1f}", v);
}

std::string card(std::string_view key, std::string_view value, bool bad = false) {
    return fmt::format("<div class=\"card{}\"><div class=\"v\">{}</div><div class=\"k\">{}</div></div>\n",
                       bad ? " bad" : "", escape(value), escape(key));
}

std::string nodes(const NodeSet& n) {
    std::string s;
    for (auto b : n.brokers) s += (s.empty() ? "" : ", ") + std::to_string(b.value());
    if (n.clients) s += s.empty() ? "clients" : ", clients";
    return "[" + s + "]";
}

std::string dist_text(const DistSpec& d) {
    switch (d.kind) {
        case DistSpec::Kind::constant:
            return fmt::format("{} ms", d.a);
        case DistSpec::Kind::lognormal:
            return fmt::format("lognormal median {} p99 {} ms", d.a, d.b);
        case DistSpec::Kind::exponential:
            return fmt::format("exponential mean {} ms", d.a);
        case DistSpec::Kind::uniform:
            return fmt::format("uniform {}..{} ms", d.a, d.b);
        case DistSpec::Kind::normal:
            return fmt::format("normal mean {} sd {} ms", d.a, d.b);
    }
    return to_string(d.kind);
}

bool notable(std::string_view text) {
    for (std::string_view w : {"UNCLEAN", "OFFLINE", "crashed", "power", "LOST", "lost", "NOT", "DIVERGED", "paused"}) {
        if (text.find(w) != std::string_view::npos) return true;
    }
    return false;
}

}  // namespace

std::string escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

std::string page(std::string_view title, std::string_view body) {
    return fmt::format(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<meta name=\"generator\" content=\"kafkasim {}\">\n<title>{}</title>\n<style>{}</style>\n</head>\n<body>\n{}"
        "<footer>Written by kafkasim {}. This page is self-contained: no scripts, no network.</footer>\n"
        "</body>\n</html>\n",
        KS_VERSION, escape(title), kStyle, body, KS_VERSION);
}

std::string table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows,
                  std::string_view css_class) {
    std::string s = css_class.empty() ? "<table>\n" : fmt::format("<table class=\"{}\">\n", css_class);
    if (!header.empty()) {
        s += "<thead><tr>";
        for (const auto& h : header) s += "<th>" + h + "</th>";
        s += "</tr></thead>\n";
    }
    s += "<tbody>\n";
    for (const auto& row : rows) {
        s += "<tr>";
        for (const auto& c : row) s += numeric(c) ? "<td class=\"n\">" + c + "</td>" : "<td>" + c + "</td>";
        s += "</tr>\n";
    }
    return s + "</tbody>\n</table>\n";
}

std::vector<Figure> read_figures(const fs::path& dir, const std::vector<Plot>& plots) {
    std::vector<Figure> out;
    for (const Plot& p : plots) {
        const std::string svg = read_text(dir / (p.name + ".svg"));
        out.push_back({p.caption, svg.empty() ? std::string() : inline_svg(svg, p.name), p.name});
    }
    return out;
}

std::string figures(const std::vector<Figure>& figs, std::string_view plots_rel, std::string_view note) {
    std::string s;
    if (!note.empty()) s += "<p class=\"note\">" + escape(note) + "</p>\n";
    for (const Figure& f : figs) {
        s += "<figure>\n";
        if (!f.svg.empty()) {
            s += f.svg;
            if (s.back() != '\n') s += "\n";
        } else {
            s += fmt::format("<p class=\"note\">Not rendered: run <code>gnuplot {}.gp</code> in <code>{}</code>.</p>\n",
                             escape(f.name), escape(plots_rel));
        }
        s += fmt::format("<figcaption>{} — data <code>{}/{}.dat</code>, script <code>{}/{}.gp</code></figcaption>\n",
                         escape(f.caption), escape(plots_rel), escape(f.name), escape(plots_rel), escape(f.name));
        s += "</figure>\n";
    }
    return s;
}

std::vector<std::vector<std::string>> fault_rows(const Scenario& sc) {
    std::vector<std::vector<std::string>> rows;
    for (const FaultSpec& f : sc.faults) {
        std::string target, details;
        if (f.broker) target = fmt::format("broker {}", f.broker->value());
        if (f.rack) target = "rack " + *f.rack;
        switch (f.action) {
            case FaultAction::partition:
                if (!f.groups.empty()) {
                    for (const auto& g : f.groups) target += (target.empty() ? "" : " | ") + nodes(g);
                } else {
                    target = nodes(f.from) + " cannot reach " + nodes(f.to);
                }
                break;
            case FaultAction::link:
                if (f.between.size() == 2) target = fmt::format("{} ↔ {}", f.between[0].value(), f.between[1].value());
                if (f.latency_ms) details += "+" + dist_text(*f.latency_ms);
                if (f.loss > 0) details += fmt::format("{}loss {}", details.empty() ? "" : ", ", f.loss);
                break;
            case FaultAction::disk_slow:
            case FaultAction::slow_consumer:
                details = fmt::format("×{}", f.factor);
                break;
            case FaultAction::rolling_restart:
            case FaultAction::rolling_upgrade: {
                for (auto b : f.order) target += (target.empty() ? "brokers " : ", ") + std::to_string(b.value());
                details = f.controlled ? "controlled" : "not controlled";
                if (f.wait_for_isr) details += ", waits for ISR";
                if (f.kafka_version) details += ", to Kafka " + to_string(*f.kafka_version);
                for (const auto& k : f.set.user_keys())
                    details += fmt::format(", {}={}", k, config_value_text(f.set.value(k)));
                break;
            }
            case FaultAction::producer_rate:
                target = f.producer;
                details = fmt::format("{} records/s", f.rate_per_s);
                break;
            default:
                break;
        }
        if (!f.group.empty()) {
            target = "group " + f.group;
            if (f.member) target += fmt::format(" member {}", *f.member);
        }
        rows.push_back({fmt::format("{:.3f}", f.at.seconds_f()), to_string(f.action), target,
                        f.duration ? fmt::format("{:.3f}", f.duration->seconds_f()) : std::string("—"), details});
    }
    return rows;
}

std::string run_page(const RunResult& r, const Scenario* sc, const std::vector<Figure>& figs,
                     std::string_view plots_note) {
    const RunSummary& s = r.summary;
    std::string b;
    b += fmt::format("<h1>kafkasim run: {}</h1>\n", escape(s.scenario));
    b += fmt::format(
        "<p class=\"sub\">{}seed <code>{}</code> · trace hash <code>{}</code> · {} s simulated · {} events "
        "· kafkasim {}</p>\n",
        sc && !sc->description.empty() ? escape(sc->description) + "<br>" : std::string(), s.seed, escape(s.trace_hash),
        num(s.sim_duration_s), s.events, escape(s.version));

    b += "<h2>Summary</h2>\n<div class=\"cards\">\n";
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
    b += "</div>\n";
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
    b += table({}, rows);
    if (!s.groups.empty()) {
        std::vector<std::vector<std::string>> g;
        for (const auto& x : s.groups) {
            g.push_back({escape(x.group_id), std::to_string(x.consumed), std::to_string(x.reprocessed),
                         std::to_string(x.skipped), std::to_string(x.skipped_initial_reset),
                         std::to_string(x.skipped_out_of_range_reset), std::to_string(x.deleted_unread),
                         std::to_string(x.rebalances), std::to_string(x.max_lag), std::to_string(x.final_lag),
                         escape(x.burrow_status)});
        }
        b += "<h2>Consumer groups</h2>\n";
        b += table({"group", "consumed", "reprocessed", "skipped", "by initial reset", "by out-of-range reset",
                    "deleted unread", "rebalances", "max lag", "final lag", "Burrow"},
                   g);
        b += "<p>skipped: records below what the group read (or below the log start) that no member "
             "read; by cause, each record once: passed over by <code>auto.offset.reset</code> with no committed "
             "offset (initial reset), passed over by a reset after an out-of-range fetch, or deleted by retention "
             "before any member read it.</p>\n";
        // As kafka-consumer-groups --describe at the end of duration_s ("-": unknown).
        std::vector<std::vector<std::string>> parts;
        for (const auto& x : s.groups) {
            for (const auto& p : x.partitions) {
                parts.push_back({escape(x.group_id), escape(p.topic), std::to_string(p.partition),
                                 p.committed_offset ? std::to_string(*p.committed_offset) : "-",
                                 p.high_watermark >= 0 ? std::to_string(p.high_watermark) : "-",
                                 p.lag ? std::to_string(*p.lag)
                                       : "<span class=\"bad\">- (" + escape(p.lag_unknown_reason) + ")</span>",
                                 p.owner.empty() ? "-" : escape(p.owner)});
            }
        }
        b += "<p>At the end of the scenario, as <code>kafka-consumer-groups --describe</code> shows it: a partition "
             "without a committed offset has no lag (\"-\"), however far behind its reader is.</p>\n";
        b += table({"group", "topic", "partition", "current offset", "log end offset (HW)", "lag", "consumer"}, parts);
    }
    for (const auto& w : s.warnings) b += "<p class=\"note\">" + escape(w) + "</p>\n";

    b += "<h2>Plots</h2>\n" + figures(figs, "plots", plots_note);

    if (sc) {
        b += "<h2>Fault schedule</h2>\n";
        if (sc->faults.empty()) {
            b += "<p>No scheduled faults.</p>\n";
        } else {
            auto fr = fault_rows(*sc);
            for (auto& row : fr)
                for (auto& c : row) c = escape(c);
            b += table({"at (s)", "action", "target", "for (s)", "details"}, fr);
        }
        if (sc->chaos.enabled) b += "<p>Chaos is on: random faults are narrated in the timeline below.</p>\n";
    }

    b += "<h2>Partitions at the end</h2>\n";
    std::vector<std::vector<std::string>> parts;
    auto list = [](const std::vector<std::int32_t>& v) {
        std::string t = "[";
        for (std::size_t i = 0; i < v.size(); ++i) t += (i ? "," : "") + std::to_string(v[i]);
        return t + "]";
    };
    for (const auto& p : s.partitions) {
        parts.push_back({escape(fmt::format("{}-{}", p.topic, p.partition)), list(p.replicas), std::to_string(p.leader),
                         list(p.isr), std::to_string(p.leader_epoch), std::to_string(p.log_end_offset),
                         std::to_string(p.high_watermark), num(p.write_unavailable_s), num(p.read_unavailable_s),
                         num(p.offline_s), num(p.under_replicated_s),
                         p.diverged ? "<span class=\"bad\">yes</span>" : "no"});
    }
    b += table({"partition", "replicas", "leader", "ISR", "epoch", "LEO", "HW", "write-unavailable s",
                "read-unavailable s", "offline s", "URP s", "diverged"},
               parts);

    b += "<h2>Timeline</h2>\n<table class=\"timeline\">\n<tbody>\n";
    std::size_t n = 0;
    for (const auto& e : narrate(r)) {
        if (++n > kTimelineRowsMax) break;
        b += fmt::format("<tr{}><td>{}</td><td>{}</td></tr>\n", notable(e.text) ? " class=\"bad\"" : "",
                         escape(timeline_clock(e.at)), escape(e.text));
    }
    b += "</tbody>\n</table>\n";
    if (r.timeline.size() > kTimelineRowsMax)
        b +=
            fmt::format("<p>… {} more lines in <code>timeline.txt</code>.</p>\n", r.timeline.size() - kTimelineRowsMax);
    return page("kafkasim run: " + s.scenario + " (seed " + std::to_string(s.seed) + ")", b);
}

}  // namespace ks::report::html
