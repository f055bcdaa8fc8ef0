#include "report/run_pages.hpp"

#include <fstream>
#include <stdexcept>

#include "report/html.hpp"
#include "report/run_plots.hpp"

namespace ks::report {

namespace fs = std::filesystem;

ReportOutcome write_run_pages(const fs::path& dir, const RunResult& r, const ReportOptions& options) {
    const std::vector<Plot> plots = run_plots(r, options.scenario);
    const RenderOutcome rendered =
        write_plots(dir / "plots", plots, RenderOptions{.gnuplot = options.gnuplot, .shown_dir = "plots"});
    const auto figs = html::read_figures(dir / "plots", plots);
    const std::string page = html::run_page(r, options.scenario, figs, rendered.message);
    std::ofstream f(dir / "index.html", std::ios::binary);
    if (!f) throw std::runtime_error("cannot write " + (dir / "index.html").string());
    f << page;
    if (!f) throw std::runtime_error("cannot write " + (dir / "index.html").string());
    return ReportOutcome{.plots_rendered = rendered.rendered, .note = rendered.message};
}

}  // namespace ks::report
