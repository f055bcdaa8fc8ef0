// The scenario: a Kafka cluster, its workload, a fault timeline and what to
// expect — the typed form of a scenario file (shared/SCENARIOS.md is the
// contract for the file format; field names below mirror its keys).
//
// Produced only by ks::scenario::load_file / load_string, which validate
// everything, so a Scenario in hand satisfies:
//   - names (scenario, topics, producers, groups, racks) match [A-Za-z0-9._-]+
//     and are unique within their list; broker ids are unique and >= 1;
//   - every topic, producer, group, broker and rack a field refers to exists;
//   - 1 <= replication_factor <= number of brokers; partitions >= 1;
//   - every fault's `at` lies in [0, duration); every Duration is >= 0;
//   - every KafkaConfig holds all modelled keys of its scope, with Kafka's
//     defaults (topic configs default from the cluster's broker config);
//   - DistSpecs are well formed (lognormal: 0 < median <= p99, ...).
// Times are ks::Duration (the file's *_s and *_ms numbers, rounded to ns).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kafkasim/distribution.hpp"
#include "kafkasim/ids.hpp"
#include "kafkasim/kafka_config.hpp"
#include "kafkasim/settings.hpp"
#include "kafkasim/time.hpp"
#include "kafkasim/workload.hpp"

namespace ks {

// ---- cluster -------------------------------------------------------------

struct BrokerSpec {
    BrokerId id;
    std::optional<std::string> rack;          // also in config as broker.rack
    KafkaConfig config{ConfigScope::broker};  // the cluster config + this broker's overrides
    BrokerSettings settings{};                // `config` resolved (scenario/resolve.hpp)
};

enum class ControllerKind { kraft, zookeeper };

struct NetworkSpec {
    DistSpec latency_ms = DistSpec::lognormal(0.3, 2);           // one way, same rack
    DistSpec cross_rack_latency_ms = DistSpec::lognormal(1, 5);  // one way, across racks
    double bandwidth_mbps = 10000;                               // megabits per second, per link
};

struct DiskSpec {
    DistSpec append_latency_ms = DistSpec::constant(0.05);   // write into the page cache
    DistSpec flush_latency_ms = DistSpec::lognormal(2, 20);  // fsync
    double throughput_mbytes_per_s = 500;                    // megabytes (1e6 bytes) per second
    // Log recovery after an unclean shutdown: megabytes per second that one
    // recovery thread (num.recovery.threads.per.data.dir) re-validates.
    double recovery_mbytes_per_s = 200;
    Duration dirty_expire = ms(30000);       // OS writeback: dirty data older than this is on disk
    Duration writeback_interval = ms(5000);  // how often the OS writeback runs
};

// What a broker's request threads spend per request (cluster "request_cost"):
// a model, not Kafka's figures (docs/kafka-semantics.md, "Request handling").
struct RequestCostSpec {
    double network_us = 10;          // a network thread, per request read or response written
    double network_ns_per_byte = 1;  // ... per byte of it
    double io_us = 40;               // a request handler thread, per request
    double io_us_per_partition = 5;  // ... per partition the request names
    double io_ns_per_byte = 2;       // ... per byte of the request
};

struct ClusterSpec {
    std::vector<BrokerSpec> brokers;  // in id order
    std::vector<std::string> racks;   // distinct racks in first-seen order (empty: no racks)
    bool rack_aware = true;           // replica placement uses broker.rack
    ControllerKind controller = ControllerKind::kraft;
    KafkaVersion kafka_version{};                  // the brokers' Kafka release (and the controller's)
    std::map<std::string, std::int64_t> features;  // every known feature, default 0
    NetworkSpec network;
    DiskSpec disk;
    RequestCostSpec request_cost;
    KafkaConfig config{ConfigScope::broker};   // cluster-wide broker config
    ControllerSettings controller_settings{};  // `config`, `controller` and `features` resolved

