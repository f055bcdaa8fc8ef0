// index.html of a run, section by section: the expectations, the replicas'
// racks, the loss per partition, the timeline's marks on the plots, and the
// inline script with the data it reads (self-contained: nothing external).
#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "html_check.hpp"
#include "report/html.hpp"
#include "report/page_script.hpp"
#include "report/plot.hpp"
#include "report/plot_marks.hpp"
#include "report/report.hpp"
#include "report/run_plots.hpp"
#include "support/files.hpp"

namespace fs = std::filesystem;
using ks::BrokerId;

using ks::test::have_gnuplot;
using ks::test::slurp;

namespace {

fs::path fresh_dir(const std::string& name) {
    return ks::test::fresh_dir("test_report_out", name);
}

const char* kRacked = R"({
  "name": "racked", "duration_s": 10,
  "cluster": {"brokers": [{"id": 1, "rack": "east"}, {"id": 2, "rack": "west"}, {"id": 3, "rack": "north"}]},
  "topics": [{"name": "orders", "partitions": 2, "replication_factor": 3}],
  "producers": [{"name": "checkout", "topic": "orders", "rate_per_s": 10}],
  "consumer_groups": [{"group_id": "billing", "topics": ["orders"], "members": 1}],
  "faults": [{"at_s": 3, "action": "crash", "broker": 1}, {"at_s": 6, "action": "restart", "broker": 1}],
  "expect": {"records.acked_lost": {"max": 0}, "elections.unclean": {"max": 1},
             "partitions.orders-1.acked_lost": {"equals": 7}}
})";

ks::PartitionSummary partition(std::int32_t n, std::vector<std::int32_t> replicas, std::int64_t acked,
                               std::int64_t lost) {
    ks::PartitionSummary p;
    p.topic = "orders";
    p.partition = n;
    p.replicas = replicas;
    p.isr = replicas;
    p.leader = replicas.front();
    p.acked = acked;
    p.acked_lost = lost;
    return p;
}

// A hand-made run of kRacked: 12 samples, broker 1 down from 3 s to 6 s,
// orders-1 lost 7 acknowledged records after an unclean election.
ks::RunResult racked_run() {
    ks::RunResult r;
    r.scenario = ks::scenario::load_string(kRacked, "racked.json").scenario;
    r.summary.scenario = "racked";
    r.summary.seed = 3;
    r.summary.trace_hash = "0x00000000000000aa";
    r.summary.version = "test";
    r.summary.sim_duration_s = 10;
    r.summary.records_measured = true;
    r.summary.records.sent = 100;
    r.summary.records.acked = 97;
    r.summary.records.acked_lost = 7;
    r.summary.unclean_elections = 1;
    r.summary.partitions = {partition(0, {1, 2, 3}, 50, 0), partition(1, {2, 3, 1}, 47, 7)};
    r.series.columns = {"t_s",
                        "phase",
                        "OfflinePartitionsCount",
                        "UnderReplicatedPartitions",
                        "UnderMinIsrPartitionCount",
                        "checkout.acked",
                        "produce_latency_p99_ms",
                        "orders-0.isr_size",
                        "orders-1.isr_size",
                        "billing.lag"};
    for (int t = 0; t <= 11; ++t) {
        const bool down = t >= 3 && t < 6;
        r.series.rows.push_back({double(t), t < 10 ? 1.0 : 2.0, 0.0, down ? 2.0 : 0.0, 0.0, 9.7 * t, t ? 9.0 : 0.0,
                                 down ? 2.0 : 3.0, down ? 2.0 : 3.0, down ? 50.0 : 5.0});
    }
    r.timeline.push_back({ks::s(3), ks::FaultStarted{.fault = 0}});
    r.timeline.push_back({ks::ms(3500), ks::BrokerFenced{BrokerId(1), ks::BrokerFenced::Reason::session_expired}});
    r.timeline.push_back({ks::ms(3501), ks::LeaderElected{{0, 0}, BrokerId(2), 2, false, false, {BrokerId(2)}}});
    r.timeline.push_back({ks::ms(3502), ks::LeaderElected{{0, 1}, BrokerId(3), 2, true, false, {BrokerId(3)}}});
    r.timeline.push_back(
        {ks::s(5), ks::GroupChanged{"billing", ks::GroupChanged::Kind::rebalance_started, -1, 0, "member left", {}}});
    r.timeline.push_back({ks::ms(6500), ks::Truncated{BrokerId(1), {0, 1}, 40, 33}});
    r.timeline.push_back({ks::s(7), ks::BurrowStatusChanged{"billing", "OK", "WARN", {}}});
    return r;
}

