// Burrow's consumer-lag judgement: the evaluator over a window of commits.
//
// Mirrors linkedin/Burrow's caching evaluator (core/internal/evaluator/caching.go:
// evaluateConsumerStatus, evaluatePartitionStatus, calculatePartitionStatus and its
// rule functions) and the status constants of core/protocol/evaluator.go, so that a
// kafkasim run reports what Burrow would have told an operator watching the same
// group. The storage side that builds the windows (Burrow's inmemory.go) is
// BurrowStore in monitor/burrow_store.hpp.
//
// Inputs, per partition (Burrow's protocol.ConsumerPartition):
//   - the window: the partition's ring of the last `intervals` commits, oldest first,
//     empty ring slots as nullopt (they can only lead: the ring fills from the back);
//     each commit has its offset, order, timestamp (ms) and the lag at commit time
//     (nullopt when Burrow stored none: a back-filled commit);
//   - broker_offsets: the partition's stored broker log end offsets, oldest first;
//   - current_lag: newest broker offset − newest committed offset, floored at 0.
//
// Partition status: calculatePartitionStatus as in Burrow v1.3.7 through v1.9.5 (the
// latest release, commit ced55ba90f6b; the order dates from d69a8ec04462, "Detect
// rewinds when consumer has any rewind in history", first released in v1.3.7),
// with allowance A:
//   1. current_lag ≤ A                                            → OK
//   2. stopped (now − newest ts > newest ts − oldest ts) and no stored broker offset
//      ≤ newest committed offset ("recent lag zero", #303)        → STOP
//   3. the first offset smaller than its predecessor (checkIfOffsetsRewind) and no
//      later offset back at or above that predecessor (checkIfRewindRecovered:
//      the rewind has not recovered)                              → REWIND
//   4. some stored lag ≤ A (isLagAlwaysNotZero is false)          → OK
//   5. every offset equal                                         → STALL
//   6. the non-null lags never decrease                           → WARN
//   7. otherwise                                                  → OK
// So a rewind is judged before the zero-lag rule (a consumer at zero lag that jumps
// back reads REWIND until it is back where it was), and a recovered rewind is
// judged by rules 4-7 like any window. (Burrow before v1.3.7 checked REWIND only
// after the zero-lag rule, without the recovered check.)
// A is Burrow's evaluator setting `allowed-lag` (also since v1.3.7, default 0, which
// is what summary.json uses) and applies exactly where Burrow applies it: to the
// current lag (rule 1) and to the stored lags (rule 4), never to the broker offsets
// of rule 2, so the result equals Burrow's for every A.
// A window below `minimum_complete` is OK without running the rules.
//
// Group status: the worst partition status, where STOP, STALL and REWIND (all worse
// than ERR) report as ERR; WARN stays WARN; no partitions → OK with complete 0.
// complete = share of partitions whose window is full; totallag = Σ current_lag;
// maxlag = the first partition (in the given order) with the largest current_lag.
//
// Times are Burrow's: int64 milliseconds since the epoch of the caller's clock (the
// simulator passes ms since the start of the run), not ks::Instant. `complete` is a
// float because Burrow's is a float32 and prints as one (1/3 → 0.33333334).
//
// Pure functions, no state. Precondition violations are bugs (KS_ASSERT).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kafkasim/ids.hpp"

namespace ks::monitor {

// Burrow's StatusConstant, same values and order (worse is larger).
enum class BurrowStatus : int {
    not_found = 0,
    ok = 1,
    warning = 2,
    error = 3,
    stop = 4,
    stall = 5,
    rewind = 6,
};

// StatusConstant.String(): "NOTFOUND", "OK", "WARN", "ERR", "STOP", "STALL", "REWIND".
const char* to_string(BurrowStatus s);
// The inverse of to_string; nullopt for any other text (case-sensitive, like Burrow).
std::optional<BurrowStatus> burrow_status_from_string(std::string_view name);

// One stored commit (protocol.ConsumerOffset).
struct BurrowOffset {
    Offset offset = 0;
    std::int64_t order = 0;           // position of the commit in __consumer_offsets
    std::int64_t timestamp_ms = 0;    // commit time
    std::optional<std::int64_t> lag;  // lag at commit time; ≥ 0 when present

