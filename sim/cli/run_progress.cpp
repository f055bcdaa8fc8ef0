#include "cli/run_progress.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace ks::cli {

std::string progress_text(const RunProgress& p) {
    const double simulated_s = p.simulated.seconds_f();
    const double duration_s = p.duration.seconds_f();
    if (p.settling) {
        return fmt::format("kafkasim run: simulated {:.0f} s of {:.0f} s, settling (+{:.1f} s)", duration_s, duration_s,
                           simulated_s - duration_s);
    }
    const double percent = duration_s > 0 ? 100.0 * simulated_s / duration_s : 100.0;
    return fmt::format("kafkasim run: simulated {:.0f} s of {:.0f} s ({:.0f} %)", simulated_s, duration_s,
                       std::min(percent, 100.0));
}

void RunProgressLine::update(const RunProgress& p, double elapsed_s) {
    if (!options_.enabled || elapsed_s < options_.show_after_s) return;
    if (last_shown_s_ >= 0 && elapsed_s - last_shown_s_ < options_.interval_s) return;
    last_shown_s_ = elapsed_s;
    const std::string text = progress_text(p);
    // Blanks over the end of a longer previous text.
    const std::size_t pad = shown_width_ > text.size() ? shown_width_ - text.size() : 0;
    out_ << '\r' << text << std::string(pad, ' ') << std::flush;
    shown_width_ = text.size();
}

void RunProgressLine::finish() {
    if (shown_width_ == 0) return;
    out_ << '\r' << std::string(shown_width_, ' ') << '\r' << std::flush;
    shown_width_ = 0;
}

}  // namespace ks::cli
