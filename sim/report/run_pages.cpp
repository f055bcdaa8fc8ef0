#include "report/run_pages.hpp"

#include "report/html.hpp"
#include "report/output_dir.hpp"
#include "report/run_plots.hpp"

namespace ks::report {

namespace fs = std::filesystem;

ReportOutcome write_run_pages(const fs::path& dir, const RunResult& r, const ReportOptions& options,
                              const std::vector<ExpectResult>& expectations) {
    const std::vector<Plot> plots = run_plots(r, options.scenario);
    const RenderOutcome rendered =
        write_plots(dir / "plots", plots, RenderOptions{.gnuplot = options.gnuplot, .shown_dir = "plots"});
    const auto figs = html::read_figures(dir / "plots", plots);
    const std::string page = html::run_page({.run = r,
                                             .scenario = options.scenario,
                                             .figures = figs,
                                             .plots_note = rendered.message,
                                             .expectations = expectations});
    write_file(dir / "index.html", page);
    return ReportOutcome{.plots_rendered = rendered.rendered, .note = rendered.message, .expectations = {}};
}

}  // namespace ks::report
