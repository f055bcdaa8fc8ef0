// Report: what a run leaves behind — summary.json (the contract of
// SCENARIOS.md), timeseries.csv, timeline.txt — and the terminal summary.
//
// Files are written into a temporary folder beside the target and renamed
// into place at the end (report/output_dir.hpp), so an interrupted run never
// leaves a half report that looks whole.
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "kafkasim/scenario.hpp"
#include "kafkasim/simulation.hpp"
#include "report/expect.hpp"
#include "report/output_dir.hpp"

namespace ks::report {

// summary.json as SCENARIOS.md specifies it (plus extra fields).
nlohmann::json summary_json(const RunSummary& s);
// timeseries.csv: a header of the column names, then a row per sample; t_s
// (the first column) printed exactly, the other figures with 6 significant
// digits, an empty cell where there is no value (NaN).
std::string timeseries_csv(const TimeSeries& t);
// A group's `skipped` with its causes (those not zero), as the terminal and
// index.html print it: "skipped 12089 (initial reset 12089)".
std::string skipped_text(const GroupSummary& g);
// "mm:ss.mmm" of a time since the end of warm-up.
std::string clock(Duration d);
// A timeline row's time: clock(d), or "(warm-up)" before the workload starts.
std::string timeline_clock(Duration d);
struct ReportOptions {
    // The scenario as loaded: its fault schedule for the plots and
    // index.html, and its expect block, judged against summary.json.
    const Scenario* scenario = nullptr;
    std::string gnuplot = "gnuplot";  // the command rendering the plots; empty: don't render
};
struct ReportOutcome {
    bool plots_rendered = false;
    std::string note;  // for the terminal, e.g. gnuplot missing and how to install it
    // The scenario's expectations judged (empty without an expect block):
    // what expect.json and index.html show, and what decides the exit code.
    std::vector<ExpectResult> expectations{};
};
// burrow.json: per group, Burrow's HTTP answers at the end of duration_s
// ({"<group>": {"status": <.../status body>, "lag": <.../lag body>}}).
nlohmann::json burrow_json(const RunSummary& s);
// Writes summary.json, timeseries.csv, timeline.txt, burrow.json (with
// groups), expect.json (when the scenario has an expect block), plots/
// (NAME.dat, NAME.gp, NAME.svg) and index.html into out's staging folder;
// the caller adds its own files (trace.jsonl) and commits. Throws ks::InputError naming the path and the OS's reason
// when a file cannot be written; gnuplot missing or failing is an outcome.
ReportOutcome write_run_report(const OutputDir& out, const RunResult& r, const ReportOptions& options = {});
// The same into `dir` (created or replaced), committed.
ReportOutcome write_run_report(const std::string& dir, const RunResult& r, const ReportOptions& options = {});
// The compact terminal summary.
void print_summary(std::ostream& out, const RunResult& r, const std::string& report_dir);
void print_timeline(std::ostream& out, const RunResult& r);

}  // namespace ks::report
