// StripedReplicaPlacer (KRaft replica placement) against Kafka's own tests:
// every test of StripedReplicaPlacerTest (apache/kafka metadata/src/test/java/
// org/apache/kafka/metadata/placement/StripedReplicaPlacerTest.java) with its
// expected assignments, driven by Kafka's MockRandom (server-common/src/test/
// java/org/apache/kafka/server/util/MockRandom.java) through java.util.Random's
// nextInt (JavaRandomBits). The vectors marked "JDK" were printed by Kafka's
// StripedReplicaPlacer and MockRandom run on JDK 17: they pin the parts Kafka's
// tests do not reach (HashMap order of the racks, nextInt's rejection loop).
// The properties at the end use the simulator's Rng.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "core/rng.hpp"
#include "kafka/striped_placer.hpp"

using namespace ks;
using namespace ks::kafka;
using striped::BrokerList;
using striped::RackList;

namespace {

// Kafka's MockRandom: a java.util.Random whose next(bits) is a plain 64-bit LCG.
class MockRandom final : public JavaRandomBits {
  public:
    explicit MockRandom(std::int64_t state = 17) : state_(static_cast<std::uint64_t>(state)) {}

  protected:
    std::int32_t next_bits(int bits) override {
        // state = state * 2862933555777941757L + 3037000493L; (int) (state >>> (64 - bits))
        state_ = state_ * 2862933555777941757ULL + 3037000493ULL;
        return static_cast<std::int32_t>(state_ >> (64 - bits));
    }

  private:
    std::uint64_t state_;
};

UsableBroker ub(std::int32_t id, std::optional<std::string> rack, bool fenced) {
    return {BrokerId{id}, std::move(rack), fenced};
}

std::string show(const std::vector<BrokerId>& replicas) {
    std::string s = "[";
    for (std::size_t i = 0; i < replicas.size(); ++i) {
        if (i > 0) s += ", ";
        s += std::to_string(replicas[i].value());
    }
    return s + "]";
}

std::string show(const TopicPlacement& topic) {
    std::string s;
    for (const auto& replicas : topic) s += (s.empty() ? "" : " ") + show(replicas);
    return s;
}

// The replicas, or "error: <message>".
template <typename T>
std::string show(const std::variant<T, PlacementError>& result) {
    if (const auto* error = std::get_if<PlacementError>(&result)) return "error: " + error->message;
    return show(std::get<T>(result));
}

std::optional<std::string> none() {
    return std::nullopt;
}

// StripedReplicaPlacerTest.place: a PlacementSpec and a ClusterDescriber over the list.
std::variant<TopicPlacement, PlacementError> place(PlacementRandom& random, std::int32_t start_partition,
                                                   std::int32_t partitions, std::int32_t replication_factor,
                                                   const std::vector<UsableBroker>& brokers) {
    return striped::place(start_partition, partitions, replication_factor, brokers, random);
}

}  // namespace

TEST_CASE("StripedReplicaPlacerTest.testBrokerList") {
    BrokerList empty;  // BrokerList.EMPTY
    CHECK(empty.size() == 0);
    CHECK(empty.next(1) == std::nullopt);
    BrokerList brokers;
    brokers.add(BrokerId{0}).add(BrokerId{1}).add(BrokerId{2}).add(BrokerId{3});
    CHECK(brokers.size() == 4);
    CHECK(brokers.next(0) == BrokerId{0});
    CHECK(brokers.next(0) == BrokerId{1});
    CHECK(brokers.next(0) == BrokerId{2});
    CHECK(brokers.next(0) == BrokerId{3});
    CHECK(brokers.next(0) == std::nullopt);
    CHECK(brokers.next(0) == std::nullopt);
    CHECK(brokers.next(1) == BrokerId{1});
    CHECK(brokers.next(1) == BrokerId{2});
    CHECK(brokers.next(1) == BrokerId{3});
    CHECK(brokers.next(1) == BrokerId{0});
    CHECK(brokers.next(1) == std::nullopt);
}

