// KRaft replica placement: Kafka's StripedReplicaPlacer, the placer the KRaft
// controller (ReplicationControlManager) uses for new topics and partitions.
// The ZooKeeper-era AdminUtils placement stays in kafka/placement.hpp.
//
// Mirrors apache/kafka metadata/src/main/java/org/apache/kafka/metadata/placement/
// StripedReplicaPlacer.java (StripedReplicaPlacer and its nested BrokerList,
// Rack and RackList), with UsableBroker.java, PlacementSpec.java and
// ClusterDescriber.usableBrokers() folded into the arguments of
// striped::place(). Ported from trunk 1eb7644 (2024-10); the algorithm is
// unchanged since KAFKA-12897 (2021).
//
// What it does: brokers are grouped by rack (no rack is a rack of its own);
// each rack keeps a sorted list of unfenced and one of fenced brokers, each with
// a random start offset, and the racks are kept sorted (no rack first) with a
// random start offset. A partition takes its leader from the first rack, from
// the rack offset on, that has an unfenced broker left, then its followers
// round robin over the racks from the offset (skipping the leader's rack once),
// from a rack its unfenced brokers before its fenced ones. Each partition
// advances the rack offset by one, and each list's offset by one when the
// partition first uses it: the "striped" pattern. After as many partitions as
// there are unfenced brokers (when there are two or more), the rack order and
// every broker list are shuffled and the round starts over.
// A leader is never fenced. Within a rack a fenced broker is used only once the
// rack's unfenced ones are taken; the rack spread comes first, so a rack of
// fenced brokers gets followers while other racks still have unfenced ones
// (Kafka's testRackListWithInvalidRacks). With a single rack (or none), fenced
// brokers are used only when the unfenced ones are fewer than the replication
// factor.
//
// Errors: Kafka throws InvalidReplicationFactorException; here they are a
// returned PlacementError with Kafka's message, since a scenario can ask for
// them (replication factor <= 0, every broker fenced or none at all, fewer
// brokers than the replication factor).
//
// Determinism: the PlacementRandom given is the only randomness. Everything else
// is a pure function of the broker list: brokers sorted by id within a list,
// racks sorted as OptionalStringComparator sorts them (String.compareTo over
// UTF-16). The per-rack random draws (initialize, shuffle) are made in the order
// Kafka's HashMap<Optional<String>, Rack> iterates, which is reproduced from
// the rack names' String.hashCode (java_hash.hpp) and the brokers' input order
// (except in a HashMap bucket turned into a tree: 9+ colliding rack names, see
// the .cpp).
// With PlacementRandom = java.util.Random semantics (JavaRandomBits) the result
// is Kafka's, draw for draw: the tests replay Kafka's MockRandom vectors.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/rng.hpp"
#include "kafka/placement.hpp"
#include "kafkasim/ids.hpp"

namespace ks::kafka {

// org.apache.kafka.metadata.placement.UsableBroker: a registered broker that
// may receive replicas. A fenced one never leads and follows only as the
// header comment says.
struct UsableBroker {
    BrokerId id;
    std::optional<std::string> rack;  // Optional<String>: no rack, or a name ("" is a name)
    bool fenced = false;
};

// A BrokerRack (kafka/placement.hpp) with its fenced state.
inline UsableBroker usable_broker(const BrokerRack& broker, bool fenced) {
    return {broker.id, broker.rack, fenced};
}

// The random source of the placer, with java.util.Random.nextInt(bound)'s contract.
class PlacementRandom {
  public:
    virtual ~PlacementRandom() = default;
    // Uniform in [0, bound). REQUIRES: bound > 0 (the placer never asks for less).
    virtual std::int32_t next_int(std::int32_t bound) = 0;
};

// java.util.Random.nextInt(bound), exactly (the power-of-two multiply and the
// rejection loop), over a subclass's next(bits). Kafka's MockRandom extends
// Random overriding next(bits) only; a subclass of this replays it.
class JavaRandomBits : public PlacementRandom {
  public:
    std::int32_t next_int(std::int32_t bound) final;

  protected:
    // java.util.Random.next(bits): `bits` random bits, 1 <= bits <= 32.
    virtual std::int32_t next_bits(int bits) = 0;
};

// The simulator's source: uniform_u64 of a ks::Rng (the scenario's placement
// stream). Holds the Rng by reference: it must outlive this.
class RngPlacementRandom final : public PlacementRandom {
  public:
    explicit RngPlacementRandom(Rng& rng) : rng_(&rng) {}
    std::int32_t next_int(std::int32_t bound) override;

