// Plots: gnuplot scripts rendered to SVG, kept beside their data so a user
// can restyle a plot and re-run `gnuplot NAME.gp`.
//
// A Plot is plain text: the data file (whitespace-separated columns, a
// comment header naming them) and the script, which reads NAME.dat and
// writes NAME.svg from its own folder. Everything written here is a pure
// function of its input, and gnuplot's SVG output is itself byte-stable, so
// the same run gives the same files.
//
// When gnuplot is not installed, the data and scripts are still written and
// the outcome says how to install gnuplot and render them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kafkasim/scenario.hpp"

namespace ks::report {

// What a page's script needs to make a plot interactive (html::page_script):
// the values to show under the mouse. Where the plot's axes lie in the SVG
// gnuplot itself tells: the script of such a plot writes NAME.frame
// (gp_frame_print) after each panel, and the page reads it.
struct PlotHover {
    enum class Kind : std::uint8_t {
        time,    // x is seconds since warm-up: the page's shared time cursor; data {"t": [...], "series":
                 // [{"name", "v": [...]}]}, values null where missing
        points,  // the nearest point; data {"x": [...], "y": [...], "text": [...]}
    };
    Kind kind = Kind::time;
    enum class Nearest : std::uint8_t { x, y, xy };  // points: nearest along x, along y, or in the plane
    Nearest nearest = Nearest::x;
    bool x_log = false, y_log = false;
    std::string data_json{};  // at most kHoverPointsMax points per series
};
constexpr std::size_t kHoverPointsMax = 2000;

struct Plot {
    std::string name;     // file stem: NAME.dat, NAME.gp, NAME.svg; [a-z0-9_-]+
    std::string caption;  // one line for the HTML page
    std::string data;     // contents of NAME.dat
    std::string script;   // contents of NAME.gp
    std::optional<PlotHover> hover{};
};

struct RenderOptions {
    std::string gnuplot = "gnuplot";  // the command; empty: write data and scripts only
    std::string shown_dir;            // the folder as messages name it (default: dir)
};

struct RenderOutcome {
    bool rendered = false;  // every NAME.svg exists
    bool gnuplot_missing = false;
    std::string message;  // for the terminal when not rendered; empty otherwise
};

// Writes NAME.dat and NAME.gp of every plot into dir (created), then renders
// them all with one gnuplot call run in dir. Throws std::runtime_error when a
// file cannot be written; a gnuplot failure is an outcome, not an exception.
RenderOutcome write_plots(const std::filesystem::path& dir, const std::vector<Plot>& plots,
                          const RenderOptions& options);

// The first lines of every script: an SVG terminal of the given size and the
// output NAME.svg.
std::string svg_header(std::string_view name, int width_px, int height_px);

// gnuplot commands that write, after a panel is plotted, where its axes lie
// to NAME.frame, one line per panel: x min, x max, y min, y max (axis
// values), then the plot area's left, right, bottom and top as fractions of
// the canvas (bottom up). `first`: the plot's first panel (starts the file).
std::string gp_frame_print(std::string_view name, bool first);

// One panel of NAME.frame.
struct PanelFrame {
    double x_min = 0, x_max = 1, y_min = 0, y_max = 1;
    double left = 0, right = 1, bottom = 0, top = 1;
};
// The panels of a NAME.frame text; empty when it is not one.
std::vector<PanelFrame> parse_frame(std::string_view text);

// The hover data of a plot over time from its data file: the header line
// "# t_s NAME..." names the columns; each column but t_s and those in `skip`
// becomes a series; NaN is null. Rows are thinned to kHoverPointsMax.
std::string time_hover_json(std::string_view dat, const std::vector<std::string>& skip = {});

// A gnuplot string literal: "text" with backslashes and quotes escaped.
std::string gp_string(std::string_view text);

// A number for a data file: "%g"-like, shortest form that reads back the same,
// NaN for a missing value.
std::string gp_number(double v);

// An SVG file made fit for inlining into HTML: no XML prolog, every id
// prefixed (two plots on a page define the same gnuplot ids).
std::string inline_svg(std::string_view svg, std::string_view id_prefix);

// ---- fault windows -------------------------------------------------------------------------

// A fault on the time axis of a run's plots (seconds since the end of
// warm-up). An instant fault (a restart, a consumer crash) has to_s == from_s.
struct FaultWindow {
    double from_s = 0;
    double to_s = 0;
    std::string label;  // "crash broker 1"
};

// The windows of the scenario's fault schedule: a crash or power loss lasts
// until the broker's restart (or the heal), a fault with for_s for that long,
// others until the heal at duration_s.
std::vector<FaultWindow> fault_windows(const Scenario& scenario);

// gnuplot commands shading the windows (and the heal phase from heal_s on),
// with a label for each; `labels` false draws the shading only.
// end_s is the end of the time axis (the heal phase is labelled only when wide enough).
std::string gp_fault_objects(const std::vector<FaultWindow>& windows, double heal_s, double end_s, bool labels);

}  // namespace ks::report
