// A run's report folder: plots (data, scripts, SVGs), index.html, the
// gnuplot-missing path, byte-stable output.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>

#include "html_check.hpp"
#include "report/html.hpp"
#include "report/plot.hpp"
#include "report/report.hpp"
#include "report/run_plots.hpp"
#include "support/files.hpp"

namespace fs = std::filesystem;

using ks::test::have_gnuplot;
using ks::test::slurp;

namespace {

fs::path fresh_dir(const std::string& name) {
    return ks::test::fresh_dir("test_report_out", name);
}

const char* kScenario = R"({
  "name": "tiny", "description": "a <tiny> & plotted run", "duration_s": 10,
  "cluster": {"brokers": 3},
  "topics": [{"name": "orders", "partitions": 2, "replication_factor": 3}],
  "producers": [{"name": "checkout", "topic": "orders", "rate_per_s": 10}],
  "faults": [{"at_s": 3, "action": "crash", "broker": 1}, {"at_s": 6, "action": "restart", "broker": 1},
             {"at_s": 4, "action": "pause", "broker": 2, "for_s": 2}]
})";

// A hand-made run: 12 samples, broker 1 down from 3 s to 6 s.
ks::RunResult tiny_run() {
    ks::RunResult r;
    r.summary.scenario = "tiny";
    r.summary.seed = 7;
    r.summary.trace_hash = "0x0123456789abcdef";
    r.summary.version = "test";
    r.summary.sim_duration_s = 10;
    r.summary.records_measured = true;
    r.summary.records.sent = 100;
    r.summary.records.acked = 97;
    r.summary.records.failed = 1;
    r.summary.records.acked_lost = 2;
    r.summary.produce_latency_ms = {.p50 = 2, .p99 = 9, .max = 30, .count = 97};
    r.series.columns = {"t_s",
                        "phase",
                        "OfflinePartitionsCount",
                        "UnderReplicatedPartitions",
                        "UnderMinIsrPartitionCount",
                        "checkout.sent",
                        "checkout.acked",
                        "produce_latency_p99_ms",
                        "orders-0.isr_size",
                        "orders-1.isr_size",
                        "billing.lag"};
    for (int t = 0; t <= 11; ++t) {
        const bool down = t >= 3 && t < 6;
        r.series.rows.push_back({double(t), t < 10 ? 1.0 : 2.0, 0.0, down ? 2.0 : 0.0, 0.0, 10.0 * t, 9.7 * t,
                                 t ? 9.0 : 0.0, down ? 2.0 : 3.0, down ? 2.0 : 3.0, down ? 50.0 : 5.0});
    }
    r.scenario = ks::scenario::load_string(kScenario, "tiny.json").scenario;
    using ks::BrokerId;
    r.timeline.push_back({ks::s(3), ks::FaultStarted{.fault = 0}});  // the crash of broker 1
    r.timeline.push_back({ks::s(4), ks::LeaderElected{{0, 0}, BrokerId(3), 2, true, false, {BrokerId(3)}}});
    r.timeline.push_back(
        {ks::s(5),
         ks::GroupChanged{"billing", ks::GroupChanged::Kind::rebalance_started, -1, 0, "member <c1> left", {}}});
    return r;
}

}  // namespace

TEST_CASE("run report: fault windows come from the schedule; a crash lasts until its restart") {
    const auto sc = ks::scenario::load_string(kScenario, "tiny.json").scenario;
    const auto w = ks::report::fault_windows(sc);
    REQUIRE(w.size() == 2);  // the restart closes the crash window
    CHECK(w[0].label == "crash broker 1");
    CHECK(w[0].from_s == 3);
    CHECK(w[0].to_s == 6);
    CHECK(w[1].label == "pause broker 2");
    CHECK(w[1].from_s == 4);
    CHECK(w[1].to_s == 6);
}

TEST_CASE("run report: plots are availability, latency, records and lag when the series has them") {
    const auto sc = ks::scenario::load_string(kScenario, "tiny.json").scenario;
    const auto plots = ks::report::run_plots(tiny_run(), &sc);
    REQUIRE(plots.size() == 4);
    CHECK(plots[0].name == "availability");
    CHECK(plots[1].name == "latency");
    CHECK(plots[2].name == "records");
    CHECK(plots[3].name == "lag");
    CHECK(plots[0].script.find("set output \"availability.svg\"") != std::string::npos);
    CHECK(plots[0].script.find("rect from 3, graph 0 to 6, graph 1") != std::string::npos);  // the crash window
    CHECK(plots[0].data.find("# t_s phase OfflinePartitionsCount UnderReplicatedPartitions") == 0);
    CHECK(plots[3].data.find("billing.lag") != std::string::npos);

    ks::RunResult no_lag = tiny_run();
    no_lag.series.columns.pop_back();
    for (auto& row : no_lag.series.rows) row.pop_back();
    CHECK(ks::report::run_plots(no_lag, &sc).size() == 3);
}

