// The format table's rows: the top level, the cluster, topics, producers and
// consumer groups. Keys are in the order the loader has always listed them
// (its "expected one of ..." messages show that order).
#include "scenario/format_rows.hpp"

namespace ks::scenario::format {

namespace {

Type above(double lo, double hi) {
    Type t = number(lo, hi);
    t.exclusive_min = true;
    return t;
}

Object top_level() {
    return Object{.name = "",
                  .title = "Top level",
                  .description =
                      "A kafkasim scenario: a Kafka cluster, its workload, a fault timeline and what to expect. "
                      "The file is JSON with // and /* */ comments (JSONC).",
                  .fields = {
                      {.key = "name",
                       .type = name(),
                       .required = true,
                       .description = "The scenario's name, used in report paths (`reports/runs/<name>-seed<N>/`)."},
                      {.key = "description", .type = text(), .default_json = R"("")", .description = "Free text."},
                      {.key = "seed",
                       .type = integer(0),
                       .default_json = "1",
                       .description = "The run's seed, the source of all its randomness; `--seed N` overrides it."},
                      {.key = "duration_s",
                       .type = above(0, 1e7),
                       .default_json = "120",
                       .unit = "s",
                       .description = "The scenario proper, before the heal and settle phases."},
                      {.key = "sample_interval_ms",
                       .type = number(1),
                       .default_json = "1000",
                       .unit = "ms",
                       .description = "Time-series resolution."},
                      {.key = "settle_max_s",
                       .type = number(0),
                       .default_json = "300",
                       .unit = "s",
                       .description = "Bound of the settle phase after the heal (producers drain, replicas catch up)."},
                      {.key = "cluster",
                       .type = object("cluster"),
                       .default_text = "3 brokers, no racks",
                       .description = "Brokers, racks, controller, network, disks and the broker config."},
                      {.key = "topics",
                       .type = array(object("topics[]")),
                       .default_json = "[]",
                       .description = "Topics, created at the start."},
                      {.key = "producers",
                       .type = array(object("producers[]")),
                       .default_json = "[]",
                       .description = "Producers, each writing to one topic."},
                      {.key = "consumer_groups",
                       .type = array(object("consumer_groups[]")),
                       .default_json = "[]",
                       .description = "Consumer groups."},
                      {.key = "faults",
                       .type = array(object("faults[]")),
                       .default_json = "[]",
                       .description = "Faults at given times, in any order."},
                      {.key = "chaos",
                       .type = object("chaos"),
                       .default_text = "off",
                       .description = "Random faults drawn from the seed."},
                      {.key = "burrow",
                       .type = object("burrow"),
                       .default_text = "Burrow's defaults",
                       .description = "Burrow's settings for the consumer-lag verdict."},
                      {.key = "compare",
                       .type = object("compare"),
                       .default_text = "none",
                       .description = "Used by `kafkasim compare`: the settings to vary and how many seeds."},
                      {.key = "expect",
                       .type = map(object("expect{}")),
                       .default_json = "{}",
                       .description = "Tests of `summary.json` paths (`records.acked_lost`); `kafkasim run` exits 1 "
                                      "when one fails."},
                      {.key = "$schema",
                       .type = text(),
                       .description = "Where an editor finds this JSON Schema (a URL or a path such as "
                                      "`docs/scenario.schema.json`); kafkasim ignores it."},
                  }};
}

Object cluster() {
    return Object{
        .name = "cluster",
        .title = "cluster",
        .description = "The brokers and their world. Absent: three brokers (ids 1, 2, 3), no racks, every default.",
        .fields = {
            {.key = "brokers",
             .type = one_of({integer(1, 1000), array(object("cluster.brokers[]"), 1, 1000)}),
             .required = true,
             .description = "A count 1..1000 (broker ids 1..N), or the list form: one object per broker."},
            {.key = "racks",
             .type = array(name(), 1, -1, true),
             .default_text = "none",
             .description = "With a broker count only: broker i gets rack `racks[(i-1) % len]`. Non-empty, "
                            "unique."},
            {.key = "rack_aware",
             .type = boolean(),
             .default_json = "true",
             .description = "Replica placement spreads replicas over racks. KRaft (`StripedReplicaPlacer`): "
                            "`false` places as if no broker had a rack. ZooKeeper (`AdminUtils`): only when "
                            "every broker has a rack; `false` is `--disable-rack-aware`."},
            {.key = "controller",
             .type = one_of_strings({"kraft", "zookeeper"}),
             .default_json = R"("kraft")",
             .description = "Liveness and election timing: KRaft (`broker.session.timeout.ms`) or ZooKeeper "
                            "(`zookeeper.session.timeout.ms`)."},
            {.key = "kafka_version",
             .type = kafka_release(),
             .default_json = R"("3.9")",
             .description = "The brokers' Kafka release, \"0.10.0\" to \"4.1\": its defaults and the behaviour "
                            "that changed between releases. ZooKeeper needs a release before 4.0, KRaft one "
                            "from 2.8."},
            {.key = "features",
             .type = object("cluster.features"),
             .default_text = "all 0",
             .description = "KIP-584 feature levels."},
            {.key = "network",
             .type = object("cluster.network"),
             .default_text = "each key's default",
             .description = "The simulated network."},
            {.key = "disk",
             .type = object("cluster.disk"),
             .default_text = "each key's default",
             .description = "Each broker's disk."},
            {.key = "request_cost",
             .type = object("cluster.request_cost"),
             .default_text = "each key's default",
             .description = "What a broker's threads spend on a request."},
            {.key = "config",
             .type = kafka_config(ConfigScope::broker),
             .default_text = "Kafka's defaults",
             .description = "Broker settings for every broker, under Kafka's names; a broker's own `config` "
                            "overrides it."},
        }};
}

Object broker_entry() {
    return Object{
        .name = "cluster.brokers[]",
        .title = "cluster.brokers[] (list form)",
        .description =
            "One broker of the list form; brokers are sorted by id. Either every broker has a rack "
            "or none has; `racks` does not go with the list form.",
        .fields = {
            {.key = "id", .type = integer(1, 2147483647), .required = true, .description = "The broker id; unique."},
            {.key = "rack",
             .type = name(),
             .default_text = "none",
             .description = "The broker's rack; also sets `broker.rack`. A `broker.rack` in its `config` counts "
                            "when `rack` is absent."},
            {.key = "config",
             .type = kafka_config(ConfigScope::broker),
             .default_text = "`cluster.config`",
             .description = "This broker's settings over `cluster.config`: what the broker process reads "
                            "(replica fetching, ISR timing, `inter.broker.protocol.version`, ...). Topic "
                            "defaults and the controller's settings come from `cluster.config` only."},
        }};
}

Object features() {
    const std::string unmodelled = "Accepted, with a warning that it is not modelled.";
    return Object{
        .name = "cluster.features",
        .title = "cluster.features",
        .description = "KIP-584 feature levels; only these names are accepted.",
        .fields = {
            {.key = "eligible.leader.replicas.version",
             .type = integer(0, 1),
             .default_text = "`0`; `1` with `kafka_version` 4.1+ and KRaft",
             .description = "1 turns on ELR (KIP-966); needs `\"controller\": \"kraft\"` and `kafka_version` "
                            "4.0+."},
            {.key = "group.version", .type = integer(0, 1), .default_json = "0", .description = unmodelled},
            {.key = "kraft.version", .type = integer(0, 1), .default_json = "0", .description = unmodelled},
            {.key = "transaction.version", .type = integer(0, 2), .default_json = "0", .description = unmodelled},
        }};
}

Object network() {
    return Object{.name = "cluster.network",
                  .title = "cluster.network",
                  .description =
                      "The simulated network. Clients sit in a rack of their own, so client-broker traffic pays "
                      "the cross-rack latency.",
                  .fields = {
                      {.key = "latency_ms",
                       .type = dist(),
                       .default_json = R"({"dist": "lognormal", "median": 0.3, "p99": 2})",
                       .unit = "ms",
                       .description = "One-way latency between two hosts in the same rack."},
                      {.key = "cross_rack_latency_ms",
                       .type = dist(),
                       .default_json = R"({"dist": "lognormal", "median": 1, "p99": 5})",
                       .unit = "ms",
                       .description = "One-way latency between racks."},
                      {.key = "bandwidth_mbps",
                       .type = positive(),
                       .default_json = "10000",
                       .unit = "Mbit/s",
                       .description = "Megabits per second, per link."},
                  }};
}

Object disk() {
    return Object{.name = "cluster.disk",
                  .title = "cluster.disk",
                  .description =
                      "Each broker's disk. Disk throughput is in megabytes per second, network bandwidth in "
                      "megabits.",
                  .fields = {
                      {.key = "append_latency_ms",
                       .type = dist(),
                       .default_json = R"({"dist": "constant", "value": 0.05})",
                       .unit = "ms",
                       .description = "A write into the page cache."},
                      {.key = "flush_latency_ms",
                       .type = dist(),
                       .default_json = R"({"dist": "lognormal", "median": 2, "p99": 20})",
                       .unit = "ms",
                       .description = "An fsync."},
                      {.key = "throughput_mbytes_per_s",
                       .type = positive(),
                       .default_json = "500",
                       .unit = "MB/s",
                       .description = "Megabytes (10^6 bytes) per second."},
                      {.key = "throughput_mbps",
                       .type = positive(),
                       .unit = "MB/s",
                       .description = "Deprecated name of `throughput_mbytes_per_s` (a warning says so; both together "
                                      "are an error).",
                       .deprecated = true},
                      {.key = "recovery_mbytes_per_s",
                       .type = positive(),
                       .default_json = "200",
                       .unit = "MB/s",
                       .description = "What one recovery thread (`num.recovery.threads.per.data.dir`) re-validates per "
                                      "second after an unclean shutdown; an assumption, not a Kafka setting."},
                      {.key = "dirty_expire_ms",
                       .type = number(0),
                       .default_json = "30000",
                       .unit = "ms",
                       .description = "Page-cache data older than this is written back (Linux "
                                      "`dirty_expire_centisecs`)."},
                      {.key = "writeback_interval_ms",
                       .type = positive(),
                       .default_json = "5000",
                       .unit = "ms",
                       .description = "How often the OS flusher runs (Linux `dirty_writeback_centisecs`)."},
                  }};
}

Object request_cost() {
    return Object{.name = "cluster.request_cost",
                  .title = "cluster.request_cost",
                  .description =
                      "Thread time per request: network threads (`num.network.threads`) read requests and write "
                      "responses, request handler threads (`num.io.threads`) handle them. A model of a broker "
                      "without TLS, not Kafka settings; a compressed produce's (de)compression is added "
                      "(`compression.type`).",
                  .fields = {
                      {.key = "network_us",
                       .type = number(0, 1e9),
                       .default_json = "10",
                       .unit = "µs",
                       .description = "Network-thread time per request read or response written."},
                      {.key = "network_ns_per_byte",
                       .type = number(0, 1e9),
                       .default_json = "1",
                       .unit = "ns/byte",
                       .description = "Network-thread time per byte of it."},
                      {.key = "io_us",
                       .type = number(0, 1e9),
                       .default_json = "40",
                       .unit = "µs",
                       .description = "Request-handler time per request."},
                      {.key = "io_us_per_partition",
                       .type = number(0, 1e9),
                       .default_json = "5",
                       .unit = "µs",
                       .description = "Request-handler time per partition the request names."},
                      {.key = "io_ns_per_byte",
                       .type = number(0, 1e9),
                       .default_json = "2",
                       .unit = "ns/byte",
                       .description = "Request-handler time per byte of the request (CRC checks, copies into the page "
                                      "cache)."},
                  }};
}

Object topic() {
    return Object{
        .name = "topics[]",
        .title = "topics[]",
        .description = "A topic, created at the start.",
        .fields = {
            {.key = "name",
             .type = name(249),
             .required = true,
             .description = "The topic's name, at most 249 characters; unique."},
            {.key = "partitions",
             .type = integer(1, 100000),
             .default_text = "broker `num.partitions` (1)",
             .description = "Number of partitions."},
            {.key = "replication_factor",
             .type = integer(1),
             .default_text = "broker `default.replication.factor` (1)",
             .description = "Replicas per partition, at most the number of brokers (as must be the broker "
                            "default when this is absent)."},
            {.key = "config",
             .type = kafka_config(ConfigScope::topic),
             .default_text = "from `cluster.config`",
             .description = "Topic settings under Kafka's names; a key left out takes the cluster's broker-wide "
                            "default (`retention.ms` from `log.retention.ms`, ...)."},
        }};
}

Object producer() {
    return Object{
        .name = "producers[]",
        .title = "producers[]",
        .description = "A producer application and its Kafka producer, writing to one topic.",
        .fields = {
            {.key = "name", .type = name(), .required = true, .description = "The producer's name; unique."},
            {.key = "topic",
             .type = name(),
             .required = true,
             .description = "The topic it writes to, one of the scenario's."},
            {.key = "rate_per_s",
             .type = number(0, 1e9),
             .default_json = "1000",
             .unit = "records/s",
             .description = "Records the application sends per second."},
            {.key = "value_bytes",
             .type = dist(),
             .default_json = "512",
             .unit = "bytes",
             .description = "Bytes per record value; rounded, negatives become 0."},
            {.key = "keys",
             .type = object("producers[].keys"),
             .default_json = R"({"kind": "none"})",
             .description = "The record keys."},
            {.key = "arrival",
             .type = one_of_strings({"poisson", "constant"}),
             .default_json = R"("poisson")",
             .description = "Poisson arrivals (exponential gaps) or evenly spaced."},
            {.key = "partitioner",
             .type = object("producers[].partitioner"),
             .default_json = R"({"kind": "default"})",
             .description = "How records are spread over partitions."},
            {.key = "client_version",
             .type = client_release(),
             .default_json = R"("4.0")",
             .description = "The Java client release, \"2.1\" to \"4.1\": its defaults and behaviour."},
            {.key = "send_threads",
             .type = integer(1, 10000),
             .default_json = "1",
             .description = "Application threads calling `send()`; each blocks up to `max.block.ms` when "
                            "`buffer.memory` is full, the other records wait in the application."},
            {.key = "value_compressibility",
             .type = number(0, 1),
             .default_json = "1",
             .description = "How compressible the record values are, for `compression.type`: 0 random bytes "
                            "(no codec shrinks them), 1 like the Silesia corpus (the codec's published ratio); "
                            "between, that share of each value compresses. See the compression model in "
                            "docs/kafka-semantics.md."},
            {.key = "config",
             .type = kafka_config(ConfigScope::producer),
             .default_text = "the client release's defaults",
             .description = "Producer settings under Kafka's names, checked as Kafka's `ProducerConfig` does."},
        }};
}

Object keys() {
    return Object{
        .name = "producers[].keys",
        .title = "producers[].keys",
        .description =
            "Key i is sent as its decimal text (\"42\"), as `StringSerializer` sends "
            "`String.valueOf(i)`.",
        .fields = {
            {.key = "kind",
             .type = one_of_strings({"none", "uniform", "zipf", "sequential"}),
             .required = true,
             .description = "`none`: null keys (sticky partitioning); `uniform`: uniform over 0..count-1; `zipf`: "
                            "key 0 the hottest; `sequential`: 0, 1, ..., count-1, 0, ..."},
            {.key = "count",
             .type = integer(1, 1e9),
             .description = "Distinct keys; required unless `kind` is `none`, forbidden with `none`."},
            {.key = "exponent", .type = positive(), .default_json = "1.0", .description = "`zipf` only."},
        }};
}

Object partitioner() {
    return Object{
        .name = "producers[].partitioner",
        .title = "producers[].partitioner",
        .description = "Kafka's built-in partitioner, `RoundRobinPartitioner`, or kafkasim's weighted one.",
        .fields = {
            {.key = "kind",
             .type = one_of_strings({"default", "round_robin", "weighted"}),
             .required = true,
             .description = "`default`: murmur2 of the key, uniform sticky for null keys; `round_robin`: "
                            "`RoundRobinPartitioner` (as the producer's `partitioner.class`); `weighted`: the "
                            "first rule whose range holds the key picks among its partitions by "
                            "`toPositive(murmur2(key)) %` total weight."},
            {.key = "rules",
             .type = array(object("producers[].partitioner.rules[]"), 1),
             .description = "Required with `weighted`, forbidden otherwise. A rule without `keys` catches every "
                            "key and comes last; without one, the ranges cover every key."},
        }};
}

Object rule() {
    return Object{.name = "producers[].partitioner.rules[]",
                  .title = "producers[].partitioner.rules[]",
                  .description = "A rule of the weighted partitioner.",
                  .fields = {
                      {.key = "keys",
                       .type = object("producers[].partitioner.rules[].keys"),
                       .default_text = "every key",
                       .description = "The key indices it applies to; not with null keys."},
                      {.key = "partitions",
                       .type = array(integer(0), 1, -1, true),
                       .required = true,
                       .description = "Distinct partition numbers of the topic."},
                      {.key = "weights",
                       .type = array(positive(), 1),
                       .default_text = "equal",
                       .description = "One weight per partition."},
                  }};
}

Object key_range() {
    return Object{.name = "producers[].partitioner.rules[].keys",
                  .title = "producers[].partitioner.rules[].keys",
                  .description = "An inclusive range of key indices, 0 <= from <= to < count.",
                  .fields = {
                      {.key = "from", .type = integer(0), .required = true, .description = "First key index."},
                      {.key = "to", .type = integer(0), .required = true, .description = "Last key index."},
                  }};
}

Object group() {
    return Object{
        .name = "consumer_groups[]",
        .title = "consumer_groups[]",
        .description = "A consumer group: its members run the Java consumer's poll loop.",
        .fields = {
            {.key = "group_id", .type = name(), .required = true, .description = "The group id; unique."},
            {.key = "topics",
             .type = array(name(), 1, -1, true),
             .required = true,
             .description = "The topics it subscribes to, the scenario's."},
            {.key = "members",
             .type = integer(0, 10000),
             .default_json = "1",
             .description = "Consumers started at the beginning (member indices 0..members-1)."},
            {.key = "processing_ms_per_record",
             .type = dist(),
             .default_json = "0",
             .unit = "ms",
             .description = "Application time per record returned by `poll()`."},
            {.key = "client_version",
             .type = client_release(),
             .default_json = R"("4.0")",
             .description = "The members' Java client release, \"2.1\" to \"4.1\"."},
            {.key = "config",
             .type = kafka_config(ConfigScope::consumer),
             .default_text = "the client release's defaults",
             .description = "Consumer settings under Kafka's names, shared by the members. `session.timeout.ms` "
                            "lies within the brokers' group session bounds; `heartbeat.interval.ms` is below it."},
        }};
}

}  // namespace

void append_scenario_objects(std::vector<Object>& out) {
    for (auto make : {top_level, cluster, broker_entry, features, network, disk, request_cost, topic, producer, keys,
                      partitioner, rule, key_range, group})
        out.push_back(make());
}

}  // namespace ks::scenario::format
