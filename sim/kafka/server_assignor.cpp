// UniformAssignor (homogeneous and heterogeneous builders) and the
// broker-side RangeAssignor of KIP-848. See server_assignor.hpp.
#include "kafka/server_assignor.hpp"

#include <algorithm>
#include <utility>

#include "core/assert.hpp"
#include "kafka/java_hash.hpp"

namespace ks::kafka {

std::string_view server_assignor_name(ServerAssignorKind kind) {
    switch (kind) {
        case ServerAssignorKind::uniform:
            return "uniform";
        case ServerAssignorKind::range:
            return "range";
    }
    KS_UNREACHABLE("server_assignor_name");
}

std::optional<ServerAssignorKind> parse_server_assignor_name(std::string_view name) {
    for (auto k : {ServerAssignorKind::uniform, ServerAssignorKind::range}) {
        if (server_assignor_name(k) == name) return k;
    }
    return std::nullopt;
}

bool homogeneous(const ServerGroupSpec& spec) {
    for (const auto& m : spec.members) {
        if (m.topics != spec.members.front().topics) return false;
    }
    return true;
}

namespace {

std::int32_t partitions_of(const ServerGroupSpec& spec, std::int32_t slot) {
    KS_ASSERT_MSG(slot >= 0 && static_cast<std::size_t>(slot) < spec.topics.size(), "unknown topic slot {}", slot);
    return spec.topics[static_cast<std::size_t>(slot)].partitions;
}

// Every subscribed partition has exactly one owner, subscribed to its topic.
void check_complete(const ServerGroupSpec& spec, const std::vector<SlotAssignment>& out) {
    std::map<std::int32_t, std::set<std::int32_t>> seen;
    for (std::size_t i = 0; i < out.size(); ++i) {
        for (const auto& [slot, parts] : out[i]) {
            KS_ASSERT_MSG(spec.members[i].topics.contains(slot), "member {} got slot {} it does not subscribe to",
                          spec.members[i].member_id, slot);
            for (std::int32_t p : parts) KS_ASSERT_MSG(seen[slot].insert(p).second, "{}-{} twice", slot, p);
        }
    }
    for (const auto& m : spec.members) {
        for (std::int32_t slot : m.topics) {
            KS_ASSERT_EQ(static_cast<std::int64_t>(seen[slot].size()), partitions_of(spec, slot));
        }
    }
}

}  // namespace

// ---- UniformHomogeneousAssignmentBuilder --------------------------------------------------------

std::vector<SlotAssignment> uniform_homogeneous_assign(const ServerGroupSpec& spec) {
    std::vector<SlotAssignment> target(spec.members.size());
    if (spec.members.empty() || spec.members.front().topics.empty()) return target;
    const std::set<std::int32_t>& subscribed = spec.members.front().topics;
    // Unassigned: every partition no member's previous target holds
    // (GroupSpec.isPartitionAssigned), topics in iteration order.
    std::set<std::pair<std::int32_t, std::int32_t>> assigned;
    for (const auto& m : spec.members) {
        for (const auto& [slot, parts] : m.assignment) {
            for (std::int32_t p : parts) assigned.insert({slot, p});
        }
    }
    std::vector<std::pair<std::int32_t, std::int32_t>> unassigned;
    std::int32_t total = 0;
    for (std::int32_t slot : subscribed) {
        const std::int32_t n = partitions_of(spec, slot);
        for (std::int32_t p = 0; p < n; ++p) {
            if (!assigned.contains({slot, p})) unassigned.emplace_back(slot, p);
        }
        total += n;
    }
    const auto members = static_cast<std::int32_t>(spec.members.size());
    const std::int32_t min_quota = total / members;
    std::int32_t extra = total % members;
    // maybeRevokePartitions: keep the previous target within the quota (the
    // first `extra` members in order get one more), drop unsubscribed topics.
    std::vector<std::pair<std::size_t, std::int32_t>> unfilled;  // (member, remaining quota)
    for (std::size_t i = 0; i < spec.members.size(); ++i) {
        std::int32_t quota = min_quota;
        if (extra > 0) {
            ++quota;
            --extra;
        }
        for (const auto& [slot, parts] : spec.members[i].assignment) {
            if (!subscribed.contains(slot)) continue;  // the whole topic goes
            if (static_cast<std::int32_t>(parts.size()) <= quota) {
                quota -= static_cast<std::int32_t>(parts.size());
                target[i][slot] = parts;
                continue;
            }
            for (std::int32_t p : parts) {
                if (quota > 0) {
                    --quota;
                    target[i][slot].insert(p);
                } else {
                    unassigned.emplace_back(slot, p);
                }
            }
        }
        if (quota > 0) unfilled.emplace_back(i, quota);
    }
    // assignRemainingPartitions
    std::size_t next = 0;
    for (const auto& [i, quota] : unfilled) {
        for (std::int32_t k = 0; k < quota && next < unassigned.size(); ++k, ++next) {
            target[i][unassigned[next].first].insert(unassigned[next].second);
        }
    }
    KS_ASSERT_MSG(next == unassigned.size(), "Partitions were left unassigned");
    return target;
}

// ---- UniformHeterogeneousAssignmentBuilder ------------------------------------------------------

namespace {

class Heterogeneous {
  public:
    explicit Heterogeneous(const ServerGroupSpec& spec)
        : spec_(spec), target_(spec.members.size()), sizes_(spec.members.size(), 0) {
        for (std::size_t i = 0; i < spec.members.size(); ++i) {
            for (std::int32_t slot : spec.members[i].topics) {
                subscribers_[slot].push_back(static_cast<std::int32_t>(i));
            }
        }
        for (const auto& [slot, subs] : subscribers_) {
            owners_[slot].assign(static_cast<std::size_t>(partitions_of(spec, slot)), -1);
        }
    }