const ks::report::Plot& plot_named(const std::vector<ks::report::Plot>& plots, const std::string& name) {
    for (const auto& p : plots) {
        if (p.name == name) return p;
    }
    FAIL("no plot " << name);
    return plots.front();
}

}  // namespace

TEST_CASE("run page: the expectations are judged before the page and listed with their values") {
    const ks::RunResult r = racked_run();
    const fs::path dir = fresh_dir("page_expect");
    const auto out = ks::report::write_run_report(dir.string(), r, {.scenario = &r.scenario, .gnuplot = ""});
    REQUIRE(out.expectations.size() == 3);
    CHECK_FALSE(ks::report::all_held(out.expectations));  // records.acked_lost max 0 failed
    CHECK(fs::exists(dir / "expect.json"));
    const auto expect = nlohmann::json::parse(slurp(dir / "expect.json"));
    CHECK(expect == ks::report::expect_json(out.expectations));
    const std::string page = slurp(dir / "index.html");
    CHECK(ks::test::html_structure_error(page) == "");
    CHECK(page.find("<h2>Expectations</h2>") != std::string::npos);
    CHECK(page.find("<table class=\"expect\">") != std::string::npos);
    CHECK(page.find("<code>records.acked_lost</code>") != std::string::npos);
    CHECK(page.find("<span class=\"bad\">FAILED</span>: 7 &gt; max 0") != std::string::npos);
    CHECK(page.find("<td>equals 7</td><td><code>7</code></td><td><span class=\"ok\">held</span></td>") !=
          std::string::npos);
    CHECK(page.find("expectations held") != std::string::npos);  // the card: 2 / 3
    CHECK(page.find(">2 / 3<") != std::string::npos);

    // Without an expect block: no section, no expect.json.
    ks::Scenario plain = r.scenario;
    plain.expect.clear();
    const fs::path dir2 = fresh_dir("page_no_expect");
    const auto out2 = ks::report::write_run_report(dir2.string(), r, {.scenario = &plain, .gnuplot = ""});
    CHECK(out2.expectations.empty());
    CHECK_FALSE(fs::exists(dir2 / "expect.json"));
    CHECK(slurp(dir2 / "index.html").find("<h2>Expectations</h2>") == std::string::npos);
}

TEST_CASE("run page: the partition table shows each replica's rack; the loss table each partition's loss") {
    const ks::RunResult r = racked_run();
    const std::vector<ks::report::ExpectResult> none;
    const std::string page = ks::report::html::run_page(
        {.run = r, .scenario = &r.scenario, .figures = {}, .plots_note = "", .expectations = none});
    CHECK(ks::test::html_structure_error(page) == "");
    CHECK(page.find("<th>replicas</th><th>racks</th>") != std::string::npos);
    CHECK(page.find("<td>[1,2,3]</td><td>[east,west,north]</td>") != std::string::npos);
    CHECK(page.find("<td>[2,3,1]</td><td>[west,north,east]</td>") != std::string::npos);
    CHECK(page.find("<h2>Loss per partition</h2>") != std::string::npos);
    // orders-1: 47 acked, 7 lost (14.89 %), one unclean election, 7 offsets truncated.
    CHECK(page.find("<td>orders-1</td><td class=\"n\">47</td><td><span class=\"bad\">7</span></td>"
                    "<td class=\"n\">14.89 %</td><td class=\"n\">1</td><td class=\"n\">7</td><td>no</td>") !=
          std::string::npos);
    CHECK(page.find("<td>orders-0</td><td class=\"n\">50</td><td class=\"n\">0</td>") != std::string::npos);

    // A cluster without racks has no racks column.
    ks::RunResult plain = r;
    for (auto& b : plain.scenario.cluster.brokers) b.rack.reset();
    const std::string page2 = ks::report::html::run_page(
        {.run = plain, .scenario = &plain.scenario, .figures = {}, .plots_note = "", .expectations = none});
    CHECK(page2.find("<th>racks</th>") == std::string::npos);
}

TEST_CASE("run page: summary.json gives each partition its acked and acked_lost") {
    const ks::RunResult r = racked_run();
    const auto j = ks::report::summary_json(r.summary);
    CHECK(j["partitions"][1]["acked"] == 47);
    CHECK(j["partitions"][1]["acked_lost"] == 7);
    CHECK(j["partitions"][0]["acked_lost"] == 0);
}

