// --set PATH=VALUE overrides of the scenario document.
#include <doctest/doctest.h>

#include "kafkasim/errors.hpp"
#include "kafkasim/scenario.hpp"
#include "scenario/overrides.hpp"

using ks::scenario::apply_override;
using ks::scenario::parse_override;
using nlohmann::json;

namespace {

json doc() {
    return json::parse(R"({
      "cluster": {"brokers": 3, "config": {"min.insync.replicas": 1}},
      "topics": [{"name": "orders", "replication_factor": 3}],
      "producers": [{"name": "checkout", "config": {"acks": "all"}}],
      "consumer_groups": [{"group_id": "billing", "members": 3}],
      "faults": [{"at_s": 30, "action": "crash", "broker": 1}]
    })");
}

void set(json& d, std::string_view assignment) {
    auto [path, value] = parse_override(assignment);
    apply_override(d, path, value);
}

}  // namespace

TEST_CASE("overrides: values parse as JSON, else as strings") {
    CHECK(parse_override("a.b=3").second == json(3));
    CHECK(parse_override("a.b=true").second == json(true));
    CHECK(parse_override("a.b=all").second == json("all"));
    CHECK(parse_override("a.b=\"1\"").second == json("1"));
    CHECK(parse_override("a.b=[1,2]").second == json::array({1, 2}));
    CHECK(parse_override("a.b=x=y").second == json("x=y"));
    CHECK(parse_override("a.b=").second == json(""));
    CHECK_THROWS_WITH_AS(parse_override("nothing"),
                         "--set nothing: expected PATH=VALUE, e.g. producers.checkout.config.acks=all", ks::InputError);
}

TEST_CASE("overrides: list entries by name or index, config keys with dots") {
    json d = doc();
    set(d, "producers.checkout.config.acks=1");
    set(d, "topics.orders.replication_factor=2");
    set(d, "consumer_groups.billing.members=5");
    set(d, "cluster.config.min.insync.replicas=2");
    set(d, "faults.0.at_s=12.5");
    set(d, "topics.orders.config.retention.ms=1000");  // creates the missing config map
    set(d, "cluster.features.eligible.leader.replicas.version=1");
    set(d, "expect.records.acked_lost.max=0");
    set(d, "compare.vary.producers.checkout.config.acks=[\"0\",\"1\"]");
    CHECK(d["producers"][0]["config"]["acks"] == 1);
    CHECK(d["topics"][0]["replication_factor"] == 2);
    CHECK(d["consumer_groups"][0]["members"] == 5);
    CHECK(d["cluster"]["config"]["min.insync.replicas"] == 2);
    CHECK(d["faults"][0]["at_s"] == 12.5);
    CHECK(d["topics"][0]["config"]["retention.ms"] == 1000);
    CHECK(d["cluster"]["features"]["eligible.leader.replicas.version"] == 1);
    CHECK(d["expect"]["records.acked_lost"]["max"] == 0);
    CHECK(d["compare"]["vary"]["producers.checkout.config.acks"] == json::array({"0", "1"}));
}

TEST_CASE("overrides: bad paths are input errors naming the path") {
    json d = doc();
    CHECK_THROWS_WITH_AS(set(d, "producers.chekout.config.acks=1"),
                         "--set producers.chekout.config.acks: no entry named \"chekout\" in producers; did you "
                         "mean \"checkout\"?",
                         ks::InputError);
    CHECK_THROWS_WITH_AS(set(d, "faults.3.at_s=1"),
                         "--set faults.3.at_s: index 3 is past the end of faults (1 entries)", ks::InputError);
    CHECK_THROWS_WITH_AS(set(d, "cluster.brokers.count=4"),
                         "--set cluster.brokers.count: cluster.brokers is 3, which has no field \"count\"",
                         ks::InputError);
    CHECK_THROWS_WITH_AS(set(d, "topics..name=x"),
                         "--set topics..name: expected a dotted path like producers.checkout.config.acks",
                         ks::InputError);
}

TEST_CASE("overrides: applied before validation by the loader") {
    const char* text = R"({"name": "s", "topics": [{"name": "t", "replication_factor": 1}]})";
    const auto l = ks::scenario::load_string(text, "s.json", {.overrides = {"topics.t.replication_factor=3"}});
    CHECK(l.scenario.topics[0].replication_factor == 3);
    CHECK_THROWS_WITH_AS(ks::scenario::load_string(text, "s.json", {.overrides = {"topics.t.replication_factor=4"}}),
                         "s.json: /topics/0/replication_factor: expected an integer in [1, 3] (the number of "
                         "brokers), got 4",
                         ks::InputError);
}