    std::vector<SlotAssignment> build() {
        if (subscribers_.empty()) return std::move(target_);
        keep_previous();
        assign_remaining();
        balance();
        return std::move(target_);
    }

  private:
    // MemberAssignmentBalancer: the least loaded range grows rightwards, the
    // most loaded range leftwards, over the subscribers sorted by load.
    class Balancer {
      public:
        explicit Balancer(const std::vector<std::int32_t>& sizes) : sizes_(sizes) {}

        std::int32_t initialize(const std::vector<std::int32_t>& members) {
            KS_ASSERT(!members.empty());
            sorted_ = members;
            std::sort(sorted_.begin(), sorted_.end(), [this](std::int32_t a, std::int32_t b) {
                if (size(a) != size(b)) return size(a) < size(b);
                return a < b;
            });
            const auto n = static_cast<std::int32_t>(sorted_.size());
            least_end_ = 0;
            least_count_ = size(sorted_.front()) - 1;
            next_least_ = 0;
            most_start_ = n;
            most_end_ = n;
            most_count_ = size(sorted_.back()) + 1;
            next_most_ = n - 1;
            return size(sorted_.back()) - size(sorted_.front());
        }

        std::int32_t next_least_loaded() {
            if (next_least_ >= least_end_) {
                ++least_count_;
                while (least_end_ < count() && size(at(least_end_)) == least_count_) ++least_end_;
                next_least_ = 0;
            }
            return at(next_least_++);
        }

        std::int32_t next_most_loaded() {
            if (next_most_ < most_start_) {
                if (most_end_ <= most_start_ && most_start_ > 0) {
                    most_count_ = size(at(most_start_ - 1));
                } else {
                    --most_count_;
                }
                while (most_start_ > 0 && size(at(most_start_ - 1)) == most_count_) --most_start_;
                next_most_ = most_end_ - 1;
            }
            if (next_most_ < 0) return -1;
            return at(next_most_--);
        }

        void exclude_most_loaded() {
            const auto a = static_cast<std::size_t>(next_most_ + 1);
            const auto b = static_cast<std::size_t>(most_end_ - 1);
            std::swap(sorted_[a], sorted_[b]);
            --most_end_;
        }

        bool balanced() const { return most_count_ - least_count_ <= 1; }

      private:
        std::int32_t size(std::int32_t member) const { return sizes_[static_cast<std::size_t>(member)]; }
        std::int32_t at(std::int32_t i) const { return sorted_[static_cast<std::size_t>(i)]; }
        std::int32_t count() const { return static_cast<std::int32_t>(sorted_.size()); }

