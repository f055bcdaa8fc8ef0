// AbstractStickyAssignor (Kafka 3.5+): allSubscriptionsEqual, the
// ConstrainedAssignmentBuilder, and the StickyAssignor / CooperativeStickyAssignor
// front ends. The GeneralAssignmentBuilder lives in assignor_sticky_general.cpp.
#include <algorithm>
#include <list>
#include <set>

#include "core/assert.hpp"
#include "kafka/assignor.hpp"
#include "kafka/assignor_internal.hpp"
#include "kafka/assignor_sticky_internal.hpp"

namespace ks::kafka {
namespace sticky {

const Subscription& Context::sub(const std::string& id) const {
    auto it = index_of.find(id);
    KS_ASSERT_MSG(it != index_of.end(), "unknown member {}", id);
    return (*members)[it->second];
}

std::int32_t Context::total_partitions() const {
    std::int32_t total = 0;
    partitions_per_topic.for_each([&](const std::string&, std::int32_t n) { total += n; });
    return total;
}

MemberData member_data(const Context& ctx, const Subscription& s) {
    // StickyAssignor: partitions + generation come from its userData encoding;
    // CooperativeStickyAssignor (subscription v2+): ownedPartitions + generationId.
    if (ctx.cooperative) return {s.owned_partitions, s.generation};
    return {sticky_user_data_order(s.owned_partitions), s.generation};
}

bool remove_first(PartList& list, const TopicPartition& tp) {
    auto it = std::find(list.begin(), list.end(), tp);
    if (it == list.end()) return false;
    list.erase(it);
    return true;
}

bool list_contains(const PartList& list, const TopicPartition& tp) {
    return std::find(list.begin(), list.end(), tp) != list.end();
}

PartList all_topic_partitions(const TopicCounts& ppt, const std::vector<std::string>& sorted_topics) {
    PartList out;
    for (const auto& t : sorted_topics) {
        const std::int32_t* n = ppt.find(t);
        KS_ASSERT(n != nullptr);
        for (std::int32_t p = 0; p < *n; ++p) out.push_back({t, p});
    }
    return out;
}

namespace {

struct Claims {
    OwnedMap consumer_to_owned;      // consumerToOwnedPartitions
    TpSet multiple_previous_owners;  // partitionsWithMultiplePreviousOwners
    bool all_equal = true;
};

// AbstractStickyAssignor.allSubscriptionsEqual: also collects each member's
// valid owned partitions, resolving double claims by generation.
Claims all_subscriptions_equal(Context& ctx) {
    Claims c;
    std::set<std::string> subscribed_topics;
    std::map<TopicPartition, std::string, TpLess> previous_owner;
    for (std::size_t i : ctx.order) {
        const Subscription& s = (*ctx.members)[i];
        if (subscribed_topics.empty()) {
            subscribed_topics.insert(s.topics.begin(), s.topics.end());
        } else if (c.all_equal && !(s.topics.size() == subscribed_topics.size() &&
                                    std::all_of(s.topics.begin(), s.topics.end(),
                                                [&](const std::string& t) { return subscribed_topics.contains(t); }))) {
            c.all_equal = false;
        }
        const MemberData md = member_data(ctx, s);
        ctx.max_generation = std::max(ctx.max_generation, md.generation);
        c.consumer_to_owned.put(s.member_id, {});
        for (const auto& tp : md.partitions) {
            if (!ctx.partitions_per_topic.contains(tp.topic)) continue;
            auto prev = previous_owner.find(tp);
            if (prev == previous_owner.end()) {
                c.consumer_to_owned.find(s.member_id)->push_back(tp);
                previous_owner.emplace(tp, s.member_id);
                continue;
            }
            const std::string other = prev->second;
            const std::int32_t other_generation = ctx.sub(other).generation;
            if (md.generation == other_generation) {
                c.multiple_previous_owners.insert(tp);
                remove_first(*c.consumer_to_owned.find(other), tp);
                prev->second = s.member_id;
            } else if (md.generation > other_generation) {
                c.consumer_to_owned.find(s.member_id)->push_back(tp);
                remove_first(*c.consumer_to_owned.find(other), tp);
                prev->second = s.member_id;
            }
        }
    }
    return c;
}

// AbstractStickyAssignor.ConstrainedAssignmentBuilder (no racks).
class Constrained {
  public:
    Constrained(const Context& ctx, Claims& claims) : ctx_(ctx), claims_(claims) {
        const auto n = static_cast<std::int32_t>(claims.consumer_to_owned.size());
        KS_ASSERT_GT(n, 0);
        const std::int32_t total = ctx.total_partitions();
        min_quota_ = total / n;
        max_quota_ = (total + n - 1) / n;
        expected_over_min_ = total % n;
        claims.consumer_to_owned.for_each([&](const std::string& c, const PartList&) { assignment_[c]; });
    }

