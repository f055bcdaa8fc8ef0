// The plots and the index.html of a compare (see compare_report.hpp).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "report/compare_report.hpp"
#include "report/html.hpp"

namespace ks::report {

// loss: P(any acknowledged record lost) per variant with its 95 % interval;
// latency_loss: mean produce p99 against P(loss), one point per variant;
// with consumer groups, lag_spread: per variant the distribution over seeds
// of the largest and of the time-averaged committed lag; with replays,
// lag_first_seed: the first seed's lag over time, every variant on one plot,
// the fault windows shaded.
std::vector<Plot> compare_plots(const ks::SweepResult& r, const std::vector<VariantStats>& stats,
                                const CompareReplays* replays = nullptr);

// The page: the table, the matrix view of a grid of two or more axes (a heat
// map of P(loss) and of produce latency, rows the first axis, columns the
// second, one matrix per value of the others), the plots, and the first
// loss of each variant with its replay command and (with replays) a link to
// its rendered run.
std::string compare_page(const ks::SweepResult& r, const std::vector<VariantStats>& stats,
                         const std::vector<html::Figure>& figs, std::string_view plots_note,
                         const CompareReplays* replays = nullptr);

}  // namespace ks::report