TEST_CASE("run page: the timeline's rows carry their time for the script") {
    const ks::RunResult r = racked_run();
    const std::vector<ks::report::ExpectResult> none;
    const std::string page = ks::report::html::run_page(
        {.run = r, .scenario = &r.scenario, .figures = {}, .plots_note = "", .expectations = none});
    CHECK(page.find("<tr class=\"bad\" data-t=\"3.000\"><td>00:03.000</td><td>broker 1 crashed (kill -9)</td></tr>") !=
          std::string::npos);
    CHECK(page.find("<tr data-t=\"3.500\"><td>00:03.500</td><td>controller fenced broker 1") != std::string::npos);
}

TEST_CASE("run page: one inline script, self-contained, and the page reads without it") {
    const ks::RunResult r = racked_run();
    const std::vector<ks::report::ExpectResult> none;
    const std::string page = ks::report::html::run_page(
        {.run = r, .scenario = &r.scenario, .figures = {}, .plots_note = "", .expectations = none});
    CHECK(ks::test::count_of(page, "<script>") == 1);
    CHECK(page.find(std::string(ks::report::html::page_script())) != std::string::npos);
    CHECK(ks::test::html_external_reference(page) == "");
    const std::string script(ks::report::html::page_script());
    for (const char* bad : {"http", "src=", "</", "fetch(", "XMLHttpRequest"}) {
        CHECK_MESSAGE(script.find(bad) == std::string::npos, bad);
    }
    CHECK(script.find("data-ks-check") != std::string::npos);  // the self-check's verdict
    // What only the script makes sense of is hidden without it.
    CHECK(page.find("<p class=\"ks-hint\" hidden>") != std::string::npos);
    // The checker catches a script that reaches out.
    CHECK(ks::test::html_external_reference("<script>fetch(\"x\")</script>") != "");
    CHECK(ks::test::html_external_reference("<script>var u = \"https://x\";</script>") != "");
    CHECK(ks::test::html_structure_error("<div><script>if (a<b) x();</script></div>") == "");
    CHECK(ks::report::html::script_json(R"({"n":"</script>"})") == R"({"n":"\u003c/script>"})");
}

TEST_CASE("run plots: fencing, elections, truncations, rebalances and Burrow's verdicts are marked") {
    const ks::RunResult r = racked_run();
    const auto marks = ks::report::event_marks(r, 11, 0.5);
    REQUIRE(marks.size() == 6);
    CHECK(marks[0].kind == ks::report::MarkKind::fenced);
    CHECK(marks[0].label == "fenced 1");
    CHECK(marks[1].label == "orders-0 leader 2");
    CHECK(marks[2].label == "UNCLEAN orders-1");
    CHECK(marks[3].label == "rebalance billing");
    CHECK(marks[4].label == "truncated 7 (b1)");
    CHECK(marks[5].label == "Burrow billing WARN");

    const auto plots = ks::report::run_plots(r, &r.scenario);
    const auto& availability = plot_named(plots, "availability").script;
    CHECK(availability.find("set arrow from 3.5, graph 0 to 3.5, graph 0.05 nohead") != std::string::npos);
    CHECK(availability.find("set label \"UNCLEAN orders-1\"") != std::string::npos);
    CHECK(availability.find("set label \"truncated 7 (b1)\"") != std::string::npos);
    CHECK(availability.find("rebalance billing") == std::string::npos);  // group events go on the lag plot
    const auto& lag = plot_named(plots, "lag").script;
    CHECK(lag.find("set label \"rebalance billing\"") != std::string::npos);
    CHECK(lag.find("set label \"Burrow billing WARN\"") != std::string::npos);
    CHECK(lag.find("orders-0 leader 2") == std::string::npos);
}

TEST_CASE("run plots: events close in time merge into one mark; labels that do not fit are left out") {
    ks::RunResult r = racked_run();
    r.timeline.clear();
    for (int p = 0; p < 2; ++p) {
        for (int k = 0; k < 3; ++k) {
            r.timeline.push_back(
                {ks::ms(2000 + 10 * k), ks::LeaderElected{{0, p}, BrokerId(2), 2 + k, false, false, {BrokerId(2)}}});
        }
    }
    const auto marks = ks::report::event_marks(r, 11, 0.5);
    REQUIRE(marks.size() == 1);
    CHECK(marks[0].count == 6);
    CHECK(marks[0].label == "6 elected");
    CHECK(marks[0].at_s == 2);

    // 20 marks 10 ms apart on a 10 s axis: every tick, and a label in each of the three rows.
    std::vector<ks::report::EventMark> many;
    for (int i = 0; i < 20; ++i)
        many.push_back({.at_s = 0.01 * i, .kind = ks::report::MarkKind::fenced, .count = 1, .label = "fenced 1"});
    const std::string gp = ks::report::gp_event_marks(many, {ks::report::MarkKind::fenced},
                                                      {.x_max_s = 10, .plot_width_px = 600, .label_rows = 3});
    CHECK(ks::test::count_of(gp, "set arrow") == 20);
    CHECK(ks::test::count_of(gp, "set label") == 3);
}

