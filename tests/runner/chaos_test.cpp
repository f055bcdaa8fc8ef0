// Chaos: the random fault schedule is a pure function of (scenario, seed),
// keeps its constraints (targets, concurrency, stability, healing) and draws
// sane distributions.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <string>

#include "kafkasim/scenario.hpp"
#include "runner/chaos.hpp"

using namespace ks;

namespace {

Scenario chaos_scenario(const std::string& chaos, int brokers = 5, int duration_s = 600,
                        const std::string& racks = R"(["a", "b", "c"])") {
    const std::string text = R"({"name": "c", "duration_s": )" + std::to_string(duration_s) +
                             R"(, "cluster": {"brokers": )" + std::to_string(brokers) +
                             (racks.empty() ? "" : R"(, "racks": )" + racks) +
                             R"(}, "topics": [{"name": "t", "partitions": 3, "replication_factor": 3}],
          "consumer_groups": [{"group_id": "g", "topics": ["t"], "members": 3}],
          "chaos": )" + chaos +
                             "}";
    return scenario::load_string(text, "chaos.json").scenario;
}

// The brokers a fault touches.
std::vector<BrokerId> touched(const Scenario& s, const FaultSpec& f) {
    std::vector<BrokerId> out;
    if (f.broker) out.push_back(*f.broker);
    if (f.rack) {
        for (const auto& b : s.cluster.brokers) {
            if (b.rack == f.rack) out.push_back(b.id);
        }
    }
    if (!f.groups.empty()) out = f.groups.front().brokers;
    for (BrokerId b : f.between) out.push_back(b);
    return out;
}

Duration end_of(const std::vector<FaultSpec>& all, std::size_t i) {
    const FaultSpec& f = all[i];
    if (f.duration) return f.at + *f.duration;
    // consumer_crash: until its consumer_join.
    for (std::size_t j = i + 1; j < all.size(); ++j) {
        if (all[j].action == FaultAction::consumer_join && all[j].group == f.group) return all[j].at;
    }
    FAIL("a consumer_crash without its consumer_join");
    return f.at;
}

const std::string kAll =
    R"({"enabled": true, "mean_interval_s": 20, "max_concurrent": 2, "for_s": {"dist": "uniform", "min": 2, "max": 40},
        "actions": ["crash", "pause", "power_loss", "partition", "link", "disk_slow", "consumer_crash", "slow_consumer"]})";

}  // namespace

TEST_CASE("chaos: disabled draws nothing") {
    const auto s = chaos_scenario(R"({"enabled": false})");
    CHECK(ks::runner::draw_chaos(s, 1).empty());
    CHECK(ks::runner::with_chaos(s, 1).faults.size() == s.faults.size());
}

TEST_CASE("chaos: the same seed draws the same schedule, another seed another") {
    const auto s = chaos_scenario(kAll);
    const auto a = ks::runner::describe_chaos(ks::runner::draw_chaos(s, 7));
    const auto b = ks::runner::describe_chaos(ks::runner::draw_chaos(s, 7));
    const auto c = ks::runner::describe_chaos(ks::runner::draw_chaos(s, 8));
    CHECK(a == b);
    CHECK(a != c);
    CHECK(a.find("chaos: ") == 0);
    // with_chaos keeps the file's faults first, then appends the drawn ones.
    const auto w = ks::runner::with_chaos(s, 7);
    CHECK(w.faults.size() == s.faults.size() + ks::runner::draw_chaos(s, 7).size());
}

TEST_CASE("chaos: every fault heals by itself within the run, targets are valid, concurrency and stability hold") {
    for (std::uint64_t seed = 1; seed <= 200; ++seed) {
        const auto s = chaos_scenario(kAll);
        const auto faults = ks::runner::draw_chaos(s, seed);
        INFO("seed " << seed << "\n" << ks::runner::describe_chaos(faults));
        REQUIRE(!faults.empty());
        Duration last_start = -ks::s(1000);
        for (std::size_t i = 0; i < faults.size(); ++i) {
            const FaultSpec& f = faults[i];
            CHECK(f.at >= Duration::zero());
            if (i > 0) CHECK(f.at >= faults[i - 1].at);  // in time order
            if (f.action == FaultAction::consumer_join) continue;
            CHECK(f.at - last_start >= ks::runner::kChaosStability);
            last_start = f.at;
            const Duration end = end_of(faults, i);
            CHECK(end - f.at >= ks::runner::kChaosMinFault);
            CHECK(end < s.duration);
            for (BrokerId b : touched(s, f)) CHECK(s.cluster.find_broker(b) != nullptr);
            if (f.action == FaultAction::link) {
                REQUIRE(f.between.size() == 2);
                CHECK(f.between[0] != f.between[1]);
                CHECK(f.loss >= 0.0);
                CHECK(f.loss <= 0.2);
            }
            if (f.action == FaultAction::partition) {
                REQUIRE(f.groups.size() == 2);
                CHECK(f.groups[0].brokers.size() == 1);
                CHECK(f.groups[1].clients);
                CHECK(f.groups[1].brokers.size() == s.cluster.brokers.size() - 1);
            }
            // Overlap: at this start, at most max_concurrent faults (with their
            // quiet time) are active, and none of them touches the same target.
            int active = 1;
            for (std::size_t j = 0; j < i; ++j) {
                if (faults[j].action == FaultAction::consumer_join) continue;
                if (end_of(faults, j) + ks::runner::kChaosStability <= f.at) continue;
                ++active;
                for (BrokerId b : touched(s, faults[j])) {
                    const auto mine = touched(s, f);
                    CHECK(std::find(mine.begin(), mine.end(), b) == mine.end());
                }
                if (!f.group.empty()) CHECK(faults[j].group != f.group);
            }
            CHECK(active <= s.chaos.max_concurrent);
        }
    }
}

