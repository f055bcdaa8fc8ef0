// timeseries.csv has one row per sample time: read back from the report
// folder of real runs, every row's t_s is greater than the one before. The
// runs include those where a settle step ended on a sampling tick, which
// used to add a second row at the same time (reference.json seed 42: t=20.5
// twice).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "kafkasim/scenario.hpp"
#include "kafkasim/simulation.hpp"
#include "report/report.hpp"

namespace fs = std::filesystem;
using namespace ks;

namespace {

// t_s of every data row of a timeseries.csv.
std::vector<double> times_of(const fs::path& csv) {
    std::ifstream in(csv);
    REQUIRE_MESSAGE(in.good(), csv.string());
    std::string line;
    REQUIRE(std::getline(in, line));
    CHECK(line.rfind("t_s,", 0) == 0);
    std::vector<double> out;
    while (std::getline(in, line)) {
        const std::string first = line.substr(0, line.find(','));
        REQUIRE_MESSAGE(!first.empty(), line);
        out.push_back(std::stod(first));
    }
    return out;
}

}  // namespace

TEST_CASE("timeseries.csv: one row per sample time, times strictly increasing, in every row of a run") {
    struct Case {
        const char* file;
        std::uint64_t seed;
    };
    // The first four had a duplicated time before the fix.
    const Case cases[] = {{"scenarios/reference.json", 42},
                          {"scenarios/labs/rack-power-loss-rack-aware.json", 42},
                          {"scenarios/labs/legacy-0.10.2-power-loss-divergence.json", 1},
                          {"scenarios/chaos-soak.json", 1},
                          {"scenarios/default.json", 42}};
    for (const Case& c : cases) {
        INFO(c.file << " seed " << c.seed);
        const Scenario sc = scenario::load_file(fs::path(KS_SOURCE_DIR) / c.file).scenario;
        RunOptions o;
        o.seed = c.seed;
        const RunResult r = run_simulation(sc, o);
        const fs::path dir = fs::path(KS_BINARY_DIR) / "timeseries_e2e" / (sc.name + "-" + std::to_string(c.seed));
        report::write_run_report(dir.string(), r, {.scenario = &sc, .gnuplot = ""});
        const std::vector<double> t = times_of(dir / "timeseries.csv");
        REQUIRE(t.size() == r.series.rows.size());
        REQUIRE(t.size() > 2);
        CHECK(t.front() == 0);
        for (std::size_t i = 1; i < t.size(); ++i) {
            INFO("row " << i + 1 << ": t_s " << t[i - 1] << " then " << t[i]);
            CHECK(t[i] > t[i - 1]);
        }
        // The last row is the end of the settle.
        CHECK(t.back() == doctest::Approx(sc.duration.seconds_f() + r.summary.settle_s));
    }
}
