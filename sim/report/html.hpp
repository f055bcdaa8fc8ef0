// HTML pages of the reports: one self-contained file each — CSS, SVGs, the
// plots' values and one small script inline, no network, nothing outside the
// file — so a report can be mailed, attached to a ticket or opened from a USB
// stick. The script (page_script.hpp) only adds hover values and a time
// cursor; the page reads the same without it.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kafkasim/scenario.hpp"
#include "kafkasim/simulation.hpp"
#include "report/expect.hpp"
#include "report/plot.hpp"

namespace ks::report::html {

// Text made safe for element content and quoted attribute values.
std::string escape(std::string_view text);

// A whole document: <!DOCTYPE html>, the inline style sheet, `body` as is,
// then the page's script.
std::string page(std::string_view title, std::string_view body);

// A table; header and cells are HTML already (escape text first). A cell
// starting with a digit, '-' or '+' is right-aligned as a number.
std::string table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows,
                  std::string_view css_class = "");

// A rendered plot for a page.
struct Figure {
    std::string caption;
    std::string svg;  // inline_svg() of NAME.svg; empty when not rendered
    std::string name;
    std::vector<PanelFrame> frame{};   // NAME.frame: where its axes lie; empty: not interactive
    std::optional<PlotHover> hover{};  // the values under the mouse
};

// Reads dir/NAME.svg of each plot (empty when absent), ids prefixed by NAME,
// and dir/NAME.frame when the plot has hover values.
std::vector<Figure> read_figures(const std::filesystem::path& dir, const std::vector<Plot>& plots);

// The figures, or for those not rendered a note naming their script under
// `plots_rel` (the plots folder relative to the page). A figure with a frame
// and hover values carries them for the page's script: data-ks-kind,
// data-ks-frame (a panel per ';': x min, x max, y min, y max, then the plot
// area's left, right, bottom, top as fractions of the SVG), data-ks-nearest,
// data-ks-xlog / -ylog, and its values in <script type="application/json"
// class="ks-data">.
std::string figures(const std::vector<Figure>& figs, std::string_view plots_rel, std::string_view note);

// What the index.html of one run shows.
struct RunPageInput {
    const RunResult& run;
    const Scenario* scenario = nullptr;  // the fault schedule; null: no fault schedule section
    const std::vector<Figure>& figures;
    std::string_view plots_note;
    const std::vector<ExpectResult>& expectations;  // the expect block judged; empty: no such section
};

// The index.html of one run: summary, expectations, consumer groups, plots,
// fault schedule, partitions (replicas with their racks), loss per
// partition, timeline (rows carry data-t, their time in seconds).
std::string run_page(const RunPageInput& in);

// One line per fault of the schedule: {at, action, target, for, details}.
std::vector<std::vector<std::string>> fault_rows(const Scenario& scenario);

}  // namespace ks::report::html