TEST_CASE("chaos: max_concurrent 1 never overlaps two faults") {
    const auto s = chaos_scenario(
        R"({"enabled": true, "mean_interval_s": 5, "max_concurrent": 1, "for_s": {"dist": "constant", "value": 20},
            "actions": ["crash", "pause", "partition"]})");
    for (std::uint64_t seed = 1; seed <= 50; ++seed) {
        const auto faults = ks::runner::draw_chaos(s, seed);
        for (std::size_t i = 1; i < faults.size(); ++i) {
            CHECK(faults[i].at >= faults[i - 1].at + *faults[i - 1].duration + ks::runner::kChaosStability);
        }
    }
}

TEST_CASE("chaos: distributions are sane — rate, kinds, targets and durations") {
    const auto s = chaos_scenario(
        R"({"enabled": true, "mean_interval_s": 30, "max_concurrent": 5, "for_s": {"dist": "uniform", "min": 1, "max": 3},
            "actions": ["crash", "pause", "disk_slow"]})",
        5, 36000);
    std::map<FaultAction, int> kinds;
    std::map<std::int32_t, int> targets;
    double total_for_s = 0;
    std::size_t n = 0;
    for (std::uint64_t seed = 1; seed <= 10; ++seed) {
        const auto faults = ks::runner::draw_chaos(s, seed);
        // Faults are short and rarely collide: the gaps are ~ max(5 s, Exp(30 s)),
        // mean 5 + 30 e^(-1/6) ≈ 30.4 s, so about 36000 / 30.4 ≈ 1180 per run.
        CHECK(faults.size() > 1050);
        CHECK(faults.size() < 1320);
        for (const auto& f : faults) {
            ++kinds[f.action];
            ++targets[f.broker->value()];
            total_for_s += f.duration->seconds_f();
            ++n;
        }
    }
    for (auto a : {FaultAction::crash, FaultAction::pause, FaultAction::disk_slow}) {
        CHECK(kinds[a] > static_cast<int>(n / 3 * 0.9));
        CHECK(kinds[a] < static_cast<int>(n / 3 * 1.1));
    }
    for (std::int32_t b = 1; b <= 5; ++b) {
        CHECK(targets[b] > static_cast<int>(n / 5 * 0.9));
        CHECK(targets[b] < static_cast<int>(n / 5 * 1.1));
    }
    CHECK(total_for_s / static_cast<double>(n) == doctest::Approx(2.0).epsilon(0.03));
}

TEST_CASE("chaos: power loss takes a whole rack when the cluster has racks, a broker otherwise") {
    const std::string spec = R"({"enabled": true, "mean_interval_s": 20, "actions": ["power_loss"]})";
    const auto racked = chaos_scenario(spec, 6, 300);
    for (const auto& f : ks::runner::draw_chaos(racked, 3)) {
        CHECK(f.rack.has_value());
        CHECK_FALSE(f.broker.has_value());
    }
    const auto flat = chaos_scenario(spec, 3, 300, "");
    for (const auto& f : ks::runner::draw_chaos(flat, 3)) {
        CHECK(f.broker.has_value());
        CHECK_FALSE(f.rack.has_value());
    }
}

TEST_CASE("chaos: a consumer crash comes back as a join after its duration") {
    const auto s = chaos_scenario(R"({"enabled": true, "mean_interval_s": 20, "actions": ["consumer_crash"]})", 3, 300);
    const auto faults = ks::runner::draw_chaos(s, 5);
    int crashes = 0, joins = 0;
    for (const auto& f : faults) {
        crashes += f.action == FaultAction::consumer_crash;
        joins += f.action == FaultAction::consumer_join;
        if (f.action == FaultAction::consumer_crash) {
            CHECK(f.group == "g");
            CHECK(*f.member >= 0);
            CHECK(*f.member < 3);
        }
    }
    CHECK(crashes >= 1);
    CHECK(crashes == joins);
}
