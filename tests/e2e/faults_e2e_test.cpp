// End-to-end faults: one test case per fault kind of SCENARIOS.md. Each checks
// what the fault does to the world while it is in force and that the world
// heals — by itself after `for_s`, or in the heal phase — with outcomes that
// Kafka's documented behaviour implies (KRaft controller, Kafka's defaults
// unless a scenario says otherwise).
//
// Scenarios are small: one topic of 3 or 6 partitions on 3 brokers, one
// producer, at most one consumer group, 25–60 simulated seconds. Times below
// are seconds since the end of warm-up, as in the time series and timeline.
//
// Kafka defaults the timings below rest on:
//   broker.heartbeat.interval.ms 2000, broker.session.timeout.ms 9000: a broker
//     that stops heartbeating is fenced 7–9 s after it stopped (+ the
//     controller's periodic liveness check); fencing removes it from every ISR
//     and elects new leaders for the partitions it led.
//   replica.lag.time.max.ms 30000: until then a silent follower stays in the
//     ISR, and acks=all waits for every ISR member.
//   heartbeat.interval.ms 3000 (consumer), max.poll.interval.ms 300000.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "kafkasim/scenario.hpp"
#include "kafkasim/simulation.hpp"
#include "report/narrate.hpp"
#include "support/run_text.hpp"

using namespace ks;