TEST_CASE("overrides: apply_override returns where the value landed, as a JSON pointer with list indexes") {
    json d = doc();
    CHECK(apply_override(d, "producers.checkout.config.acks", json(1)) == "/producers/0/config/acks");
    CHECK(apply_override(d, "topics.0.replication_factor", json(2)) == "/topics/0/replication_factor");
    CHECK(apply_override(d, "cluster.config.min.insync.replicas", json(2)) == "/cluster/config/min.insync.replicas");
    CHECK(apply_override(d, "expect.records.acked_lost.max", json(0)) == "/expect/records.acked_lost/max");
    CHECK(apply_override(d, "topics.orders.config.a/b~c", json(0)) == "/topics/0/config/a~1b~0c");
}

TEST_CASE("overrides: a Kafka setting beside an entry's config map suggests the path inside it") {
    json d = doc();
    CHECK_THROWS_WITH_AS(set(d, "producers.checkout.acks=1"),
                         "--set producers.checkout.acks: \"acks\" is a Kafka producer setting, which goes in the "
                         "config map; did you mean producers.checkout.config.acks?",
                         ks::InputError);
    CHECK_THROWS_WITH_AS(set(d, "producers.0.linger.ms=5"),
                         "--set producers.0.linger.ms: \"linger.ms\" is a Kafka producer setting, which goes in the "
                         "config map; did you mean producers.0.config.linger.ms?",
                         ks::InputError);
    CHECK_THROWS_WITH_AS(set(d, "topics.orders.min.insync.replicas=2"),
                         "--set topics.orders.min.insync.replicas: \"min.insync.replicas\" is a Kafka topic setting, "
                         "which goes in the config map; did you mean topics.orders.config.min.insync.replicas?",
                         ks::InputError);
    CHECK_THROWS_WITH_AS(set(d, "cluster.unclean.leader.election.enable=true"),
                         "--set cluster.unclean.leader.election.enable: \"unclean.leader.election.enable\" is a Kafka "
                         "broker setting, which goes in the config map; did you mean "
                         "cluster.config.unclean.leader.election.enable?",
                         ks::InputError);
    CHECK_THROWS_WITH_AS(set(d, "consumer_groups.billing.session.timeout.ms=6000"),
                         "--set consumer_groups.billing.session.timeout.ms: \"session.timeout.ms\" is a Kafka consumer "
                         "setting, which goes in the config map; did you mean "
                         "consumer_groups.billing.config.session.timeout.ms?",
                         ks::InputError);
    json brokers = json::parse(R"({"cluster": {"brokers": [{"id": 1}]}})");
    CHECK_THROWS_WITH_AS(set(brokers, "cluster.brokers.0.num.network.threads=3"),
                         "--set cluster.brokers.0.num.network.threads: \"num.network.threads\" is a Kafka broker "
                         "setting, which goes in the config map; did you mean "
                         "cluster.brokers.0.config.num.network.threads?",
                         ks::InputError);
    // A refused override leaves the document as it was.
    CHECK_FALSE(d["producers"][0].contains("acks"));
    // Simulator fields, and names that are not Kafka's, are created as before (validation judges them).
    set(d, "producers.checkout.rate_per_s=10");
    set(d, "producers.checkout.linger=5");
    CHECK(d["producers"][0]["rate_per_s"] == 10);
    CHECK(d["producers"][0]["linger"] == 5);
}

TEST_CASE("overrides: load_string reports each override it applied, in order") {
    const auto loaded = ks::scenario::load_string(
        R"({"name": "x", "producers": [{"name": "p", "topic": "t"}], "topics": [{"name": "t"}]})", "x.json",
        {.overrides = {"producers.p.config.acks=1", "topics.t.partitions=2", "producers.0.config.acks=\"all\""}});
    REQUIRE(loaded.overrides.size() == 3);
    CHECK(loaded.overrides[0].pointer == "/producers/0/config/acks");
    CHECK(loaded.overrides[0].value_json == "1");
    CHECK(loaded.overrides[1].pointer == "/topics/0/partitions");
    CHECK(loaded.overrides[1].value_json == "2");
    CHECK(loaded.overrides[2].pointer == "/producers/0/config/acks");
    CHECK(loaded.overrides[2].value_json == "\"all\"");
}
