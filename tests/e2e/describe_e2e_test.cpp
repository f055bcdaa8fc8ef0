// describe at T: the run itself up to T (workload, groups, faults, sampling),
// then Kafka's tools' view of it.
#include <doctest/doctest.h>

#include <string>

#include "kafkasim/scenario.hpp"
#include "kafkasim/simulation.hpp"
#include "scenario/loader.hpp"

using namespace ks;

namespace {

Scenario load(const std::string& path) {
    return scenario::load_file(std::string(KS_SOURCE_DIR) + "/" + path).scenario;
}

std::string topics_at(const Scenario& s, double at_s) {
    return describe_at(s, s.seed, from_seconds(at_s));
}

}  // namespace

// isr-shrink-lagging-follower: broker 3's fetches are cut at 5 s; under the
// producer's load the leaders drop it at their lag check at 43.9 s (`run
// --timeline` narrates it). Without the workload nothing would lag, and the
// ISRs would stay full.
TEST_CASE("e2e describe: the ISR at T is the run's: full before the shrink at 43.9 s, shrunk after it") {
    const Scenario sc = load("scenarios/labs/isr-shrink-lagging-follower.json");
    const std::string before = topics_at(sc, 43);
    CHECK(before.find("Partition: 0\tLeader: 2\tReplicas: 2,3,1\tIsr: 2,3,1\n") != std::string::npos);
    CHECK(before.find("Partition: 1\tLeader: 3\tReplicas: 3,1,2\tIsr: 3,1,2\n") != std::string::npos);
    CHECK(before.find("Partition: 2\tLeader: 1\tReplicas: 1,2,3\tIsr: 1,2,3\n") != std::string::npos);
    const std::string after = topics_at(sc, 52);
    CHECK(after.find("Partition: 0\tLeader: 2\tReplicas: 2,3,1\tIsr: 2,1\n") != std::string::npos);
    CHECK(after.find("Partition: 1\tLeader: 3\tReplicas: 3,1,2\tIsr: 3\n") != std::string::npos);
    CHECK(after.find("Partition: 2\tLeader: 1\tReplicas: 1,2,3\tIsr: 1,2\n") != std::string::npos);
}