TEST_CASE("StripedReplicaPlacerTest.testAvoidFencedReplicaIfPossibleOnSingleRack") {
    MockRandom random;
    RackList rack_list(random, {ub(3, none(), false), ub(1, none(), true), ub(0, none(), false), ub(4, none(), false),
                                ub(2, none(), false)});
    CHECK(rack_list.num_total_brokers() == 5);
    CHECK(rack_list.num_unfenced_brokers() == 4);
    CHECK(rack_list.rack_names() == std::vector<std::optional<std::string>>{std::nullopt});
    CHECK(std::holds_alternative<PlacementError>(rack_list.place(0)));
    CHECK(std::holds_alternative<PlacementError>(rack_list.place(-1)));
    CHECK(show(rack_list.place(4)) == "[3, 4, 0, 2]");
    CHECK(show(rack_list.place(4)) == "[4, 0, 2, 3]");
    CHECK(show(rack_list.place(4)) == "[0, 2, 3, 4]");
    CHECK(show(rack_list.place(4)) == "[2, 3, 4, 0]");
    CHECK(show(rack_list.place(4)) == "[0, 4, 3, 2]");
}

TEST_CASE("StripedReplicaPlacerTest.testMultiPartitionTopicPlacementOnSingleUnfencedBroker") {
    MockRandom random;
    CHECK(show(place(random, 0, 3, 1, {ub(0, none(), false), ub(1, none(), true)})) == "[0] [0] [0]");
}

TEST_CASE("StripedReplicaPlacerTest.testPlacementOnFencedReplicaOnSingleRack") {
    MockRandom random;
    RackList rack_list(random, {ub(3, none(), false), ub(1, none(), true), ub(2, none(), false)});
    CHECK(rack_list.num_total_brokers() == 3);
    CHECK(rack_list.num_unfenced_brokers() == 2);
    CHECK(rack_list.rack_names() == std::vector<std::optional<std::string>>{std::nullopt});
    CHECK(show(rack_list.place(3)) == "[3, 2, 1]");
    CHECK(show(rack_list.place(3)) == "[2, 3, 1]");
    CHECK(show(rack_list.place(3)) == "[3, 2, 1]");
    CHECK(show(rack_list.place(3)) == "[2, 3, 1]");
}

TEST_CASE("StripedReplicaPlacerTest.testRackListWithMultipleRacks") {
    MockRandom random;
    RackList rack_list(random, {ub(11, "1", false), ub(10, "1", false), ub(30, "3", false), ub(31, "3", false),
                                ub(21, "2", false), ub(20, "2", true)});
    CHECK(rack_list.num_total_brokers() == 6);
    CHECK(rack_list.num_unfenced_brokers() == 5);
    CHECK(rack_list.rack_names() == std::vector<std::optional<std::string>>{"1", "2", "3"});
    CHECK(show(rack_list.place(4)) == "[11, 21, 31, 10]");
    CHECK(show(rack_list.place(4)) == "[21, 30, 10, 20]");
    CHECK(show(rack_list.place(4)) == "[31, 11, 21, 30]");
}

TEST_CASE("StripedReplicaPlacerTest.testRackListWithInvalidRacks") {
    MockRandom random;
    RackList rack_list(random, {ub(11, "1", false), ub(10, "1", false), ub(30, "3", true), ub(31, "3", true),
                                ub(20, "2", true), ub(21, "2", true), ub(41, "4", false), ub(40, "4", true)});
    CHECK(rack_list.num_total_brokers() == 8);
    CHECK(rack_list.num_unfenced_brokers() == 3);
    CHECK(rack_list.rack_names() == std::vector<std::optional<std::string>>{"1", "2", "3", "4"});
    CHECK(show(rack_list.place(4)) == "[41, 11, 21, 30]");
    CHECK(show(rack_list.place(4)) == "[10, 20, 31, 41]");
    CHECK(show(rack_list.place(4)) == "[41, 21, 30, 11]");
}

TEST_CASE("StripedReplicaPlacerTest.testAllBrokersFenced") {
    MockRandom random;
    CHECK(show(place(random, 0, 1, 1, {ub(11, "1", true), ub(10, "1", true)})) ==
          "error: All brokers are currently fenced.");
}

TEST_CASE("StripedReplicaPlacerTest.testNotEnoughBrokers") {
    MockRandom random;
    CHECK(show(place(random, 0, 1, 3, {ub(11, "1", false), ub(10, "1", false)})) ==
          "error: The target replication factor of 3 cannot be reached because only 2 broker(s) are registered.");
}

TEST_CASE("StripedReplicaPlacerTest.testNonPositiveReplicationFactor") {
    MockRandom random;
    CHECK(show(place(random, 0, 1, 0, {ub(11, "1", false), ub(10, "1", false)})) ==
          "error: Invalid replication factor 0: the replication factor must be positive.");
}

TEST_CASE("StripedReplicaPlacerTest.testSuccessfulPlacement") {
    MockRandom random;
    CHECK(show(place(random, 0, 5, 3,
                     {ub(0, none(), false), ub(3, none(), false), ub(2, none(), false), ub(1, none(), false)})) ==
          "[2, 3, 0] [3, 0, 1] [0, 1, 2] [1, 2, 3] [1, 0, 2]");
}

