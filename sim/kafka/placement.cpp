#include "kafka/placement.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "core/assert.hpp"

namespace ks::kafka {

namespace {
std::int32_t replica_index(std::int32_t first, std::int32_t shift, std::int32_t j, std::int32_t n) {
    const std::int32_t s = 1 + (shift + j) % (n - 1);
    return (first + s) % n;
}
}  // namespace

std::vector<BrokerId> rack_alternated_list(const std::vector<BrokerRack>& brokers) {
    std::map<std::string, std::vector<BrokerId>> by_rack;  // racks sorted
    for (const auto& b : brokers) by_rack[b.rack.value_or("")].push_back(b.id);
    for (auto& [rack, ids] : by_rack) std::sort(ids.begin(), ids.end());
    std::vector<std::pair<const std::vector<BrokerId>*, std::size_t>> its;
    for (auto& [rack, ids] : by_rack) its.emplace_back(&ids, 0);
    std::vector<BrokerId> out;
    std::size_t r = 0;
    while (out.size() < brokers.size()) {
        auto& [ids, pos] = its[r];
        if (pos < ids->size()) out.push_back((*ids)[pos++]);
        r = (r + 1) % its.size();
    }
    return out;
}

std::vector<std::vector<BrokerId>> assign_replicas(const std::vector<BrokerRack>& brokers, std::int32_t partitions,
                                                   std::int32_t replication_factor, bool rack_aware, Rng& rng) {
    const auto n = static_cast<std::int32_t>(brokers.size());
    KS_ASSERT_GE(replication_factor, 1);
    KS_ASSERT_LE(replication_factor, n);
    KS_ASSERT_GE(partitions, 1);
    bool has_racks = rack_aware;
    for (const auto& b : brokers) has_racks = has_racks && b.rack.has_value();
    const auto start = static_cast<std::int32_t>(rng.uniform_u64(static_cast<std::uint64_t>(n)));
    auto shift = static_cast<std::int32_t>(rng.uniform_u64(static_cast<std::uint64_t>(n)));
    std::vector<std::vector<BrokerId>> out;
    if (!has_racks) {
        std::vector<BrokerId> ids;
        for (const auto& b : brokers) ids.push_back(b.id);
        std::sort(ids.begin(), ids.end());
        for (std::int32_t p = 0; p < partitions; ++p) {
            if (p > 0 && p % n == 0) ++shift;
            const std::int32_t first = (p + start) % n;
            std::vector<BrokerId> r{ids[static_cast<std::size_t>(first)]};
            for (std::int32_t j = 0; j < replication_factor - 1; ++j) {
                r.push_back(ids[static_cast<std::size_t>(replica_index(first, shift, j, n))]);
            }
            out.push_back(std::move(r));
        }
        return out;
    }
    std::map<BrokerId, std::string> rack_of;
    std::set<std::string> racks;
    for (const auto& b : brokers) {
        rack_of[b.id] = *b.rack;
        racks.insert(*b.rack);
    }
    const auto num_racks = static_cast<std::int32_t>(racks.size());
    const std::vector<BrokerId> arranged = rack_alternated_list(brokers);
    for (std::int32_t p = 0; p < partitions; ++p) {
        if (p > 0 && p % n == 0) ++shift;
        const std::int32_t first = (p + start) % n;
        const BrokerId leader = arranged[static_cast<std::size_t>(first)];
        std::vector<BrokerId> r{leader};
        std::set<std::string> racks_used{rack_of[leader]};
        std::set<BrokerId> brokers_used{leader};
        std::int32_t k = 0;
        for (std::int32_t j = 0; j < replication_factor - 1; ++j) {
            for (;;) {
                const BrokerId b = arranged[static_cast<std::size_t>(replica_index(first, shift * num_racks, k, n))];
                const std::string& rack = rack_of[b];
                ++k;
                const bool rack_ok =
                    !racks_used.count(rack) || static_cast<std::int32_t>(racks_used.size()) == num_racks;
                const bool broker_ok = !brokers_used.count(b) || static_cast<std::int32_t>(brokers_used.size()) == n;
                if (rack_ok && broker_ok) {
                    r.push_back(b);
                    racks_used.insert(rack);
                    brokers_used.insert(b);
                    break;
                }
                KS_ASSERT_LT(k, 10 * n * n + 10);
            }
        }
        out.push_back(std::move(r));
    }
    return out;
}

}  // namespace ks::kafka