        const std::vector<std::int32_t>& sizes_;
        std::vector<std::int32_t> sorted_;
        std::int32_t least_end_ = 0;
        std::int32_t least_count_ = -1;
        std::int32_t next_least_ = 0;
        std::int32_t most_start_ = 0;
        std::int32_t most_end_ = 0;
        std::int32_t most_count_ = 1;
        std::int32_t next_most_ = -1;
    };

    // maybeRevokePartitions: keep every previous partition of a subscribed topic.
    void keep_previous() {
        for (std::size_t i = 0; i < spec_.members.size(); ++i) {
            for (const auto& [slot, parts] : spec_.members[i].assignment) {
                if (!spec_.members[i].topics.contains(slot)) continue;
                for (std::int32_t p : parts) add(slot, p, static_cast<std::int32_t>(i));
            }
        }
    }

    // topicComparator: partitions per subscriber descending, then subscriber
    // count ascending, then topic id.
    std::vector<std::int32_t> sorted_topics(std::vector<std::int32_t> slots) const {
        std::sort(slots.begin(), slots.end(), [this](std::int32_t a, std::int32_t b) {
            const double ra = static_cast<double>(partitions_of(spec_, a)) / subs(a);
            const double rb = static_cast<double>(partitions_of(spec_, b)) / subs(b);
            if (ra != rb) return ra > rb;
            if (subs(a) != subs(b)) return subs(a) < subs(b);
            return rank(a) < rank(b);
        });
        return slots;
    }

    void assign_remaining() {
        std::map<std::int32_t, std::vector<std::int32_t>> unassigned;
        for (const auto& [slot, owners] : owners_) {
            for (std::size_t p = 0; p < owners.size(); ++p) {
                if (owners[p] == -1) unassigned[slot].push_back(static_cast<std::int32_t>(p));
            }
        }
        std::vector<std::int32_t> slots;
        for (const auto& [slot, parts] : unassigned) slots.push_back(slot);
        Balancer balancer(sizes_);
        for (std::int32_t slot : sorted_topics(slots)) {
            balancer.initialize(subscribers_.at(slot));
            for (std::int32_t p : unassigned.at(slot)) move(slot, p, balancer.next_least_loaded());
        }
    }

    void balance() {
        std::vector<std::int32_t> slots;
        for (const auto& [slot, members] : subscribers_) {
            if (members.size() >= 2) slots.push_back(slot);  // canTopicParticipateInReassignment
        }
        if (slots.empty()) return;
        const std::vector<std::int32_t> sorted = sorted_topics(slots);
        constexpr int kMaxIterationCount = 16;
        std::int32_t last_rebalanced = -1;
        for (int i = 0; i < kMaxIterationCount; ++i) {
            for (std::int32_t t = 0; t < static_cast<std::int32_t>(sorted.size()); ++t) {
                if (t == last_rebalanced) return;
                const std::int32_t moved = balance_topic(sorted[static_cast<std::size_t>(t)]);
                if (moved > 0 || last_rebalanced == -1) last_rebalanced = t;
            }
        }
    }

    std::int32_t balance_topic(std::int32_t slot) {
        Balancer balancer(sizes_);
        if (balancer.initialize(subscribers_.at(slot)) <= 1) return 0;
        const std::vector<std::int32_t>& owners = owners_.at(slot);
        std::vector<std::int32_t> parts(owners.size());
        for (std::size_t p = 0; p < parts.size(); ++p) parts[p] = static_cast<std::int32_t>(p);
        std::sort(parts.begin(), parts.end(), [&](std::int32_t a, std::int32_t b) {
            const std::int32_t oa = owners[static_cast<std::size_t>(a)], ob = owners[static_cast<std::size_t>(b)];
            return oa != ob ? oa < ob : a < b;
        });
        std::map<std::int32_t, std::int32_t> start, end;  // owner → [start, end) in parts
        for (std::size_t i = 0; i < parts.size(); ++i) {
            const std::int32_t owner = owners[static_cast<std::size_t>(parts[i])];
            start.try_emplace(owner, static_cast<std::int32_t>(i));
            end[owner] = static_cast<std::int32_t>(i) + 1;
        }
        std::int32_t moved = 0;
        while (!balancer.balanced()) {
            std::int32_t most = -1;
            while (true) {
                most = balancer.next_most_loaded();
                if (most == -1) break;
                if (!end.contains(most) || end.at(most) - start.at(most) <= 0) {
                    balancer.exclude_most_loaded();
                    continue;
                }
                break;
            }
            if (most == -1) break;
            const std::int32_t p = parts[static_cast<std::size_t>(end.at(most) - 1)];
            --end.at(most);
            const std::int32_t least = balancer.next_least_loaded();
            if (balancer.balanced()) break;
            move(slot, p, least);
            ++moved;
        }
        return moved;
    }