    const BrokerSpec* find_broker(BrokerId id) const;
    std::int64_t feature(std::string_view name) const;  // REQUIRES: a known feature
};

// ---- workload ------------------------------------------------------------

struct TopicSpec {
    std::string name;
    std::int32_t partitions = 1;
    std::int32_t replication_factor = 1;
    KafkaConfig config{ConfigScope::topic};
    TopicSettings settings{};  // `config` resolved
};

struct ProducerSpec {
    std::string name;
    std::string topic;
    double rate_per_s = 1000;  // records the application sends per second
    DistSpec value_bytes = DistSpec::constant(512);
    KeySpec keys;
    ArrivalProcess arrival = ArrivalProcess::poisson;
    PartitionerSpec partitioner;
    KafkaVersion client_version{4, 0, 0};  // the Java client's release ("client_version")
    std::int32_t send_threads = 1;         // application threads calling send()
    // How compressible the record values are, in [0, 1]: 0 random bytes, 1 as
    // the Silesia corpus (sim/kafka/compression.hpp). Matters only with a codec.
    double value_compressibility = 1.0;
    KafkaConfig config{ConfigScope::producer};
    ProducerSettings settings{};  // `config` resolved
};

struct ConsumerGroupSpec {
    std::string group_id;
    std::vector<std::string> topics;
    std::int32_t members = 1;
    DistSpec processing_ms_per_record = DistSpec::constant(0);
    KafkaVersion client_version{4, 0, 0};  // the members' Java client release ("client_version")
    KafkaConfig config{ConfigScope::consumer};
    ConsumerSettings settings{};  // `config` resolved
};

// ---- faults --------------------------------------------------------------

enum class FaultAction {
    crash,
    restart,
    pause,
    power_loss,
    partition,
    link,
    disk_slow,
    rolling_restart,
    rolling_upgrade,
    consumer_crash,
    consumer_join,
    consumer_leave,
    slow_consumer,
    stop_consumer,
    producer_rate,
};
const char* to_string(FaultAction a);

// A side of a network partition: some brokers, and perhaps every client.
struct NodeSet {
    std::vector<BrokerId> brokers;
    bool clients = false;  // "clients": every producer and consumer
};

// One entry of "faults". Which fields mean something depends on the action
// (see SCENARIOS.md); the others keep their defaults.
struct FaultSpec {
    FaultAction action = FaultAction::crash;
    Duration at;                                // at_s
    std::optional<Duration> duration;           // for_s: the fault heals by itself after it
    std::optional<BrokerId> broker;             // crash restart pause power_loss disk_slow
    std::optional<std::string> rack;            // power_loss of a whole rack
    std::vector<NodeSet> groups;                // partition: each side cut from the others
    NodeSet from, to;                           // partition one way: from cannot reach to
    std::vector<BrokerId> between;              // link: the two ends
    std::optional<DistSpec> latency_ms;         // link: added one-way latency
    double loss = 0;                            // link: drop probability [0, 1]
    double factor = 1;                          // disk_slow, slow_consumer: slow-down factor
    std::vector<BrokerId> order;                // rolling_*: restart order (all brokers by id if absent)
    bool controlled = true;                     // rolling_*: controlled shutdown
    bool wait_for_isr = true;                   // rolling_*: wait until no partition is under-replicated
    KafkaConfig set{ConfigScope::broker};       // rolling_upgrade: user_keys() are the changes
    std::optional<KafkaVersion> kafka_version;  // rolling_upgrade: the new release, if it changes
    std::string group;                          // consumer_*: group_id
    std::optional<std::int32_t> member;         // consumer_crash / consumer_leave: member index
    std::string producer;                       // producer_rate
    double rate_per_s = 0;                      // producer_rate
};

struct ChaosSpec {
    bool enabled = false;
    Duration mean_interval = s(30);  // mean time between random faults
    std::vector<FaultAction> actions = {FaultAction::crash, FaultAction::pause, FaultAction::partition};
    DistSpec for_s = DistSpec::uniform(5, 30);  // how long a random fault lasts
    std::int32_t max_concurrent = 1;
};

// ---- Burrow ----------------------------------------------------------------

// Burrow's own settings (section "burrow"), under Burrow's defaults: how often
// its cluster module polls the newest offsets and how its in-memory storage
// keeps them. Whole seconds, as Burrow reads them (viper.GetInt).
struct BurrowSpec {
    Duration offset_refresh = s(10);    // cluster "offset-refresh" (kafka_cluster.go Configure)
    std::int32_t intervals = 10;        // storage "intervals" (inmemory.go Configure)
    Duration min_distance = s(0);       // storage "min-distance" (no default: 0)
    Duration expire_group = s(604800);  // storage "expire-group"
};

// ---- compare and expectations ---------------------------------------------

// One axis of a `compare`: an override path and the values to try, each kept
// as JSON text (`"all"`, `3`) to apply with the --set mechanism.
struct CompareAxis {
    std::string path;
    std::vector<std::string> values_json;
};

struct CompareSpec {
    std::vector<CompareAxis> vary;  // in path order
    std::int32_t seeds = 100;
};

// "summary path": {"equals": v} | {"min": x} | {"max": y} | min and max.
struct Expectation {
    std::string path;                        // a summary.json path, e.g. records.acked_lost
    std::optional<std::string> equals_json;  // JSON text of the expected value
    std::optional<double> min;
    std::optional<double> max;
};

// ---- the scenario --------------------------------------------------------

struct Scenario {
    std::string name;
    std::string description;
    std::uint64_t seed = 1;
    Duration duration = s(120);
    Duration sample_interval = ms(1000);
    Duration settle_max = s(300);  // settle_max_s: bound of the settle phase
    ClusterSpec cluster;
    std::vector<TopicSpec> topics;
    std::vector<ProducerSpec> producers;
    std::vector<ConsumerGroupSpec> consumer_groups;
    std::vector<FaultSpec> faults;  // in file order (not sorted by time)
    ChaosSpec chaos;
    BurrowSpec burrow;
    CompareSpec compare;
    std::vector<Expectation> expect;  // in path order

    const TopicSpec* find_topic(std::string_view name) const;
    const ProducerSpec* find_producer(std::string_view name) const;
    const ConsumerGroupSpec* find_group(std::string_view group_id) const;
    std::int64_t total_partitions() const;
};

}  // namespace ks

namespace ks::scenario {

struct LoadOptions {
    std::vector<std::string> overrides;  // "PATH=VALUE", applied in order before validation
};

// An override as applied: where it landed and the value it set.
struct AppliedOverride {
    std::string pointer;     // a JSON pointer, list entries by index: /producers/0/config/acks
    std::string value_json;  // the value as JSON text: 1 (a number), "1" (a string)
};

struct Loaded {
    Scenario scenario;
    std::vector<std::string> warnings;       // complete lines, "FILE: /pointer: ..."
    std::vector<AppliedOverride> overrides;  // LoadOptions::overrides, in order
};

// Reads, parses (JSON with // and /* */ comments), applies the overrides,
// validates. Throws ks::InputError with "FILE: /json/pointer: expected ..., got ..."
// on the first problem; nothing is partially returned.
Loaded load_file(const std::string& path, const LoadOptions& options = {});
// The same from text; `source_name` stands for FILE in messages.
Loaded load_string(std::string_view text, const std::string& source_name, const LoadOptions& options = {});

// One line for `kafkasim check`: "3 brokers (3 racks), 1 topic (6 partitions), ...".
std::string describe(const Scenario& s);

}  // namespace ks::scenario
