// AbstractStickyAssignor.GeneralAssignmentBuilder and PartitionMovements
// (Kafka 3.5+, without racks): keep valid owned partitions, assign the rest to
// the least-loaded eligible consumer, then move partitions until balanced,
// reverting if the balance score did not improve.
#include <algorithm>
#include <cstdlib>
#include <set>

#include "core/assert.hpp"
#include "kafka/assignor_sticky_internal.hpp"

namespace ks::kafka::sticky {
namespace {

using ConsumerPair = std::pair<std::string, std::string>;  // (src, dst)

// AbstractStickyAssignor.PartitionMovements (only what influences the result;
// isSticky()/hasCycles() are diagnostics and are not reproduced).
class PartitionMovements {
  public:
    void move_partition(const TopicPartition& tp, const std::string& old_consumer, const std::string& new_consumer) {
        if (movements_.contains(tp)) {
            const ConsumerPair existing = remove_record(tp);
            KS_ASSERT(existing.second == old_consumer);
            if (existing.first != new_consumer) add_record(tp, {existing.first, new_consumer});
        } else {
            add_record(tp, {old_consumer, new_consumer});
        }
    }

    TopicPartition actual_partition_to_move(const TopicPartition& tp, std::string old_consumer,
                                            const std::string& new_consumer) const {
        auto topic_it = by_topic_.find(tp.topic);
        if (topic_it == by_topic_.end()) return tp;
        if (auto m = movements_.find(tp); m != movements_.end()) {
            KS_ASSERT(old_consumer == m->second.second);
            old_consumer = m->second.first;
        }
        auto rev = topic_it->second.find({new_consumer, old_consumer});
        if (rev == topic_it->second.end()) return tp;
        return rev->second.first();  // HashSet.iterator().next()
    }

  private:
    ConsumerPair remove_record(const TopicPartition& tp) {
        auto m = movements_.find(tp);
        KS_ASSERT(m != movements_.end());
        const ConsumerPair pair = m->second;
        movements_.erase(m);
        auto& for_topic = by_topic_.at(tp.topic);
        auto& set = for_topic.at(pair);
        set.erase(tp);
        if (set.empty()) for_topic.erase(pair);
        if (for_topic.empty()) by_topic_.erase(tp.topic);
        return pair;
    }

    void add_record(const TopicPartition& tp, const ConsumerPair& pair) {
        movements_[tp] = pair;
        by_topic_[tp.topic][pair].insert(tp);
    }

    std::map<std::string, std::map<ConsumerPair, TpSet>> by_topic_;
    std::map<TopicPartition, ConsumerPair, TpLess> movements_;
};

// TreeSet<String>(SubscriptionComparator): by assignment size, then member id.
// Entries carry the size they were inserted with, as Kafka removes a consumer
// before changing its assignment and re-adds it afterwards.
class SortedConsumers {
  public:
    void add(const std::string& c, std::size_t size) {
        if (key_.contains(c)) return;
        key_[c] = size;
        set_.insert({size, c});
    }
    void remove(const std::string& c) {
        auto it = key_.find(c);
        if (it == key_.end()) return;
        set_.erase({it->second, c});
        key_.erase(it);
    }
    const std::string& first() const { return set_.begin()->second; }
    const std::string& last() const { return set_.rbegin()->second; }
    std::vector<std::string> items() const {
        std::vector<std::string> out;
        for (const auto& e : set_) out.push_back(e.second);
        return out;
    }

  private:
    struct Less {
        bool operator()(const std::pair<std::size_t, std::string>& a,
                        const std::pair<std::size_t, std::string>& b) const {
            if (a.first != b.first) return a.first < b.first;
            return java::string_compare(a.second, b.second) < 0;
        }
    };
    std::set<std::pair<std::size_t, std::string>, Less> set_;
    std::map<std::string, std::size_t> key_;
};

struct Generational {
    std::string consumer;
    std::int32_t generation;
};

class General {
  public:
    General(Context& ctx, OwnedMap current) : ctx_(ctx), total_(ctx.total_partitions()) {
        ctx.partitions_per_topic.for_each([&](const std::string& t, std::int32_t) { topic_consumers_[t]; });
        for (std::size_t i : ctx.order) {
            const Subscription& s = (*ctx.members)[i];
            auto& topics = consumer_topics_[s.member_id];
            for (const auto& t : s.topics) {
                if (!ctx.partitions_per_topic.contains(t)) continue;
                topics.push_back(t);
                topic_consumers_[t].push_back(s.member_id);
            }
        }
        current.for_each([&](const std::string& c, const PartList& ps) {
            assignment_[c] = ps;
            owned_order_.push_back(c);
        });
        for (const auto& [c, ps] : assignment_)
            for (const auto& tp : ps) partition_consumer_[tp] = c;
        std::vector<std::string> topics;
        for (const auto& [t, cs] : topic_consumers_) topics.push_back(t);
        std::sort(topics.begin(), topics.end(), [&](const std::string& a, const std::string& b) {
            // TopicComparator: fewer potential consumers first, then name
            const auto na = topic_consumers_.at(a).size(), nb = topic_consumers_.at(b).size();
            return na != nb ? na < nb : java::string_compare(a, b) < 0;
        });
        sorted_all_ = all_topic_partitions(ctx.partitions_per_topic, topics);
    }

