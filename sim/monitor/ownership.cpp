// See ownership.hpp.
#include "monitor/ownership.hpp"

#include <algorithm>
#include <map>

#include "core/assert.hpp"

namespace ks::monitor {

UnownedTime unowned_time(std::vector<OwnershipEvent> events, const std::vector<TopicPartition>& partitions,
                         Instant end) {
    UnownedTime out;
    if (partitions.empty()) return out;
    std::stable_sort(events.begin(), events.end(),
                     [](const OwnershipEvent& a, const OwnershipEvent& b) { return a.at < b.at; });
    std::map<TopicPartition, std::int32_t> owners;
    for (const TopicPartition& tp : partitions) owners[tp] = 0;
    std::map<TopicPartition, Instant> unowned_since;  // after the group formed
    std::size_t owned = 0;                            // partitions with an owner
    bool formed = false;
    std::size_t i = 0;
    while (i < events.size() && events[i].at < end) {
        const Instant now = events[i].at;
        // Every change at this instant first: a hand-over within one instant costs nothing.
        for (; i < events.size() && events[i].at == now; ++i) {
            const auto it = owners.find(events[i].tp);
            if (it == owners.end()) continue;  // not a partition of the group's subscription
            const bool had = it->second > 0;
            it->second += events[i].delta;
            KS_ASSERT_GE(it->second, 0);
            if (!had && it->second > 0) ++owned;
            if (had && it->second == 0) --owned;
        }
        if (!formed && owned == partitions.size()) formed = true;
        if (!formed) continue;
        for (const auto& [tp, n] : owners) {
            const auto since = unowned_since.find(tp);
            if (n == 0 && since == unowned_since.end()) unowned_since.emplace(tp, now);
            if (n > 0 && since != unowned_since.end()) {
                const double s = (now - since->second).seconds_f();
                out.partition_s += s;
                out.max_s = std::max(out.max_s, s);
                unowned_since.erase(since);
            }
        }
    }
    for (const auto& [tp, since] : unowned_since) {
        const double s = (end - since).seconds_f();
        out.partition_s += s;
        out.max_s = std::max(out.max_s, s);
    }
    return out;
}

}  // namespace ks::monitor
