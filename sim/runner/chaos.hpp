// Chaos: a random fault schedule drawn from a scenario's "chaos" section
// (ks::ChaosSpec), in the spirit of TigerBeetle's VOPR — one seed draws the
// whole schedule, so `kafkasim run FILE --seed N` replays it exactly.
//
// The draw uses only its own stream, Rng::stream(seed, "chaos"), and reads
// nothing but the scenario: the workload, the network and a `compare`'s
// variants never shift it (common random numbers across variants).
//
// The schedule, as plain FaultSpecs the simulation applies like the file's own:
//   - arrivals form a Poisson process of mean `mean_interval`, with at least
//     kChaosStability between two fault starts;
//   - each fault's kind is drawn uniformly from `actions`; its target uniformly
//     among the brokers (or groups) no active fault touches;
//   - it lasts `for_s` seconds (clamped to >= kChaosMinFault) and heals by
//     itself (for_s set; a consumer_crash is followed by a consumer_join);
//   - a target stays untouched for kChaosStability after its fault heals, and
//     never more than `max_concurrent` faults overlap (counting that quiet
//     time), so the cluster gets a chance to recover between faults;
//   - every fault ends before the scenario's duration; an arrival that does
//     not fit is dropped, and drawing stops.
// Kinds: crash, pause and disk_slow take one broker; power_loss a broker, or
// its whole rack when the cluster has several racks (the rack's brokers must
// all be free); partition cuts one broker off from every other broker and the
// clients; link degrades the link between two free brokers (latency 20-500 ms,
// loss 0-20 %); disk_slow slows a disk 5-50x; consumer_crash / slow_consumer
// take a member of a consumer group.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kafkasim/scenario.hpp"

namespace ks::runner {

// Quiet time around faults: between two fault starts, and on a target after its fault heals.
constexpr Duration kChaosStability = s(5);
// The shortest random fault.
constexpr Duration kChaosMinFault = s(1);

// The random faults of `s` for `seed`, in time order; empty unless s.chaos.enabled.
// Their `at` counts from the end of warm-up, like the file's faults.
std::vector<FaultSpec> draw_chaos(const Scenario& s, std::uint64_t seed);

// `s` with draw_chaos(s, seed) appended to its faults (the file's faults keep
// their indices).
Scenario with_chaos(const Scenario& s, std::uint64_t seed);

// One line per fault: "  chaos 00:12.345 crash broker 2 for 14.2 s".
std::string describe_fault(const FaultSpec& f);
// "chaos: 7 random faults\n" then a describe_fault line for each.
std::string describe_chaos(const std::vector<FaultSpec>& faults);

}  // namespace ks::runner