TEST_CASE("StripedReplicaPlacerTest.testEvenDistribution") {
    MockRandom random;
    const auto result = place(random, 0, 200, 2,
                              {ub(0, none(), false), ub(1, none(), false), ub(2, none(), false), ub(3, none(), false)});
    REQUIRE(std::holds_alternative<TopicPlacement>(result));
    std::map<std::string, int> counts;
    for (const auto& replicas : std::get<TopicPlacement>(result)) ++counts[show(replicas)];
    CHECK(counts["[0, 1]"] == 14);
    CHECK(counts["[0, 2]"] == 22);
    CHECK(counts["[0, 3]"] == 14);
    CHECK(counts["[1, 0]"] == 17);
    CHECK(counts["[1, 2]"] == 17);
    CHECK(counts["[1, 3]"] == 16);
    CHECK(counts["[2, 0]"] == 13);
    CHECK(counts["[2, 1]"] == 17);
    CHECK(counts["[2, 3]"] == 20);
    CHECK(counts["[3, 0]"] == 20);
    CHECK(counts["[3, 1]"] == 19);
    CHECK(counts["[3, 2]"] == 11);
}

TEST_CASE("StripedReplicaPlacerTest.testRackListAllBrokersFenced") {
    // Kafka: "ensure we can place N replicas on a rack when the rack has less than N brokers"
    MockRandom random;
    RackList rack_list(random, {ub(0, none(), true), ub(1, none(), true), ub(2, none(), true)});
    CHECK(rack_list.num_total_brokers() == 3);
    CHECK(rack_list.num_unfenced_brokers() == 0);
    CHECK(rack_list.rack_names() == std::vector<std::optional<std::string>>{std::nullopt});
    CHECK(show(rack_list.place(3)) == "error: All brokers are currently fenced.");
}

TEST_CASE("StripedReplicaPlacerTest.testRackListNotEnoughBrokers") {
    MockRandom random;
    RackList rack_list(random, {ub(11, "1", false), ub(10, "1", false)});
    CHECK(show(rack_list.place(3)) ==
          "error: The target replication factor of 3 cannot be reached because only 2 broker(s) are registered.");
}

TEST_CASE("StripedReplicaPlacerTest.testRackListNonPositiveReplicationFactor") {
    MockRandom random;
    RackList rack_list(random, {ub(11, "1", false), ub(10, "1", false)});
    CHECK(show(rack_list.place(-1)) ==
          "error: Invalid replication factor -1: the replication factor must be positive.");
}

// --- Beyond StripedReplicaPlacerTest -------------------------------------------

TEST_CASE("StripedReplicaPlacer: MockRandom.nextInt is java.util.Random's, rejection loop included (JDK)") {
    // new MockRandom().nextInt(b) for each b; 1500000000 rejects about 30% of draws.
    MockRandom random;
    const std::vector<std::int32_t> bounds{
        1, 2, 3, 4, 5, 7, 10, 16, 1000, 1 << 30, 1500000000, 1500000000, 1500000000, 1500000000, 2147483647, 6};
    const std::vector<std::int32_t> jdk{0,   1,         1,         3,         0,         0,        2,          10,
                                        878, 876223716, 781899194, 528858883, 779386366, 82848634, 1555984967, 2};
    std::vector<std::int32_t> got;
    for (const std::int32_t b : bounds) got.push_back(random.next_int(b));
    CHECK(got == jdk);
    MockRandom negative(-5);
    const std::vector<std::int32_t> jdk_negative{481036992,  266607753, 595043127, 278000042,
                                                 1469136833, 182644495, 487005661, 610225425};
    got.clear();
    for (int i = 0; i < 8; ++i) got.push_back(negative.next_int(1500000000));
    CHECK(got == jdk_negative);
}

TEST_CASE("StripedReplicaPlacer: the per-rack draws follow HashMap order, not insertion or sorted order (JDK)") {
    // "zz" (hash 3904, bucket 0) iterates before "a" (97, bucket 1): its lists
    // draw their offsets first. A LinkedHashMap gives [1, 4, 2] from the fifth on.
    MockRandom random;
    CHECK(show(place(random, 0, 8, 3,
                     {ub(1, "a", false), ub(2, "a", false), ub(3, "a", true), ub(4, "zz", false), ub(5, "zz", false),
                      ub(6, "zz", true), ub(7, "zz", true)})) ==
          "[2, 5, 1] [4, 1, 5] [2, 5, 1] [4, 1, 5] [1, 5, 2] [4, 2, 5] [1, 5, 2] [4, 2, 5]");
}

