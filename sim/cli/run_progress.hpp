// The progress line of a long `kafkasim run`: on stderr, rewritten in place
// with '\r', only on a terminal, only without --quiet, only once the run has
// taken more than a couple of wall-clock seconds, and at most a few times a
// second. The wall clock is read by the caller (the CLI) and handed in; the
// runner reports simulated time only (ks::RunProgress), so showing progress
// cannot change a run.
#pragma once

#include <cstddef>
#include <ostream>
#include <string>

#include "kafkasim/simulation.hpp"

namespace ks::cli {

// "simulated 45 s of 120 s (38 %)", or past duration_s "simulated 120 s of
// 120 s, settling (+4.5 s)".
std::string progress_text(const RunProgress& p);

class RunProgressLine {
  public:
    struct Options {
        bool enabled = false;       // stderr is a terminal and not --quiet
        double show_after_s = 2.0;  // a shorter run shows nothing
        double interval_s = 0.25;   // at most 4 updates a second
    };
    RunProgressLine(std::ostream& out, const Options& options) : out_(out), options_(options) {}
    // Erases the line (also when an exception unwinds the run).
    ~RunProgressLine() { finish(); }
    RunProgressLine(const RunProgressLine&) = delete;
    RunProgressLine& operator=(const RunProgressLine&) = delete;

    // The run is at `p` after `elapsed_s` wall-clock seconds.
    void update(const RunProgress& p, double elapsed_s);
    // Erases the line if one is shown, so what follows starts on a clean line.
    void finish();

  private:
    std::ostream& out_;
    Options options_;
    double last_shown_s_ = -1;  // < 0: nothing shown yet
    std::size_t shown_width_ = 0;
};

}  // namespace ks::cli