    void move(std::int32_t slot, std::int32_t p, std::int32_t member) {
        const std::int32_t old = owners_.at(slot)[static_cast<std::size_t>(p)];
        if (old != -1) {
            auto& a = target_[static_cast<std::size_t>(old)];
            a[slot].erase(p);
            if (a[slot].empty()) a.erase(slot);
            owners_.at(slot)[static_cast<std::size_t>(p)] = -1;
            --sizes_[static_cast<std::size_t>(old)];
        }
        add(slot, p, member);
    }

    void add(std::int32_t slot, std::int32_t p, std::int32_t member) {
        target_[static_cast<std::size_t>(member)][slot].insert(p);
        owners_.at(slot)[static_cast<std::size_t>(p)] = member;
        ++sizes_[static_cast<std::size_t>(member)];
    }

    std::int32_t subs(std::int32_t slot) const { return static_cast<std::int32_t>(subscribers_.at(slot).size()); }
    std::int64_t rank(std::int32_t slot) const { return spec_.topics[static_cast<std::size_t>(slot)].id_rank; }

    const ServerGroupSpec& spec_;
    std::vector<SlotAssignment> target_;
    std::vector<std::int32_t> sizes_;
    std::map<std::int32_t, std::vector<std::int32_t>> subscribers_;  // slot → member indices ascending
    std::map<std::int32_t, std::vector<std::int32_t>> owners_;       // slot → owner per partition (-1: none)
};

}  // namespace

std::vector<SlotAssignment> uniform_heterogeneous_assign(const ServerGroupSpec& spec) {
    return Heterogeneous(spec).build();
}

// ---- RangeAssignor (broker side) ----------------------------------------------------------------

std::vector<SlotAssignment> server_range_assign(const ServerGroupSpec& spec) {
    std::vector<SlotAssignment> target(spec.members.size());
    if (spec.members.empty()) return target;
    // sortMemberIds: static members first by instance id, then by member id.
    std::vector<std::size_t> order(spec.members.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        const auto& ia = spec.members[a].instance_id;
        const auto& ib = spec.members[b].instance_id;
        if (ia && ib) return java::string_compare(*ia, *ib) < 0;
        if (ia || ib) return ia.has_value();
        return java::string_compare(spec.members[a].member_id, spec.members[b].member_id) < 0;
    });
    // TopicMetadata per topic: numMembers subscribed, minQuota, extra, nextRange.
    struct Range {
        std::int32_t partitions = 0, members = 0, extra = 0, next = 0;
    };
    std::map<std::int32_t, Range> topics;
    for (const auto& m : spec.members) {
        for (std::int32_t slot : m.topics) {
            Range& r = topics[slot];
            r.partitions = partitions_of(spec, slot);
            ++r.members;
        }
    }
    for (auto& [slot, r] : topics) r.extra = r.partitions % r.members;
    for (std::size_t i : order) {
        for (std::int32_t slot : spec.members[i].topics) {
            Range& r = topics.at(slot);
            std::int32_t quota = r.partitions / r.members;
            if (r.extra > 0) {
                ++quota;
                --r.extra;
            }
            const std::int32_t end = std::min(r.next + quota, r.partitions);
            for (std::int32_t p = r.next; p < end; ++p) target[i][slot].insert(p);
            r.next = end;
        }
    }
    return target;
}

std::vector<SlotAssignment> server_assign(ServerAssignorKind kind, const ServerGroupSpec& spec) {
    std::vector<SlotAssignment> out;
    if (kind == ServerAssignorKind::range) {
        out = server_range_assign(spec);
    } else if (homogeneous(spec)) {
        out = uniform_homogeneous_assign(spec);
    } else {
        out = uniform_heterogeneous_assign(spec);
    }
    check_complete(spec, out);
    return out;
}

}  // namespace ks::kafka
