// One bad scenario file per validation rule (tests/scenario/bad/*.json, each
// naming its rule on its first line), with the exact message it must produce.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "kafkasim/errors.hpp"
#include "kafkasim/scenario.hpp"

namespace {

struct BadCase {
    const char* file;     // tests/scenario/bad/<file>.json
    const char* message;  // what follows "tests/scenario/bad/<file>.json" in the error
};

const BadCase kCases[] = {
    {"syntax_error",
     R"(:4:20: invalid JSON: syntax error while parsing object key - unexpected '}'; expected string literal)"},
    {"not_object", R"(: /: expected an object, got [])"},
    {"missing_name", R"(: /: missing "name")"},
    {"bad_name", R"(: /name: expected a name of [A-Za-z0-9._-]+, got "my scenario")"},
    {"unknown_top_key", R"(: /duraton_s: unknown key; did you mean "duration_s"?)"},
    {"negative_duration", R"(: /duration_s: expected a number of seconds in (0, 10000000], got -5)"},
    {"bad_sample_interval", R"(: /sample_interval_ms: expected a number of milliseconds >= 1, got 0)"},
    {"negative_settle", R"(: /settle_max_s: expected a number of seconds >= 0, got -1)"},
    {"negative_seed", R"(: /seed: expected an integer >= 0, got -3)"},
    {"brokers_zero", R"(: /cluster/brokers: expected an integer in [1, 1000], got 0)"},
    {"brokers_type",
     R"(: /cluster/brokers: expected a number of brokers or a list of {"id", "rack", "config"}, got "three")"},
    {"racks_with_list",
     R"(: /cluster/racks: "racks" goes with a broker count; with a list of brokers give each broker its "rack")"},
    {"duplicate_broker_id", R"(: /cluster/brokers/2/id: duplicate broker id "1")"},
    {"mixed_racks", R"(: /cluster/brokers/1: either every broker has a "rack" or none has)"},
    {"duplicate_rack", R"(: /cluster/racks/1: duplicate rack "a")"},
    {"bad_rack_name", R"(: /cluster/racks/0: expected a name of [A-Za-z0-9._-]+, got "rack 1")"},
    {"bad_controller", R"(: /cluster/controller: expected "kraft" or "zookeeper", got "raft")"},
    {"zstd_before_2_1",
     R"(: /producers/0/config/compression.type: zstd needs Kafka 2.1 brokers (KIP-110); the cluster runs 2.0)"},
    {"zstd_old_ibp",
     R"(: /topics/0/config/compression.type: broker 1 has inter.broker.protocol.version 2.0: Kafka refuses zstd )"
     R"(below 2.1 (LogValidator: UNSUPPORTED_COMPRESSION_TYPE))"},
    {"unknown_cluster_key", R"(: /cluster/rack_awre: unknown key; did you mean "rack_aware"?)"},
    {"unknown_feature",
     R"(: /cluster/features/eligible.leader.replica.version: unknown feature; did you mean "eligible.leader.replicas.version"?)"},
    {"feature_level", R"(: /cluster/features/eligible.leader.replicas.version: expected an integer in [0, 1], got 2)"},
    {"elr_zookeeper",
     R"(: /cluster/features/eligible.leader.replicas.version: expected 0 with "controller": "zookeeper" (ELR, KIP-966, needs KRaft), got 1)"},
    {"lognormal_p99", R"(: /cluster/network/latency_ms/p99: expected a number >= the median (3), got 2)"},
    {"lognormal_median", R"(: /cluster/network/latency_ms/median: expected a number > 0, got 0)"},
    {"dist_kind",
     R"(: /cluster/disk/flush_latency_ms/dist: expected "constant", "lognormal", "exponential", "uniform" or "normal", got "gaussian")"},
    {"dist_param", R"(: /cluster/disk/flush_latency_ms/median: unknown key; did you mean "mean"?)"},
    {"dist_missing",
     R"(: /cluster/disk/flush_latency_ms: missing "dist" (constant, lognormal, exponential, uniform or normal))"},
    {"uniform_order", R"(: /cluster/disk/append_latency_ms/max: expected a number >= the min (5), got 1)"},
    {"negative_constant", R"(: /cluster/disk/append_latency_ms: expected a number >= 0, got -1)"},
    {"bandwidth_zero", R"(: /cluster/network/bandwidth_mbps: expected a number > 0, got 0)"},
    {"negative_dirty_expire", R"(: /cluster/disk/dirty_expire_ms: expected a number of milliseconds >= 0, got -10)"},
    {"broker_config_type", R"(: /cluster/config/replica.lag.time.max.ms: expected an integer, got "fast")"},
    {"broker_config_bool", R"(: /cluster/config/unclean.leader.election.enable: expected true or false, got "yes")"},
    {"broker_config_typo",
     R"(: /cluster/config/replica.lag.time.max: not a Kafka broker setting; did you mean "replica.lag.time.max.ms"?)"},
    {"broker_config_topic_key",
     R"(: /cluster/config/retention.ms: "retention.ms" is a Kafka topic setting, not a broker setting; the broker-wide default is "log.retention.ms")"},
    {"ibp_version",
     R"(: /cluster/config/inter.broker.protocol.version: expected a Kafka version from 0.8.0 to 4.1 such as "3.9", "2.0" or "0.10.2", got "5.0")"},
    {"min_isr_zero", R"(: /cluster/config/min.insync.replicas: expected an integer >= 1, got 0)"},
    {"topics_type", R"(: /topics: expected an array of topics, got {"orders":1})"},
    {"topic_duplicate", R"(: /topics/1/name: duplicate topic "orders")"},
    {"topic_bad_name", R"(: /topics/0/name: expected a name of [A-Za-z0-9._-]+, got "orders!")"},
    {"topic_missing_name", R"(: /topics/0: missing "name")"},
    {"partitions_zero", R"(: /topics/0/partitions: expected an integer in [1, 100000], got 0)"},
    {"rf_too_big", R"(: /topics/0/replication_factor: expected an integer in [1, 3] (the number of brokers), got 4)"},
    {"default_rf_too_big",
     R"(: /topics/0: default.replication.factor 5 exceeds the 3 brokers; give "replication_factor")"},
    {"topic_config_enum",
     R"(: /topics/0/config/cleanup.policy: expected a list of "delete" or "compact", got "remove")"},
    {"topic_config_producer_key",
     R"(: /topics/0/config/acks: "acks" is a Kafka producer setting, not a topic setting)"},
    {"producer_unknown_topic", R"(: /producers/0/topic: expected one of the scenario's topics "orders", got "ordres")"},
    {"producer_missing_topic", R"(: /producers/0: missing "topic")"},
    {"producer_acks", R"(: /producers/0/config/acks: expected "0", "1", "all" or "-1", got "2")"},
    {"producer_config_typo",
     R"(: /producers/0/config/lingerms: not a Kafka producer setting; did you mean "linger.ms"?)"},
    {"producer_config_broker_key",
     R"(: /producers/0/config/replica.lag.time.max.ms: "replica.lag.time.max.ms" is a Kafka broker setting, not a producer setting)"},
    {"delivery_timeout",
     R"(: /producers/0/config/delivery.timeout.ms: expected at least linger.ms + request.timeout.ms (30005), got 1000)"},
    {"producer_duplicate", R"(: /producers/1/name: duplicate producer "p")"},
    {"negative_rate", R"(: /producers/0/rate_per_s: expected a number in [0, 1000000000], got -1)"},
    {"value_bytes_type",
     R"(: /producers/0/value_bytes: expected a number or a distribution like {"dist": "lognormal", "median": 1, "p99": 5}, got "big")"},
    {"keys_kind", R"(: /producers/0/keys/kind: expected "none", "uniform", "zipf" or "sequential", got "random")"},
    {"keys_count_missing", R"(: /producers/0/keys: missing "count")"},
    {"keys_exponent", R"(: /producers/0/keys/exponent: expected no "exponent" unless kind is "zipf", got 1.2)"},
    {"arrival_kind", R"(: /producers/0/arrival: expected "poisson" or "constant", got "bursty")"},
    {"partitioner_partition_range",
     R"(: /producers/0/partitioner/rules/0/partitions/1: expected an integer in [0, 9], got 10)"},
    {"partitioner_uncovered",
     R"(: /producers/0/partitioner/rules: key 100 matches no rule; add a last rule without "keys" for the rest)"},
    {"partitioner_catchall_first",
     R"(: /producers/0/partitioner/rules/0: a rule without "keys" catches every key, so it must come last)"},
    {"partitioner_weights",
     R"(: /producers/0/partitioner/rules/0/weights: expected 2 weights, one per partition, got [1])"},
    {"partitioner_key_range",
     R"(: /producers/0/partitioner/rules/0/keys/to: expected an integer in [0, 999], got 5000)"},
    {"partitioner_class_conflict",
     R"(: /producers/0/config/partitioner.class: conflicts with the weighted "partitioner"; give one of them)"},
    {"partitioner_class_custom",
     R"(: /producers/0/config/partitioner.class: expected null or "org.apache.kafka.clients.producer.RoundRobinPartitioner" (for other partitioning use the producer's "partitioner"), got "com.acme.MyPartitioner")"},
    {"group_unknown_topic",
     R"(: /consumer_groups/0/topics/1: expected one of the scenario's topics "orders", got "payments")"},
    {"group_no_topics", R"(: /consumer_groups/0/topics: expected a non-empty array of topic names, got [])"},
    {"group_duplicate", R"(: /consumer_groups/1/group_id: duplicate group_id "g")"},
    {"group_negative_members", R"(: /consumer_groups/0/members: expected an integer in [0, 10000], got -1)"},
    {"group_session_timeout",
     R"(: /consumer_groups/0/config/session.timeout.ms: expected session.timeout.ms within the brokers' group.min.session.timeout.ms and group.max.session.timeout.ms [6000, 1800000], got 3000)"},
    {"group_heartbeat",
     R"(: /consumer_groups/0/config/heartbeat.interval.ms: expected heartbeat.interval.ms < session.timeout.ms (45000), got 45000)"},
    {"group_assignor",
     R"(: /consumer_groups/0/config/partition.assignment.strategy: expected a list of "range", "roundrobin", "sticky" or "cooperative-sticky" (or their Kafka class names), got "fair")"},
    {"group_offset_reset",
     R"(: /consumer_groups/0/config/auto.offset.reset: expected "latest", "earliest" or "none", got "smallest")"},
    {"fault_action",
     R"(: /faults/0/action: expected "crash", "restart", "pause", "power_loss", "partition", "link", "disk_slow", "rolling_restart", "rolling_upgrade", "consumer_crash", "consumer_join", "consumer_leave", "slow_consumer", "stop_consumer" or "producer_rate", got "explode")"},
    {"fault_missing_action", R"(: /faults/0: missing "action")"},
    {"fault_unknown_broker", R"(: /faults/0/broker: expected a broker id of this cluster (1 to 3), got 4)"},
    {"fault_unknown_broker_list", R"(: /faults/0/broker: expected one of the broker ids 1, 2, 5, got 3)"},
    {"fault_after_end", R"(: /faults/0/at_s: expected a time in [0, 60) s (duration_s), got 60)"},
    {"fault_negative_time", R"(: /faults/0/at_s: expected a number of seconds >= 0, got -1)"},
    {"fault_key_for_action", R"(: /faults/0/rack: unknown key; expected one of "at_s", "action", "broker" or "for_s")"},
    {"fault_for_zero", R"(: /faults/0/for_s: expected a number of seconds > 0, got 0)"},
    {"power_loss_rack", R"(: /faults/0/rack: expected one of the scenario's racks "a", "b" or "c", got "d")"},
    {"power_loss_both", R"(: /faults/0: give either "broker" or "rack")"},
    {"partition_missing", R"(: /faults/0: missing "groups" (or "from" and "to" for a one-way partition))"},
    {"partition_one_group", R"(: /faults/0/groups: expected at least 2 groups, got [[1,2,3]])"},
    {"partition_twice", R"(: /faults/0/groups/1/0: duplicate member of the partition "2")"},
    {"partition_bad_member", R"(: /faults/0/from/0: expected a broker id or "clients", got "producers")"},
    {"link_ends", R"(: /faults/0/between: expected an array of two broker ids, got [1])"},
    {"link_loss", R"(: /faults/0/loss: expected a number in [0, 1], got 2)"},
    {"disk_slow_factor", R"(: /faults/0/factor: expected a number in [1, 1000000], got 0.5)"},
    {"rolling_unknown_broker", R"(: /faults/0/order/2: expected a broker id of this cluster (1 to 3), got 5)"},
    {"rolling_upgrade_set",
     R"(: /faults/0/set/inter.broker.protocol.version: expected a Kafka version from 0.8.0 to 4.1 such as "3.9", "2.0" or "0.10.2", got "9.9")"},
    {"rolling_upgrade_no_change",
     R"(: /faults/0: a rolling_upgrade needs "kafka_version" (the new Kafka release), "set" (new broker settings) or both)"},
    {"rolling_upgrade_ibp_newer",
     R"(: /faults/0/set/inter.broker.protocol.version: inter.broker.protocol.version 3.9 is newer than the brokers' release, Kafka 3.6 (kafka_version): a broker knows no protocol newer than itself)"},
    {"rolling_upgrade_kafka_version",
     R"(: /faults/0/kafka_version: expected a Kafka release from 0.10.0 to 4.1 such as "3.9", "3.6" or "0.10.2", got "5.0")"},
    {"rolling_upgrade_zookeeper_4",
     R"(: /faults/0/kafka_version: Kafka 4.0 has no ZooKeeper mode (removed in 4.0, KIP-833): with "controller": "zookeeper" use a kafka_version up to 3.9)"},
    {"kafka_version_unknown",
     R"(: /cluster/kafka_version: expected a Kafka release from 0.10.0 to 4.1 such as "3.9", "3.6" or "0.10.2", got "0.9.0")"},
    {"kafka_version_ibp_newer",
     R"(: /cluster/config/inter.broker.protocol.version: inter.broker.protocol.version 3.0 is newer than the brokers' release, Kafka 2.8 (kafka_version): a broker knows no protocol newer than itself)"},
    {"kafka_version_zookeeper_4",
     R"(: /cluster/kafka_version: Kafka 4.0 has no ZooKeeper mode (removed in 4.0, KIP-833): with "controller": "zookeeper" use a kafka_version up to 3.9)"},
    {"kafka_version_kraft_old",
     R"(: /cluster/kafka_version: Kafka 2.7 has no KRaft mode (it came in 2.8, KIP-500): set "controller": "zookeeper" (kafkasim's default controller is "kraft"))"},
    {"kafka_version_elr_old",
     R"(: /cluster/features/eligible.leader.replicas.version: expected 0 with Kafka 3.9 (the feature exists from Kafka 4.0, KIP-966), got 1)"},
    {"kafka_version_segment_bytes",
     R"(: /topics/0/config/segment.bytes: expected at least 1048576 (1 MiB) with Kafka 4.0, whose minimum KIP-1030 raised, got 65536)"},
    {"consumer_unknown_group",
     R"(: /faults/0/group: expected one of the scenario's consumer groups "billing", got "biling")"},
    {"consumer_member_range", R"(: /faults/0/member: expected an integer in [0, 2], got 3)"},
    {"producer_rate_unknown",
     R"(: /faults/0/producer: expected one of the scenario's producers "checkout", got "cart")"},
    {"chaos_action",
     R"(: /chaos/actions/0: expected "crash", "pause", "power_loss", "partition", "link", "disk_slow", "consumer_crash" or "slow_consumer", got "restart")"},
    {"chaos_interval", R"(: /chaos/mean_interval_s: expected a number > 0, got 0)"},
    {"compare_bad_path",
     R"(: /compare/vary/producers.chekout.config.acks: no entry named "chekout" in producers; did you mean "checkout"?)"},
    {"compare_bad_value",
     R"(: /compare/vary/producers.checkout.config.acks/1: with producers.checkout.config.acks="2": /producers/0/config/acks: expected "0", "1", "all" or "-1", got "2")"},
    {"compare_empty_values",
     R"(: /compare/vary/topics.orders.partitions: expected a non-empty array of values, got [])"},
    {"compare_seeds", R"(: /compare/seeds: expected an integer in [1, 1000000], got 0)"},
    {"expect_unknown_path",
     R"(: /expect/records.acked_lsot: unknown records field "acked_lsot"; did you mean "acked_lost"?)"},
    {"expect_unknown_group",
     R"(: /expect/groups.biling.max_lag: unknown consumer group "biling"; did you mean "billing"?)"},
    {"expect_empty", R"(: /expect/records.acked_lost: missing "equals", "min" or "max")"},
    {"expect_min_max", R"(: /expect/records.acked/max: expected a number >= min (10), got 5)"},
};

const std::string kSourceDir = KS_SOURCE_DIR;

// The loader's message with the source directory stripped, or "" if it loaded.
std::string load_error(const std::string& file) {
    try {
        ks::scenario::load_file(kSourceDir + "/" + file);
    } catch (const ks::InputError& e) {
        std::string msg = e.what();
        const std::string prefix = kSourceDir + "/";
        if (msg.rfind(prefix, 0) == 0) msg = msg.substr(prefix.size());
        return msg;
    }
    return "";
}

}  // namespace

TEST_CASE("scenario: every bad file fails with its exact message") {
    for (const auto& c : kCases) {
        const std::string file = std::string("tests/scenario/bad/") + c.file + ".json";
        CAPTURE(file);
        CHECK(load_error(file) == file + c.message);
    }
}

TEST_CASE("scenario: every file in tests/scenario/bad has a case") {
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(kSourceDir + "/tests/scenario/bad"))
        names.push_back(e.path().stem().string());
    for (const auto& n : names) {
        CAPTURE(n);
        CHECK(std::any_of(std::begin(kCases), std::end(kCases), [&](const BadCase& c) { return n == c.file; }));
    }
    CHECK(names.size() == std::size(kCases));
}