    std::map<std::string, PartList> build() {
        prepopulate_prev_assignment();
        const PartList assigned = assign_owned_partitions();
        PartList unassigned = unassigned_partitions(assigned);
        for (const auto& [c, ps] : assignment_) sorted_.add(c, ps.size());
        balance(unassigned);
        return std::move(assignment_);
    }

  private:
    void prepopulate_prev_assignment() {
        for (std::size_t i : ctx_.order) {
            const Subscription& s = (*ctx_.members)[i];
            const MemberData md = member_data(ctx_, s);
            if (md.generation >= ctx_.max_generation) continue;
            for (const auto& tp : md.partitions) {
                auto it = prev_.find(tp);
                if (it == prev_.end()) {
                    prev_.emplace(tp, Generational{s.member_id, md.generation});
                } else if (md.generation > it->second.generation) {
                    it->second = Generational{s.member_id, md.generation};
                }
            }
        }
    }

    PartList assign_owned_partitions() {
        PartList assigned;
        for (const auto& c : owned_order_) {  // currentAssignment.entrySet() order
            const Subscription& s = ctx_.sub(c);
            PartList& ps = assignment_.at(c);
            PartList kept;
            for (const auto& tp : ps) {
                if (!topic_consumers_.contains(tp.topic)) {
                    partition_consumer_.erase(tp);
                } else if (std::find(s.topics.begin(), s.topics.end(), tp.topic) == s.topics.end()) {
                    revocation_required_ = true;
                } else {
                    kept.push_back(tp);
                    assigned.push_back(tp);
                }
            }
            ps = std::move(kept);
        }
        return assigned;
    }

    PartList unassigned_partitions(const PartList& assigned) const {
        std::set<TopicPartition, TpLess> taken(assigned.begin(), assigned.end());
        PartList out;
        for (const auto& tp : sorted_all_)
            if (!taken.contains(tp)) out.push_back(tp);
        return out;
    }

    bool subscribes(const std::string& consumer, const std::string& topic) const {
        const auto& ts = consumer_topics_.at(consumer);
        return std::find(ts.begin(), ts.end(), topic) != ts.end();
    }

    std::size_t size_of(const std::string& c) const {
        auto it = assignment_.find(c);
        KS_ASSERT_MSG(it != assignment_.end(), "consumer {} not in currentAssignment (Kafka: NullPointerException)", c);
        return it->second.size();
    }

    std::int32_t max_assignment_size(const std::string& consumer) const {
        const auto& ts = consumer_topics_.at(consumer);
        if (ts.size() == ctx_.partitions_per_topic.size()) return total_;
        std::int32_t n = 0;
        for (const auto& t : ts) n += *ctx_.partitions_per_topic.find(t);
        return n;
    }

    bool is_balanced() const {
        const std::size_t min = size_of(sorted_.first());
        const std::size_t max = size_of(sorted_.last());
        if (min + 1 >= max) return true;
        std::map<TopicPartition, std::string, TpLess> owner;
        for (const auto& [c, ps] : assignment_)
            for (const auto& tp : ps) owner[tp] = c;
        for (const auto& c : sorted_.items()) {
            const PartList& ps = assignment_.at(c);
            if (static_cast<std::int32_t>(ps.size()) == max_assignment_size(c)) continue;
            for (const auto& t : consumer_topics_.at(c)) {
                const std::int32_t n = *ctx_.partitions_per_topic.find(t);
                for (std::int32_t p = 0; p < n; ++p) {
                    const TopicPartition tp{t, p};
                    if (list_contains(ps, tp)) continue;
                    auto o = owner.find(tp);
                    KS_ASSERT(o != owner.end());
                    if (ps.size() + 1 < size_of(o->second)) return false;
                }
            }
        }
        return true;
    }

    static std::int64_t balance_score(const std::map<std::string, PartList>& a) {
        std::vector<std::int64_t> sizes;
        for (const auto& [c, ps] : a) sizes.push_back(static_cast<std::int64_t>(ps.size()));
        std::int64_t score = 0;
        for (std::size_t i = 0; i < sizes.size(); ++i)
            for (std::size_t j = i + 1; j < sizes.size(); ++j) score += std::llabs(sizes[i] - sizes[j]);
        return score;
    }

    void maybe_assign_partition(const TopicPartition& tp) {
        for (const auto& c : sorted_.items()) {
            if (!subscribes(c, tp.topic)) continue;
            sorted_.remove(c);
            assignment_.at(c).push_back(tp);
            partition_consumer_[tp] = c;
            sorted_.add(c, assignment_.at(c).size());
            return;
        }
    }

