#include "report/compare_pages.hpp"

#include <algorithm>
#include <cmath>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace ks::report {

namespace {

std::string quoted_label(const std::string& label) {
    std::string s = "\"";
    for (char c : label) s += c == '"' ? '\'' : c;
    return s + "\"";
}

constexpr std::size_t kUprightBarsMax = 6;  // more variants: horizontal bars, labels on the left
constexpr std::size_t kPointLabelsMax = 6;  // more variants: points labelled by their number
constexpr std::size_t kBarLabelChars = 80;  // a longer label is cut on the axis (the hover has it whole)

// What the hover shows of a variant.
std::string hover_text(const VariantStats& s) {
    return fmt::format(
        "#{} {}\nP(acked lost) {:.3f}  (95 %: {:.3f} - {:.3f})\n{} of {} runs lost data; acked_lost mean {:.1f}, "
        "max {:.0f}\nproduce p50 {:.2f} ms, p99 {:.2f} ms (means over seeds)",
        s.variant + 1, s.label, s.p_loss, s.p_loss_95.low, s.p_loss_95.high, s.runs_with_loss, s.runs,
        s.acked_lost.mean, s.acked_lost.max, s.latency_p50_ms_mean, s.latency_p99_ms_mean);
}

PlotHover points_hover(const std::vector<VariantStats>& stats, const std::vector<double>& x,
                       const std::vector<double>& y, PlotHover::Nearest nearest, bool x_log) {
    nlohmann::json text = nlohmann::json::array();
    for (const auto& s : stats) text.push_back(hover_text(s));
    return PlotHover{.kind = PlotHover::Kind::points,
                     .nearest = nearest,
                     .x_log = x_log,
                     .y_log = false,
                     .data_json = nlohmann::json{{"x", x}, {"y", y}, {"text", std::move(text)}}.dump()};
}

std::string cut(const std::string& label) {
    return label.size() <= kBarLabelChars ? label : label.substr(0, kBarLabelChars - 3) + "...";
}

// Few variants: upright bars, their labels under the axis (rotated when long).
std::string upright_bars_script(const std::vector<VariantStats>& stats, std::size_t longest) {
    const bool rotate = stats.size() > 4 || longest > 18;
    // Upright labels hang below the axis: room for the longest (10-point type,
    // about 5 px a character, 14 px a margin row).
    const int label_rows = rotate ? 2 + static_cast<int>(longest * 5 / 14) : 0;
    std::string s = svg_header("loss", 960, rotate ? 380 + 14 * label_rows : 400);
    s += "set title \"P(any acknowledged record lost) per variant, with 95% Wilson intervals\"\n";
    s += "unset key\nset style fill solid 0.55 border -1\nset boxwidth 0.6\nset yrange [0:1.05]\n"
         "set ylabel \"probability over seeds\"\nset xtics noenhanced\nset grid noxtics\n";
    s += fmt::format("set xrange [-0.6:{}]\n", gp_number(static_cast<double>(stats.size()) - 0.4));
    if (rotate) s += fmt::format("set xtics rotate by 90 right font \",10\"\nset bmargin {}\n", label_rows);
    s += "plot \"loss.dat\" using 1:3:xtic(2) with boxes lc rgb \"#d62728\", \\\n"
         "     \"\" using 1:3:4:5 with yerrorbars lc rgb \"#222222\" lw 1.5 pt 7 ps 0.6, \\\n"
         "     \"\" using 1:5:(sprintf(\"%.0f/%.0f\",$7,$6)) with labels offset 0,0.8 font \",10\"\n";
    return s;
}

// Many variants: a bar per row, the first on top, labels on the left.
std::string horizontal_bars_script(const std::vector<VariantStats>& stats, std::size_t longest) {
    const double n = static_cast<double>(stats.size());
    // 10-point labels, about 5.6 px a character, at most half the width.
    const double left = std::min(0.5, (static_cast<double>(std::min(longest, kBarLabelChars)) * 5.6 + 30) / 960);
    std::string s = svg_header("loss", 960, 110 + 24 * static_cast<int>(stats.size()));
    s += "set title \"P(any acknowledged record lost) per variant, with 95% Wilson intervals\"\n";
    s += "unset key\nset style fill solid 0.55 border -1\nset xrange [0:1.12]\n"
         "set xlabel \"probability over seeds\"\nset ytics noenhanced font \",10\" nomirror\nset grid noytics\n";
    s += fmt::format("set yrange [{}:-0.6]\nset lmargin at screen {}\nset rmargin at screen 0.97\n", gp_number(n - 0.4),
                     gp_number(left));
    // Columns of loss.dat: 1 index, 2 label, 3 p_loss, 4 low, 5 high, 6 runs, 7 runs_with_loss.
    s += "plot \"loss.dat\" using ($3/2):1:($3/2):(0.3):ytic(8) with boxxyerror lc rgb \"#d62728\", \\\n"
         "     \"\" using 3:1:4:5 with xerrorbars lc rgb \"#222222\" lw 1.5 pt 7 ps 0.6, \\\n"
         "     \"\" using 5:1:(sprintf(\"%.0f/%.0f\",$7,$6)) with labels left offset 0.8,0 font \",10\"\n";
    return s;
}

Plot loss_plot(const std::vector<VariantStats>& stats) {
    const bool horizontal = stats.size() > kUprightBarsMax;
    std::string data = "# index label p_loss low high runs runs_with_loss axis_label\n";
    std::size_t longest = 0;
    std::vector<double> x, y;
    for (const auto& s : stats) {
        data += fmt::format("{} {} {} {} {} {} {} {}\n", s.variant, quoted_label(s.label), gp_number(s.p_loss),
                            gp_number(s.p_loss_95.low), gp_number(s.p_loss_95.high), s.runs, s.runs_with_loss,
                            quoted_label(fmt::format("#{} {}", s.variant + 1, cut(s.label))));
        longest = std::max(longest, s.label.size() + (horizontal ? 4 : 0));
        x.push_back(horizontal ? s.p_loss : static_cast<double>(s.variant));
        y.push_back(horizontal ? static_cast<double>(s.variant) : s.p_loss);
    }
    std::string script = horizontal ? horizontal_bars_script(stats, longest) : upright_bars_script(stats, longest);
    script += gp_frame_print("loss", true);
    return Plot{.name = "loss",
                .caption = "Probability that a run lost any acknowledged record, per variant (95 % Wilson interval)",
                .data = std::move(data),
                .script = std::move(script),
                .hover = points_hover(stats, x, y, horizontal ? PlotHover::Nearest::y : PlotHover::Nearest::x, false)};
}

Plot latency_loss_plot(const std::vector<VariantStats>& stats) {
    std::string data = "# index label latency_p99_ms_mean p_loss low high latency_p50_ms_mean label_y\n";
    double lo = 0, hi = 0;
    bool first = true;
    for (const auto& s : stats) {
        lo = first ? s.latency_p99_ms_mean : std::min(lo, s.latency_p99_ms_mean);
        hi = first ? s.latency_p99_ms_mean : std::max(hi, s.latency_p99_ms_mean);
        first = false;
    }
    // Variants that land on (nearly) the same point get their labels stacked
    // instead of printed over each other: each takes the lowest row no near
    // point before it holds.
    const double near_x = std::max(1e-9, (hi - lo) * 0.04);
    std::vector<int> rows(stats.size(), 0);
    for (std::size_t i = 0; i < stats.size(); ++i) {
        const auto& s = stats[i];
        std::vector<bool> taken(i + 1, false);
        for (std::size_t j = 0; j < i; ++j) {
            const bool near = std::abs(stats[j].p_loss - s.p_loss) < 0.03 &&
                              std::abs(stats[j].latency_p99_ms_mean - s.latency_p99_ms_mean) < near_x;
            if (near) taken[static_cast<std::size_t>(rows[j])] = true;
        }
        while (taken[static_cast<std::size_t>(rows[i])]) ++rows[i];
        const double label_y = s.p_loss + (s.p_loss > 0.5 ? -0.065 : 0.065) * rows[i];
        // Many variants: a point is labelled by its number (the table's #), the hover names it.
        const std::string label = stats.size() > kPointLabelsMax ? fmt::format("#{}", s.variant + 1) : s.label;
        data += fmt::format("{} {} {} {} {} {} {} {}\n", s.variant, quoted_label(label),
                            gp_number(s.latency_p99_ms_mean), gp_number(s.p_loss), gp_number(s.p_loss_95.low),
                            gp_number(s.p_loss_95.high), gp_number(s.latency_p50_ms_mean), gp_number(label_y));
    }
    std::string s = svg_header("latency_loss", 960, 440);
    s += "set title \"What a setting costs (produce latency) against what it risks (loss probability)\"\n";
    s += "unset key\nset yrange [-0.03:1.08]\nset ylabel \"P(any acknowledged record lost)\"\n"
         "set xlabel \"produce latency p99, mean over seeds (ms)\"\n";
    const bool log_x = lo > 0 && hi / lo > 20;
    if (log_x) {
        s += "set logscale x\n";
    } else {
        const double pad = std::max(0.5, (hi - lo) * 0.15);
        // The labels run to the right of their points: room for them.
        s += fmt::format("set xrange [{}:{}]\n", gp_number(std::max(0.0, lo - pad)),
                         gp_number(hi + std::max(pad, (hi - lo) * 0.45)));
    }
    s += "plot \"latency_loss.dat\" using 3:4:5:6 with yerrorbars lc rgb \"#1f77b4\" lw 1.5 pt 7 ps 1.2, \\\n"
         "     \"\" using 3:8:2 with labels left offset 1,0.6 font \",9\" noenhanced\n";
    s += gp_frame_print("latency_loss", true);
    std::vector<double> x, y;
    for (const auto& v : stats) {
        x.push_back(v.latency_p99_ms_mean);
        y.push_back(v.p_loss);
    }
    return Plot{.name = "latency_loss",
                .caption = stats.size() > kPointLabelsMax
                               ? "Produce latency p99 against loss probability, one point per variant (numbered as "
                                 "in the table)"
                               : "Produce latency p99 against loss probability, one point per variant",
                .data = std::move(data),
                .script = std::move(s),
                .hover = points_hover(stats, x, y, PlotHover::Nearest::xy, log_x)};
}

// Per variant, the distribution over seeds of the largest lag sample (red)
// and of the time-averaged lag (blue): boxes from p25 to p75, whiskers from
// the smallest to the largest seed, a bar at the median.
std::optional<Plot> lag_spread_plot(const std::vector<VariantStats>& stats) {
    if (std::none_of(stats.begin(), stats.end(),
                     [](const VariantStats& s) { return s.max_consumer_lag_spread.has_value(); }))
        return std::nullopt;
    const bool numbered = stats.size() > kUprightBarsMax;
    std::string data =
        "# index label max_min max_p25 max_p50 max_p75 max_max mean_min mean_p25 mean_p50 mean_p75 mean_max\n";
    std::size_t longest = 0;
    std::vector<double> x, y;
    nlohmann::json text = nlohmann::json::array();
    for (const auto& s : stats) {
        if (!s.max_consumer_lag_spread) continue;
        const Spread& a = *s.max_consumer_lag_spread;
        const Spread& m = *s.mean_consumer_lag_spread;
        const std::string label = numbered ? fmt::format("#{}", s.variant + 1) : cut(s.label);
        longest = std::max(longest, label.size());
        data += fmt::format("{} {} {} {} {} {} {} {} {} {} {} {}\n", s.variant, quoted_label(label), gp_number(a.min),
                            gp_number(a.p25), gp_number(a.p50), gp_number(a.p75), gp_number(a.max), gp_number(m.min),
                            gp_number(m.p25), gp_number(m.p50), gp_number(m.p75), gp_number(m.max));
        x.push_back(static_cast<double>(s.variant));
        y.push_back(a.p50);
        text.push_back(fmt::format(
            "#{} {}\nlargest lag sample over {} seeds: min {:.0f}, p25 {:.0f}, median {:.0f}, p75 {:.0f}, max "
            "{:.0f}\ntime-averaged lag: min {:.1f}, p25 {:.1f}, median {:.1f}, p75 {:.1f}, max {:.1f} (mean {:.1f})",
            s.variant + 1, s.label, s.runs, a.min, a.p25, a.p50, a.p75, a.max, m.min, m.p25, m.p50, m.p75, m.max,
            m.mean));
    }
    const bool rotate = stats.size() > 4 || longest > 18;
    const int label_rows = rotate ? 2 + static_cast<int>(longest * 5 / 14) : 0;
    std::string sc = svg_header("lag_spread", 960, 400 + 14 * label_rows);
    sc += "set title \"Consumer lag over seeds: largest sample (red) and time-averaged (blue), committed offsets\"\n";
    sc +=
        "set key top left\nset style fill solid 0.35 border -1\nset boxwidth 0.3\nset yrange [0:*]\n"
        "set ylabel \"records behind the high watermark\"\nset xtics noenhanced\nset grid ytics\n";
    sc += fmt::format("set xrange [-0.6:{}]\n", gp_number(static_cast<double>(stats.size()) - 0.4));
    if (rotate) sc += fmt::format("set xtics rotate by 90 right font \",10\"\nset bmargin {}\n", label_rows);
    // Columns: 1 index, 2 label, 3-7 largest (min p25 p50 p75 max), 8-12 time-averaged.
    sc +=
        "plot \"lag_spread.dat\" using ($1-0.17):4:3:7:6:xtic(2) with candlesticks whiskerbars 0.5 "
        "lc rgb \"#d62728\" title \"largest lag sample\", \\\n"
        "     \"\" using ($1-0.17):5:5:5:5 with candlesticks lc rgb \"#d62728\" lw 2 notitle, \\\n"
        "     \"\" using ($1+0.17):9:8:12:11 with candlesticks whiskerbars 0.5 lc rgb \"#1f77b4\" "
        "title \"time-averaged lag\", \\\n"
        "     \"\" using ($1+0.17):10:10:10:10 with candlesticks lc rgb \"#1f77b4\" lw 2 notitle\n";
    sc += gp_frame_print("lag_spread", true);
    return Plot{.name = "lag_spread",
                .caption = numbered ? "Consumer lag per variant over seeds (numbered as in the table): the largest "
                                      "sample and the time-averaged lag of each run; boxes p25–p75, whiskers "
                                      "min–max, bar at the median"
                                    : "Consumer lag per variant over seeds: the largest sample and the time-averaged "
                                      "lag of each run; boxes p25–p75, whiskers min–max, bar at the median",
                .data = std::move(data),
                .script = std::move(sc),
                .hover = PlotHover{.kind = PlotHover::Kind::points,
                                   .nearest = PlotHover::Nearest::x,
                                   .x_log = false,
                                   .y_log = false,
                                   .data_json = nlohmann::json{{"x", x}, {"y", y}, {"text", std::move(text)}}.dump()}};
}

// The first seed's committed lag over time, one line per variant, the fault
// windows of the seed shaded.
std::optional<Plot> lag_first_seed_plot(const ks::SweepResult& r, const std::vector<VariantStats>& stats,
                                        const CompareReplays& replays) {
    std::vector<std::size_t> shown;
    std::size_t rows = 0;
    for (std::size_t v = 0; v < replays.first_seed_lag.size(); ++v) {
        if (replays.first_seed_lag[v].empty()) continue;
        if (rows && replays.first_seed_lag[v].size() != rows) return std::nullopt;  // one time axis for every line
        rows = replays.first_seed_lag[v].size();
        shown.push_back(v);
    }
    if (shown.empty()) return std::nullopt;
    const bool numbered = stats.size() > kPointLabelsMax;
    std::string data = "# t_s";
    for (std::size_t v : shown) data += fmt::format(" v{}", v + 1);
    data += "\n";
    // Variants may settle at different times: a row per time of the longest
    // run would need every line; each line stops where its run stopped.
    for (std::size_t i = 0; i < rows; ++i) {
        data += gp_number(replays.first_seed_lag[shown.front()][i].first);
        for (std::size_t v : shown) data += " " + gp_number(replays.first_seed_lag[v][i].second);
        data += "\n";
    }
    const double t_max = std::max(1.0, replays.first_seed_lag[shown.front()].back().first);
    std::string sc = svg_header("lag_first_seed", 960, 420 + 16 * static_cast<int>(shown.size() / 3));
    sc += fmt::format(
        "set title \"Consumer lag over time, seed {}: every variant (committed lag, summed over groups; "
        "faults shaded)\"\n",
        r.grid.first_seed);
    sc += fmt::format(
        "set xlabel \"seconds since warm-up\"\nset xrange [0:{}]\nset ylabel \"records\"\n"
        "set yrange [0:*]\nset key below noenhanced\n",
        gp_number(t_max));
    sc += gp_fault_objects(replays.faults, replays.heal_s, t_max, true);
    std::string plot = "plot ";
    for (std::size_t k = 0; k < shown.size(); ++k) {
        const std::size_t v = shown[k];
        const std::string title = numbered ? fmt::format("#{} {}", v + 1, cut(stats[v].label)) : stats[v].label;
        plot += fmt::format("{}\"lag_first_seed.dat\" using 1:{} with lines lw 2 title {}", k ? ", \\\n     " : "",
                            k + 2, gp_string(title));
    }
    sc += plot + "\n" + gp_frame_print("lag_first_seed", true);
    PlotHover hover{.kind = PlotHover::Kind::time,
                    .nearest = PlotHover::Nearest::x,
                    .x_log = false,
                    .y_log = false,
                    .data_json = time_hover_json(data)};
    return Plot{.name = "lag_first_seed",
                .caption = fmt::format("Consumer lag over time in seed {}, every variant on one plot (the same "
                                       "workload and faults; faults shaded)",
                                       r.grid.first_seed),
                .data = std::move(data),
                .script = std::move(sc),
                .hover = std::move(hover)};
}

std::string f1(double v) {
    return fmt::format("{:.1f}", v);
}

// A cell's background on a white-to-colour scale: share 0 white, 1 full.
std::string heat_style(double share, int r, int g, int b) {
    const double k = std::clamp(share, 0.0, 1.0) * 0.75;
    auto mix = [k](int c) { return static_cast<int>(std::lround(255 - (255 - c) * k)); };
    return fmt::format(" style=\"background:#{:02x}{:02x}{:02x}\"", mix(r), mix(g), mix(b));
}

// The matrix view: rows the first axis, columns the second, one matrix per
// combination of the other axes' values; P(loss) and produce latency.
std::string matrix_section(const ks::SweepResult& r, const std::vector<VariantStats>& stats) {
    const auto& g = r.grid;
    if (g.axes.size() < 2) return {};
    const std::size_t rows = g.axes[0].values_json.size(), cols = g.axes[1].values_json.size();
    const std::size_t inner = g.variants.size() / (rows * cols);  // combinations of the other axes
    double lat_max = 0;
    for (const auto& s : stats) lat_max = std::max(lat_max, s.latency_p99_ms_mean);
    std::string b = "<h2>Matrix view</h2>\n<p>Rows: <code>" + html::escape(g.axes[0].path) +
                    "</code>; columns: <code>" + html::escape(g.axes[1].path) +
                    "</code>. Each cell is one variant (its # in the table): P(any acknowledged record lost) "
                    "shaded red from 0 to 1, and produce latency p50 / p99 (means over seeds) shaded blue up to "
                    "the largest p99 of the grid.</p>\n";
    for (std::size_t k = 0; k < inner; ++k) {
        // Variant index of (row i, column j, other axes k): the first axis varies slowest.
        auto variant = [&](std::size_t i, std::size_t j) { return (i * cols + j) * inner + k; };
        if (inner > 1) {
            std::string rest;
            for (std::size_t a = 2; a < g.axes.size(); ++a) {
                const auto& set = g.variants[variant(0, 0)][a];
                rest += (rest.empty() ? "" : ", ") + ks::axis_short_name(g.axes[a].path) + "=" +
                        ks::axis_value_text(set.value_json);
            }
            b += "<h3>" + html::escape(rest) + "</h3>\n";
        }
        for (int which = 0; which < 2; ++which) {
            std::string t = "<table class=\"matrix\"><tr><th>" + html::escape(ks::axis_short_name(g.axes[0].path)) +
                            " \\ " + html::escape(ks::axis_short_name(g.axes[1].path)) + "</th>";
            for (std::size_t j = 0; j < cols; ++j)
                t += "<th>" + html::escape(ks::axis_value_text(g.axes[1].values_json[j])) + "</th>";
            t += "</tr>\n";
            for (std::size_t i = 0; i < rows; ++i) {
                t += "<tr><th>" + html::escape(ks::axis_value_text(g.axes[0].values_json[i])) + "</th>";
                for (std::size_t j = 0; j < cols; ++j) {
                    const VariantStats& s = stats[variant(i, j)];
                    if (which == 0) {
                        t += fmt::format("<td{}>{:.2f}<br><small>{:.2f}–{:.2f} · #{}</small></td>",
                                         heat_style(s.p_loss, 0xd6, 0x27, 0x28), s.p_loss, s.p_loss_95.low,
                                         s.p_loss_95.high, s.variant + 1);
                    } else {
                        t +=
                            fmt::format("<td{}>{:.1f} / {:.1f} ms<br><small>#{}</small></td>",
                                        heat_style(lat_max > 0 ? s.latency_p99_ms_mean / lat_max : 0, 0x1f, 0x77, 0xb4),
                                        s.latency_p50_ms_mean, s.latency_p99_ms_mean, s.variant + 1);
                    }
                }
                t += "</tr>\n";
            }
            t += "</table>\n";
            b += which == 0 ? "<p>P(acked lost), 95 % interval</p>\n" + t : "<p>produce latency p50 / p99</p>\n" + t;
        }
    }
    return b;
}

}  // namespace

