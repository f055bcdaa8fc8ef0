// Which placement a run's topics get: the KRaft controller's
// StripedReplicaPlacer (ReplicationControlManager.createTopic), the ZooKeeper
// era's AdminUtils.assignReplicasToBrokers; both draw from the run's
// "placement" stream, topic by topic.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "core/rng.hpp"
#include "kafka/placement.hpp"
#include "kafka/striped_placer.hpp"
#include "support/run_text.hpp"

using namespace ks;

namespace {

std::string cluster(const std::string& controller) {
    return R"({"name": "t", "duration_s": 5,
      "cluster": {"brokers": 6, "racks": ["a", "b", "c"], "controller": ")" +
           controller + R"("},
      "topics": [{"name": "orders", "partitions": 8, "replication_factor": 3},
                 {"name": "audit", "partitions": 5, "replication_factor": 2}]})";
}

std::vector<std::vector<BrokerId>> replicas_of(const RunSummary& s, std::size_t first, std::size_t count) {
    std::vector<std::vector<BrokerId>> out;
    for (std::size_t i = first; i < first + count; ++i) {
        std::vector<BrokerId> r;
        for (std::int32_t b : s.partitions.at(i).replicas) r.push_back(BrokerId(b));
        out.push_back(r);
    }
    return out;
}

}  // namespace

TEST_CASE("e2e: KRaft places replicas with StripedReplicaPlacer, ZooKeeper mode with AdminUtils") {
    const std::uint64_t seed = 5;
    // Brokers take racks round robin: 1 a, 2 b, 3 c, 4 a, 5 b, 6 c.
    std::vector<kafka::BrokerRack> racks;
    std::vector<kafka::UsableBroker> usable;
    const char* names[] = {"a", "b", "c"};
    for (int b = 1; b <= 6; ++b) {
        racks.push_back({BrokerId(b), std::string(names[(b - 1) % 3])});
        usable.push_back({BrokerId(b), std::string(names[(b - 1) % 3]), false});
    }
    {
        const auto r = test::run_text(cluster("kraft"), seed);
        Rng rng = Rng::stream(seed, "placement");
        kafka::RngPlacementRandom random(rng);
        const auto orders = std::get<kafka::TopicPlacement>(kafka::striped::place(0, 8, 3, usable, random));
        const auto audit = std::get<kafka::TopicPlacement>(kafka::striped::place(0, 5, 2, usable, random));
        CHECK(replicas_of(r.summary, 0, 8) == orders);
        CHECK(replicas_of(r.summary, 8, 5) == audit);
    }
    {
        const auto r = test::run_text(cluster("zookeeper"), seed);
        Rng rng = Rng::stream(seed, "placement");
        const auto orders = kafka::assign_replicas(racks, 8, 3, true, rng);
        const auto audit = kafka::assign_replicas(racks, 5, 2, true, rng);
        CHECK(replicas_of(r.summary, 0, 8) == orders);
        CHECK(replicas_of(r.summary, 8, 5) == audit);
    }
}