TEST_CASE("run report: without gnuplot the run still writes data, scripts and index.html, and says how to install it") {
    const auto sc = ks::scenario::load_string(kScenario, "tiny.json").scenario;
    const fs::path dir = fresh_dir("no_gnuplot");
    const auto out = ks::report::write_run_report(dir.string(), tiny_run(),
                                                  {.scenario = &sc, .gnuplot = "/nonexistent/bin/gnuplot"});
    CHECK_FALSE(out.plots_rendered);
    CHECK(out.note.find("gnuplot was not found") != std::string::npos);
    CHECK(out.note.find("apt-get install gnuplot-nox") != std::string::npos);
    for (const char* f : {"summary.json", "timeseries.csv", "timeline.txt", "index.html", "plots/availability.dat",
                          "plots/availability.gp", "plots/latency.gp", "plots/records.gp", "plots/lag.gp"}) {
        CHECK_MESSAGE(fs::exists(dir / f), f);
    }
    CHECK_FALSE(fs::exists(dir / "plots/availability.svg"));
    CHECK_FALSE(fs::exists(dir / "plots/gnuplot.log"));
    CHECK_FALSE(fs::exists(dir.string() + ".partial"));
    const std::string page = slurp(dir / "index.html");
    CHECK(ks::test::html_structure_error(page).empty());
    CHECK(page.find("apt-get install gnuplot-nox") != std::string::npos);
    CHECK(page.find("Not rendered") != std::string::npos);
}

TEST_CASE("run report: with gnuplot, SVGs are rendered, inlined in a well-formed self-contained index.html") {
    if (!have_gnuplot()) {
        MESSAGE("gnuplot is not installed: skipping the rendering test (apt-get install gnuplot-nox)");
        return;
    }
    const auto sc = ks::scenario::load_string(kScenario, "tiny.json").scenario;
    const fs::path dir = fresh_dir("gnuplot");
    const auto out = ks::report::write_run_report(dir.string(), tiny_run(), {.scenario = &sc});
    CHECK(out.plots_rendered);
    CHECK(out.note.empty());
    for (const char* f : {"availability", "latency", "records", "lag"}) {
        const std::string svg = slurp(dir / "plots" / (std::string(f) + ".svg"));
        CHECK_MESSAGE(svg.find("</svg>") != std::string::npos, f);
    }
    const std::string page = slurp(dir / "index.html");
    CHECK(page.rfind("<!DOCTYPE html>", 0) == 0);
    CHECK(ks::test::html_structure_error(page) == "");
    CHECK(ks::test::html_external_reference(page) == "");
    CHECK(ks::test::count_of(page, "<svg") == 4);
    CHECK(ks::test::count_of(page, "</svg>") == 4);
    CHECK(page.find("a &lt;tiny&gt; &amp; plotted run") != std::string::npos);  // escaped
    CHECK(page.find("broker 1 crashed (kill -9)") != std::string::npos);
    CHECK(page.find("orders-0: UNCLEAN leader 3 elected (epoch 2), ISR [3]") != std::string::npos);
    CHECK(page.find("group billing: rebalance (member &lt;c1&gt; left)") != std::string::npos);  // escaped
    CHECK(page.find("Fault schedule") != std::string::npos);
    CHECK(page.find("id='availability-gpPt0'") != std::string::npos);  // ids unique per plot
    CHECK(page.find("id='latency-gpPt0'") != std::string::npos);

    // Byte-stable: the same run gives the same files.
    const fs::path again = fresh_dir("gnuplot_again");
    ks::report::write_run_report(again.string(), tiny_run(), {.scenario = &sc});
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
        if (!e.is_regular_file()) continue;
        const auto rel = fs::relative(e.path(), dir);
        CHECK_MESSAGE(slurp(e.path()) == slurp(again / rel), rel.string());
    }
}

TEST_CASE("run report: inline_svg drops the XML prolog and prefixes ids and their references") {
    const std::string svg =
        "<?xml version=\"1.0\"?>\n<svg><defs><path id='gpPt1'/><use xlink:href='#gpPt1' id='gpPt10'/></defs>"
        "<use xlink:href='#gpPt10'/><rect fill=\"#ffffff\"/></svg>\n";
    const std::string out = ks::report::inline_svg(svg, "p");
    CHECK(out.rfind("<svg>", 0) == 0);
    CHECK(out.find("id='p-gpPt1'") != std::string::npos);
    CHECK(out.find("href='#p-gpPt1'") != std::string::npos);
    CHECK(out.find("id='p-gpPt10'") != std::string::npos);
    CHECK(out.find("href='#p-gpPt10'") != std::string::npos);
    CHECK(out.find("fill=\"#ffffff\"") != std::string::npos);
}

TEST_CASE("run report: html escaping and the structure checker catch what they should") {
    CHECK(ks::report::html::escape("<a href=\"x\">&'") == "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
    CHECK(ks::test::html_structure_error("<div><p></div>") != "");
    CHECK(ks::test::html_structure_error("<div><br><svg><path d='M0'/></svg></div>") == "");
    CHECK(ks::test::html_external_reference("<script src=\"x.js\"></script>") != "");
}

TEST_CASE("run report: timeseries.csv prints t_s exactly, so distinct sample times stay distinct") {
    ks::TimeSeries t;
    t.columns = {"t_s", "lag"};
    const double nan = std::numeric_limits<double>::quiet_NaN();
    for (double at : {0.0, 20.5, 1000.0, 1000.001, 1234.567, 1000000.0, 1000001.0}) t.rows.push_back({at, nan});
    t.rows.back()[1] = 7;
    CHECK(ks::report::timeseries_csv(t) ==
          "t_s,lag\n"
          "0,\n"
          "20.5,\n"
          "1000,\n"
          "1000.001,\n"
          "1234.567,\n"
          "1000000,\n"
          "1000001,7\n");
}
