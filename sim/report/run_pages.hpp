// The visual part of a run's report folder: plots/ (data, gnuplot scripts,
// SVGs) and index.html, which inlines the SVGs.
#pragma once

#include <filesystem>
#include <vector>

#include "report/report.hpp"

namespace ks::report {

// Writes plots/ and index.html into dir (the report's temporary folder);
// the page lists `expectations` (the scenario's expect block, judged).
ReportOutcome write_run_pages(const std::filesystem::path& dir, const RunResult& r, const ReportOptions& options,
                              const std::vector<ExpectResult>& expectations);

}  // namespace ks::report
