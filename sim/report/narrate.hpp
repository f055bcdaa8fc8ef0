// Narration: a run's timeline (kafkasim/timeline.hpp) told in English, one
// sentence per event, as timeline.txt, the terminal (--timeline) and the HTML
// report show it. Names come from the scenario as run (RunResult::scenario):
// topics, brokers' racks, the fault schedule with its chaos faults.
#pragma once

#include <string>
#include <vector>

#include "kafkasim/simulation.hpp"

namespace ks::report {

// One event as a sentence, e.g. "orders-0: UNCLEAN leader 3 elected (epoch 2), ISR [3]".
std::string narrate(const TimelineEvent& event, const Scenario& scenario);

struct NarratedLine {
    Duration at;  // since the end of warm-up (negative during warm-up)
    std::string text;
};
// The whole timeline, in order.
std::vector<NarratedLine> narrate(const RunResult& r);

}  // namespace ks::report
