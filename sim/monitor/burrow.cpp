#include "monitor/burrow.hpp"

#include <array>
#include <cstddef>
#include <utility>

#include "core/assert.hpp"

namespace ks::monitor {

namespace {

// protocol.StatusStrings, indexed by StatusConstant.
constexpr std::array<const char*, 7> kStatusNames = {"NOTFOUND", "OK", "WARN", "ERR", "STOP", "STALL", "REWIND"};

void require_window(std::span<const BurrowOffset> offsets) {
    KS_ASSERT_MSG(!offsets.empty(), "Burrow's rules need at least one commit");
}

}  // namespace

const char* to_string(BurrowStatus s) {
    const auto i = static_cast<std::size_t>(s);
    KS_ASSERT_LT(i, kStatusNames.size());
    return kStatusNames[i];
}

std::optional<BurrowStatus> burrow_status_from_string(std::string_view name) {
    for (std::size_t i = 0; i < kStatusNames.size(); ++i) {
        if (name == kStatusNames[i]) return static_cast<BurrowStatus>(i);
    }
    return std::nullopt;
}

namespace burrow_rules {

bool lag_always_not_zero(std::span<const BurrowOffset> offsets, std::int64_t allowed_lag) {
    require_window(offsets);
    for (const auto& o : offsets) {
        if (o.lag && *o.lag <= allowed_lag) return false;
    }
    return true;
}

std::optional<std::size_t> offsets_rewind(std::span<const BurrowOffset> offsets) {
    require_window(offsets);
    for (std::size_t i = 1; i < offsets.size(); ++i) {
        if (offsets[i].offset < offsets[i - 1].offset) return i;
    }
    return std::nullopt;
}

bool rewind_recovered(std::span<const BurrowOffset> offsets, std::size_t rewind_index) {
    require_window(offsets);
    KS_ASSERT_GE(rewind_index, std::size_t{1});
    KS_ASSERT_LT(rewind_index, offsets.size());
    const Offset previous_progress = offsets[rewind_index - 1].offset;
    for (std::size_t i = rewind_index; i < offsets.size(); ++i) {
        if (offsets[i].offset >= previous_progress) return true;
    }
    return false;
}

bool offsets_stopped(std::span<const BurrowOffset> offsets, std::int64_t now_ms) {
    require_window(offsets);
    const std::int64_t first_ms = offsets.front().timestamp_ms;
    const std::int64_t last_ms = offsets.back().timestamp_ms;
    return (now_ms - last_ms) > (last_ms - first_ms);
}

bool offsets_stalled(std::span<const BurrowOffset> offsets) {
    require_window(offsets);
    for (std::size_t i = 1; i < offsets.size(); ++i) {
        if (offsets[i].offset != offsets[i - 1].offset) return false;
    }
    return true;
}

bool lag_not_decreasing(std::span<const BurrowOffset> offsets) {
    require_window(offsets);
    std::optional<std::int64_t> last_lag;
    for (const auto& o : offsets) {
        if (!o.lag) continue;
        if (last_lag && *o.lag < *last_lag) return false;
        last_lag = o.lag;
    }
    return true;
}

bool recent_lag_zero(std::span<const BurrowOffset> offsets, std::span<const Offset> broker_offsets) {
    require_window(offsets);
    const Offset last_offset = offsets.back().offset;
    for (const Offset b : broker_offsets) {
        if (b <= last_offset) return true;
    }
    return false;
}

}  // namespace burrow_rules

BurrowStatus calculate_partition_status(std::span<const BurrowOffset> offsets, std::span<const Offset> broker_offsets,
                                        std::int64_t current_lag, std::int64_t now_ms, std::int64_t allowed_lag) {
    require_window(offsets);
    KS_ASSERT_GE(current_lag, 0);
    KS_ASSERT_GE(allowed_lag, 0);
    // A current lag within the allowance is never an error.
    if (current_lag <= allowed_lag) return BurrowStatus::ok;
    // Stopped comes first: a zero lag somewhere in an old window does not excuse a
    // consumer that stopped committing (#290), unless the broker offsets show it
    // caught up recently (#303).
    if (burrow_rules::offsets_stopped(offsets, now_ms) && !burrow_rules::recent_lag_zero(offsets, broker_offsets)) {
        return BurrowStatus::stop;
    }
    // A rewind counts before the zero-lag rule (a consumer at zero lag that jumps
    // back, e.g. to earliest, would otherwise read OK), but only until the consumer
    // is back at the offset it had before the rewind.
    if (const auto rewind = burrow_rules::offsets_rewind(offsets);
        rewind && !burrow_rules::rewind_recovered(offsets, *rewind)) {
        return BurrowStatus::rewind;
    }
    // A stored lag within the allowance makes the window OK.
    if (!burrow_rules::lag_always_not_zero(offsets, allowed_lag)) return BurrowStatus::ok;
    if (burrow_rules::offsets_stalled(offsets)) return BurrowStatus::stall;
    if (burrow_rules::lag_not_decreasing(offsets)) return BurrowStatus::warning;
    return BurrowStatus::ok;
}

BurrowPartitionStatus evaluate_partition(const BurrowPartitionInput& in, std::int64_t now_ms,
                                         const BurrowEvalOptions& opts) {
    KS_ASSERT_GE(in.current_lag, 0);
    BurrowPartitionStatus out;
    out.topic = in.topic;
    out.partition = in.partition;
    out.status = BurrowStatus::ok;
    out.current_lag = in.current_lag;
    if (in.window.empty()) return out;  // complete stays 0, as in Burrow

    // Burrow slices from the first non-nil slot; with none it keeps the last slot.
    std::size_t first = in.window.size() - 1;
    for (std::size_t i = 0; i < in.window.size(); ++i) {
        if (in.window[i]) {
            first = i;
            break;
        }
    }
    const std::size_t kept = in.window.size() - first;
    out.complete = kept < in.window.size() ? static_cast<float>(kept) / static_cast<float>(in.window.size()) : 1.0f;

    std::vector<BurrowOffset> offsets;
    offsets.reserve(kept);
    for (std::size_t i = first; i < in.window.size(); ++i) {
        if (!in.window[i]) {
            // Only an all-empty ring gets here (first = last slot), and Burrow then
            // reads nil: fine only when the lag rules never run.
            KS_ASSERT_MSG(kept == 1 && (in.current_lag <= opts.allowed_lag || out.complete < opts.minimum_complete),
                          "window slot {} is empty after a commit (or the ring is empty "
                          "while current lag {} exceeds the allowance)",
                          i, in.current_lag);
            return out;
        }
        offsets.push_back(*in.window[i]);
    }
    out.start = offsets.front();
    out.end = offsets.back();
    if (out.complete >= opts.minimum_complete) {
        out.status = calculate_partition_status(offsets, in.broker_offsets, in.current_lag, now_ms, opts.allowed_lag);
    }
    return out;
}

BurrowGroupStatus evaluate_group(std::span<const BurrowPartitionInput> partitions, std::int64_t now_ms,
                                 const BurrowEvalOptions& opts) {
    BurrowGroupStatus g;
    g.partition_count = static_cast<std::int32_t>(partitions.size());
    for (const auto& p : partitions) g.totallag += p.current_lag;
    g.partitions.reserve(partitions.size());
    std::int32_t complete_partitions = 0;
    for (const auto& p : partitions) {
        BurrowPartitionStatus ps = evaluate_partition(p, now_ms, opts);
        if (ps.status > g.status) {
            // Anything worse than ERR (STOP, STALL, REWIND) is ERR for the group.
            g.status = ps.status > BurrowStatus::error ? BurrowStatus::error : ps.status;
        }
        if (!g.maxlag || ps.current_lag > g.maxlag->current_lag) g.maxlag = ps;
        if (ps.complete == 1.0f) ++complete_partitions;
        g.partitions.push_back(std::move(ps));
    }
    g.complete =
        g.partition_count > 0 ? static_cast<float>(complete_partitions) / static_cast<float>(g.partition_count) : 0.0f;
    KS_ASSERT_LE(complete_partitions, g.partition_count);
    return g;
}

BurrowGroupStatus burrow_not_found() {
    BurrowGroupStatus g;
    g.status = BurrowStatus::not_found;
    g.complete = 1.0f;
    return g;
}

}  // namespace ks::monitor