std::vector<Plot> compare_plots(const ks::SweepResult& r, const std::vector<VariantStats>& stats,
                                const CompareReplays* replays) {
    std::vector<Plot> out = {loss_plot(stats), latency_loss_plot(stats)};
    if (auto p = lag_spread_plot(stats)) out.push_back(std::move(*p));
    if (replays) {
        if (auto p = lag_first_seed_plot(r, stats, *replays)) out.push_back(std::move(*p));
    }
    return out;
}

std::string compare_page(const ks::SweepResult& r, const std::vector<VariantStats>& stats,
                         const std::vector<html::Figure>& figs, std::string_view plots_note,
                         const CompareReplays* replays) {
    using html::escape;
    const auto& g = r.grid;
    std::string b;
    b += fmt::format("<h1>kafkasim compare: {}</h1>\n", escape(g.scenario));
    b += fmt::format("<p class=\"sub\">{}{} variants × {} seeds (seeds {}..{}) · scenario file <code>{}</code></p>\n",
                     g.description.empty() ? std::string() : escape(g.description) + "<br>", g.variants.size(), g.seeds,
                     g.first_seed, g.first_seed + static_cast<std::uint64_t>(g.seeds) - 1, escape(g.file));
    b += "<p>Every variant runs the same seeds; a seed fixes the workload and the fault schedule (common random "
         "numbers), so the differences between variants come from the settings, not from luck. "
         "P(loss) is the share of runs in which at least one acknowledged record was missing from the final "
         "committed log; its 95 % interval is Wilson's score interval. StrongIsr broken counts the runs in which, "
         "at some moment, a member of a partition's ISR lacked records below the leader's high watermark or held "
         "other ones: one more failure then loses acknowledged records.</p>\n";
    if (!g.overrides.empty()) {
        std::string o;
        for (const auto& x : g.overrides) o += (o.empty() ? "" : " ") + std::string("--set ") + x;
        b += "<p>Every variant with: <code>" + escape(o) + "</code></p>\n";
    }

    b += "<h2>Results per variant</h2>\n";
    const bool lag =
        std::any_of(stats.begin(), stats.end(), [](const VariantStats& s) { return s.max_consumer_lag.has_value(); });
    std::vector<std::string> header = {"#",
                                       "variant",
                                       "runs",
                                       "P(acked lost)",
                                       "95 % interval",
                                       "acked_lost mean",
                                       "acked_lost max",
                                       "failed mean",
                                       "duplicated mean",
                                       "write-unavailable s mean",
                                       "read-unavailable s mean",
                                       "offline s mean",
                                       "p50 ms",
                                       "p99 ms"};
    if (lag) {
        header.push_back("max lag");
        header.push_back("mean lag");
    }
    header.push_back("not settled");
    header.push_back("StrongIsr broken");
    std::vector<std::vector<std::string>> rows;
    for (const auto& s : stats) {
        std::vector<std::string> row = {std::to_string(s.variant + 1),
                                        escape(s.label),
                                        std::to_string(s.runs),
                                        fmt::format("{:.3f}", s.p_loss),
                                        fmt::format("{:.3f} – {:.3f}", s.p_loss_95.low, s.p_loss_95.high),
                                        f1(s.acked_lost.mean),
                                        fmt::format("{:.0f}", s.acked_lost.max),
                                        f1(s.failed.mean),
                                        f1(s.duplicated.mean),
                                        f1(s.write_unavailable_partition_s.mean),
                                        f1(s.read_unavailable_partition_s.mean),
                                        f1(s.offline_partition_s.mean),
                                        fmt::format("{:.2f}", s.latency_p50_ms_mean),
                                        fmt::format("{:.2f}", s.latency_p99_ms_mean)};
        if (s.runs_with_loss > 0) row[3] = "<span class=\"bad\">" + row[3] + "</span>";
        if (lag) {
            row.push_back(s.max_consumer_lag ? fmt::format("{:.0f}", s.max_consumer_lag->max) : "—");
            row.push_back(s.mean_consumer_lag_spread ? f1(s.mean_consumer_lag_spread->mean) : "—");
        }
        row.push_back(std::to_string(s.not_settled));
        row.push_back(std::to_string(s.runs_strong_isr_broken));
        rows.push_back(std::move(row));
    }
    b += "<div class=\"wide\">\n" + html::table(header, rows) + "</div>\n";  // scrolls when narrow
    if (lag) {
        b += "<p>max lag: the largest committed-lag sample (high watermark minus committed offset, summed over "
             "partitions) of any seed; mean lag: each run's time-averaged committed lag, mean over seeds.</p>\n";
    }
    b += matrix_section(r, stats);

    b += "<h2>Plots</h2>\n<p class=\"ks-hint\" hidden>Hover a bar or a point for its variant's figures.</p>\n" +
         html::figures(figs, "plots", plots_note);

    b += "<h2>Replay the first loss</h2>\n";
    bool any = false;
    for (const auto& s : stats) {
        if (!s.first_loss_seed) continue;
        any = true;
        std::string link;
        if (replays) {
            if (const auto it = replays->loss_runs.find(s.variant); it != replays->loss_runs.end())
                link = fmt::format(" — <a href=\"{}/index.html\">the run's report</a>", escape(it->second));
        }
        b += fmt::format("<p>#{} {} — seed {} ({} of {} runs lost data){}:</p>\n<pre class=\"cmd\">{}</pre>\n",
                         s.variant + 1, escape(s.label), *s.first_loss_seed, s.runs_with_loss, s.runs, link,
                         escape(s.first_loss_replay));
    }
    if (!any) b += "<p>No run lost an acknowledged record.</p>\n";
    if (replays && !replays->note.empty()) b += "<p class=\"note\">" + escape(replays->note) + "</p>\n";

    b += "<h2>The grid</h2>\n";
    std::vector<std::vector<std::string>> axes;
    for (const auto& a : g.axes) {
        std::string values;
        for (const auto& v : a.values_json) values += (values.empty() ? "" : ", ") + v;
        axes.push_back({"<code>" + escape(a.path) + "</code>", escape(values)});
    }
    if (axes.empty()) {
        b += "<p>No axes: one variant, the scenario as written.</p>\n";
    } else {
        b += html::table({"path", "values"}, axes);
    }
    b += "<p>Every run is in <code>compare.json</code> (<code>runs</code>: figures and trace hash per variant and "
         "seed); <code>compare.csv</code> has one row per variant.</p>\n";
    return html::page("kafkasim compare: " + g.scenario, b);
}

}  // namespace ks::report
