#include "report/plot.hpp"

#include <sys/wait.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/assert.hpp"
#include "report/output_dir.hpp"

namespace ks::report {

namespace fs = std::filesystem;

namespace {

std::string read_text(const fs::path& p) {
    std::ifstream f(p, std::ios::binary);
    std::ostringstream s;
    s << f.rdbuf();
    return s.str();
}

std::string sh_quote(const std::string& s) {
    if (!s.empty() &&
        s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-/") == std::string::npos)
        return s;
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

}  // namespace

std::string svg_header(std::string_view name, int width_px, int height_px) {
    return fmt::format(
        "# Rendered by kafkasim with: gnuplot {0}.gp   (reads {0}.dat, writes {0}.svg)\n"
        "reset\n"
        "set terminal svg size {1},{2} font \"Helvetica,12\" background rgb \"white\"\n"
        "set output \"{0}.svg\"\n"
        "set encoding utf8\n"
        "set border lc rgb \"#555555\"\n"
        "set grid lc rgb \"#dddddd\" lw 1\n"
        "set key outside right top box lc rgb \"#cccccc\"\n",
        name, width_px, height_px);
}

std::string gp_frame_print(std::string_view name, bool first) {
    // GPVAL_TERM_* are in terminal units over GPVAL_TERM_SCALE; the fractions
    // do not depend on the terminal's resolution.
    return fmt::format(
        "# Where this panel's axes lie, for the page's cursor and hover values ({0}.frame).\n"
        "if (exists(\"GPVAL_TERM_SCALE\")) {{\n"
        "    set print \"{0}.frame\"{1}\n"
        "    print sprintf(\"%.8g %.8g %.8g %.8g %.6f %.6f %.6f %.6f\", GPVAL_X_MIN, GPVAL_X_MAX, GPVAL_Y_MIN, "
        "GPVAL_Y_MAX, \\\n"
        "        GPVAL_TERM_XMIN * GPVAL_TERM_SCALE / GPVAL_TERM_XSIZE, GPVAL_TERM_XMAX * GPVAL_TERM_SCALE / "
        "GPVAL_TERM_XSIZE, \\\n"
        "        GPVAL_TERM_YMIN * GPVAL_TERM_SCALE / GPVAL_TERM_YSIZE, GPVAL_TERM_YMAX * GPVAL_TERM_SCALE / "
        "GPVAL_TERM_YSIZE)\n"
        "    unset print\n"
        "}}\n",
        name, first ? "" : " append");
}

std::vector<PanelFrame> parse_frame(std::string_view text) {
    std::vector<PanelFrame> out;
    std::istringstream in{std::string(text)};
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        std::istringstream l(line);
        PanelFrame f;
        if (!(l >> f.x_min >> f.x_max >> f.y_min >> f.y_max >> f.left >> f.right >> f.bottom >> f.top)) return {};
        const bool sane = f.x_max > f.x_min && f.right > f.left && f.top > f.bottom && f.left >= 0 && f.right <= 1 &&
                          f.bottom >= 0 && f.top <= 1;
        if (!sane) return {};
        out.push_back(f);
    }
    return out;
}

std::string time_hover_json(std::string_view dat, const std::vector<std::string>& skip) {
    std::istringstream in{std::string(dat)};
    std::string line;
    std::vector<std::string> names;
    std::vector<std::vector<double>> rows;
    while (std::getline(in, line)) {
        std::istringstream l(line);
        if (!line.empty() && line[0] == '#') {
            if (!names.empty()) continue;
            std::string w;
            l >> w;  // "#"
            while (l >> w) names.push_back(w);
            continue;
        }
        std::vector<double> row;
        std::string w;
        while (l >> w) row.push_back(std::strtod(w.c_str(), nullptr));  // "NaN" reads as NaN
        if (!row.empty()) rows.push_back(std::move(row));
    }
    const std::size_t stride =
        rows.size() <= kHoverPointsMax ? 1 : (rows.size() + kHoverPointsMax - 2) / (kHoverPointsMax - 1);
    std::vector<std::size_t> kept;
    for (std::size_t i = 0; i < rows.size(); i += stride) kept.push_back(i);
    if (!rows.empty() && kept.back() != rows.size() - 1) kept.push_back(rows.size() - 1);
    const auto value = [](const std::vector<double>& row, std::size_t c) -> nlohmann::json {
        if (c >= row.size() || !std::isfinite(row[c])) return nullptr;
        return row[c];
    };
    nlohmann::json t = nlohmann::json::array(), series = nlohmann::json::array();
    for (std::size_t i : kept) t.push_back(value(rows[i], 0));
    for (std::size_t c = 1; c < names.size(); ++c) {
        if (std::find(skip.begin(), skip.end(), names[c]) != skip.end()) continue;
        nlohmann::json v = nlohmann::json::array();
        for (std::size_t i : kept) v.push_back(value(rows[i], c));
        series.push_back({{"name", names[c]}, {"v", std::move(v)}});
    }
    return nlohmann::json{{"t", std::move(t)}, {"series", std::move(series)}}.dump();
}

std::string gp_string(std::string_view text) {
    std::string out = "\"";
    for (char c : text) {
        if (c == '"' || c == '\\') out += '\\';
        // '_' '^' '@' '&' '{' '}' are enhanced-text markup: plot titles are set noenhanced.
        out += c;
    }
    return out + "\"";
}

std::string gp_number(double v) {
    if (std::isnan(v)) return "NaN";
    if (std::isinf(v)) return v > 0 ? "Inf" : "-Inf";
    return fmt::format("{:.10g}", v);
}

RenderOutcome write_plots(const fs::path& dir, const std::vector<Plot>& plots, const RenderOptions& options) {
    create_folder(dir);
    std::string files;
    for (const Plot& p : plots) {
        KS_ASSERT_MSG(
            !p.name.empty() && p.name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-") == std::string::npos,
            "bad plot name '{}'", p.name);
        write_file(dir / (p.name + ".dat"), p.data);
        write_file(dir / (p.name + ".gp"), p.script);
        files += " " + p.name + ".gp";
    }
    RenderOutcome out;
    const std::string shown = options.shown_dir.empty() ? dir.string() : options.shown_dir;
    const std::string hint = fmt::format(
        "to render them, install gnuplot (Debian: apt-get install gnuplot-nox) and run: cd {} && for f in *.gp; do "
        "gnuplot \"$f\"; done",
        sh_quote(shown));
    if (plots.empty()) {
        out.rendered = true;
        return out;
    }
    if (options.gnuplot.empty()) {
        out.message = "plots: not rendered (asked not to); the data and gnuplot scripts are in " + shown;
        return out;
    }
    const fs::path log = dir / "gnuplot.log";
    const std::string cmd = fmt::format("cd {} && {}{} </dev/null >gnuplot.log 2>&1", sh_quote(dir.string()),
                                        sh_quote(options.gnuplot), files);
    const int status = std::system(cmd.c_str());
    const int code = (status != -1 && WIFEXITED(status)) ? WEXITSTATUS(status) : -1;
    const std::string log_text = read_text(log);
    if (code == 127 || code == 126) {
        std::error_code ec;
        fs::remove(log, ec);
        out.gnuplot_missing = true;
        out.message =
            fmt::format("plots: gnuplot was not found; wrote the data and gnuplot scripts to {}; {}", shown, hint);
        return out;
    }
    if (code != 0) {
        out.message = fmt::format("plots: gnuplot failed (exit {}), see {}/gnuplot.log", code, shown);
        return out;
    }
    std::error_code ec;
    if (log_text.empty()) fs::remove(log, ec);
    out.rendered =
        std::all_of(plots.begin(), plots.end(), [&](const Plot& p) { return fs::exists(dir / (p.name + ".svg")); });
    if (!out.rendered) out.message = "plots: gnuplot wrote no SVG; see " + shown + "/gnuplot.log";
    return out;
}

std::string inline_svg(std::string_view svg, std::string_view id_prefix) {
    const auto start = svg.find("<svg");
    if (start == std::string_view::npos) return {};
    std::string s(svg.substr(start));
    // Collect every id, longest first so that gpPt10 is handled before gpPt1.
    std::vector<std::string> ids;
    for (std::size_t pos = s.find("id="); pos != std::string::npos; pos = s.find("id=", pos + 3)) {
        if (pos > 0 && (std::isalnum(static_cast<unsigned char>(s[pos - 1])) || s[pos - 1] == '-')) continue;
        const char q = pos + 3 < s.size() ? s[pos + 3] : '\0';
        if (q != '\'' && q != '"') continue;
        const auto end = s.find(q, pos + 4);
        if (end == std::string::npos) break;
        ids.push_back(s.substr(pos + 4, end - pos - 4));
    }
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    std::map<std::string, std::string> rename;
    for (const auto& id : ids) rename[id] = std::string(id_prefix) + "-" + id;
    std::string out;
    out.reserve(s.size() + ids.size() * 16);
    for (std::size_t i = 0; i < s.size();) {
        // id='X' / id="X"  and  #X' / #X" / #X)
        const bool is_id = s.compare(i, 3, "id=") == 0 && i + 3 < s.size() && (s[i + 3] == '\'' || s[i + 3] == '"') &&
                           (i == 0 || !(std::isalnum(static_cast<unsigned char>(s[i - 1])) || s[i - 1] == '-'));
        if (is_id || s[i] == '#') {
            const std::size_t name_at = is_id ? i + 4 : i + 1;
            std::size_t end = name_at;
            while (end < s.size() && s[end] != '\'' && s[end] != '"' && s[end] != ')' && s[end] != ' ' && s[end] != '>')
                ++end;
            const auto it = rename.find(s.substr(name_at, end - name_at));
            if (it != rename.end() && end < s.size() && (is_id || s[end] != ' ')) {
                out += s.substr(i, name_at - i);
                out += it->second;
                i = end;
                continue;
            }
        }
        out += s[i++];
    }
    return out;
}

// ---- fault windows -------------------------------------------------------------------------

namespace {

std::string target_of(const FaultSpec& f) {
    if (f.broker) return fmt::format("broker {}", f.broker->value());
    if (f.rack) return "rack " + *f.rack;
    return {};
}

std::string nodes(const NodeSet& n) {
    std::string s;
    for (auto b : n.brokers) s += (s.empty() ? "" : ",") + std::to_string(b.value());
    if (n.clients) s += s.empty() ? "clients" : ",clients";
    return s;
}

std::string label_of(const FaultSpec& f) {
    const std::string t = target_of(f);
    switch (f.action) {
        case FaultAction::crash:
            return "crash " + t;
        case FaultAction::restart:
            return "restart " + t;
        case FaultAction::pause:
            return "pause " + t;
        case FaultAction::power_loss:
            return "power loss " + t;
        case FaultAction::partition: {
            if (!f.groups.empty()) {
                std::string s = "partition ";
                for (std::size_t i = 0; i < f.groups.size(); ++i) s += (i ? "|" : "") + nodes(f.groups[i]);
                return s;
            }
            return "partition " + nodes(f.from) + "->" + nodes(f.to);
        }
        case FaultAction::link:
            return f.between.size() == 2 ? fmt::format("link {}-{}", f.between[0].value(), f.between[1].value())
                                         : std::string("link");
        case FaultAction::disk_slow:
            return "disk slow " + t;
        case FaultAction::rolling_restart:
            return "rolling restart";
        case FaultAction::rolling_upgrade:
            return "rolling upgrade";
        case FaultAction::consumer_crash:
            return "consumer crash " + f.group;
        case FaultAction::consumer_join:
            return "consumer join " + f.group;
        case FaultAction::consumer_leave:
            return "consumer leave " + f.group;
        case FaultAction::slow_consumer:
            return "slow consumer " + f.group;
        case FaultAction::stop_consumer:
            return "stop consumer " + f.group;
        case FaultAction::producer_rate:
            return "rate " + f.producer;
    }
    return to_string(f.action);
}

bool instant(FaultAction a) {
    return a == FaultAction::restart || a == FaultAction::rolling_restart || a == FaultAction::rolling_upgrade ||
           a == FaultAction::consumer_crash || a == FaultAction::consumer_join || a == FaultAction::consumer_leave;
}

// The first restart of the broker at or after `at` (a power loss of a rack ends at the heal).
std::optional<Duration> restart_after(const Scenario& sc, const FaultSpec& f) {
    if (!f.broker) return std::nullopt;
    std::optional<Duration> best;
    for (const FaultSpec& g : sc.faults) {
        if (g.action == FaultAction::restart && g.broker == f.broker && g.at >= f.at && (!best || g.at < *best))
            best = g.at;
    }
    return best;
}

}  // namespace

std::vector<FaultWindow> fault_windows(const Scenario& sc) {
    std::vector<FaultWindow> out;
    const double heal_s = sc.duration.seconds_f();
    for (const FaultSpec& f : sc.faults) {
        FaultWindow w;
        w.from_s = f.at.seconds_f();
        w.label = label_of(f);
        if (f.action == FaultAction::restart) {
            // Shown as the end of its crash; a restart without one is an instant.
            const bool paired = std::any_of(sc.faults.begin(), sc.faults.end(), [&](const FaultSpec& g) {
                return (g.action == FaultAction::crash || g.action == FaultAction::power_loss) &&
                       g.broker == f.broker && g.at <= f.at;
            });
            if (paired) continue;
        }
        if (instant(f.action)) {
            w.to_s = w.from_s;
        } else if (f.duration) {
            w.to_s = std::min(heal_s, (f.at + *f.duration).seconds_f());
        } else if (f.action == FaultAction::crash || f.action == FaultAction::power_loss) {
            const auto r = restart_after(sc, f);
            w.to_s = r ? r->seconds_f() : heal_s;
        } else {
            w.to_s = heal_s;
        }
        out.push_back(std::move(w));
    }
    std::stable_sort(out.begin(), out.end(),
                     [](const FaultWindow& a, const FaultWindow& b) { return a.from_s < b.from_s; });
    return out;
}

std::string gp_fault_objects(const std::vector<FaultWindow>& windows, double heal_s, double end_s, bool labels) {
    std::string s = "# Fault windows (from the scenario's fault schedule) and the heal phase.\n";
    int obj = 1;
    s += fmt::format(
        "set object {} rect from {}, graph 0 to graph 1, graph 1 behind fc rgb \"#e8e8e8\" fs solid 1.0 noborder\n",
        obj++, gp_number(heal_s));
    if (labels && end_s - heal_s > 0.08 * end_s) {
        s += fmt::format("set label \"heal + settle\" at {}, graph 0.04 offset 0.5,0 font \",10\" tc rgb \"#777777\"\n",
                         gp_number(heal_s));
    }
    std::size_t i = 0;
    for (const FaultWindow& w : windows) {
        const double y = 0.96 - 0.07 * static_cast<double>(i++ % 4);
        if (w.to_s > w.from_s) {
            s += fmt::format(
                "set object {} rect from {}, graph 0 to {}, graph 1 behind fc rgb \"#f4c7c3\" fs transparent solid "
                "0.45 "
                "noborder\n",
                obj++, gp_number(w.from_s), gp_number(w.to_s));
        } else {
            s += fmt::format("set arrow from {0}, graph 0 to {0}, graph 1 nohead dt 2 lc rgb \"#b03a2e\"\n",
                             gp_number(w.from_s));
        }
        if (labels) {
            s += fmt::format("set label {} at {}, graph {} offset 0.3,0 noenhanced font \",9\" tc rgb \"#8e2a20\"\n",
                             gp_string(w.label), gp_number(w.from_s), gp_number(y));
        }
    }
    return s;
}

}  // namespace ks::report