    std::map<std::string, PartList> build(Transferring& transferring) {
        transferring_ = &transferring;
        assign_owned_partitions();
        PartList unassigned = unassigned_partitions();
        auto by_string = [](const std::string& a, const std::string& b) { return java::string_compare(a, b) < 0; };
        unfilled_under_min_.sort(by_string);
        unfilled_exactly_min_.sort(by_string);
        assign_round_robin(unassigned);
        verify_unfilled_members();
        return std::move(assignment_);
    }

  private:
    void assign_owned_partitions() {
        claims_.consumer_to_owned.for_each([&](const std::string& consumer, const PartList& owned_in) {
            PartList owned(owned_in);
            std::stable_sort(owned.begin(), owned.end(), [](const TopicPartition& a, const TopicPartition& b) {
                if (a.partition != b.partition) return a.partition < b.partition;
                return java::string_compare(a.topic, b.topic) < 0;
            });
            claims_.multiple_previous_owners.for_each([&](const TopicPartition& tp) { remove_first(owned, tp); });
            PartList& mine = assignment_[consumer];
            const auto size = static_cast<std::int32_t>(owned.size());
            if (size < min_quota_) {
                take(mine, owned, size);
                unfilled_under_min_.push_back(consumer);
            } else if (size >= max_quota_ && current_over_min_ < expected_over_min_) {
                if (++current_over_min_ == expected_over_min_) unfilled_exactly_min_.clear();
                take(mine, owned, max_quota_);
            } else {
                take(mine, owned, min_quota_);
                if (current_over_min_ < expected_over_min_) unfilled_exactly_min_.push_back(consumer);
            }
        });
    }

    // Keeps owned[0, keep) and marks the rest revoked.
    void take(PartList& mine, const PartList& owned, std::int32_t keep) {
        for (std::size_t k = 0; k < owned.size(); ++k) {
            if (static_cast<std::int32_t>(k) < keep) {
                mine.push_back(owned[k]);
                assigned_.insert(owned[k]);
            } else {
                revoked_.insert(owned[k]);
            }
        }
    }

    // getUnassignedPartitions: all partitions by (topic, partition) minus the kept ones.
    PartList unassigned_partitions() const {
        std::vector<std::string> topics = ctx_.partitions_per_topic.keys();
        std::sort(topics.begin(), topics.end(), java::StringLess{});
        PartList out;
        for (const auto& tp : all_topic_partitions(ctx_.partitions_per_topic, topics))
            if (!assigned_.contains(tp)) out.push_back(tp);
        return out;
    }

    void assign_round_robin(const PartList& unassigned) {
        auto iter = unfilled_under_min_.begin();
        auto last = unfilled_under_min_.end();  // Iterator.remove() target; end(): none
        for (const auto& tp : unassigned) {
            std::string consumer;
            if (iter != unfilled_under_min_.end()) {
                last = iter;
                consumer = *iter++;
            } else if (unfilled_under_min_.empty() && unfilled_exactly_min_.empty()) {
                KS_UNREACHABLE("constrained assign: no more unfilled consumers (Kafka: IllegalStateException)");
            } else if (unfilled_under_min_.empty()) {
                consumer = unfilled_exactly_min_.front();
                unfilled_exactly_min_.pop_front();
                last = unfilled_under_min_.end();
            } else {
                iter = unfilled_under_min_.begin();
                last = iter;
                consumer = *iter++;
            }
            const std::int32_t count = assign_new_partition(tp, consumer);
            if (count == min_quota_) {
                KS_ASSERT_MSG(last != unfilled_under_min_.end(),
                              "constrained assign: Iterator.remove without next ({})", consumer);
                unfilled_under_min_.erase(last);
                last = unfilled_under_min_.end();
                unfilled_exactly_min_.push_back(consumer);
            } else if (count == max_quota_) {
                ++current_over_min_;
            }
        }
    }

    std::int32_t assign_new_partition(const TopicPartition& tp, const std::string& consumer) {
        PartList& mine = assignment_[consumer];
        mine.push_back(tp);
        if (revoked_.contains(tp) || claims_.multiple_previous_owners.contains(tp)) (*transferring_)[tp] = consumer;
        return static_cast<std::int32_t>(mine.size());
    }

    void verify_unfilled_members() const {
        if (unfilled_under_min_.empty()) return;
        KS_ASSERT_EQ(current_over_min_, expected_over_min_);
        for (const auto& m : unfilled_under_min_)
            KS_ASSERT_EQ(static_cast<std::int32_t>(assignment_.at(m).size()), min_quota_);
    }

