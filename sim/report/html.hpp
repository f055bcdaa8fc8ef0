// HTML pages of the reports: one self-contained file each — CSS and SVGs
// inline, no script, no network, nothing outside the file — so a report can
// be mailed, attached to a ticket or opened from a USB stick.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "kafkasim/scenario.hpp"
#include "kafkasim/simulation.hpp"
#include "report/plot.hpp"

namespace ks::report::html {

// Text made safe for element content and quoted attribute values.
std::string escape(std::string_view text);

// A whole document: <!DOCTYPE html>, the inline style sheet, `body` as is.
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
};

// Reads dir/NAME.svg of each plot (empty when absent), ids prefixed by NAME.
std::vector<Figure> read_figures(const std::filesystem::path& dir, const std::vector<Plot>& plots);

// The figures, or for those not rendered a note naming their script under
// `plots_rel` (the plots folder relative to the page).
std::string figures(const std::vector<Figure>& figs, std::string_view plots_rel, std::string_view note);

// The index.html of one run: summary, plots, fault schedule, timeline.
// `scenario` may be null (no fault schedule section then).
std::string run_page(const RunResult& r, const Scenario* scenario, const std::vector<Figure>& figs,
                     std::string_view plots_note);

// One line per fault of the schedule: {at, action, target, for, details}.
std::vector<std::vector<std::string>> fault_rows(const Scenario& scenario);

}  // namespace ks::report::html