namespace {

constexpr double kNever = std::numeric_limits<double>::infinity();

using test::run_text;

// One topic "orders" on brokers 1..3, one producer "p" (uniform keys), an
// optional consumer group, the faults.
struct Spec {
    int duration_s = 30;
    int partitions = 3;
    int replication_factor = 3;
    int min_isr = 2;
    int rate = 300;
    std::string producer_config = R"("acks": "all")";
    std::string cluster = "";  // more "cluster" fields, each after a comma
    std::string group = "";    // a consumer_groups entry, or empty
    std::string faults = "";
    int sample_ms = 500;
};

std::string scenario_text(const Spec& s) {
    std::string text =
        R"({"name": "fault", "duration_s": )" + std::to_string(s.duration_s) +
        R"(, "settle_max_s": 120, "sample_interval_ms": )" + std::to_string(s.sample_ms) +
        R"(, "cluster": {"brokers": 3)" + s.cluster + R"(},
      "topics": [{"name": "orders", "partitions": )" +
        std::to_string(s.partitions) + R"(, "replication_factor": )" + std::to_string(s.replication_factor) +
        R"(, "config": {"min.insync.replicas": )" + std::to_string(s.min_isr) + R"(}}],
      "producers": [{"name": "p", "topic": "orders", "rate_per_s": )" +
        std::to_string(s.rate) + R"(, "value_bytes": 256, "keys": {"kind": "uniform", "count": 1000}, "config": {)" +
        s.producer_config + "}}]";
    if (!s.group.empty()) text += R"(, "consumer_groups": [)" + s.group + "]";
    return text + R"(, "faults": [)" + s.faults + "]}";
}

RunResult run_spec(const Spec& s, std::uint64_t seed = 1) {
    return run_text(scenario_text(s), seed);
}

// The time series by column name.
class Series {
  public:
    explicit Series(const TimeSeries& t) : t_(t) { REQUIRE(!t_.rows.empty()); }

    std::size_t col(const std::string& name) const {
        for (std::size_t i = 0; i < t_.columns.size(); ++i) {
            if (t_.columns[i] == name) return i;
        }
        FAIL("no column " << name);
        return 0;
    }
    // The last sample taken at or before t_s.
    double at(const std::string& name, double t_s) const {
        const std::size_t c = col(name);
        const std::vector<double>* last = nullptr;
        for (const auto& row : t_.rows) {
            if (row[0] <= t_s) last = &row;
        }
        REQUIRE_MESSAGE(last != nullptr, "no sample at or before " << t_s);
        return (*last)[c];
    }
    // The samples taken in [from_s, to_s), empty intervals (NaN) left out.
    std::vector<double> in(const std::string& name, double from_s, double to_s) const {
        const std::size_t c = col(name);
        std::vector<double> out;
        for (const auto& row : t_.rows) {
            if (row[0] >= from_s && row[0] < to_s && !std::isnan(row[c])) out.push_back(row[c]);
        }
        REQUIRE_MESSAGE(!out.empty(), "no sample of " << name << " in [" << from_s << ", " << to_s << ")");
        return out;
    }
    double min(const std::string& name, double from_s, double to_s) const {
        const auto v = in(name, from_s, to_s);
        return *std::min_element(v.begin(), v.end());
    }
    double max(const std::string& name, double from_s, double to_s) const {
        const auto v = in(name, from_s, to_s);
        return *std::max_element(v.begin(), v.end());
    }
    double median(const std::string& name, double from_s, double to_s) const {
        auto v = in(name, from_s, to_s);
        std::sort(v.begin(), v.end());
        return v[v.size() / 2];
    }
    // Growth per second of a counter between two samples.
    double slope(const std::string& name, double from_s, double to_s) const {
        return (at(name, to_s) - at(name, from_s)) / (to_s - from_s);
    }
    // The time of the first sample at or after from_s where pred holds (kNever if none).
    double first(const std::string& name, double from_s, const std::function<bool(double)>& pred) const {
        const std::size_t c = col(name);
        for (const auto& row : t_.rows) {
            if (row[0] >= from_s && pred(row[c])) return row[0];
        }
        return kNever;
    }
    // The last sample of the run (after the heal and settle).
    double last(const std::string& name) const { return t_.rows.back()[col(name)]; }

  private:
    const TimeSeries& t_;
};

double seconds(const ks::report::NarratedLine& e) {
    return e.at.seconds_f();
}

// The time of the first narrated event at or after `after` containing `needle` (kNever if none).
double when(const RunResult& r, const std::string& needle, double after = -kNever) {
    for (const auto& e : ks::report::narrate(r)) {
        if (seconds(e) >= after && e.text.find(needle) != std::string::npos) return seconds(e);
    }
    return kNever;
}

int count(const RunResult& r, const std::string& needle, double from = -kNever, double to = kNever) {
    int n = 0;
    for (const auto& e : ks::report::narrate(r)) {
        n += seconds(e) >= from && seconds(e) < to && e.text.find(needle) != std::string::npos ? 1 : 0;
    }
    return n;
}

// Leaders and ISRs as the timeline narrates them ("orders-1: leader 2 elected
// (epoch 1), ISR [2,3]", "orders-0 ISR [3,1,2] -> [3,2]", "orders-2: OFFLINE ..."),
// replayed entry by entry.
struct NarratedState {
    std::map<std::string, int> leader;
    std::map<std::string, std::vector<int>> isr;

    static std::vector<int> parse_list(const std::string& text, std::size_t open) {
        std::vector<int> out;
        const std::size_t close = text.find(']', open);
        std::string body = text.substr(open + 1, close - open - 1);
        std::size_t pos = 0;
        while (pos < body.size()) {
            std::size_t comma = body.find(',', pos);
            if (comma == std::string::npos) comma = body.size();
            out.push_back(std::stoi(body.substr(pos, comma - pos)));
            pos = comma + 1;
        }
        return out;
    }
    void apply(const std::string& text) {
        if (text.rfind("orders-", 0) != 0) return;
        const std::size_t end_of_name = text.find_first_of(": ");
        const std::string tp = text.substr(0, end_of_name);
        if (const auto elected = text.find(" elected (epoch "); elected != std::string::npos) {
            const std::size_t l = text.rfind("leader ", elected);
            leader[tp] = std::stoi(text.substr(l + 7, elected - l - 7));
            isr[tp] = parse_list(text, text.find('[', elected));
        } else if (text.find(": OFFLINE") != std::string::npos) {
            leader[tp] = -1;
        } else if (const auto arrow = text.find(" -> ["); arrow != std::string::npos) {
            isr[tp] = parse_list(text, arrow + 4);
        }
    }
    int led_by(int broker) const {
        int n = 0;
        for (const auto& [tp, b] : leader) n += b == broker ? 1 : 0;
        return n;
    }
};

void check_healed(const RunResult& r) {
    CHECK(r.summary.settled);
    CHECK(r.summary.unclean_elections == 0);
    for (const auto& p : r.summary.partitions) {
        CHECK(p.isr.size() == p.replicas.size());
        CHECK(p.leader >= 0);
        CHECK_FALSE(p.diverged);
    }
    const Series ts(r.series);
    CHECK(ts.last("ActiveBrokers") == 3);
    CHECK(ts.last("UnderReplicatedPartitions") == 0);
    CHECK(ts.last("OfflinePartitionsCount") == 0);
}

// A group "g" of `members` consumers of "orders", committing every second.
std::string group_json(int members, const std::string& extra_config = "") {
    return R"({"group_id": "g", "topics": ["orders"], "members": )" + std::to_string(members) + R"(,
      "processing_ms_per_record": {"dist": "constant", "value": 0.1},
      "config": {"session.timeout.ms": 10000, "auto.commit.interval.ms": 1000, "auto.offset.reset": "earliest",
                 "partition.assignment.strategy": "range")" +
           extra_config + "}}";
}

const GroupSummary& the_group(const RunResult& r) {
    REQUIRE(r.summary.groups.size() == 1);
    return r.summary.groups.front();
}

}  // namespace

// ---- broker processes ---------------------------------------------------------------------

TEST_CASE(
    "fault: crash — leaderships move after broker.session.timeout.ms, the dead replicas leave every ISR, "
    "and the broker rejoins in the heal") {
    // A crash without for_s lasts until the heal phase restarts the broker.
    const double at = 10, duration = 30;
    const auto r = run_spec({.duration_s = 30, .faults = R"({"at_s": 10, "action": "crash", "broker": 1})"});
    const Series ts(r.series);
    REQUIRE(ts.at("LeaderCount.broker1", at - 0.5) >= 1);
    CHECK(when(r, "broker 1 crashed") == doctest::Approx(at));
    const double fenced = when(r, "controller fenced broker 1");
    CHECK(fenced >= at + 7);
    CHECK(fenced <= at + 10.5);
    // Until the controller fences it the dead broker is still leader and still
    // in every ISR: the partitions it led take nothing, and acks=all waits for
    // it on the others (its replicas have stopped fetching), so nothing is acked.
    CHECK(ts.min("LeaderCount.broker1", at, at + 7) >= 1);
    CHECK(ts.max("UnderReplicatedPartitions", at, at + 7) == 0);
    CHECK(ts.at("p.acked", at + 6.5) == ts.at("p.acked", at + 0.5));
    int followed = 0;
    for (const std::string tp : {"orders-0", "orders-1", "orders-2"}) {
        if (ts.at(tp + ".leader", at - 0.5) == 1) continue;
        INFO(tp << " follows on broker 1: its HW waits");
        CHECK(ts.at(tp + ".high_watermark", at + 6.5) == ts.at(tp + ".high_watermark", at + 0.5));
        CHECK(ts.at(tp + ".high_watermark", duration - 0.5) > ts.at(tp + ".high_watermark", at + 10.5));
        ++followed;
    }
    CHECK(followed >= 1);
    // Fenced: it leads nothing and is out of every ISR (RF 3 on 3 brokers: every
    // partition); with 2 of 3 replicas left (min.insync.replicas 2) acks resume.
    CHECK(ts.max("LeaderCount.broker1", at + 10.5, duration) == 0);
    CHECK(ts.min("UnderReplicatedPartitions", at + 10.5, duration) == 3);
    CHECK(ts.max("ActiveBrokers", at + 10.5, duration) == 2);
    CHECK(ts.at("p.acked", duration - 0.5) > ts.at("p.acked", at + 10.5));
    CHECK(r.summary.clean_elections >= 1);
    // The heal restarts it; it catches up and rejoins every ISR; acks=all with
    // min.insync.replicas 2 lost nothing.
    CHECK(when(r, "broker 1 registered and unfenced", duration) < kNever);
    check_healed(r);
    CHECK(r.summary.records.acked_lost == 0);
}

TEST_CASE("fault: restart — the broker registers again, catches up and rejoins every ISR") {
    const double restart = 20, duration = 30;
    const auto r = run_spec({.duration_s = 30, .faults = R"({"at_s": 5, "action": "crash", "broker": 2},
                                          {"at_s": 20, "action": "restart", "broker": 2})"});
    const Series ts(r.series);
    // Fenced and out of every ISR before the restart.
    CHECK(ts.at("ActiveBrokers", restart - 0.5) == 2);
    CHECK(ts.at("UnderReplicatedPartitions", restart - 0.5) == 3);
    CHECK(when(r, "broker 2 restarted") == doctest::Approx(restart));
    // It registers, is unfenced, and a follower that has caught up with the
    // leader joins the ISR again (AlterPartition): every partition, well before
    // the end of the scenario, without any leader election.
    const double unfenced = when(r, "broker 2 registered and unfenced", restart);
    CHECK(unfenced <= restart + 2);
    for (const std::string tp : {"orders-0", "orders-1", "orders-2"}) {
        double rejoined = kNever;
        for (const auto& e : ks::report::narrate(r)) {
            const auto arrow = e.text.find(" -> [");
            if (seconds(e) < restart || e.text.rfind(tp + " ISR ", 0) != 0 || arrow == std::string::npos) continue;
            const auto after = NarratedState::parse_list(e.text, arrow + 4);
            if (std::find(after.begin(), after.end(), 2) != after.end()) {
                rejoined = seconds(e);
                break;
            }
        }
        INFO(tp);
        CHECK(rejoined <= restart + 5);
    }
    CHECK(ts.max("UnderReplicatedPartitions", restart + 5, duration) == 0);
    CHECK(ts.min("ActiveBrokers", restart + 5, duration) == 3);
    CHECK(count(r, "elected", restart, duration) == 0);
    check_healed(r);
    CHECK(r.summary.records.acked_lost == 0);
}

TEST_CASE(
    "fault: pause — a GC stall longer than broker.session.timeout.ms fences the broker until it resumes; "
    "a short one changes no leader and no ISR") {
    SUBCASE("a 20 s pause: fenced, leaderships moved, back in every ISR after it resumes") {
        const double at = 5, resume = 25, duration = 40;
        const auto r =
            run_spec({.duration_s = 40, .faults = R"({"at_s": 5, "action": "pause", "broker": 3, "for_s": 20})"});
        const Series ts(r.series);
        REQUIRE(ts.at("LeaderCount.broker3", at - 0.5) >= 1);
        const double fenced = when(r, "controller fenced broker 3");
        CHECK(fenced >= at + 7);
        CHECK(fenced <= at + 10.5);
        CHECK(ts.max("LeaderCount.broker3", at + 10.5, resume) == 0);
        CHECK(ts.min("UnderReplicatedPartitions", at + 10.5, resume) == 3);
        CHECK(ts.max("ActiveBrokers", at + 10.5, resume) == 2);
        // Resumed (for_s): it heartbeats again, is unfenced, catches up, rejoins.
        CHECK(when(r, "broker 3 resumed") == doctest::Approx(resume));
        CHECK(when(r, "broker 3 registered and unfenced", resume) <= resume + 2);
        CHECK(ts.max("UnderReplicatedPartitions", resume + 5, duration) == 0);
        CHECK(ts.min("ActiveBrokers", resume + 5, duration) == 3);
        check_healed(r);
        CHECK(r.summary.records.acked_lost == 0);
    }
    SUBCASE("a 4 s pause: heartbeats resume within the session, the follower within replica.lag.time.max.ms") {
        const double at = 10, resume = 14, duration = 25;
        const auto r =
            run_spec({.duration_s = 25, .faults = R"({"at_s": 10, "action": "pause", "broker": 1, "for_s": 4})"});
        const Series ts(r.series);
        CHECK(count(r, "fenced") == 0);
        CHECK(r.summary.clean_elections == 0);
        CHECK(r.summary.isr_shrinks == 0);
        for (const std::string tp : {"orders-0", "orders-1", "orders-2"}) {
            INFO(tp);
            CHECK(ts.min(tp + ".leader", 0, duration) == ts.max(tp + ".leader", 0, duration));
            CHECK(ts.min(tp + ".isr_size", 0, duration) == 3);
        }
        // While it is stalled, acks=all waits for it (it stays in every ISR):
        // nothing is acknowledged, and the records sent meanwhile wait ~the pause.
        CHECK(ts.at("p.acked", resume - 0.5) == ts.at("p.acked", at + 0.5));
        CHECK(ts.at("p.acked", resume + 2) > ts.at("p.acked", resume - 0.5));
        CHECK(r.summary.produce_latency_ms.max >= 3000);
        check_healed(r);
        CHECK(r.summary.records.acked_lost == 0);
    }
}

// Kafka acknowledges a write once it is in the page cache (log.flush.interval.*
// default to never): durability comes from replication, not fsync. A kill -9
// keeps the page cache; a power loss keeps only what the OS wrote back
// (dirty_expire_ms / writeback_interval_ms).
TEST_CASE(
    "fault: power_loss — the brokers lose their unwritten page cache, come back at for_s, and the partitions "
    "settle; only replicas outside the outage protect acknowledged records") {
    SUBCASE("one broker, RF 1: a power loss loses its acknowledged tail, a kill -9 does not") {
        // Page-cache data older than 5 s is on disk at the next 1 s writeback.
        const std::string disk = R"(, "disk": {"dirty_expire_ms": 5000, "writeback_interval_ms": 1000})";
        const double at = 15, back = 30, duration = 40;
        for (const std::string action : {"crash", "power_loss"}) {
            INFO(action);
            const auto r =
                run_spec({.duration_s = 40,
                          .replication_factor = 1,
                          .min_isr = 1,
                          .cluster = disk,
                          .faults = R"({"at_s": 15, "action": ")" + action + R"(", "broker": 1, "for_s": 15})"});
            const Series ts(r.series);
            // Its partition has no other replica: offline from the fence until it is back.
            CHECK(ts.min("OfflinePartitionsCount", at + 10.5, back) == 1);
            CHECK(when(r, "broker 1 registered and unfenced", back) <= back + 2);
            CHECK(ts.max("OfflinePartitionsCount", back + 2, duration) == 0);
            CHECK(ts.min("ActiveBrokers", back + 2, duration) == 3);
            check_healed(r);
            if (action == "crash") {
                CHECK(r.summary.records.acked_lost == 0);
            } else {
                CHECK(when(r, "broker 1 lost power") == doctest::Approx(at));
                CHECK(r.summary.records.acked_lost > 0);
                // No more than was written in the last dirty_expire + writeback interval.
                CHECK(r.summary.records.acked_lost <= 300 * 6);
            }
        }
    }
    SUBCASE("a rack: its brokers go down together; acks=all stalls below min.insync.replicas and loses nothing") {
        // Racks round-robin: brokers 1 and 3 in rack a, broker 2 in rack b.
        const double at = 10, back = 25, duration = 40;
        const auto r = run_spec({.duration_s = 40,
                                 .cluster = R"(, "racks": ["a", "b"])",
                                 .faults = R"({"at_s": 10, "action": "power_loss", "rack": "a", "for_s": 15})"});
        const Series ts(r.series);
        CHECK(when(r, "broker 1 lost power (rack a)") == doctest::Approx(at));
        CHECK(when(r, "broker 3 lost power (rack a)") == doctest::Approx(at));
        CHECK(count(r, "broker 2 lost power") == 0);
        CHECK(ts.max("ActiveBrokers", at + 10.5, back) == 1);
        // Broker 2 is in every ISR and stays leader: nothing goes offline, but
        // with one replica left of min.insync.replicas 2, acks=all gets no ack.
        CHECK(ts.max("OfflinePartitionsCount", 0, duration) == 0);
        CHECK(ts.at("p.acked", back - 0.5) == ts.at("p.acked", at + 1));
        // Back at for_s: registered, caught up from broker 2, in every ISR; acks resume.
        CHECK(when(r, "broker 1 registered and unfenced", back) <= back + 2);
        CHECK(when(r, "broker 3 registered and unfenced", back) <= back + 2);
        CHECK(ts.max("UnderReplicatedPartitions", back + 3, duration) == 0);
        CHECK(ts.at("p.acked", duration - 0.5) > ts.at("p.acked", back));
        check_healed(r);
        CHECK(r.summary.records.acked_lost == 0);
    }
    SUBCASE("without for_s: the broker stays off until the heal phase powers it on") {
        const double duration = 30;
        const auto r = run_spec({.duration_s = 30, .faults = R"({"at_s": 10, "action": "power_loss", "broker": 2})"});
        const Series ts(r.series);
        CHECK(ts.max("ActiveBrokers", 20.5, duration) == 2);
        CHECK(ts.min("UnderReplicatedPartitions", 20.5, duration) == 3);
        CHECK(when(r, "broker 2 registered and unfenced", duration) < kNever);
        check_healed(r);
        CHECK(r.summary.records.acked_lost == 0);
    }
    SUBCASE("every replica at once (a one-rack cluster): acknowledged records are lost even with acks=all") {
        // Nothing is older than dirty_expire_ms (30 s) at the loss: no replica
        // kept anything that was acknowledged.
        const auto r = run_spec({.duration_s = 30,
                                 .cluster = R"(, "racks": ["a"])",
                                 .faults = R"({"at_s": 10, "action": "power_loss", "rack": "a", "for_s": 10})"});
        CHECK(count(r, "lost power (rack a)") == 3);
        CHECK(r.summary.records.acked_lost > 0);
        check_healed(r);
    }
}

// ---- disks and the network ----------------------------------------------------------------

TEST_CASE("fault: disk_slow — acks=all produce latency rises while a replica's disk is slow and falls back after") {
    // Every partition has a replica on broker 2, and acks=all waits for its
    // append (as leader or as follower): 0.5 ms becomes 25 ms.
    const double at = 10, healed = 20, duration = 30;
    const auto r =
        run_spec({.duration_s = 30,
                  .cluster = R"(, "disk": {"append_latency_ms": {"dist": "constant", "value": 0.5}})",
                  .faults = R"({"at_s": 10, "action": "disk_slow", "broker": 2, "factor": 50, "for_s": 10})"});
    const Series ts(r.series);
    const double before = ts.median("produce_latency_p99_ms", 3, at);
    const double during = ts.median("produce_latency_p99_ms", at + 1, healed);
    const double after = ts.median("produce_latency_p99_ms", healed + 2, duration);
    INFO("p99 before " << before << " ms, during " << during << " ms, after " << after << " ms");
    CHECK(during >= before + 20);
    CHECK(after <= before * 1.5);
    CHECK(when(r, "broker 2 disk back to normal") == doctest::Approx(healed));
    // Slow, but still catching up within replica.lag.time.max.ms: no ISR change.
    CHECK(r.summary.isr_shrinks == 0);
    check_healed(r);
    CHECK(r.summary.records.acked_lost == 0);
}

TEST_CASE(
    "fault: partition — a broker cut off from the controller is fenced and its leaderships move; clients "
    "cut off from the majority cannot produce; a one-way cut shrinks ISRs without moving leaders; all heal") {
    SUBCASE("groups [[1], [2, 3, clients]]: the isolated leader is fenced, the majority carries on") {
        const double at = 10, healed = 30, duration = 45;
        const auto r = run_spec({.duration_s = 45, .faults = R"({"at_s": 10, "action": "partition",
                                               "groups": [[1], [2, 3, "clients"]], "for_s": 20})"});
        const Series ts(r.series);
        REQUIRE(ts.at("LeaderCount.broker1", at - 0.5) >= 1);
        const double fenced = when(r, "controller fenced broker 1");
        CHECK(fenced >= at + 7);
        CHECK(fenced <= at + 10.5);
        CHECK(ts.max("LeaderCount.broker1", at + 10.5, healed) == 0);
        CHECK(ts.min("UnderReplicatedPartitions", at + 10.5, healed) == 3);
        // The producer, on the majority side, is acknowledged again once broker 1
        // has left the ISRs (2 replicas = min.insync.replicas).
        CHECK(ts.at("p.acked", healed) > ts.at("p.acked", at + 10.5));
        // Healed: broker 1 heartbeats again, is unfenced, rejoins every ISR.
        CHECK(when(r, "network partition healed") == doctest::Approx(healed));
        CHECK(when(r, "broker 1 registered and unfenced", healed) <= healed + 3);
        CHECK(ts.max("UnderReplicatedPartitions", healed + 5, duration) == 0);
        check_healed(r);
        CHECK(r.summary.records.acked_lost == 0);
    }
    SUBCASE("groups [[1, clients], [2, 3]]: the controller is with 2 and 3, the clients get no ack until the heal") {
        const double at = 10, healed = 25, duration = 40;
        const auto r = run_spec({.duration_s = 40, .faults = R"({"at_s": 10, "action": "partition",
                                               "groups": [[1, "clients"], [2, 3]], "for_s": 15})"});
        const Series ts(r.series);
        CHECK(when(r, "controller fenced broker 1") <= at + 10.5);
        CHECK(ts.max("LeaderCount.broker1", at + 10.5, healed) == 0);
        // Broker 1 cannot replicate (acks=all) and the new leaders are out of reach.
        CHECK(ts.at("p.acked", healed - 0.5) == ts.at("p.acked", at + 1));
        // The records wait in the producer (delivery.timeout.ms is 120 s) and go through after the heal.
        CHECK(ts.at("p.acked", duration - 0.5) > ts.at("p.acked", healed));
        CHECK(r.summary.records.failed == 0);
        CHECK(ts.max("UnderReplicatedPartitions", healed + 5, duration) == 0);
        check_healed(r);
        CHECK(r.summary.records.acked_lost == 0);
    }
    SUBCASE("one way, from [1] to [2, 3]: no fencing, no election; the ISRs shrink after replica.lag.time.max.ms") {
        // TCP needs both directions: the replication connections between 1 and
        // 2, 3 break, while every broker still heartbeats to the controller.
        // Leaders drop the followers that cannot fetch after replica.lag.time.max.ms
        // (10 s here; checked every 5 s): 1 leads alone, 2 and 3 without 1.
        const double at = 10, healed = 30, duration = 45, lag_max = 10;
        const auto r =
            run_spec({.duration_s = 45,
                      .min_isr = 1,
                      .cluster = R"(, "config": {"replica.lag.time.max.ms": 10000})",
                      .faults = R"({"at_s": 10, "action": "partition", "from": [1], "to": [2, 3], "for_s": 20})"});
        const Series ts(r.series);
        CHECK(count(r, "fenced") == 0);
        CHECK(r.summary.clean_elections == 0);
        for (const std::string b : {"1", "2", "3"}) {
            CHECK(ts.min("LeaderCount.broker" + b, 0, duration) == ts.max("LeaderCount.broker" + b, 0, duration));
        }
        CHECK(ts.max("UnderReplicatedPartitions", at, at + lag_max - 0.5) == 0);
        CHECK(ts.min("UnderReplicatedPartitions", at + 1.5 * lag_max + 0.5, healed) == 3);
        // acks=all waits for the stuck followers until they are out of the ISR, then resumes.
        CHECK(ts.at("p.acked", at + lag_max - 0.5) == ts.at("p.acked", at + 1));
        CHECK(ts.at("p.acked", healed) > ts.at("p.acked", at + 1.5 * lag_max + 0.5));
        // Healed: the followers fetch again and rejoin.
        CHECK(ts.max("UnderReplicatedPartitions", healed + 3, duration) == 0);
        check_healed(r);
        CHECK(r.summary.records.acked_lost == 0);
    }
}

TEST_CASE(
    "fault: link — added latency between two replicas shows in acks=all produce latency; loss shows as "
    "retransmission delay, never as lost acknowledged records") {
    SUBCASE("+50 ms between brokers 1 and 2") {
        // With acks=all the partitions replicated between 1 and 2 (2 of 3) need,
        // per acknowledgement, a fetch response and the next fetch request over
        // the slow link: at least 2 × 50 ms more.
        const double at = 10, healed = 20, duration = 30;
        const auto r =
            run_spec({.duration_s = 30,
                      .faults = R"({"at_s": 10, "action": "link", "between": [1, 2], "latency_ms": 50, "for_s": 10})"});
        const Series ts(r.series);
        const double before = ts.median("produce_latency_p99_ms", 3, at);
        const double during = ts.median("produce_latency_p99_ms", at + 1, healed);
        const double after = ts.median("produce_latency_p99_ms", healed + 2, duration);
        INFO("p99 before " << before << " ms, during " << during << " ms, after " << after << " ms");
        CHECK(before < 50);
        CHECK(during >= 2 * 50);
        CHECK(after < 50);
        CHECK(when(r, "link 1-2 restored") == doctest::Approx(healed));
        CHECK(r.summary.isr_shrinks == 0);  // far below replica.lag.time.max.ms
        check_healed(r);
        CHECK(r.summary.records.acked_lost == 0);
    }
    SUBCASE("10 % loss between brokers 1 and 2, three seeds") {
        // TCP retransmits a lost segment after an RTO of at least 200 ms (Linux
        // TCP_RTO_MIN): a loss delays, it never drops an acknowledged record.
        const double at = 5, healed = 15, duration = 30;
        for (std::uint64_t seed = 1; seed <= 3; ++seed) {
            INFO("seed " << seed);
            const auto r =
                run_spec({.duration_s = 30,
                          .faults = R"({"at_s": 5, "action": "link", "between": [1, 2], "loss": 0.1, "for_s": 10})"},
                         seed);
            const Series ts(r.series);
            CHECK(ts.max("produce_latency_p99_ms", 0, at) < 100);
            CHECK(ts.max("produce_latency_p99_ms", at, healed + 1) >= 200);
            // Retransmissions already under way finish within a few RTOs of the heal.
            CHECK(ts.max("produce_latency_p99_ms", healed + 7, duration) < 100);
            CHECK(r.summary.records.acked_lost == 0);
            CHECK(r.summary.records.duplicated == 0);  // idempotent producer
            CHECK(r.summary.records.failed == 0);
            check_healed(r);
        }
    }
}

// ---- operations ---------------------------------------------------------------------------

TEST_CASE(
    "fault: rolling_restart — controlled: each broker's leaderships move before it stops, no partition goes "
    "offline; wait_for_isr: the next broker waits until UnderReplicatedPartitions is 0") {
    const double duration = 40;
    const auto r = run_spec({.duration_s = 40,
                             .faults = R"({"at_s": 5, "action": "rolling_restart", "order": [1, 2, 3],
                                           "controlled": true, "wait_for_isr": true})",
                             .sample_ms = 250});
    const Series ts(r.series);
    const std::vector<int> order = {1, 2, 3};
    std::map<int, double> start, stopped, back;
    for (int b : order) {
        const std::string id = std::to_string(b);
        start[b] = when(r, "broker " + id + ": controlled shutdown");
        stopped[b] = when(r, "broker " + id + " finished its controlled shutdown");
        back[b] = when(r, "broker " + id + " back");
        INFO("broker " << b << ": shutdown " << start[b] << ", stopped " << stopped[b] << ", back " << back[b]);
        CHECK(start[b] <= stopped[b]);
        CHECK(stopped[b] < back[b]);
        // Down: out of the ISRs and leading nothing.
        CHECK(ts.min("UnderReplicatedPartitions", stopped[b] + 0.1, back[b]) == 3);
        CHECK(ts.max("LeaderCount.broker" + id, stopped[b] + 0.1, back[b]) == 0);
    }
    const double done = when(r, "rolling operation done");
    REQUIRE(done < duration);
    // Replay the timeline: when a broker has finished its controlled shutdown it
    // leads nothing (the controller moved its leaderships while it was up), and
    // when the next one begins every ISR is complete again.
    NarratedState state;
    int led_when_started = 0;
    for (const auto& e : ks::report::narrate(r)) {
        for (int b : order) {
            const std::string id = std::to_string(b);
            if (e.text == "broker " + id + ": controlled shutdown") {
                led_when_started += state.led_by(b);
                CHECK(state.isr.size() == 3);
                for (const auto& [tp, isr] : state.isr) {
                    INFO("broker " << b << " begins with " << tp << " ISR of " << isr.size());
                    CHECK(isr.size() == 3);
                }
            }
            if (e.text == "broker " + id + " finished its controlled shutdown") CHECK(state.led_by(b) == 0);
        }
        state.apply(e.text);
    }
    CHECK(led_when_started >= 3);  // each broker led a partition when its turn came
    // The same with the time series: between a broker coming back and the next
    // one's shutdown there is a sample with no under-replicated partition.
    for (std::size_t i = 0; i + 1 < order.size(); ++i) {
        const int b = order[i], next = order[i + 1];
        const double complete = ts.first("UnderReplicatedPartitions", back[b], [](double v) { return v == 0; });
        INFO("broker " << b << " back at " << back[b] << ", ISRs complete at " << complete << ", broker " << next
                       << " begins at " << start[next]);
        CHECK(complete <= start[next]);
    }
    CHECK(ts.max("UnderReplicatedPartitions", done, duration) == 0);
    // Nothing went offline; the producer saw retriable errors only.
    CHECK(ts.max("OfflinePartitionsCount", 0, duration) == 0);
    CHECK(r.summary.offline_partition_s == 0.0);
    CHECK(r.summary.records.failed == 0);
    CHECK(r.summary.records.acked_lost == 0);
    check_healed(r);
    // Kafka's documentation (Graceful shutdown): moving the leaderships before
    // stopping limits each partition's unavailability to a few milliseconds.
    // Without it the stopped broker stays leader and in every ISR until it is
    // back (5 s) or fenced: acks=all records wait seconds.
    // A controlled shutdown can still hold acks=all writes for about
    // replica.fetch.backoff.ms (1 s): a follower that learns of the new leader
    // before the leader does gets UNKNOWN_LEADER_EPOCH (or NOT_LEADER) and
    // backs that partition off (AbstractFetcherThread.handlePartitionsWithErrors
    // → delayPartitions(fetchBackOffMs)), while the ISR of two waits for it.
    CHECK(r.summary.produce_latency_ms.max < 1500);
    const auto uncontrolled =
        run_spec({.duration_s = 40, .faults = R"({"at_s": 5, "action": "rolling_restart", "order": [1, 2, 3],
                                                      "controlled": false, "wait_for_isr": true})"});
    CHECK(when(uncontrolled, "broker 1: stopped without controlled shutdown") == doctest::Approx(5));
    CHECK(uncontrolled.summary.produce_latency_ms.max >= 4000);
    CHECK(uncontrolled.summary.records.acked_lost == 0);
    check_healed(uncontrolled);
}

// KAFKA-15583 is a change of the 3.7.0 binary (Partition.maybeIncrementLeaderHW),
// not of the protocol: the upgrade changes kafka_version.
TEST_CASE(
    "fault: rolling_upgrade — each broker comes back on the new Kafka release, one at a time, and the release is in "
    "force afterwards (3.6 → 3.9: the HW is frozen below min.insync.replicas, KAFKA-15583)") {
    // Upgrade from 3.6 with the order 3, 1, 2; once done, brokers 2 and 3 crash
    // and broker 1 leads every partition with ISR [1], below min.insync.replicas 2.
    // acks=1 keeps appending; a 3.7+ broker holds the HW, a 3.6 one lets it
    // follow the log. A "3.6" → "3.6" upgrade is the control.
    const double crash = 40, duration = 60;
    for (const std::string version : {"3.9", "3.6"}) {
        INFO("upgrade to " << version);
        const auto r =
            run_spec({.duration_s = 60,
                      .producer_config = R"("acks": "1", "enable.idempotence": false)",
                      .cluster = R"(, "kafka_version": "3.6")",
                      .faults = R"({"at_s": 5, "action": "rolling_upgrade", "order": [3, 1, 2], "controlled": true,
                           "wait_for_isr": true, "kafka_version": ")" +
                                version + R"("},
                          {"at_s": 40, "action": "crash", "broker": 2},
                          {"at_s": 40, "action": "crash", "broker": 3})"});
        const Series ts(r.series);
        // The timeline narrates each step, in order.
        double previous = when(r, "rolling upgrade begins");
        CHECK(previous == doctest::Approx(5));
        for (int b : {3, 1, 2}) {
            const std::string id = std::to_string(b);
            INFO("broker " << b);
            const double start = when(r, "broker " + id + ": controlled shutdown", previous);
            const double stopped = when(r, "broker " + id + " finished its controlled shutdown", start);
            const double back = when(r, "broker " + id + " back on Kafka " + version, stopped);
            CHECK(start >= previous);
            CHECK(back < crash);
            previous = back;
        }
        const double done = when(r, "rolling operation done", previous);
        REQUIRE(done < crash);
        CHECK(ts.max("OfflinePartitionsCount", 0, crash) == 0);
        CHECK(ts.max("UnderReplicatedPartitions", done, crash) == 0);
        // Brokers 2 and 3 fenced by crash + 10.5 s: ISR [1] everywhere.
        const double from = crash + 11, to = duration - 0.5;
        for (const std::string tp : {"orders-0", "orders-1", "orders-2"}) {
            INFO(tp);
            CHECK(ts.at(tp + ".leader", from) == 1);
            CHECK(ts.at(tp + ".isr_size", from) == 1);
            CHECK(ts.at(tp + ".log_end_offset", to) > ts.at(tp + ".log_end_offset", from));
            if (version == "3.9") {
                CHECK(ts.at(tp + ".high_watermark", to) == ts.at(tp + ".high_watermark", from));
            } else {
                CHECK(ts.at(tp + ".high_watermark", to) > ts.at(tp + ".high_watermark", from));
            }
        }
        check_healed(r);
    }
}

// Kafka's upgrade notes: first the new binary with
// inter.broker.protocol.version pinned to the old release, then a second
// rolling restart with the new protocol. Between the two the brokers run
// 0.10.2's truncation rules on the new binary.
TEST_CASE("fault: rolling_upgrade in two steps — the binary with the protocol pinned, then the protocol") {
    const auto r = run_spec({.duration_s = 60,
                             .cluster = R"(, "controller": "zookeeper", "kafka_version": "0.10.2",
                                           "config": {"inter.broker.protocol.version": "0.10.2"})",
                             .faults = R"({"at_s": 5, "action": "rolling_upgrade", "kafka_version": "3.9"},
                          {"at_s": 30, "action": "rolling_upgrade", "set": {"inter.broker.protocol.version": "3.9"}})"});
    double previous = 0;
    for (int b : {1, 2, 3}) previous = when(r, "broker " + std::to_string(b) + " back on Kafka 3.9", previous);
    for (int b : {1, 2, 3}) previous = when(r, "broker " + std::to_string(b) + " back with the new config", previous);
    check_healed(r);
}

// ---- consumers ----------------------------------------------------------------------------
// A group of 2 (range over 6 partitions: 3 each), auto-commit every second; the
// producer sends 300 records/s. Keeping up, the committed offsets trail the log
// by about a commit interval, so the lag stays under 2 s of records.

TEST_CASE(
    "fault: consumer_crash — the dead member's partitions wait for session.timeout.ms, then move to the "
    "survivor, which works off the lag and re-reads what was not committed") {
    const double at = 10, duration = 30, rate = 300;
    const auto r = run_spec({.partitions = 6,
                             .min_isr = 1,
                             .group = group_json(2),
                             .faults = R"({"at_s": 10, "action": "consumer_crash", "group": "g", "member": 0})"});
    const Series ts(r.series);
    const auto& g = the_group(r);
    // Expiry: session.timeout.ms (10 s) after the last heartbeat (every 3 s).
    const double expired = when(r, "session timed out");
    CHECK(expired >= at + 7);
    CHECK(expired <= at + 10.5);
    // Meanwhile only the survivor's half of the partitions is consumed and the lag grows.
    CHECK(ts.slope("g.consumed", at + 1, at + 7) < 0.75 * ts.slope("p.sent", at + 1, at + 7));
    CHECK(ts.at("g.lag", at + 7) > ts.max("g.lag", at - 3, at) + rate);
    // The rebalance gives the survivor every partition (its next heartbeat
    // learns of it); it catches up.
    const double rebalanced = when(r, "generation 2", expired);
    CHECK(rebalanced <= expired + 3.5);
    REQUIRE(g.members.size() == 1);
    CHECK(g.members.front().assigned.size() == 6);
    CHECK(g.rebalances == 2);
    CHECK(ts.max("g.lag", rebalanced + 2, duration) < 2 * rate);
    CHECK(g.final_lag < 2 * rate);
    // At-least-once: what the dead member consumed after its last auto-commit is consumed again.
    CHECK(g.reprocessed > 0);
    CHECK(g.reprocessed <= 2 * rate);
    CHECK(g.skipped == 0);
}

TEST_CASE(
    "fault: consumer_join — a new member triggers a rebalance at once and gets its share; nothing is lost "
    "or re-read") {
    const double at = 10, duration = 30, rate = 300;
    const auto r = run_spec({.partitions = 6,
                             .min_isr = 1,
                             .group = group_json(2),
                             .faults = R"({"at_s": 10, "action": "consumer_join", "group": "g"})"});
    const Series ts(r.series);
    const auto& g = the_group(r);
    CHECK(when(r, "rebalance (member", at) <= at + 0.1);
    // The others rejoin when their next heartbeat (every 3 s) learns of it.
    CHECK(when(r, "generation 2 (range, 3 members)", at) <= at + 4);
    REQUIRE(g.members.size() == 3);
    for (const auto& m : g.members) CHECK(m.assigned.size() == 2);
    CHECK(g.rebalances == 2);
    // Eager revocation commits first (onJoinPrepare with auto-commit): no re-reads.
    CHECK(g.reprocessed == 0);
    CHECK(g.skipped == 0);
    CHECK(ts.max("g.lag", at, duration) < 2 * rate);
    CHECK(g.final_lag < 2 * rate);
}

TEST_CASE(
    "fault: consumer_leave — a closing member leaves the group at once (LeaveGroup, no session timeout) "
    "after committing; the survivor takes over without re-reading") {
    const double at = 10, duration = 30, rate = 300;
    const auto r = run_spec({.partitions = 6,
                             .min_isr = 1,
                             .group = group_json(2),
                             .faults = R"({"at_s": 10, "action": "consumer_leave", "group": "g", "member": 1})"});
    const Series ts(r.series);
    const auto& g = the_group(r);
    CHECK(when(r, "left the group", at) <= at + 0.1);
    CHECK(count(r, "session timed out") == 0);
    CHECK(when(r, "generation 2 (range, 1 members)", at) <= at + 4);
    REQUIRE(g.members.size() == 1);
    CHECK(g.members.front().assigned.size() == 6);
    CHECK(g.reprocessed == 0);
    CHECK(g.skipped == 0);
    CHECK(ts.max("g.lag", at + 4, duration) < 2 * rate);
    CHECK(g.final_lag < 2 * rate);
}

TEST_CASE(
    "fault: slow_consumer — processing slower than the produce rate builds lag without a rebalance; it is "
    "worked off after for_s") {
    // 0.1 ms × 100 = 10 ms a record: 2 members consume 200/s of the 300/s.
    // A poll's 50 records take 0.5 s, far below max.poll.interval.ms.
    const double at = 10, healed = 20, duration = 30, rate = 300;
    const auto r =
        run_spec({.partitions = 6,
                  .min_isr = 1,
                  .group = group_json(2, R"(, "max.poll.records": 50)"),
                  .faults = R"({"at_s": 10, "action": "slow_consumer", "group": "g", "factor": 100, "for_s": 10})"});
    const Series ts(r.series);
    const auto& g = the_group(r);
    CHECK(ts.slope("g.consumed", at + 1, healed) < 0.8 * rate);
    CHECK(ts.at("g.lag", healed) - ts.at("g.lag", at) >= 500);  // (300 - 200)/s for 10 s
    CHECK(count(r, "rebalance", at) == 0);
    CHECK(g.rebalances == 1);
    CHECK(when(r, "processing back to normal") == doctest::Approx(healed));
    CHECK(ts.max("g.lag", healed + 3, duration) < 2 * rate);
    CHECK(g.final_lag < 2 * rate);
    CHECK(g.reprocessed == 0);
}

TEST_CASE(
    "fault: stop_consumer — a group that stops polling consumes and commits nothing, keeps its members "
    "(heartbeats go on, max.poll.interval.ms is 5 min), and catches up after for_s") {
    const double at = 10, healed = 18, duration = 30, rate = 300;
    const auto r = run_spec({.partitions = 6,
                             .min_isr = 1,
                             .group = group_json(2),
                             .faults = R"({"at_s": 10, "action": "stop_consumer", "group": "g", "for_s": 8})"});
    const Series ts(r.series);
    const auto& g = the_group(r);
    CHECK(ts.at("g.consumed", healed - 0.5) == ts.at("g.consumed", at + 0.5));
    CHECK(ts.at("g.lag", healed - 0.5) - ts.at("g.lag", at) >= rate * (healed - at - 2));
    CHECK(count(r, "rebalance", at) == 0);
    CHECK(g.rebalances == 1);
    REQUIRE(g.members.size() == 2);
    CHECK(when(r, "consumers poll again") == doctest::Approx(healed));
    CHECK(ts.at("g.consumed", healed + 2) > ts.at("g.consumed", healed - 0.5));
    CHECK(ts.max("g.lag", healed + 3, duration) < 2 * rate);
    CHECK(g.final_lag < 2 * rate);
    CHECK(g.reprocessed == 0);
    CHECK(g.skipped == 0);
}

// ---- the workload -------------------------------------------------------------------------

TEST_CASE("fault: producer_rate — the sent counter's slope follows the rate, 0 pauses it, for_s restores it") {
    // 200/s; 1000/s over [10, 20); 0 over [25, 30).
    const auto r = run_spec(
        {.duration_s = 35,
         .min_isr = 1,
         .rate = 200,
         .faults = R"({"at_s": 10, "action": "producer_rate", "producer": "p", "rate_per_s": 1000, "for_s": 10},
                                          {"at_s": 25, "action": "producer_rate", "producer": "p", "rate_per_s": 0, "for_s": 5})"});
    const Series ts(r.series);
    CHECK(ts.slope("p.sent", 2, 10) == doctest::Approx(200).epsilon(0.1));
    CHECK(ts.slope("p.sent", 10.5, 19.5) == doctest::Approx(1000).epsilon(0.1));
    CHECK(ts.slope("p.acked", 10.5, 19.5) == doctest::Approx(1000).epsilon(0.1));
    CHECK(ts.slope("p.sent", 20.5, 24.5) == doctest::Approx(200).epsilon(0.1));
    CHECK(ts.at("p.sent", 29.5) == ts.at("p.sent", 25.5));
    CHECK(ts.slope("p.sent", 30.5, 34.5) == doctest::Approx(200).epsilon(0.15));
    CHECK(when(r, "producer p rate back to 200/s", 26) == doctest::Approx(30));
    CHECK(r.summary.records.failed == 0);
    CHECK(r.summary.records.acked == r.summary.records.sent);
    check_healed(r);
}