    const Context& ctx_;
    Claims& claims_;
    Transferring* transferring_ = nullptr;
    std::int32_t min_quota_ = 0;
    std::int32_t max_quota_ = 0;
    std::int32_t expected_over_min_ = 0;
    std::int32_t current_over_min_ = 0;
    std::map<std::string, PartList> assignment_;
    std::set<TopicPartition, TpLess> assigned_;
    std::set<TopicPartition, TpLess> revoked_;
    std::list<std::string> unfilled_under_min_;
    std::list<std::string> unfilled_exactly_min_;
};

void check_input(const PartitionsPerTopic& ppt, const std::vector<Subscription>& members) {
    std::set<std::string> topics;
    for (const auto& [t, n] : ppt) {
        KS_ASSERT_MSG(topics.insert(t).second, "duplicate topic {}", t);
        KS_ASSERT_GT(n, 0);
    }
    for (const auto& m : members) {
        for (const auto& tp : m.owned_partitions) {
            auto it = std::find_if(ppt.begin(), ppt.end(), [&](const auto& e) { return e.first == tp.topic; });
            if (it == ppt.end()) continue;
            KS_ASSERT_MSG(tp.partition >= 0 && tp.partition < it->second, "owned partition {} out of range", tp.str());
        }
    }
}

StickyResult run(const PartitionsPerTopic& ppt, const std::vector<Subscription>& members, bool cooperative) {
    check_input(ppt, members);
    Context ctx;
    ctx.members = &members;
    ctx.order = detail::subscription_order(members);
    ctx.cooperative = cooperative;
    for (std::size_t i = 0; i < members.size(); ++i) ctx.index_of.emplace(members[i].member_id, i);
    for (const auto& [t, n] : ppt) ctx.partitions_per_topic.put(t, n);

    StickyResult result;
    result.assignment = detail::empty_assignment(members);
    if (members.empty()) return result;

    Claims claims = all_subscriptions_equal(ctx);
    std::map<std::string, PartList> by_member;
    if (claims.all_equal) {
        Transferring transferring;
        by_member = Constrained(ctx, claims).build(transferring);
        result.constrained_path = true;
        result.transferring.emplace(transferring.begin(), transferring.end());
    } else {
        by_member = general_assign(ctx, std::move(claims.consumer_to_owned));
    }
    for (auto& ma : result.assignment) {
        auto it = by_member.find(ma.member_id);
        KS_ASSERT_MSG(it != by_member.end(), "member {} missing from sticky assignment", ma.member_id);
        ma.partitions = std::move(it->second);
    }
    return result;
}

// CooperativeStickyAssignor.computePartitionsTransferringOwnership
Transferring compute_transferring(const std::vector<Subscription>& members, const GroupAssignment& assignment) {
    Transferring added;
    std::set<TopicPartition, TpLess> revoked;
    for (std::size_t i = 0; i < members.size(); ++i) {
        const auto& owned = members[i].owned_partitions;
        const auto& assigned = assignment[i].partitions;
        for (const auto& tp : assigned)
            if (!list_contains(owned, tp)) added[tp] = assignment[i].member_id;
        for (const auto& tp : owned)
            if (!list_contains(assigned, tp)) revoked.insert(tp);
    }
    std::erase_if(added, [&](const auto& e) { return !revoked.contains(e.first); });
    return added;
}

}  // namespace
}  // namespace sticky

StickyResult sticky_assign(const PartitionsPerTopic& ppt, const std::vector<Subscription>& members) {
    return sticky::run(ppt, members, /*cooperative=*/false);
}

StickyResult cooperative_sticky_assign(const PartitionsPerTopic& ppt, const std::vector<Subscription>& members) {
    StickyResult r = sticky::run(ppt, members, /*cooperative=*/true);
    std::vector<std::pair<TopicPartition, std::string>> moving;
    if (r.transferring) {
        moving = *r.transferring;
    } else {
        for (auto& e : sticky::compute_transferring(members, r.assignment)) moving.emplace_back(e.first, e.second);
    }
    // adjustAssignment: the new owner gets the partition after its owner revoked it.
    for (const auto& [tp, consumer] : moving) {
        auto it = std::find_if(r.assignment.begin(), r.assignment.end(),
                               [&](const MemberAssignment& m) { return m.member_id == consumer; });
        KS_ASSERT(it != r.assignment.end());
        sticky::remove_first(it->partitions, tp);
    }
    return r;
}

}  // namespace ks::kafka
