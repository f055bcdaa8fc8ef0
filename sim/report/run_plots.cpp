#include "report/run_plots.hpp"
#include "monitor/metrics.hpp"
#include "report/plot_marks.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace ks::report {

namespace col = monitor::column;

namespace {

constexpr std::size_t kIsrLinesMax = 12;  // more partitions: min and mean ISR size instead
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::optional<std::size_t> column(const TimeSeries& t, const std::string& name) {
    const auto it = std::find(t.columns.begin(), t.columns.end(), name);
    if (it == t.columns.end()) return std::nullopt;
    return static_cast<std::size_t>(it - t.columns.begin());
}

double at(const std::vector<double>& row, std::optional<std::size_t> c) {
    return c && *c < row.size() ? row[*c] : kNaN;
}

bool ends_with(const std::string& s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

constexpr double kLeftMargin = 0.1;  // screen fraction, every plot over time
constexpr int kTimePlotWidthPx = 960;

// Shared framing of the plots over time.
struct TimeAxis {
    std::string faults;  // gp_fault_objects with labels
    double t_max = 1;    // the x axis is [0, t_max]
    std::vector<EventMark> marks;

    // The timeline's marks of the given kinds for a plot whose right margin is at `rmargin`.
    std::string events(const std::vector<MarkKind>& kinds, double rmargin) const {
        return gp_event_marks(
            marks, kinds,
            {.x_max_s = t_max, .plot_width_px = (rmargin - kLeftMargin) * kTimePlotWidthPx, .label_rows = 3});
    }
};

double t_max_of(const RunResult& r) {
    const auto& rows = r.series.rows;
    return rows.empty() ? 1.0 : std::max(1.0, rows.back().front());
}

TimeAxis time_axis(const RunResult& r, const Scenario* sc) {
    const auto windows = sc ? fault_windows(*sc) : std::vector<FaultWindow>{};
    const double heal_s = r.summary.sim_duration_s;
    const double end_s = r.series.rows.empty() ? heal_s : r.series.rows.back().front();
    const double t_max = t_max_of(r);
    return {.faults = gp_fault_objects(windows, heal_s, end_s, true),
            .t_max = t_max,
            .marks = event_marks(r, t_max, std::max(0.5, 0.015 * t_max))};
}

std::string common_x(const RunResult& r, double rmargin = 0.76) {
    return fmt::format(
        "set xlabel \"seconds since warm-up\"\nset xrange [0:{}]\nset lmargin at screen {}\n"
        "set rmargin at screen {}\n",
        gp_number(t_max_of(r)), gp_number(kLeftMargin), gp_number(rmargin));
}

PlotHover time_hover(const std::string& data, const std::vector<std::string>& skip = {}) {
    return PlotHover{.kind = PlotHover::Kind::time,
                     .nearest = PlotHover::Nearest::x,
                     .x_log = false,
                     .y_log = false,
                     .data_json = time_hover_json(data, skip)};
}

const std::vector<MarkKind> kBrokerMarks = {MarkKind::fenced, MarkKind::elected, MarkKind::unclean,
                                            MarkKind::truncated};
const std::vector<MarkKind> kGroupMarks = {MarkKind::rebalance, MarkKind::burrow, MarkKind::unclean,
                                           MarkKind::truncated};

// ---- availability --------------------------------------------------------------------------

std::optional<Plot> availability_plot(const RunResult& r, const TimeAxis& axis) {
    const TimeSeries& t = r.series;
    const auto c_t = column(t, col::kTime);
    if (!c_t || t.rows.empty()) return std::nullopt;
    const auto c_phase = column(t, col::kPhase);
    const auto c_off = column(t, col::kOffline);
    const auto c_urp = column(t, col::kUnderReplicated);
    const auto c_umi = column(t, col::kUnderMinIsr);
    const auto c_wu = column(t, col::kWriteUnavailable);
    const auto c_ru = column(t, col::kReadUnavailable);
    std::vector<std::pair<std::string, std::size_t>> isr;
    for (std::size_t i = 0; i < t.columns.size(); ++i) {
        if (ends_with(t.columns[i], ".isr_size")) isr.emplace_back(t.columns[i].substr(0, t.columns[i].size() - 9), i);
    }
    const bool per_partition = isr.size() <= kIsrLinesMax;
    std::string data =
        "# t_s phase OfflinePartitionsCount UnderReplicatedPartitions UnderMinIsrPartitionCount "
        "WriteUnavailablePartitions ReadUnavailablePartitions";
    if (per_partition) {
        for (const auto& [name, c] : isr) data += " " + name + ".isr_size";
    } else {
        data += " isr_size_min isr_size_mean";
    }
    data += "\n";
    double isr_max = 1, count_max = 0;
    for (const auto& row : t.rows) {
        data += gp_number(at(row, c_t)) + " " + gp_number(at(row, c_phase)) + " " + gp_number(at(row, c_off)) + " " +
                gp_number(at(row, c_urp)) + " " + gp_number(at(row, c_umi)) + " " + gp_number(at(row, c_wu)) + " " +
                gp_number(at(row, c_ru));
        for (auto c : {c_off, c_urp, c_umi, c_wu, c_ru}) {
            if (!std::isnan(at(row, c))) count_max = std::max(count_max, at(row, c));
        }
        double lo = std::numeric_limits<double>::infinity(), sum = 0;
        for (const auto& [name, c] : isr) {
            isr_max = std::max(isr_max, row[c]);
            lo = std::min(lo, row[c]);
            sum += row[c];
            if (per_partition) data += " " + gp_number(row[c]);
        }
        if (!per_partition) data += " " + gp_number(lo) + " " + gp_number(sum / static_cast<double>(isr.size()));
        data += "\n";
    }
    std::string s =
        svg_header("availability", kTimePlotWidthPx, 600) + common_x(r) + axis.faults + axis.events(kBrokerMarks, 0.76);
    s += "set multiplot layout 2,1\n";
    s += fmt::format("set title \"ISR size per partition{}\" noenhanced\n",
                     per_partition ? " (lines offset slightly to stay apart)" : ": min and mean");
    s += fmt::format("set ylabel \"replicas in sync\"\nset yrange [0:{}]\nset ytics 1\nunset xlabel\n",
                     gp_number(isr_max + 0.6));
    std::string plot = "plot ";
    if (isr.empty()) {
        plot += "NaN notitle";
    } else if (per_partition) {
        const double n = static_cast<double>(isr.size());
        for (std::size_t k = 0; k < isr.size(); ++k) {
            const double off = isr.size() > 1 ? 0.18 * (static_cast<double>(k) / (n - 1) - 0.5) : 0.0;
            plot += fmt::format("{}\"availability.dat\" using 1:(${}+({})) with steps lw 1.5 title {} noenhanced",
                                k ? ", \\\n     " : "", 8 + k, gp_number(off), gp_string(isr[k].first));
        }
    } else {
        plot +=
            "\"availability.dat\" using 1:8 with steps lw 2 title \"min\", "
            "\"\" using 1:9 with lines lw 1.5 dt 2 title \"mean\"";
    }
    s += plot + "\n" + gp_frame_print("availability", true);
    s += "unset label\nunset title\nset xlabel \"seconds since warm-up\"\n";
    s += "set title \"Partitions under-replicated, under min ISR, offline (brokers' gauges); write- / "
         "read-unavailable (clients' view)\"\n";
    s += fmt::format("set ylabel \"partitions\"\nset yrange [0:{}]\n", gp_number(std::max(1.0, count_max) + 1));
    s += count_max <= 10 ? "set ytics 1\n" : "set ytics autofreq\n";
    s += "plot \"availability.dat\" using 1:4 with steps lw 2 lc rgb \"#e69f00\" title \"UnderReplicatedPartitions\", "
         "\\\n"
         "     \"\" using 1:5 with steps lw 1.5 dt 2 lc rgb \"#0072b2\" title \"UnderMinIsrPartitionCount\", \\\n"
         "     \"\" using 1:3 with steps lw 2.5 lc rgb \"#d62728\" title \"OfflinePartitionsCount\", \\\n"
         "     \"\" using 1:6 with steps lw 2 dt 4 lc rgb \"#7b3294\" title \"WriteUnavailablePartitions\", \\\n"
         "     \"\" using 1:7 with steps lw 1.5 dt 3 lc rgb \"#008837\" title \"ReadUnavailablePartitions\"\n";
    s += gp_frame_print("availability", false) + "unset multiplot\n";
    PlotHover hover = time_hover(data, {"phase"});
    return Plot{.name = "availability",
                .caption =
                    "ISR size, and partitions under-replicated / offline (the brokers' gauges) and write- / "
                    "read-unavailable (no produce or fetch could complete: the clients' view), sampled, over "
                    "time (faults shaded; fencing, elections and truncations marked at the bottom)",
                .data = std::move(data),
                .script = std::move(s),
                .hover = std::move(hover)};
}

// ---- latency ---------------------------------------------------------------------------------

std::optional<Plot> latency_plot(const RunResult& r, const TimeAxis& axis) {
    const TimeSeries& t = r.series;
    const auto c_t = column(t, col::kTime);
    const auto c_p99 = column(t, col::kLatencyP99);
    if (!c_t || !c_p99 || t.rows.empty()) return std::nullopt;
    std::vector<std::size_t> acked;
    for (std::size_t i = 0; i < t.columns.size(); ++i) {
        if (ends_with(t.columns[i], col::kAcked)) acked.push_back(i);
    }
    std::string data = "# t_s produce_latency_p99_ms acked_per_s\n";
    double lo = std::numeric_limits<double>::infinity(), hi = 0;
    double prev_t = kNaN, prev_acked = 0;
    for (const auto& row : t.rows) {
        const double tt = at(row, c_t);
        double a = 0;
        for (auto c : acked) a += row[c];
        const double rate = (!std::isnan(prev_t) && tt > prev_t) ? (a - prev_acked) / (tt - prev_t) : kNaN;
        prev_t = tt;
        prev_acked = a;
        const double p99 = at(row, c_p99);
        if (p99 > 0) {
            lo = std::min(lo, p99);
            hi = std::max(hi, p99);
        }
        data += gp_number(tt) + " " + gp_number(p99 > 0 ? p99 : kNaN) + " " + gp_number(rate) + "\n";
    }
    std::string s = svg_header("latency", kTimePlotWidthPx, 380) + common_x(r, 0.9) + axis.faults +
                    axis.events(kBrokerMarks, 0.9) + "set key below\n";
    s += "set title \"Produce latency p99 per sample interval and acknowledged records per second\"\n";
    if (hi > 0 && hi / lo > 30) s += "set logscale y\n";
    s += "set ylabel \"p99 latency (ms)\"\nset y2label \"records acked / s\"\nset ytics nomirror\nset y2tics\n"
         "set y2range [0:*]\n";
    s += "plot \"latency.dat\" using 1:3 axes x1y2 with steps lw 1 lc rgb \"#6baed6\" title \"acked / s\", \\\n"
         "     \"\" using 1:2 with lines lw 2.5 lc rgb \"#d62728\" title \"produce p99 (ms)\"\n";
    s += gp_frame_print("latency", true);
    PlotHover hover = time_hover(data);
    return Plot{.name = "latency",
                .caption = "Produce latency p99 and acknowledged throughput over time",
                .data = std::move(data),
                .script = std::move(s),
                .hover = std::move(hover)};
}

// ---- records ---------------------------------------------------------------------------------

Plot records_plot(const RunResult& r) {
    const RecordsSummary& x = r.summary.records;
    struct Bar {
        const char* name;
        std::int64_t value;
        int rgb;
    };
    std::vector<Bar> bars = {{"sent", x.sent, 0x9e9e9e},
                             {"acked", x.acked, 0x2ca02c},
                             {"acked, LOST", x.acked_lost, 0xd62728},
                             {"failed", x.failed, 0xff7f0e},
                             {"duplicated", x.duplicated, 0x9467bd}};
    if (x.pending > 0) bars.push_back({"pending", x.pending, 0xbcbd22});
    std::string data = "# index name count rgb\n";
    std::int64_t most = 1;
    nlohmann::json hx = nlohmann::json::array(), hy = nlohmann::json::array(), text = nlohmann::json::array();
    for (std::size_t i = 0; i < bars.size(); ++i) {
        data += fmt::format("{} \"{}\" {} {}\n", i, bars[i].name, bars[i].value, bars[i].rgb);
        most = std::max(most, bars[i].value);
        hx.push_back(i);
        hy.push_back(std::max<std::int64_t>(1, bars[i].value));  // on the log axis, 0 sits at 1
        const double share =
            x.sent > 0 ? 100.0 * static_cast<double>(bars[i].value) / static_cast<double>(x.sent) : 0.0;
        text.push_back(fmt::format("{}\n{} records, {:.3g} % of sent", bars[i].name, bars[i].value, share));
    }
    std::string s = svg_header("records", 960, 360);
    s += "set title \"Records: sent, acknowledged, acknowledged but lost, failed, duplicated (log scale)\"\n";
    s += "unset key\nset style fill solid 0.85 border -1\nset boxwidth 0.6\nset logscale y\n";
    s += fmt::format("set yrange [0.8:{}]\n", gp_number(static_cast<double>(most) * 8));
    s += "set ylabel \"records\"\nset xtics noenhanced\nset xrange [-0.6:" +
         gp_number(static_cast<double>(bars.size()) - 0.4) + "]\nset grid noxtics\n";
    s += "plot \"records.dat\" using 1:(($3>0)?$3:NaN):4:xtic(2) with boxes lc rgb variable, \\\n"
         "     \"\" using 1:(($3>0)?$3:1):(sprintf(\"%.0f\",$3)) with labels offset 0,0.9 font \",11\"\n";
    s += gp_frame_print("records", true);
    return Plot{.name = "records",
                .caption = "Records acknowledged vs acknowledged-but-lost vs failed",
                .data = std::move(data),
                .script = std::move(s),
                .hover = PlotHover{.kind = PlotHover::Kind::points,
                                   .nearest = PlotHover::Nearest::x,
                                   .x_log = false,
                                   .y_log = true,
                                   .data_json = nlohmann::json{{"x", hx}, {"y", hy}, {"text", text}}.dump()}};
}

// ---- consumer lag ----------------------------------------------------------------------------

std::optional<Plot> lag_plot(const RunResult& r, const TimeAxis& axis) {
    const TimeSeries& t = r.series;
    const auto c_t = column(t, col::kTime);
    // Per group its total lag ("<group>.lag"), and per partition
    // ("<group>.<topic>-<p>.lag") drawn thin when a group has few partitions.
    struct Line {
        std::string title;
        std::size_t column;
        bool partition;
        bool position = false;  // the members' records-lag (by position), dashed
    };
    std::vector<Line> lines;
    std::vector<std::string> group_ids;
    for (const GroupSummary& g : r.summary.groups) group_ids.push_back(g.group_id);
    if (group_ids.empty()) {
        // A series without its summary's groups: every "<x>.lag" is a group total.
        for (const std::string& c : t.columns) {
            if (ends_with(c, col::kLag))
                group_ids.push_back(c.substr(0, c.size() - std::string_view(col::kLag).size()));
        }
    }
    for (const std::string& group_id : group_ids) {
        const auto total = column(t, group_id + col::kLag);
        if (!total) continue;
        lines.push_back({group_id + " (committed)", *total, false});
        if (const auto by_position = column(t, group_id + col::kRecordsLag)) {
            lines.push_back({group_id + " (position)", *by_position, false, true});
        }
        std::vector<Line> parts;
        const std::string prefix = group_id + ".";
        for (std::size_t i = 0; i < t.columns.size(); ++i) {
            const std::string& c = t.columns[i];
            if (i != *total && c.size() > prefix.size() + 4 && c.compare(0, prefix.size(), prefix) == 0 &&
                ends_with(c, col::kLag)) {
                parts.push_back({group_id + " " + c.substr(prefix.size(), c.size() - prefix.size() - 4), i, true});
            }
        }
        if (parts.size() <= 12) lines.insert(lines.end(), parts.begin(), parts.end());
    }
    if (!c_t || lines.empty() || t.rows.empty()) return std::nullopt;
    std::string data = "# t_s";
    for (const Line& l : lines) data += " " + t.columns[l.column];
    data += "\n";
    for (const auto& row : t.rows) {
        data += gp_number(at(row, c_t));
        for (const Line& l : lines) data += " " + gp_number(row[l.column]);
        data += "\n";
    }
    std::string s = svg_header("lag", kTimePlotWidthPx, 380) + common_x(r) + axis.faults +
                    axis.events(kGroupMarks, 0.76) + "set key below\n";
    s += "set title \"Consumer lag: records behind the high watermark, per group from committed offsets (thick) "
         "and from the members' positions (dashed), per partition from committed offsets (thin)\"\n";
    s += "set ylabel \"records\"\nset yrange [0:*]\n";
    std::string plot = "plot ";
    for (std::size_t k = 0; k < lines.size(); ++k) {
        plot += fmt::format("{}\"lag.dat\" using 1:{} with lines lw {}{} title {} noenhanced", k ? ", \\\n     " : "",
                            k + 2, lines[k].partition ? "1" : "2.5", lines[k].position ? " dt 2" : "",
                            gp_string(lines[k].title));
    }
    s += plot + "\n" + gp_frame_print("lag", true);
    PlotHover hover = time_hover(data);
    return Plot{.name = "lag",
                .caption =
                    "Consumer lag per group and per partition over time (rebalances and Burrow's verdicts "
                    "marked at the bottom)",
                .data = std::move(data),
                .script = std::move(s),
                .hover = std::move(hover)};
}

}  // namespace

std::vector<Plot> run_plots(const RunResult& r, const Scenario* scenario) {
    const TimeAxis axis = time_axis(r, scenario);
    std::vector<Plot> out;
    if (auto p = availability_plot(r, axis)) out.push_back(std::move(*p));
    if (auto p = latency_plot(r, axis)) out.push_back(std::move(*p));
    if (r.summary.records_measured) out.push_back(records_plot(r));
    if (auto p = lag_plot(r, axis)) out.push_back(std::move(*p));
    return out;
}

}  // namespace ks::report
