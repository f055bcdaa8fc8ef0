// The visual part of a run's report folder: plots/ (data, gnuplot scripts,
// SVGs) and index.html, which inlines the SVGs.
#pragma once

#include <filesystem>

#include "report/report.hpp"

namespace ks::report {

// Writes plots/ and index.html into dir (the report's temporary folder).
ReportOutcome write_run_pages(const std::filesystem::path& dir, const RunResult& r, const ReportOptions& options);

}  // namespace ks::report
