// The plots and the index.html of a compare (see compare_report.hpp).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "report/compare_report.hpp"
#include "report/html.hpp"

namespace ks::report {

// loss: P(any acknowledged record lost) per variant with its 95 % interval;
// latency_loss: mean produce p99 against P(loss), one point per variant.
std::vector<Plot> compare_plots(const ks::SweepResult& r, const std::vector<VariantStats>& stats);

std::string compare_page(const ks::SweepResult& r, const std::vector<VariantStats>& stats,
                         const std::vector<html::Figure>& figs, std::string_view plots_note);

}  // namespace ks::report
