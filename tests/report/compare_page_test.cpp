// compare's index.html and plots: hover data for the page's script, and
// labels that stay readable with many variants (a 12-variant grid).
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "html_check.hpp"
#include "kafkasim/sweep.hpp"
#include "report/compare_pages.hpp"
#include "report/compare_report.hpp"
#include "support/files.hpp"

namespace fs = std::filesystem;
using ks::SweepResult;

using ks::test::slurp;

namespace {

// acks (1, all) × replication factor (1, 2, 3) × min.insync.replicas (1, 2):
// 12 variants × 4 seeds; weaker settings lose data on more seeds.
SweepResult grid12() {
    SweepResult r;
    auto& g = r.grid;
    g.file = "scenarios/grid.json";
    g.scenario = "grid";
    g.axes = {{"producers.checkout.config.acks", {"\"1\"", "\"all\""}},
              {"topics.orders.replication_factor", {"1", "2", "3"}},
              {"topics.orders.config.min.insync.replicas", {"1", "2"}}};
    for (const char* acks : {"\"1\"", "\"all\""}) {
        for (const char* rf : {"1", "2", "3"}) {
            for (const char* isr : {"1", "2"}) {
                g.variants.push_back({{"producers.checkout.config.acks", acks},
                                      {"topics.orders.replication_factor", rf},
                                      {"topics.orders.config.min.insync.replicas", isr}});
            }
        }
    }
    g.first_seed = 1;
    g.seeds = 4;
    r.pairs = ks::shard_pairs(g, {});
    for (std::size_t k : r.pairs) {
        ks::RunOutcome o;
        o.variant = g.variant_of(k);
        o.seed = g.seed_of(k);
        o.sent = 1000;
        o.acked = 990;
        const auto weakness = static_cast<std::uint64_t>(12 - o.variant) / 3;  // 4 .. 1
        o.acked_lost = o.seed <= weakness ? 10 * static_cast<std::int64_t>(o.seed) : 0;
        o.latency_p50_ms = 1.0 + 0.1 * static_cast<double>(o.variant);
        o.latency_p99_ms = 4.0 + 0.5 * static_cast<double>(o.variant);
        o.trace_hash = "0x" + std::to_string(k);
        r.runs.push_back(o);
    }
    return r;
}

bool have_gnuplot() {
    return std::system("command -v gnuplot >/dev/null 2>&1") == 0;
}

}  // namespace

TEST_CASE("compare page: with 12 variants the loss bars lie down and the points are numbered") {
    const SweepResult r = grid12();
    const auto stats = ks::report::variant_stats(r);
    REQUIRE(stats.size() == 12);
    const auto plots = ks::report::compare_plots(r, stats);
    REQUIRE(plots.size() == 2);
    const auto& loss = plots[0];
    CHECK(loss.name == "loss");
    CHECK(loss.script.find("with boxxyerror") != std::string::npos);  // a bar per row
    CHECK(loss.script.find("ytic(8)") != std::string::npos);          // labelled "#k label" on the left
    CHECK(loss.data.find("\"#12 acks=all, replication_factor=3, min.insync.replicas=2\"") != std::string::npos);
    REQUIRE(loss.hover.has_value());
    CHECK(loss.hover->nearest == ks::report::PlotHover::Nearest::y);
    const auto lj = nlohmann::json::parse(loss.hover->data_json);
    CHECK(lj["text"].size() == 12);
    CHECK(lj["y"][11] == 11);
    const auto& scatter = plots[1];
    CHECK(scatter.data.find(" \"#7\" ") != std::string::npos);
    CHECK(scatter.data.find("acks=all, replication_factor=1") == std::string::npos);  // the hover names them
    REQUIRE(scatter.hover.has_value());
    CHECK(scatter.hover->nearest == ks::report::PlotHover::Nearest::xy);
    const auto sj = nlohmann::json::parse(scatter.hover->data_json);
    CHECK(sj["text"][6].get<std::string>().rfind("#7 acks=all, replication_factor=1, min.insync.replicas=1\n", 0) == 0);

    // Few variants keep upright bars with their labels under the axis.
    SweepResult two = r;
    two.grid.variants.resize(2);
    two.grid.axes = {{"producers.checkout.config.acks", {"\"1\""}},
                     {"topics.orders.replication_factor", {"1"}},
                     {"topics.orders.config.min.insync.replicas", {"1", "2"}}};
    two.runs.resize(8);
    two.pairs.resize(8);
    const auto few = ks::report::compare_plots(two, ks::report::variant_stats(two));
    CHECK(few[0].script.find("with boxes") != std::string::npos);
    CHECK(few[0].hover->nearest == ks::report::PlotHover::Nearest::x);
}