  private:
    Rng* rng_;
};

// InvalidReplicationFactorException, with Kafka's message.
struct PlacementError {
    std::string message;
};

// Partition start_partition + i's replicas at index i, the leader first.
using TopicPlacement = std::vector<std::vector<BrokerId>>;

namespace striped {

// StripedReplicaPlacer.place: the replicas of partitions start_partition ..
// start_partition + number_of_partitions - 1 (none when number_of_partitions
// <= 0), or Kafka's error. Like Kafka, the result does not depend on
// start_partition (PlacementSpec carries it; the placer ignores it).
// Errors, in Kafka's order, once the RackList is built (its draws are made
// either way): replication_factor <= 0; no unfenced broker, an empty list
// included ("All brokers are currently fenced."); replication_factor >
// brokers.size(). Two more that Kafka never meets: a broker id listed twice,
// checked first, before any draw (Kafka's ClusterDescriber lists each
// registered broker once), and a round in which Kafka's search loop would
// never end (see RackList::place).
// Broker ids may be any value: -1 is not a sentinel here, as it is in Kafka.
std::variant<TopicPlacement, PlacementError> place(std::int32_t start_partition, std::int32_t number_of_partitions,
                                                   std::int32_t replication_factor,
                                                   const std::vector<UsableBroker>& brokers, PlacementRandom& random);

// The nested classes, public as Kafka's package-private ones are to its tests.

// StripedReplicaPlacer.BrokerList: brokers iterated from a rotating offset,
// each at most once per iteration epoch.
class BrokerList {
  public:
    BrokerList& add(BrokerId broker);
    // Sorts by id and draws the start offset (nothing for an empty list).
    void initialize(PlacementRandom& random);
    // Collections.shuffle(brokers, random).
    void shuffle(PlacementRandom& random);
    std::int32_t size() const { return static_cast<std::int32_t>(brokers_.size()); }
    // The next broker of this epoch, nullopt (Kafka: -1) when the list is empty
    // or has given all its brokers in this epoch. A new epoch restarts the
    // iteration one place further along.
    std::optional<BrokerId> next(std::int32_t epoch);

  private:
    std::vector<BrokerId> brokers_;
    std::int32_t index_ = 0;   // how many brokers this epoch has returned
    std::int32_t offset_ = 0;  // added to index_, modulo size
    std::int32_t epoch_ = 0;   // the last epoch seen
};

// StripedReplicaPlacer.Rack.
struct Rack {
    BrokerList fenced;
    BrokerList unfenced;

    void initialize(PlacementRandom& random);
    void shuffle(PlacementRandom& random);
    std::optional<BrokerId> next_unfenced(std::int32_t epoch) { return unfenced.next(epoch); }
    // An unfenced broker while the epoch has one, then a fenced one.
    std::optional<BrokerId> next(std::int32_t epoch);
};

// StripedReplicaPlacer.RackList. Holds `random` (it must outlive this): place()
// draws from it when it shuffles.
class RackList {
  public:
    // Draws each rack's list offsets (in Kafka's HashMap order), then the rack
    // offset. REQUIRES: distinct broker ids (striped::place checks them).
    RackList(PlacementRandom& random, const std::vector<UsableBroker>& brokers);

    std::int32_t num_total_brokers() const { return num_total_brokers_; }
    std::int32_t num_unfenced_brokers() const { return num_unfenced_brokers_; }
    // The rack names in rack order: sorted (no rack first), shuffled once a round ends.
    std::vector<std::optional<std::string>> rack_names() const;

    // One partition's replicas, the leader (unfenced) first, or Kafka's error:
    // replication_factor <= 0, > num_total_brokers(), or no unfenced broker.
    // Kafka's two search loops have no bound; where one would spin for ever
    // (no such cluster is known: random clusters run through Kafka's code never
    // gave one) this returns an error instead.
    std::variant<std::vector<BrokerId>, PlacementError> place(std::int32_t replication_factor);

    // Collections.shuffle of the rack order, then each rack's lists, in HashMap order.
    void shuffle();

  private:
    PlacementRandom* random_;
    std::vector<std::optional<std::string>> names_;  // by rack index: first-seen order
    std::vector<Rack> racks_;                        // by rack index
    std::vector<std::size_t> rack_order_;            // rackNames, as rack indices
    std::vector<std::size_t> hash_order_;            // racks.values() iteration order
    std::int32_t num_total_brokers_ = 0;
    std::int32_t num_unfenced_brokers_ = 0;
    std::int32_t epoch_ = 0;
    std::size_t offset_ = 0;  // which rack of rack_order_ comes first
};

}  // namespace striped
}  // namespace ks::kafka