TEST_CASE("StripedReplicaPlacer: fourteen racks resize the HashMap to 32 buckets (JDK)") {
    std::vector<UsableBroker> brokers;
    for (std::int32_t i = 0; i <= 13; ++i) {
        brokers.push_back(ub(100 + i, "r" + std::to_string(i), false));
        brokers.push_back(ub(200 + i, "r" + std::to_string(i), i % 2 == 1));
    }
    MockRandom random;
    CHECK(show(place(random, 0, 10, 3, brokers)) ==
          "[112, 113, 202] [113, 102, 103] [202, 103, 104] [103, 204, 105] [104, 105, 206] [105, 106, 107] "
          "[206, 107, 108] [107, 208, 109] [108, 109, 200] [109, 100, 101]");
}

TEST_CASE("StripedReplicaPlacer: a ninth key in one bucket of a small HashMap doubles it (JDK)") {
    // All ten names hash to bucket 3 of 16; the ninth makes HashMap.treeifyBin
    // resize to 32 buckets instead of building a tree, which splits them into
    // buckets 3 (ad aD be bE cf) and 19 (at aT bu bU cv).
    std::vector<UsableBroker> brokers;
    std::int32_t id = 0;
    for (const char* rack : {"ad", "at", "aD", "aT", "be", "bu", "bE", "bU", "cf", "cv"}) {
        brokers.push_back(ub(id++, rack, false));
        brokers.push_back(ub(id++, rack, false));
        brokers.push_back(ub(id++, rack, true));
    }
    MockRandom random;
    CHECK(show(place(random, 0, 12, 4, brokers)) ==
          "[15, 25, 28, 7] [24, 27, 6, 10] [28, 7, 9, 0] [6, 10, 1, 3] [9, 0, 4, 18] [1, 3, 19, 21] [4, 18, 22, 12] "
          "[19, 21, 13, 16] [22, 12, 15, 25] [13, 16, 24, 27] [15, 25, 28, 7] [24, 27, 6, 10]");
}

TEST_CASE("StripedReplicaPlacer: errors a scenario can cause, and the trivial cases") {
    MockRandom random;
    // No broker at all: Kafka reports it as every broker fenced.
    CHECK(show(place(random, 0, 1, 1, {})) == "error: All brokers are currently fenced.");
    // Kafka checks fenced-ness before the broker count.
    CHECK(show(place(random, 0, 1, 3, {ub(1, none(), true), ub(2, none(), true)})) ==
          "error: All brokers are currently fenced.");
    CHECK(show(place(random, 0, 1, 2, {ub(1, none(), false), ub(1, "r", false)})) ==
          "error: Broker 1 is listed more than once.");
    CHECK(show(place(random, 0, 0, 1, {ub(1, none(), false)})).empty());
    // Fenced brokers count towards the replication factor.
    CHECK(show(place(random, 0, 1, 2, {ub(1, none(), false), ub(2, none(), true)})) == "[1, 2]");
    // start_partition is carried, not used: the same draws give the same replicas.
    const std::vector<UsableBroker> brokers{ub(0, "a", false), ub(1, "b", false), ub(2, "c", false)};
    MockRandom r1;
    MockRandom r2;
    CHECK(show(place(r1, 0, 6, 2, brokers)) == show(place(r2, 7, 6, 2, brokers)));
}

namespace {

// A random cluster from the Rng: 1..12 brokers with ids 1..40 over up to
// `racks` racks (0: none), each fenced with probability `fenced`.
std::vector<UsableBroker> random_cluster(Rng& rng, std::int32_t racks, double fenced) {
    const auto n = static_cast<std::int32_t>(rng.uniform_int(1, 12));
    std::set<std::int32_t> ids;
    while (static_cast<std::int32_t>(ids.size()) < n) ids.insert(static_cast<std::int32_t>(rng.uniform_int(1, 40)));
    std::vector<UsableBroker> brokers;
    for (const std::int32_t id : ids) {
        std::optional<std::string> rack;
        if (racks > 0) rack = "rack-" + std::to_string(rng.uniform_int(0, racks - 1));
        brokers.push_back(ub(id, rack, rng.bernoulli(fenced)));
    }
    return brokers;
}

}  // namespace

