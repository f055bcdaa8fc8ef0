// compare's figures: the Wilson interval, per-variant statistics, the shard
// file round trip, and merging shards into the unsharded result.
#include <doctest/doctest.h>

#include <sstream>
#include <string>

#include "kafkasim/errors.hpp"
#include "kafkasim/sweep.hpp"
#include "report/compare_report.hpp"

using ks::SweepResult;
using ks::report::wilson_interval;

namespace {

// 2 variants (acks 1, all) × 3 seeds (5, 6, 7); variant 0 loses data on seeds 6 and 7.
SweepResult synthetic(ks::SweepShard shard = {}) {
    SweepResult r;
    auto& g = r.grid;
    g.file = "scenarios/x.json";
    g.scenario = "x";
    g.axes = {{"producers.p.config.acks", {"\"1\"", "\"all\""}}};
    g.variants = {{{"producers.p.config.acks", "\"1\""}}, {{"producers.p.config.acks", "\"all\""}}};
    g.first_seed = 5;
    g.seeds = 3;
    r.shard = shard;
    r.pairs = ks::shard_pairs(g, shard);
    for (std::size_t k : r.pairs) {
        ks::RunOutcome o;
        o.variant = g.variant_of(k);
        o.seed = g.seed_of(k);
        o.sent = 1000;
        o.acked = 990;
        o.acked_lost = (o.variant == 0 && o.seed >= 6) ? static_cast<std::int64_t>(o.seed) * 10 : 0;
        o.latency_p50_ms = 1.0 + static_cast<double>(o.variant);
        o.latency_p99_ms = 10.0 / 3.0 * static_cast<double>(o.seed);
        o.offline_partition_s = 0.1 * static_cast<double>(k);
        o.strong_isr_violations = (o.variant == 0 && o.seed == 7) ? 2 : 0;
        o.trace_hash = "0x" + std::to_string(k);
        r.runs.push_back(o);
    }
    return r;
}

}  // namespace

TEST_CASE("compare: Wilson score interval matches known values") {
    auto near = [](double a, double b) { return std::abs(a - b) < 5e-6; };
    auto i = wilson_interval(0, 10);
    CHECK(i.low == 0.0);
    CHECK(near(i.high, 0.277533));
    i = wilson_interval(5, 10);
    CHECK(near(i.low, 0.236593));
    CHECK(near(i.high, 0.763407));
    i = wilson_interval(10, 10);
    CHECK(near(i.low, 0.722467));
    CHECK(i.high == 1.0);
    i = wilson_interval(1, 200);
    CHECK(near(i.low, 0.000883));
    CHECK(near(i.high, 0.027774));
    i = wilson_interval(12, 200);
    CHECK(near(i.low, 0.034652));
    CHECK(near(i.high, 0.101932));
    i = wilson_interval(0, 0);
    CHECK(i.low == 0.0);
    CHECK(i.high == 1.0);
}

TEST_CASE("compare: per-variant statistics, first loss and its replay line") {
    const auto stats = ks::report::variant_stats(synthetic());
    REQUIRE(stats.size() == 2);
    CHECK(stats[0].label == "acks=1");
    CHECK(stats[0].runs == 3);
    CHECK(stats[0].runs_with_loss == 2);
    CHECK(stats[0].p_loss == doctest::Approx(2.0 / 3));
    CHECK(stats[0].acked_lost.mean == doctest::Approx(130.0 / 3));
    CHECK(stats[0].acked_lost.max == 70);
    REQUIRE(stats[0].first_loss_seed.has_value());
    CHECK(*stats[0].first_loss_seed == 6);
    CHECK(stats[0].first_loss_replay == "kafkasim run scenarios/x.json --seed 6 --set 'producers.p.config.acks=\"1\"'");
    CHECK(stats[0].runs_strong_isr_broken == 1);  // runs, not partitions
    CHECK(stats[1].runs_with_loss == 0);
    CHECK(stats[1].runs_strong_isr_broken == 0);
    CHECK_FALSE(stats[1].first_loss_seed.has_value());
    CHECK(stats[1].latency_p50_ms_mean == doctest::Approx(2.0));
    CHECK_FALSE(stats[1].max_consumer_lag.has_value());
}

TEST_CASE("compare: the terminal table shows, per variant, the runs in which StrongIsr broke") {
    std::ostringstream out;
    ks::report::print_compare(out, synthetic());
    const std::string text = out.str();
    CHECK(text.find("StrongIsr broken") != std::string::npos);
    // Row order follows the variants; acks=1 broke StrongIsr on seed 7 only.
    const auto row1 = text.find("  acks=1 ");
    const auto row2 = text.find("  acks=all ");
    REQUIRE(row1 != std::string::npos);
    REQUIRE(row2 != std::string::npos);
    const std::string line1 = text.substr(row1, text.find('\n', row1) - row1);
    const std::string line2 = text.substr(row2, text.find('\n', row2) - row2);
    CHECK(line1.find(" 1/3") != std::string::npos);
    CHECK(line2.find(" 0/3") != std::string::npos);
}

