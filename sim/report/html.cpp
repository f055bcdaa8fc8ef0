#include "report/html.hpp"

#include <cctype>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "report/page_script.hpp"

namespace ks::report::html {

namespace fs = std::filesystem;

namespace {

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
div.wide { overflow-x: auto; }
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
table.matrix td { text-align: center; color: #111; min-width: 90px; }
table.matrix small { color: #444; }
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

// <figure ...> with what the page's script needs (see figures()).
std::string figure_open(const Figure& f) {
    std::string frame;
    for (const PanelFrame& p : f.frame) {
        frame += fmt::format("{}{} {} {} {} {} {} {} {}", frame.empty() ? "" : ";", gp_number(p.x_min),
                             gp_number(p.x_max), gp_number(p.y_min), gp_number(p.y_max), gp_number(p.left),
                             gp_number(p.right), gp_number(p.bottom), gp_number(p.top));
    }
    const PlotHover& h = *f.hover;
    const char* nearest = h.nearest == PlotHover::Nearest::x ? "x" : h.nearest == PlotHover::Nearest::y ? "y" : "xy";
    return fmt::format(
        "<figure class=\"ks-plot\" data-ks-plot=\"{}\" data-ks-kind=\"{}\" data-ks-nearest=\"{}\" "
        "data-ks-xlog=\"{}\" data-ks-ylog=\"{}\" data-ks-frame=\"{}\">\n",
        escape(f.name), h.kind == PlotHover::Kind::time ? "time" : "points", nearest, h.x_log ? 1 : 0, h.y_log ? 1 : 0,
        frame);
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
        "<meta name=\"generator\" content=\"kafkasim {}\">\n<title>{}</title>\n<style>{}{}</style>\n</head>\n<body>\n{}"
        "<footer>Written by kafkasim {}. This page is self-contained: no network, no file besides it; its one "
        "small script only adds hover values and a time cursor to the plots.</footer>\n"
        "<script>{}</script>\n</body>\n</html>\n",
        KS_VERSION, escape(title), kStyle, page_script_style(), body, KS_VERSION, page_script());
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
        Figure f{.caption = p.caption,
                 .svg = svg.empty() ? std::string() : inline_svg(svg, p.name),
                 .name = p.name,
                 .frame = {},
                 .hover = p.hover};
        if (p.hover && !f.svg.empty()) f.frame = parse_frame(read_text(dir / (p.name + ".frame")));
        out.push_back(std::move(f));
    }
    return out;
}

std::string figures(const std::vector<Figure>& figs, std::string_view plots_rel, std::string_view note) {
    std::string s;
    if (!note.empty()) s += "<p class=\"note\">" + escape(note) + "</p>\n";
    for (const Figure& f : figs) {
        const bool interactive = !f.svg.empty() && !f.frame.empty() && f.hover;
        s += interactive ? figure_open(f) : "<figure>\n";
        if (interactive) {
            s += "<script type=\"application/json\" class=\"ks-data\">" + script_json(f.hover->data_json) +
                 "</script>\n";
        }
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

}  // namespace ks::report::html