TEST_CASE("StripedReplicaPlacer: replicas are distinct registered brokers and leaders are unfenced") {
    Rng rng(20240601);
    RngPlacementRandom random(rng);
    int placed = 0;
    for (int round = 0; round < 400; ++round) {
        const auto brokers = random_cluster(rng, static_cast<std::int32_t>(rng.uniform_int(0, 5)), 0.3);
        std::map<BrokerId, bool> fenced;
        for (const auto& b : brokers) fenced[b.id] = b.fenced;
        const auto rf = static_cast<std::int32_t>(rng.uniform_int(1, static_cast<std::int64_t>(brokers.size())));
        const auto result = striped::place(0, static_cast<std::int32_t>(rng.uniform_int(1, 40)), rf, brokers, random);
        if (const auto* error = std::get_if<PlacementError>(&result)) {
            CHECK(error->message == "All brokers are currently fenced.");
            continue;
        }
        ++placed;
        for (const auto& replicas : std::get<TopicPlacement>(result)) {
            REQUIRE(static_cast<std::int32_t>(replicas.size()) == rf);
            CHECK(std::set<BrokerId>(replicas.begin(), replicas.end()).size() == replicas.size());
            for (const BrokerId b : replicas) CHECK(fenced.count(b) == 1);
            CHECK_FALSE(fenced[replicas.front()]);
        }
    }
    CHECK(placed > 300);
}

TEST_CASE("StripedReplicaPlacer: with k racks and RF >= k every partition spans the k racks") {
    Rng rng(7);
    RngPlacementRandom random(rng);
    for (int round = 0; round < 300; ++round) {
        const auto brokers = random_cluster(rng, static_cast<std::int32_t>(rng.uniform_int(1, 4)), 0.0);
        std::map<BrokerId, std::string> rack_of;
        std::set<std::string> racks;
        for (const auto& b : brokers) {
            rack_of[b.id] = *b.rack;
            racks.insert(*b.rack);
        }
        const auto k = static_cast<std::int64_t>(racks.size());
        const auto rf = static_cast<std::int32_t>(rng.uniform_int(k, static_cast<std::int64_t>(brokers.size())));
        const auto result = striped::place(0, 30, rf, brokers, random);
        REQUIRE(std::holds_alternative<TopicPlacement>(result));
        for (const auto& replicas : std::get<TopicPlacement>(result)) {
            std::set<std::string> spanned;
            for (const BrokerId b : replicas) spanned.insert(rack_of[b]);
            CHECK(spanned == racks);
        }
    }
}

TEST_CASE("StripedReplicaPlacer: without racks a fenced broker is used only when the unfenced are too few") {
    Rng rng(11);
    RngPlacementRandom random(rng);
    for (int round = 0; round < 300; ++round) {
        const auto brokers = random_cluster(rng, 0, 0.4);
        std::int32_t unfenced = 0;
        std::set<BrokerId> fenced;
        for (const auto& b : brokers) {
            if (b.fenced) {
                fenced.insert(b.id);
            } else {
                ++unfenced;
            }
        }
        if (unfenced == 0) continue;
        const auto rf = static_cast<std::int32_t>(rng.uniform_int(1, static_cast<std::int64_t>(brokers.size())));
        const auto result = striped::place(0, 25, rf, brokers, random);
        REQUIRE(std::holds_alternative<TopicPlacement>(result));
        for (const auto& replicas : std::get<TopicPlacement>(result)) {
            std::int32_t used = 0;
            for (const BrokerId b : replicas) used += fenced.count(b) > 0 ? 1 : 0;
            CHECK(used == std::max(0, rf - unfenced));
        }
    }
}

TEST_CASE("StripedReplicaPlacer: the Rng adapter is deterministic for a seed") {
    const std::vector<UsableBroker> brokers{ub(1, "a", false), ub(2, "a", false), ub(3, "b", false),
                                            ub(4, "b", true),  ub(5, "c", false), ub(6, "c", false)};
    const auto run = [&](std::uint64_t seed) {
        Rng rng = Rng::stream(seed, "placement");
        RngPlacementRandom random(rng);
        return show(striped::place(0, 20, 3, brokers, random));
    };
    CHECK(run(42) == run(42));
    CHECK(run(43) == run(43));
    std::set<std::string> distinct;
    for (std::uint64_t seed = 0; seed < 10; ++seed) distinct.insert(run(seed));
    CHECK(distinct.size() > 1);  // the seed does reach the placement
    Rng rng(5);
    RngPlacementRandom random(rng);
    for (const std::int32_t bound : {1, 2, 3, 7, 1 << 30, 2147483647}) {
        const std::int32_t v = random.next_int(bound);
        CHECK(v >= 0);
        CHECK(v < bound);
    }
}