TEST_CASE("compare: replay lines write strings bare unless they would read back as JSON") {
    ks::SweepGrid g;
    g.file = "my scenarios/a.json";
    g.overrides = {"cluster.brokers=5"};
    g.axes = {{"producers.p.config.acks", {"\"all\""}}, {"topics.t.replication_factor", {"2"}}};
    g.variants = {{{"producers.p.config.acks", "\"all\""}, {"topics.t.replication_factor", "2"}}};
    CHECK(ks::replay_command(g, 0, 42) ==
          "kafkasim run 'my scenarios/a.json' --seed 42 --set cluster.brokers=5 --set producers.p.config.acks=all "
          "--set topics.t.replication_factor=2");
    CHECK(ks::variant_label(g, 0) == "acks=all, replication_factor=2");
}

TEST_CASE("compare: a shard file reads back to the same result") {
    const SweepResult a = synthetic({.index = 2, .count = 4});
    const SweepResult b = ks::report::sweep_from_json(ks::report::shard_json(a), "shard.json");
    CHECK(ks::report::shard_json(b).dump() == ks::report::shard_json(a).dump());
    CHECK(b.pairs == std::vector<std::size_t>{1, 5});
}

TEST_CASE("compare: merging every shard gives exactly the unsharded output") {
    const SweepResult whole = synthetic();
    std::vector<SweepResult> shards;
    for (int i = 3; i >= 1; --i) {  // any order
        shards.push_back(ks::report::sweep_from_json(ks::report::shard_json(synthetic({.index = i, .count = 3})), "s"));
    }
    const SweepResult merged = ks::merge_sweeps(shards);
    CHECK(ks::report::compare_json(merged).dump() == ks::report::compare_json(whole).dump());
    CHECK(ks::report::compare_csv(merged) == ks::report::compare_csv(whole));
}

TEST_CASE("compare: merge refuses a missing, repeated or foreign shard") {
    const auto s1 = synthetic({.index = 1, .count = 2});
    const auto s2 = synthetic({.index = 2, .count = 2});
    CHECK_THROWS_AS(ks::merge_sweeps({s1}), ks::InputError);
    CHECK_THROWS_AS(ks::merge_sweeps({s1, s1}), ks::InputError);
    auto other = s2;
    other.grid.seeds = 4;
    CHECK_THROWS_AS(ks::merge_sweeps({s1, other}), ks::InputError);
    CHECK_NOTHROW(ks::merge_sweeps({s2, s1}));
}

TEST_CASE("compare: --shard parses I/N and rejects the rest") {
    CHECK(ks::parse_shard("2/5").index == 2);
    CHECK(ks::parse_shard("2/5").count == 5);
    for (const char* bad : {"0/2", "3/2", "1", "a/b", "1/2x", "/2"}) {
        CHECK_THROWS_AS(ks::parse_shard(bad), ks::InputError);
    }
}

TEST_CASE("compare: spread_of gives nearest-rank quartiles, min, max and mean over seeds") {
    const auto s = ks::report::spread_of({7, 1, 3, 5});
    CHECK(s.min == 1);
    CHECK(s.p25 == 1);  // ceil(0.25 * 4) = 1st smallest
    CHECK(s.p50 == 3);  // 2nd
    CHECK(s.p75 == 5);  // 3rd
    CHECK(s.max == 7);
    CHECK(s.mean == 4);
    const auto one = ks::report::spread_of({42});
    CHECK(one.min == 42);
    CHECK(one.p25 == 42);
    CHECK(one.p75 == 42);
}

TEST_CASE("compare: consumer lag per variant as distributions over seeds, in json and csv") {
    SweepResult r = synthetic();
    for (auto& o : r.runs) {
        o.max_consumer_lag = static_cast<std::int64_t>(100 * o.seed);  // 500, 600, 700
        o.mean_consumer_lag = 10.0 * static_cast<double>(o.seed);      // 50, 60, 70
    }
    const auto stats = ks::report::variant_stats(r);
    REQUIRE(stats[0].max_consumer_lag_spread);
    CHECK(stats[0].max_consumer_lag_spread->p50 == 600);
    CHECK(stats[0].mean_consumer_lag_spread->mean == doctest::Approx(60));
    CHECK(stats[0].mean_consumer_lag_spread->max == 70);
    const auto j = ks::report::compare_json(r);
    CHECK(j["variants"][1]["consumer_lag"]["max"]["min"] == 500);
    CHECK(j["variants"][1]["consumer_lag"]["mean"]["p75"] == 70);
    CHECK(j["runs"][0]["mean_consumer_lag"] == 50);
    const std::string csv = ks::report::compare_csv(r);
    CHECK(csv.find("max_consumer_lag_p50,mean_consumer_lag_mean,mean_consumer_lag_p50,mean_consumer_lag_max\n") !=
          std::string::npos);
    CHECK(csv.find(",600,60,60,70\n") != std::string::npos);
    // Without groups: no distributions, empty cells, null in json.
    const SweepResult plain = synthetic();
    CHECK_FALSE(ks::report::variant_stats(plain)[0].max_consumer_lag_spread);
    CHECK(ks::report::compare_json(plain)["variants"][0]["consumer_lag"].is_null());
    // A shard round trip keeps the time-averaged lag.
    const auto back = ks::report::sweep_from_json(ks::report::shard_json(r), "x");
    CHECK(back.runs[2].mean_consumer_lag == r.runs[2].mean_consumer_lag);
}