    bool operator==(const BurrowOffset&) const = default;
};

// A partition's ring as Burrow hands it to the evaluator: oldest first, leading
// nullopt for empty slots.
using BurrowWindow = std::vector<std::optional<BurrowOffset>>;

// The evaluator's input for one partition (protocol.ConsumerPartition).
struct BurrowPartitionInput {
    std::string topic;
    std::int32_t partition = 0;
    BurrowWindow window;
    std::vector<Offset> broker_offsets;  // oldest first
    std::int64_t current_lag = 0;        // ≥ 0
};

// protocol.PartitionStatus.
struct BurrowPartitionStatus {
    std::string topic;
    std::int32_t partition = 0;
    BurrowStatus status = BurrowStatus::ok;
    std::optional<BurrowOffset> start;  // oldest stored commit
    std::optional<BurrowOffset> end;    // newest stored commit
    std::int64_t current_lag = 0;
    float complete = 0.0f;  // share of the window holding commits
};

// protocol.ConsumerGroupStatus (without cluster and group names).
struct BurrowGroupStatus {
    BurrowStatus status = BurrowStatus::ok;
    float complete = 0.0f;
    std::vector<BurrowPartitionStatus> partitions;
    std::int32_t partition_count = 0;
    std::optional<BurrowPartitionStatus> maxlag;
    std::int64_t totallag = 0;
};

struct BurrowEvalOptions {
    std::int64_t allowed_lag = 0;   // Burrow: 0 (lag must be exactly zero to count)
    float minimum_complete = 0.0f;  // evaluator "minimum-complete", Burrow default 0
};

// The rule functions of caching.go, same names and results (checkIfOffsetsRewind's
// −1 is nullopt). Each REQUIRES a non-empty window without null entries, oldest
// first.
namespace burrow_rules {
// isLagAlwaysNotZero: no non-null stored lag is ≤ A.
bool lag_always_not_zero(std::span<const BurrowOffset> offsets, std::int64_t allowed_lag);
// checkIfOffsetsRewind: the index of the first offset smaller than the one before
// it, nullopt when there is none.
std::optional<std::size_t> offsets_rewind(std::span<const BurrowOffset> offsets);
// checkIfRewindRecovered: some offset from rewind_index on is ≥ the offset at
// rewind_index − 1. REQUIRES 1 ≤ rewind_index < offsets.size().
bool rewind_recovered(std::span<const BurrowOffset> offsets, std::size_t rewind_index);
// checkIfOffsetsStopped: now − newest ts > newest ts − oldest ts.
bool offsets_stopped(std::span<const BurrowOffset> offsets, std::int64_t now_ms);
// checkIfOffsetsStalled: every offset equals the one before it.
bool offsets_stalled(std::span<const BurrowOffset> offsets);
// checkIfLagNotDecreasing: the non-null lags never decrease.
bool lag_not_decreasing(std::span<const BurrowOffset> offsets);
// checkIfRecentLagZero: some broker offset ≤ the newest committed offset (no
// allowance, as in Burrow).
bool recent_lag_zero(std::span<const BurrowOffset> offsets, std::span<const Offset> broker_offsets);
}  // namespace burrow_rules

// calculatePartitionStatus, in the order documented at the top. now_ms is Burrow's
// timeNow × 1000 (Burrow passes whole seconds; BurrowStore::evaluate floors to one).
// REQUIRES a non-empty window without null entries, current_lag ≥ 0 and
// allowed_lag ≥ 0.
BurrowStatus calculate_partition_status(std::span<const BurrowOffset> offsets, std::span<const Offset> broker_offsets,
                                        std::int64_t current_lag, std::int64_t now_ms, std::int64_t allowed_lag);

// evaluatePartitionStatus: strips the leading empty slots, sets complete, start,
// end, and the status. An empty window is OK with complete 0 (Go's zero value).
// REQUIRES null entries only at the front, and at least one commit unless the
// window is empty or the current lag is within the allowance (Burrow dereferences
// nil there).
BurrowPartitionStatus evaluate_partition(const BurrowPartitionInput& in, std::int64_t now_ms,
                                         const BurrowEvalOptions& opts);

// evaluateConsumerStatus over the given partitions, in the given order.
BurrowGroupStatus evaluate_group(std::span<const BurrowPartitionInput> partitions, std::int64_t now_ms,
                                 const BurrowEvalOptions& opts);

// What Burrow answers for an unknown or expired group: NOTFOUND, complete 1,
// no partitions, no maxlag, totallag 0.
BurrowGroupStatus burrow_not_found();

}  // namespace ks::monitor
