// A producer's or a consumer group's "client_version": the Java client
// release's defaults (ProducerConfig.java / ConsumerConfig.java at each tag;
// KIP-1030 for 4.0), the settings it does not know (warned and ignored, as
// the client's AbstractConfig.logUnused does) and the classes it lacks.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "kafkasim/errors.hpp"
#include "kafkasim/scenario.hpp"
#include "scenario/loader.hpp"

using namespace ks;

namespace {

scenario::Loaded load(const std::string& producer_extra, const std::string& group_extra = "") {
    return scenario::load_string(
        R"({"name": "c", "duration_s": 30, "cluster": {"brokers": 3},
            "topics": [{"name": "t", "partitions": 4, "replication_factor": 3}],
            "producers": [{"name": "p", "topic": "t")" +
            producer_extra + R"(}],
            "consumer_groups": [{"group_id": "g", "topics": ["t"])" +
            group_extra + R"(}]})",
        "c.json");
}

bool has_warning(const scenario::Loaded& l, const std::string& part) {
    for (const auto& w : l.warnings)
        if (w.find(part) != std::string::npos) return true;
    return false;
}

}  // namespace

TEST_CASE("client_version: the default client is 4.0, with linger.ms 5 (KIP-1030)") {
    const auto l = load("");
    const ProducerSettings& p = l.scenario.producers[0].settings;
    CHECK(p.client_version == KafkaVersion{4, 0, 0});
    CHECK(p.linger == ms(5));
    CHECK(p.acks == Acks::all);
    CHECK(p.idempotence);
    CHECK(l.scenario.consumer_groups[0].settings.session_timeout == ms(45000));
}

// ProducerConfig 3.9 (linger.ms 0), 2.8.0 vs 3.0.0 (acks "1" -> "all",
// enable.idempotence false -> true, KIP-679); ConsumerConfig 2.8.0 vs 3.0.0
// (session.timeout.ms 10000 -> 45000, KIP-735; partition.assignment.strategy
// [RangeAssignor] -> [RangeAssignor, CooperativeStickyAssignor]).
TEST_CASE("client_version: each client release's defaults") {
    {
        const auto l = load(R"(, "client_version": "3.9")", R"(, "client_version": "3.9")");
        CHECK(l.scenario.producers[0].settings.linger == ms(0));
        CHECK(l.scenario.producers[0].settings.acks == Acks::all);
        CHECK(l.scenario.producers[0].settings.idempotence);
        CHECK(l.scenario.consumer_groups[0].settings.session_timeout == ms(45000));
    }
    {
        const auto l = load(R"(, "client_version": "2.8")", R"(, "client_version": "2.8")");
        const ProducerSettings& p = l.scenario.producers[0].settings;
        CHECK(p.linger == ms(0));
        CHECK(p.acks == Acks::leader);
        CHECK(!p.idempotence);
        const ConsumerSettings& c = l.scenario.consumer_groups[0].settings;
        CHECK(c.session_timeout == ms(10000));
        CHECK(c.assignors == std::vector<std::string>{"range"});
        CHECK(c.client_version == KafkaVersion{2, 8, 0});
    }
}

TEST_CASE("client_version: what the scenario sets is kept whatever the release") {
    const auto l = load(R"(, "client_version": "2.8", "config": {"linger.ms": 20, "acks": "all"})");
    CHECK(l.scenario.producers[0].settings.linger == ms(20));
    CHECK(l.scenario.producers[0].settings.acks == Acks::all);
}

TEST_CASE("client_version: a setting the client release does not know warns and has no effect") {
    const auto l = load(R"(, "client_version": "3.2", "config": {"partitioner.ignore.keys": true})",
                        R"(, "client_version": "2.2", "config": {"group.instance.id": "a"})");
    CHECK(has_warning(l, "partitioner.ignore.keys does not exist in the 3.2 client"));
    CHECK(!l.scenario.producers[0].settings.ignore_keys);
    CHECK(has_warning(l, "group.instance.id does not exist in the 2.2 client"));
    CHECK(!l.scenario.consumer_groups[0].settings.group_instance_id.has_value());
}

TEST_CASE("client_version: classes the client release lacks are errors, and so are releases before 2.1") {
    CHECK_THROWS_WITH_AS(
        load(
            R"(, "client_version": "2.3", "config": {"partitioner.class": "org.apache.kafka.clients.producer.RoundRobinPartitioner"})"),
        doctest::Contains("RoundRobinPartitioner does not exist in the 2.3 client"), InputError);
    CHECK_THROWS_WITH_AS(
        load("", R"(, "client_version": "2.3", "config": {"partition.assignment.strategy": "cooperative-sticky"})"),
        doctest::Contains("cooperative-sticky assignor does not exist in the 2.3 client"), InputError);
    CHECK_THROWS_WITH_AS(load(R"(, "client_version": "2.0")"), doctest::Contains("a Java client release from 2.1"),
                         InputError);
    CHECK_THROWS_WITH_AS(load(R"(, "client_version": 4)"), doctest::Contains("/producers/0/client_version"),
                         InputError);
}