TEST_CASE("run plots: every plot carries its values for hovering; those over time thinned to 2000 points") {
    const ks::RunResult r = racked_run();
    const auto plots = ks::report::run_plots(r, &r.scenario);
    for (const char* name : {"availability", "latency", "lag"}) {
        const auto& p = plot_named(plots, name);
        REQUIRE_MESSAGE(p.hover.has_value(), name);
        CHECK(p.hover->kind == ks::report::PlotHover::Kind::time);
        CHECK(p.script.find("set print \"" + std::string(name) + ".frame\"") != std::string::npos);
        const auto j = nlohmann::json::parse(p.hover->data_json);
        CHECK(j["t"].size() == 12);
    }
    const auto& records = plot_named(plots, "records");
    REQUIRE(records.hover.has_value());  // the bars: the nearest along x
    CHECK(records.hover->kind == ks::report::PlotHover::Kind::points);
    CHECK(records.hover->y_log);
    const auto rj = nlohmann::json::parse(records.hover->data_json);
    CHECK(rj["text"][2] == "acked, LOST\n7 records, 7 % of sent");
    CHECK(rj["y"][3] == 1);  // no failed record: at the foot of the log axis
    const auto avail = nlohmann::json::parse(plot_named(plots, "availability").hover->data_json);
    for (const auto& s : avail["series"]) CHECK(s["name"] != "phase");

    std::string dat = "# t_s a b\n";
    for (int i = 0; i < 5001; ++i) dat += std::to_string(i) + " " + (i % 2 ? "NaN" : "1") + " 2\n";
    const auto j = nlohmann::json::parse(ks::report::time_hover_json(dat));
    CHECK(j["t"].size() <= ks::report::kHoverPointsMax);
    CHECK(j["t"].front() == 0);
    CHECK(j["t"].back() == 5000);  // the last sample is kept
    CHECK(j["series"].size() == 2);
    CHECK(j["series"][0]["name"] == "a");
}

TEST_CASE("run plots: NAME.frame reads back as panels; anything else as none") {
    const auto f = ks::report::parse_frame("0 12 0 3.6 0.1 0.76 0.56 0.91\n0 12 0 7 0.1 0.76 0.09 0.41\n");
    REQUIRE(f.size() == 2);
    CHECK(f[1].x_max == 12);
    CHECK(f[1].bottom == doctest::Approx(0.09));
    CHECK(ks::report::parse_frame("0 12 0 3\n").empty());
    CHECK(ks::report::parse_frame("5 1 0 3 0.1 0.76 0.56 0.91\n").empty());  // x max below x min
}

TEST_CASE("run page: with gnuplot, each plot over time carries its frame and data for the script") {
    if (!have_gnuplot()) {
        MESSAGE("gnuplot is not installed: skipping (apt-get install gnuplot-nox)");
        return;
    }
    const ks::RunResult r = racked_run();
    const fs::path dir = fresh_dir("page_frames");
    const auto out = ks::report::write_run_report(dir.string(), r, {.scenario = &r.scenario});
    CHECK(out.plots_rendered);
    const auto frame = ks::report::parse_frame(slurp(dir / "plots" / "availability.frame"));
    REQUIRE(frame.size() == 2);  // two panels
    CHECK(frame[0].x_min == 0);
    CHECK(frame[0].x_max == 11);
    CHECK(frame[0].left == doctest::Approx(0.1).epsilon(0.002));  // lmargin at screen 0.1
    CHECK(frame[0].right == doctest::Approx(0.76).epsilon(0.002));
    CHECK(frame[0].bottom > frame[1].top);  // the ISR panel above the counts
    const std::string page = slurp(dir / "index.html");
    CHECK(ks::test::html_structure_error(page) == "");
    CHECK(ks::test::html_external_reference(page) == "");
    CHECK(ks::test::count_of(page, "data-ks-kind=\"time\"") == 3);
    CHECK(ks::test::count_of(page, "data-ks-kind=\"points\"") == 1);  // the records' bars
    CHECK(ks::test::count_of(page, "<script type=\"application/json\" class=\"ks-data\">") == 4);
    CHECK(page.find("<figure class=\"ks-plot\" data-ks-plot=\"availability\" data-ks-kind=\"time\"") !=
          std::string::npos);
    CHECK(ks::test::count_of(page, "<svg") == 4);
}
