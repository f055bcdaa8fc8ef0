// Marks of a run's timeline on its plots over time: besides the fault
// windows (plot.hpp), when the controller fenced a broker, elected leaders
// (clean or unclean), a replica truncated its log, a consumer group began a
// rebalance, and Burrow's verdict on a group changed.
//
// Marks of one kind close in time merge into one ("6 elected"), so a burst
// of elections after a broker is fenced is one tick; each mark is a short
// coloured tick at the bottom of the plot, and its label goes into one of a
// few rows above the ticks where it fits, else is left out (the tick stays,
// and the page's hover and timeline tell the rest).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kafkasim/simulation.hpp"

namespace ks::report {

enum class MarkKind : std::uint8_t { fenced, elected, unclean, truncated, rebalance, burrow };

struct EventMark {
    double at_s = 0;  // since the end of warm-up; the first event of a merged mark
    MarkKind kind = MarkKind::elected;
    std::int64_t count = 1;  // events merged into this mark
    std::string label{};     // "fenced 1", "6 elected", "UNCLEAN orders-0", "truncated 812 (b2)"
};

// The marks of r's timeline from the end of warm-up to x_max_s: events of a
// kind less than merge_s after a mark's first event merge into it.
std::vector<EventMark> event_marks(const RunResult& r, double x_max_s, double merge_s);

struct MarkLayout {
    double x_max_s = 1;          // the x axis runs from 0 to here
    double plot_width_px = 600;  // the plot area's width in the SVG
    int label_rows = 3;
};

// gnuplot commands drawing the marks of the given kinds (ticks as arrows,
// labels), for a plot whose x axis is [0, x_max_s].
std::string gp_event_marks(const std::vector<EventMark>& marks, const std::vector<MarkKind>& kinds,
                           const MarkLayout& layout);

}  // namespace ks::report