TEST_CASE("compare page: the page numbers the variants and carries the plots' data for the script") {
    if (!have_gnuplot()) {
        MESSAGE("gnuplot is not installed: skipping (apt-get install gnuplot-nox)");
        return;
    }
    const fs::path dir = fs::path(KS_BINARY_DIR) / "test_report_out" / "compare_grid12";
    fs::remove_all(dir);
    ks::report::write_compare_report(dir.string(), grid12());
    const std::string page = slurp(dir / "index.html");
    CHECK(ks::test::html_structure_error(page) == "");
    CHECK(ks::test::html_external_reference(page) == "");
    CHECK(ks::test::count_of(page, "data-ks-kind=\"points\"") == 2);
    CHECK(page.find("<th>#</th><th>variant</th>") != std::string::npos);
    CHECK(page.find("<td class=\"n\">12</td><td>acks=all, replication_factor=3, min.insync.replicas=2</td>") !=
          std::string::npos);
    // gnuplot wrote where the axes lie; the horizontal bars' y axis runs top down.
    const std::string frame = slurp(dir / "plots" / "loss.frame");
    const auto panels = ks::report::parse_frame(frame);
    REQUIRE(panels.size() == 1);
    CHECK(panels[0].x_min == 0);
    CHECK(panels[0].x_max == doctest::Approx(1.12));
    CHECK(panels[0].y_min == doctest::Approx(11.6));
    CHECK(panels[0].y_max == doctest::Approx(-0.6));
    // Every variant's label is on the plot.
    const std::string svg = slurp(dir / "plots" / "loss.svg");
    for (int k = 1; k <= 12; ++k) CHECK_MESSAGE(svg.find(">#" + std::to_string(k) + " acks=") != std::string::npos, k);
}

TEST_CASE("compare page: a grid of three axes gets a matrix per value of the third, P(loss) and latency") {
    const SweepResult r = grid12();
    const auto stats = ks::report::variant_stats(r);
    const std::string page = ks::report::compare_page(r, stats, {}, "");
    CHECK(ks::test::html_structure_error(page) == "");
    CHECK(page.find("<h2>Matrix view</h2>") != std::string::npos);
    CHECK(ks::test::count_of(page, "<table class=\"matrix\">") == 4);  // 2 values of min.insync.replicas × 2 figures
    CHECK(page.find("<h3>min.insync.replicas=1</h3>") != std::string::npos);
    const auto second = page.find("<h3>min.insync.replicas=2</h3>");
    REQUIRE(second != std::string::npos);
    // Rows acks, columns replication_factor; the last cell of the second matrix is #12.
    CHECK(page.find("<th>acks \\ replication_factor</th><th>1</th><th>2</th><th>3</th>", second) != std::string::npos);
    CHECK(page.find("· #12</small>", second) != std::string::npos);
    CHECK(page.find("· #11</small>", second) == std::string::npos);  // #11 is min.insync.replicas=1
    // One axis: no matrix.
    SweepResult one = r;
    one.grid.axes.resize(1);
    CHECK(ks::report::compare_page(one, stats, {}, "").find("Matrix view") == std::string::npos);
}

TEST_CASE("compare page: lag per variant over seeds, the first seed's lag over time, links to first-loss runs") {
    SweepResult r = grid12();
    for (auto& o : r.runs) {
        o.max_consumer_lag = static_cast<std::int64_t>(100 * o.seed + o.variant);
        o.mean_consumer_lag = static_cast<double>(o.seed);
    }
    const auto stats = ks::report::variant_stats(r);
    ks::report::CompareReplays replays;
    replays.first_seed_lag.resize(12);
    for (std::size_t v = 0; v < 12; ++v) {
        for (int t = 0; t <= 3; ++t) replays.first_seed_lag[v].emplace_back(t, 10.0 * t + static_cast<double>(v));
    }
    replays.faults = {{.from_s = 1, .to_s = 2, .label = "crash broker 1"}};
    replays.heal_s = 3;
    replays.end_s = 3;
    replays.loss_runs[0] = ks::report::loss_run_folder(0, 1);
    const auto plots = ks::report::compare_plots(r, stats, &replays);
    REQUIRE(plots.size() == 4);
    CHECK(plots[2].name == "lag_spread");
    CHECK(plots[2].script.find("candlesticks") != std::string::npos);
    // Variant 0: largest samples 100..400 (p50 200), time-averaged 1..4.
    CHECK(plots[2].data.find("0 \"#1\" 100 100 200 300 400 1 1 2 3 4\n") != std::string::npos);
    CHECK(plots[3].name == "lag_first_seed");
    CHECK(plots[3].data.rfind("# t_s v1 v2 v3 v4 v5 v6 v7 v8 v9 v10 v11 v12\n0 0 1 2 ", 0) == 0);
    CHECK(plots[3].script.find("crash broker 1") != std::string::npos);  // the fault window, labelled
    REQUIRE(plots[3].hover.has_value());
    CHECK(plots[3].hover->kind == ks::report::PlotHover::Kind::time);
    const std::string page = ks::report::compare_page(r, stats, {}, "", &replays);
    CHECK(page.find("<a href=\"runs/variant-1-seed-1/index.html\">the run's report</a>") != std::string::npos);
    CHECK(page.find("<th>mean lag</th>") != std::string::npos);
    // Without replays: no plot over time, no link.
    CHECK(ks::report::compare_plots(r, stats).size() == 3);
    CHECK(ks::report::compare_page(r, stats, {}, "").find("the run's report") == std::string::npos);
}
