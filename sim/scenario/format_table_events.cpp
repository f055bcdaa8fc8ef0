// The format table's rows: faults (one variant per action), chaos, burrow,
// compare, expect and the distributions (one variant per kind). Keys are in
// the order the loader has always listed them.
#include "scenario/format_rows.hpp"

namespace ks::scenario::format {

namespace {

Field broker_field(std::string description = "The broker id.") {
    return {.key = "broker", .type = integer(1), .required = true, .description = std::move(description)};
}

Field for_s(std::string description) {
    return {.key = "for_s", .type = positive(), .unit = "s", .description = std::move(description)};
}

Field group_field() {
    return {.key = "group", .type = name(), .required = true, .description = "The group id."};
}

Field member_field(bool required, std::string description = "The member index.") {
    return {.key = "member", .type = integer(0), .required = required, .description = std::move(description)};
}

// A side of a network partition: broker ids and "clients".
Type side() {
    return array(one_of({integer(1), constant("clients")}), 1, -1, true);
}

std::vector<Field> rolling_fields() {
    return {
        {.key = "order",
         .type = array(integer(1), 1, -1, true),
         .default_text = "every broker by id",
         .description = "Distinct broker ids, in restart order."},
        {.key = "controlled",
         .type = boolean(),
         .default_json = "true",
         .description = "Controlled shutdown; `false` kills the broker."},
        {.key = "wait_for_isr",
         .type = boolean(),
         .default_json = "true",
         .description = "Before the next broker, wait until the restarted one is registered and unfenced and no "
                        "partition is under-replicated or offline (checked every 1 s); `false`: wait 30 s."},
    };
}

Object fault(std::string action, std::string description, std::vector<Field> fields) {
    return Object{.name = "faults[action=" + action + "]",
                  .title = action,
                  .description = std::move(description),
                  .fields = std::move(fields),
                  .variant_of = "faults[]",
                  .variant_value = std::move(action)};
}

std::vector<Object> broker_faults() {
    Object power = fault("power_loss",
                         "Power off one broker or a whole rack: data not yet durable on disk is lost (see "
                         "`cluster.disk`).",
                         {{.key = "broker", .type = integer(1), .description = "A broker id (or give `rack`)."},
                          {.key = "rack", .type = name(), .description = "A rack: all its brokers (or give `broker`)."},
                          for_s("Restart after this long.")});
    power.need_one_of = {{"broker"}, {"rack"}};
    Object partition =
        fault("partition",
              "A network partition: the `groups` are cut from each other, or `from` cannot reach `to` (one way, which "
              "also breaks connections: TCP needs both directions). A side holds broker ids and \"clients\" (every "
              "producer and consumer); each appears in one side only.",
              {{.key = "groups",
                .type = array(side(), 2),
                .description = "At least 2 sides, each cut from the others; the controller goes with the side holding "
                               "the most brokers."},
               {.key = "from", .type = side(), .description = "The side that cannot reach `to`."},
               {.key = "to", .type = side(), .description = "The side `from` cannot reach."},
               for_s("Heal after this long.")});
    partition.need_one_of = {{"groups"}, {"from", "to"}};
    Object link =
        fault("link", "Degrade the link between two brokers, both ways.",
              {{.key = "between",
                .type = array(integer(1), 2, 2, true),
                .required = true,
                .description = "Two distinct broker ids."},
               {.key = "latency_ms",
                .type = dist(),
                .unit = "ms",
                .description = "Added one-way latency; only its mean is applied, as a fixed extra delay."},
               {.key = "loss",
                .type = number(0, 1),
                .description = "Loss probability per transmission; each loss costs a TCP retransmission timeout "
                               "(200 ms, doubling)."},
               for_s("Heal after this long.")});
    link.need_any_of = {{"latency_ms"}, {"loss"}};
    return {
        fault("crash", "kill -9: the process dies, the page cache survives.",
              {broker_field(), for_s("Restart the broker after this long.")}),
        fault("restart", "Start a crashed or powered-off broker.", {broker_field()}),
        fault("pause",
              "A GC stall: messages, timers and disk completions addressed to the broker wait, then run "
              "in order.",
              {broker_field(), for_s("Resume after this long; without it the broker stays paused until the heal.")}),
        power,
        partition,
        link,
        fault("disk_slow", "Slow a broker's disk down.",
              {broker_field(),
               {.key = "factor",
                .type = number(1, 1e6),
                .required = true,
                .description = "Disk latencies and transfer times times this factor."},
               for_s("Heal after this long.")}),
    };
}

Object rolling_upgrade() {
    std::vector<Field> fields = rolling_fields();
    fields.push_back({.key = "kafka_version",
                      .type = kafka_release(),
                      .description = "The new release: each broker restarts on it, with its defaults for every "
                                     "setting the scenario did not give."});
    fields.push_back({.key = "set",
                      .type = kafka_config(ConfigScope::broker),
                      .description = "New broker settings (non-empty), typically "
                                     "`inter.broker.protocol.version`."});
    Object o = fault("rolling_upgrade",
                     "A rolling restart onto a new release, new settings, or both; upgrades apply in time order, "
                     "each on top of the last.",
                     std::move(fields));
    o.need_any_of = {{"kafka_version"}, {"set"}};
    return o;
}

std::vector<Object> other_faults() {
    return {
        fault("rolling_restart",
              "Restart the brokers one at a time: each stops, comes back 5 s later, then the next "
              "goes.",
              rolling_fields()),
        rolling_upgrade(),
        fault("consumer_crash", "A consumer stops at once, with no LeaveGroup, and is not restarted.",
              {group_field(), member_field(true)}),
        fault("consumer_join", "A new member of the group starts, with the next member index.", {group_field()}),
        fault("consumer_leave",
              "A consumer calls `close()`: commits (with auto-commit), sends LeaveGroup (dynamic members only), "
              "stops.",
              {group_field(), member_field(true)}),
        fault("slow_consumer", "Consumers process records more slowly.",
              {group_field(),
               member_field(false, "One member index; every member of the group if absent."),
               {.key = "factor",
                .type = number(1, 1e6),
                .required = true,
                .description = "Processing time times this factor."},
               for_s("Heal after this long.")}),
        fault("stop_consumer", "Every member stops polling and committing; heartbeats continue.",
              {group_field(), for_s("Resume after this long.")}),
        fault("producer_rate", "Change a producer's send rate.",
              {{.key = "producer", .type = name(), .required = true, .description = "The producer's name."},
               {.key = "rate_per_s",
                .type = number(0, 1e9),
                .required = true,
                .unit = "records/s",
                .description = "The new rate."},
               for_s("Afterwards the producer's own `rate_per_s` again.")}),
    };
}

void append_faults(std::vector<Object>& out) {
    std::vector<Object> actions = broker_faults();
    for (Object& o : other_faults()) actions.push_back(std::move(o));
    std::vector<std::string> names;
    for (const Object& o : actions) names.push_back(o.variant_value);
    out.push_back(Object{
        .name = "faults[]",
        .title = "faults[]",
        .description = "A fault at `at_s`. The other keys depend on the action. A broker id is one of the "
                       "cluster's, a group one of the scenario's `group_id`s, a member an index 0..members-1 plus "
                       "one per `consumer_join` of the group.",
        .fields = {{.key = "at_s",
                    .type = number(0),
                    .required = true,
                    .unit = "s",
                    .description = "When, from the end of warm-up: in [0, `duration_s`)."},
                   {.key = "action", .type = one_of_strings(names), .required = true, .description = "What happens."}},
        .discriminator = "action"});
    for (Object& o : actions) out.push_back(std::move(o));
}

Object chaos() {
    return Object{
        .name = "chaos",
        .title = "chaos",
        .description =
            "Random faults drawn from the seed's own stream: a seed replays them, and `compare` "
            "variants share them.",
        .fields = {
            {.key = "enabled", .type = boolean(), .default_json = "false", .description = "Draw random faults."},
            {.key = "mean_interval_s",
             .type = positive(),
             .default_json = "30",
             .unit = "s",
             .description = "Mean time between fault starts (Poisson), at least 5 s apart."},
            {.key = "actions",
             .type = array(one_of_strings({"crash", "pause", "power_loss", "partition", "link", "disk_slow",
                                           "consumer_crash", "slow_consumer"}),
                           1, -1, true),
             .default_json = R"(["crash", "pause", "partition"])",
             .description = "The actions drawn, distinct; `consumer_crash` and `slow_consumer` need a consumer "
                            "group."},
            {.key = "for_s",
             .type = dist(),
             .default_json = R"({"dist": "uniform", "min": 5, "max": 30})",
             .unit = "s",
             .description = "How long a random fault lasts (at least 1 s)."},
            {.key = "max_concurrent",
             .type = integer(1, 100),
             .default_json = "1",
             .description = "Faults overlapping at once, counting 5 s of quiet after each."},
        }};
}

Object burrow() {
    return Object{.name = "burrow",
                  .title = "burrow",
                  .description =
                      "Burrow's own settings, under Burrow's names and defaults, in whole seconds as Burrow reads "
                      "them.",
                  .fields = {
                      {.key = "offset_refresh_s",
                       .type = integer(1, 1e9),
                       .default_json = "10",
                       .unit = "s",
                       .description = "Cluster module `offset-refresh`: Burrow polls every partition's newest offset "
                                      "once when the workload starts, then at this period; a commit's lag is measured "
                                      "against the last poll."},
                      {.key = "intervals",
                       .type = integer(1, 100000),
                       .default_json = "10",
                       .description = "Storage `intervals`: commits and polled offsets kept per partition."},
                      {.key = "min_distance_s",
                       .type = integer(0, 1e9),
                       .default_json = "0",
                       .unit = "s",
                       .description = "Storage `min-distance`: a commit less than this after the previous one replaces "
                                      "it (Burrow's shipped `burrow.toml` sets 1)."},
                      {.key = "expire_group_s",
                       .type = integer(0, 1e9),
                       .default_json = "604800",
                       .unit = "s",
                       .description = "Storage `expire-group`: a group with no commit for longer reads NOTFOUND."},
                  }};
}

Object compare() {
    return Object{.name = "compare",
                  .title = "compare",
                  .description = "Used by `kafkasim compare`: a grid of variants times seeds.",
                  .fields = {
                      {.key = "vary",
                       .type = map(array(any(), 1)),
                       .default_text = "none",
                       .description = "An override path (as `--set` takes) to the non-empty array of values to "
                                      "try; every variant is validated when the file is loaded."},
                      {.key = "seeds",
                       .type = integer(1, 1000000),
                       .default_json = "100",
                       .description = "Seeds per variant; `--seeds` overrides it."},
                  }};
}

Object expectation() {
    return Object{
        .name = "expect{}",
        .title = "expect{} (one test)",
        .description = "A test of one `summary.json` path: `equals`, or `min`, `max` or both (not both kinds).",
        .fields =
            {
                {.key = "equals", .type = any(), .description = "The expected value; numbers compare by value."},
                {.key = "min", .type = number(), .description = "Inclusive lower bound; a boolean counts as 0 or 1."},
                {.key = "max", .type = number(), .description = "Inclusive upper bound, at least `min`."},
            },
        .need_any_of = {{"equals"}, {"min"}, {"max"}}};
}

Object dist_kind(std::string kind, std::string description, std::vector<Field> fields) {
    return Object{.name = "dist[dist=" + kind + "]",
                  .title = kind,
                  .description = std::move(description),
                  .fields = std::move(fields),
                  .variant_of = "dist",
                  .variant_value = std::move(kind)};
}

void append_dists(std::vector<Object>& out) {
    auto req = [](std::string key, Type t, std::string description) {
        return Field{
            .key = std::move(key), .type = std::move(t), .required = true, .description = std::move(description)};
    };
    std::vector<Object> kinds = {
        dist_kind("constant", "Always `value`.", {req("value", number(0), "The value.")}),
        dist_kind(
            "lognormal", "Log-normal with that median and 99th percentile.",
            {req("median", positive(), "The median."), req("p99", positive(), "The 99th percentile, >= median.")}),
        dist_kind("exponential", "Exponential.", {req("mean", positive(), "The mean.")}),
        dist_kind("uniform", "Uniform on [min, max].",
                  {req("min", number(0), "The lower end."), req("max", number(0), "The upper end, >= min.")}),
        dist_kind("normal", "Normal, truncated at 0 (negative draws are redrawn).",
                  {req("mean", number(0), "The mean."), req("stddev", number(0), "The standard deviation.")}),
    };
    std::vector<std::string> names;
    for (const Object& o : kinds) names.push_back(o.variant_value);
    out.push_back(Object{.name = "dist",
                         .title = "Distributions",
                         .description = "A distribution of a quantity >= 0, in the unit of its key (`latency_ms`: "
                                        "milliseconds). A plain number N means {\"dist\": \"constant\", \"value\": "
                                        "N}.",
                         .fields = {{.key = "dist",
                                     .type = one_of_strings(names),
                                     .required = true,
                                     .description = "The kind of distribution."}},
                         .discriminator = "dist"});
    for (Object& o : kinds) out.push_back(std::move(o));
}

}  // namespace

void append_event_objects(std::vector<Object>& out) {
    append_faults(out);
    out.push_back(chaos());
    out.push_back(burrow());
    out.push_back(compare());
    out.push_back(expectation());
    append_dists(out);
}

}  // namespace ks::scenario::format
