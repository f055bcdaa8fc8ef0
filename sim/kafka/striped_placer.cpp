#include "kafka/striped_placer.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <set>
#include <utility>

#include <fmt/format.h>

#include "core/assert.hpp"
#include "kafka/java_hash.hpp"

namespace ks::kafka {

std::int32_t JavaRandomBits::next_int(std::int32_t bound) {
    // java.util.Random.nextInt(int bound) (unchanged from JDK 8 to 21).
    KS_ASSERT_GT(bound, 0);
    std::int32_t r = next_bits(31);
    const std::int32_t m = bound - 1;
    if ((bound & m) == 0) {  // a power of two: the high bits, not the weak low ones
        return static_cast<std::int32_t>((static_cast<std::int64_t>(bound) * r) >> 31);
    }
    // Reject the last, partial run of `bound` values: Java tests `u - r + m < 0`,
    // an int overflow, i.e. u - r + m > Integer.MAX_VALUE.
    for (std::int32_t u = r;
         static_cast<std::int64_t>(u) - (r = u % bound) + m > std::numeric_limits<std::int32_t>::max();
         u = next_bits(31)) {
    }
    return r;
}

std::int32_t RngPlacementRandom::next_int(std::int32_t bound) {
    KS_ASSERT_GT(bound, 0);
    return static_cast<std::int32_t>(rng_->uniform_u64(static_cast<std::uint64_t>(bound)));
}

namespace striped {

namespace {

PlacementError non_positive(std::int32_t replication_factor) {
    return {fmt::format("Invalid replication factor {}: the replication factor must be positive.", replication_factor)};
}

PlacementError all_fenced() {
    return {"All brokers are currently fenced."};
}

PlacementError too_few_brokers(std::int32_t replication_factor, std::int32_t total) {
    return {
        fmt::format("The target replication factor of {} cannot be reached because only {} broker(s) are registered.",
                    replication_factor, total)};
}

// Collections.shuffle(list, rnd) on a RandomAccess list: Fisher-Yates from the end.
template <typename T>
void java_shuffle(std::vector<T>& list, PlacementRandom& random) {
    for (auto i = static_cast<std::int32_t>(list.size()); i > 1; --i) {
        std::swap(list[static_cast<std::size_t>(i - 1)], list[static_cast<std::size_t>(random.next_int(i))]);
    }
}

// Optional<String>.hashCode(): 0 when empty, else String.hashCode().
std::int32_t optional_string_hash(const std::optional<std::string>& s) {
    return s ? java::string_hash(*s) : 0;
}

// OptionalStringComparator: empty first, then String.compareTo.
bool optional_string_less(const std::optional<std::string>& a, const std::optional<std::string>& b) {
    if (!a || !b) return !a && b;
    return java::string_compare(*a, *b) < 0;
}

// The order in which a `new HashMap<>()` iterates distinct keys put in index
// order, given their hashCodes. RackList.initialize and shuffle draw per rack in
// this order, so it decides which rack gets which random number.
// JDK 8+: the table (16 buckets) doubles when the size exceeds 3/4 of it, and
// also when a put makes a bucket hold 9 entries while the table has fewer than
// 64 buckets (treeifyBin resizes instead of building a tree); a resize keeps
// each bucket's relative order; a new key goes to its bucket's tail; iteration
// is by bucket, then in bucket order.
// Not reproduced: a bucket that reaches 9 keys in a table of 64 or more buckets
// (64 from 25 racks on, or sooner through the resizes above when 10 or more
// names collide) becomes a red-black tree whose order depends on the tree's
// shape and, for equal hashes, on identityHashCode; such a bucket is kept in
// insertion order here. Rack naming schemes (rack-N, rN, us-east-1a, ...) up to
// 400 racks never put more than 4 names in a bucket.
std::vector<std::size_t> java_hash_map_order(const std::vector<std::int32_t>& hash_codes) {
    std::vector<std::vector<std::size_t>> table(16);
    std::size_t threshold = 12;
    const auto bucket_of = [&](std::size_t key, std::size_t capacity) {
        const auto h = static_cast<std::uint32_t>(java::spread(hash_codes[key]));
        return static_cast<std::size_t>(h & static_cast<std::uint32_t>(capacity - 1));
    };
    const auto resize = [&] {
        std::vector<std::vector<std::size_t>> next(table.size() * 2);
        for (const auto& bucket : table)
            for (const std::size_t key : bucket) next[bucket_of(key, next.size())].push_back(key);
        table = std::move(next);
        threshold = table.size() / 4 * 3;
    };
    for (std::size_t key = 0; key < hash_codes.size(); ++key) {
        auto& bucket = table[bucket_of(key, table.size())];
        bucket.push_back(key);
        if (bucket.size() >= 9 && table.size() < 64) resize();
        if (key + 1 > threshold) resize();
    }
    std::vector<std::size_t> order;
    order.reserve(hash_codes.size());
    for (const auto& bucket : table) order.insert(order.end(), bucket.begin(), bucket.end());
    return order;
}

}  // namespace

BrokerList& BrokerList::add(BrokerId broker) {
    brokers_.push_back(broker);
    return *this;
}

void BrokerList::initialize(PlacementRandom& random) {
    if (brokers_.empty()) return;
    std::sort(brokers_.begin(), brokers_.end());
    offset_ = random.next_int(size());
}

void BrokerList::shuffle(PlacementRandom& random) {
    java_shuffle(brokers_, random);
}

std::optional<BrokerId> BrokerList::next(std::int32_t epoch) {
    if (brokers_.empty()) return std::nullopt;
    if (epoch_ != epoch) {
        epoch_ = epoch;
        index_ = 0;
        offset_ = (offset_ + 1) % size();
    }
    if (index_ >= size()) return std::nullopt;
    const BrokerId broker = brokers_[static_cast<std::size_t>((index_ + offset_) % size())];
    ++index_;
    return broker;
}

void Rack::initialize(PlacementRandom& random) {
    fenced.initialize(random);
    unfenced.initialize(random);
}

void Rack::shuffle(PlacementRandom& random) {
    fenced.shuffle(random);
    unfenced.shuffle(random);
}

std::optional<BrokerId> Rack::next(std::int32_t epoch) {
    if (auto broker = unfenced.next(epoch)) return broker;
    return fenced.next(epoch);
}

RackList::RackList(PlacementRandom& random, const std::vector<UsableBroker>& brokers) : random_(&random) {
    std::map<std::optional<std::string>, std::size_t> index_of;  // lookup only
    for (const auto& broker : brokers) {
        auto [it, added] = index_of.try_emplace(broker.rack, racks_.size());
        if (added) {
            names_.push_back(broker.rack);
            racks_.emplace_back();
            rack_order_.push_back(it->second);
        }
        Rack& rack = racks_[it->second];
        if (broker.fenced) {
            rack.fenced.add(broker.id);
        } else {
            ++num_unfenced_brokers_;
            rack.unfenced.add(broker.id);
        }
        ++num_total_brokers_;
    }
    std::vector<std::int32_t> hash_codes;
    hash_codes.reserve(names_.size());
    for (const auto& name : names_) hash_codes.push_back(optional_string_hash(name));
    hash_order_ = java_hash_map_order(hash_codes);
    for (const std::size_t r : hash_order_) racks_[r].initialize(random);
    // The names are distinct, so Java's stable sort and this one agree.
    std::sort(rack_order_.begin(), rack_order_.end(),
              [&](std::size_t a, std::size_t b) { return optional_string_less(names_[a], names_[b]); });
    if (!rack_order_.empty()) {
        offset_ = static_cast<std::size_t>(random.next_int(static_cast<std::int32_t>(rack_order_.size())));
    }
}

std::vector<std::optional<std::string>> RackList::rack_names() const {
    std::vector<std::optional<std::string>> out;
    out.reserve(rack_order_.size());
    for (const std::size_t r : rack_order_) out.push_back(names_[r]);
    return out;
}

std::variant<std::vector<BrokerId>, PlacementError> RackList::place(std::int32_t replication_factor) {
    if (replication_factor <= 0) return non_positive(replication_factor);
    if (replication_factor > num_total_brokers_) return too_few_brokers(replication_factor, num_total_brokers_);
    if (num_unfenced_brokers_ == 0) return all_fenced();
    // After as many partitions as there are unfenced brokers, shuffle so the
    // next round does not repeat this one. Not with a single unfenced broker:
    // epoch 0 again would find its list already used up in epoch 0 (Kafka's
    // comment: "otherwise we would loop forever").
    if (epoch_ == num_unfenced_brokers_ && num_unfenced_brokers_ > 1) {
        shuffle();
        epoch_ = 0;
    }
    const std::size_t n = rack_order_.size();
    if (offset_ == n) offset_ = 0;
    std::vector<BrokerId> brokers;
    brokers.reserve(static_cast<std::size_t>(replication_factor));
    // The leader: the first unfenced broker of this epoch from the offset on.
    // A list that has given all its brokers in an epoch gives none for the rest
    // of it, so n fruitless steps are Kafka's endless loop.
    std::size_t first_rack = offset_;
    for (std::size_t steps = 0;; ++steps) {
        if (steps == n) return PlacementError{"No unfenced broker is left in this round (Kafka would loop forever)."};
        if (auto broker = racks_[rack_order_[first_rack]].next_unfenced(epoch_)) {
            brokers.push_back(*broker);
            break;
        }
        if (++first_rack == n) first_rack = 0;
    }
    // The followers: round robin from the offset, skipping the leader's rack
    // the first time it comes up (Kafka sets firstRackIndex to -1 then).
    bool leader_rack_skipped = false;
    std::size_t rack_index = offset_;
    for (std::int32_t replica = 1; replica < replication_factor; ++replica) {
        std::optional<BrokerId> result;
        for (std::size_t steps = 0; !result; ++steps) {
            if (steps == n + 1) return PlacementError{"No broker is left in this round (Kafka would loop forever)."};
            if (!leader_rack_skipped && rack_index == first_rack) {
                leader_rack_skipped = true;
            } else {
                result = racks_[rack_order_[rack_index]].next(epoch_);
            }
            if (++rack_index == n) rack_index = 0;
        }
        brokers.push_back(*result);
    }
    ++epoch_;
    ++offset_;
    return brokers;
}

void RackList::shuffle() {
    java_shuffle(rack_order_, *random_);
    for (const std::size_t r : hash_order_) racks_[r].shuffle(*random_);
}

std::variant<TopicPlacement, PlacementError> place(std::int32_t /*start_partition*/, std::int32_t number_of_partitions,
                                                   std::int32_t replication_factor,
                                                   const std::vector<UsableBroker>& brokers, PlacementRandom& random) {
    // Not a Kafka check: its ClusterDescriber lists each registered broker once.
    // Kafka would place a listed-twice broker twice in one partition.
    std::set<BrokerId> seen;
    for (const auto& broker : brokers) {
        if (!seen.insert(broker.id).second) {
            return PlacementError{fmt::format("Broker {} is listed more than once.", broker.id.value())};
        }
    }
    RackList rack_list(random, brokers);
    if (replication_factor <= 0) return non_positive(replication_factor);
    if (rack_list.num_unfenced_brokers() == 0) return all_fenced();
    if (replication_factor > rack_list.num_total_brokers()) {
        return too_few_brokers(replication_factor, rack_list.num_total_brokers());
    }
    TopicPlacement placements;
    if (number_of_partitions > 0) placements.reserve(static_cast<std::size_t>(number_of_partitions));
    for (std::int32_t partition = 0; partition < number_of_partitions; ++partition) {
        auto replicas = rack_list.place(replication_factor);
        if (auto* error = std::get_if<PlacementError>(&replicas)) return std::move(*error);
        placements.push_back(std::move(std::get<std::vector<BrokerId>>(replicas)));
    }
    return placements;
}

}  // namespace striped
}  // namespace ks::kafka