    bool can_topic_participate(const std::string& topic) const { return topic_consumers_.at(topic).size() >= 2; }

    bool can_consumer_participate(const std::string& c) const {
        const PartList& ps = assignment_.at(c);
        if (static_cast<std::int32_t>(ps.size()) < max_assignment_size(c)) return true;
        return std::any_of(ps.begin(), ps.end(),
                           [&](const TopicPartition& tp) { return can_topic_participate(tp.topic); });
    }

    void balance(PartList& unassigned) {
        const bool initializing = assignment_.at(sorted_.last()).empty();
        for (const auto& tp : unassigned)
            if (!topic_consumers_.at(tp.topic).empty()) maybe_assign_partition(tp);

        auto fixed_partition = [&](const TopicPartition& tp) { return !can_topic_participate(tp.topic); };
        std::erase_if(sorted_all_, fixed_partition);
        std::erase_if(unassigned, fixed_partition);

        std::map<std::string, PartList> fixed;
        for (const auto& [c, ts] : consumer_topics_) {
            if (can_consumer_participate(c)) continue;
            sorted_.remove(c);
            fixed[c] = std::move(assignment_.at(c));
            assignment_.erase(c);
        }

        const auto pre_assignment = assignment_;
        const auto pre_partition_consumer = partition_consumer_;
        if (!revocation_required_) perform_reassignments(unassigned);
        const bool performed = perform_reassignments(sorted_all_);
        if (!initializing && performed && balance_score(assignment_) >= balance_score(pre_assignment)) {
            assignment_ = pre_assignment;
            partition_consumer_ = pre_partition_consumer;
        }
        for (auto& [c, ps] : fixed) {
            assignment_[c] = std::move(ps);
            sorted_.add(c, assignment_.at(c).size());
        }
    }

    bool perform_reassignments(const PartList& reassignable) {
        bool performed = false;
        bool modified = false;
        do {
            modified = false;
            for (std::size_t i = 0; i < reassignable.size() && !is_balanced(); ++i) {
                const TopicPartition& tp = reassignable[i];
                auto cur = partition_consumer_.find(tp);
                KS_ASSERT_MSG(cur != partition_consumer_.end(), "partition {} unassigned", tp.str());
                const std::string consumer = cur->second;
                if (auto prev = prev_.find(tp);
                    prev != prev_.end() && size_of(consumer) > size_of(prev->second.consumer) + 1) {
                    reassign_partition(tp, prev->second.consumer);
                    performed = modified = true;
                    continue;
                }
                for (const auto& other : topic_consumers_.at(tp.topic)) {
                    if (size_of(consumer) > size_of(other) + 1) {
                        reassign_partition(tp);
                        performed = modified = true;
                        break;
                    }
                }
            }
        } while (modified);
        return performed;
    }

    void reassign_partition(const TopicPartition& tp) {
        for (const auto& c : sorted_.items()) {
            if (subscribes(c, tp.topic)) {
                reassign_partition(tp, c);
                return;
            }
        }
        KS_UNREACHABLE("reassignPartition: no consumer for the topic");
    }

    void reassign_partition(const TopicPartition& tp, const std::string& new_consumer) {
        const std::string consumer = partition_consumer_.at(tp);
        const TopicPartition to_move = movements_.actual_partition_to_move(tp, consumer, new_consumer);
        process_partition_movement(to_move, new_consumer);
    }

    void process_partition_movement(const TopicPartition& tp, const std::string& new_consumer) {
        const std::string old_consumer = partition_consumer_.at(tp);
        sorted_.remove(old_consumer);
        sorted_.remove(new_consumer);
        movements_.move_partition(tp, old_consumer, new_consumer);
        remove_first(assignment_.at(old_consumer), tp);
        assignment_.at(new_consumer).push_back(tp);
        partition_consumer_[tp] = new_consumer;
        sorted_.add(new_consumer, assignment_.at(new_consumer).size());
        sorted_.add(old_consumer, assignment_.at(old_consumer).size());
    }

    Context& ctx_;
    const std::int32_t total_;
    std::map<std::string, std::vector<std::string>, java::StringLess> topic_consumers_;
    std::map<std::string, std::vector<std::string>, java::StringLess> consumer_topics_;
    std::map<std::string, PartList> assignment_;
    std::vector<std::string> owned_order_;
    std::map<TopicPartition, std::string, TpLess> partition_consumer_;
    std::map<TopicPartition, Generational, TpLess> prev_;
    PartList sorted_all_;
    SortedConsumers sorted_;
    PartitionMovements movements_;
    bool revocation_required_ = false;
};

}  // namespace

std::map<std::string, PartList> general_assign(Context& ctx, OwnedMap current_assignment) {
    return General(ctx, std::move(current_assignment)).build();
}

}  // namespace ks::kafka::sticky
