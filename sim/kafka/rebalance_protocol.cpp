#include "kafka/rebalance_protocol.hpp"

#include <algorithm>

#include "core/assert.hpp"
#include "kafka/java_hash.hpp"

namespace ks::kafka {

std::vector<RebalanceProtocol> supported_protocols(AssignorKind kind) {
    if (kind == AssignorKind::kCooperativeSticky) return {RebalanceProtocol::kCooperative, RebalanceProtocol::kEager};
    return {RebalanceProtocol::kEager};
}

std::optional<RebalanceProtocol> client_rebalance_protocol(const std::vector<AssignorKind>& assignors) {
    if (assignors.empty()) return std::nullopt;
    std::vector<RebalanceProtocol> common = supported_protocols(assignors.front());
    for (AssignorKind a : assignors) {
        const auto mine = supported_protocols(a);
        std::erase_if(common,
                      [&](RebalanceProtocol p) { return std::find(mine.begin(), mine.end(), p) == mine.end(); });
    }
    if (common.empty()) return std::nullopt;
    return *std::max_element(common.begin(), common.end());
}

std::optional<std::string> select_group_protocol(const std::vector<std::vector<std::string>>& member_preferences) {
    if (member_preferences.empty()) return std::nullopt;
    // candidateProtocols: the names every member supports.
    std::vector<std::string> candidates;
    for (const auto& name : member_preferences.front()) {
        const bool everywhere =
            std::all_of(member_preferences.begin(), member_preferences.end(),
                        [&](const auto& prefs) { return std::find(prefs.begin(), prefs.end(), name) != prefs.end(); });
        if (everywhere && std::find(candidates.begin(), candidates.end(), name) == candidates.end())
            candidates.push_back(name);
    }
    if (candidates.empty()) return std::nullopt;
    java::JavaHashMap<std::string, int, java::StringHash> votes;
    for (const auto& prefs : member_preferences) {
        auto vote = std::find_if(prefs.begin(), prefs.end(), [&](const std::string& p) {
            return std::find(candidates.begin(), candidates.end(), p) != candidates.end();
        });
        KS_ASSERT(vote != prefs.end());
        votes.get_or_insert(*vote) += 1;
    }
    std::optional<std::string> best;
    int best_votes = -1;
    votes.for_each([&](const std::string& name, int n) {
        if (n > best_votes) {  // BinaryOperator.maxBy keeps the first of equals
            best = name;
            best_votes = n;
        }
    });
    return best;
}

}  // namespace ks::kafka
