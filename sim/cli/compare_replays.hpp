// The runs a compare page shows beyond its table: each variant's first seed
// (its lag over time) and each variant's first run that lost acknowledged
// records, rendered as a whole run report under runs/ and linked from the
// page. Shared by `compare` and `merge`.
#pragma once

#include "kafkasim/sweep.hpp"
#include "report/compare_report.hpp"
#include "report/output_dir.hpp"

namespace ks::cli {

struct ReplayOptions {
    bool loss_runs = true;  // render the first-loss runs (--no-loss-runs: off)
    bool quiet = false;     // no progress on stderr
};

// Replays the runs of a whole result with `plan` (the plan that produced
// it), writing the first-loss run reports into out's staging folder. A
// replay whose trace hash differs from the sweep's is an internal error:
// the same scenario and seed must give the same run.
report::CompareReplays replay_for_page(const ks::SweepPlan& plan, const ks::SweepResult& result,
                                       const report::OutputDir& out, const ReplayOptions& options);

}  // namespace ks::cli
