// `kafkasim compare` and `kafkasim merge` run as a user would: the output is
// the same whatever the number of jobs, and merged shards equal the
// unsharded compare, byte for byte. Also `kafkasim run`'s report folder,
// with and without gnuplot on the PATH.
#include <doctest/doctest.h>

#include "support/run_command.hpp"

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "support/files.hpp"

namespace fs = std::filesystem;

using ks::test::slurp;

namespace {

struct Ran {
    int exit_code = -1;
    std::string out, err;
};

const fs::path kOut = fs::path(KS_BINARY_DIR) / "compare_test_out";

Ran kafkasim(const std::string& args, const std::string& env = "") {
    const std::string err_path = (kOut / "stderr.txt").string();
    fs::create_directories(kOut);
    const std::string cmd = std::string("cd '") + KS_SOURCE_DIR + "' && " + env + " '" + KS_KAFKASIM_EXE + "' " + args +
                            " 2>'" + err_path + "'";
    Ran r;
    const ks::test::ShellResult sh = ks::test::run_shell(cmd);
    r.out = sh.out;
    r.exit_code = sh.exit_code;
    std::ostringstream err;
    err << std::ifstream(err_path).rdbuf();
    r.err = err.str();
    return r;
}

// Every file of a, byte-identical in b, and nothing else in b.
void check_same_tree(const fs::path& a, const fs::path& b) {
    std::size_t n = 0;
    for (const auto& e : fs::recursive_directory_iterator(a)) {
        if (!e.is_regular_file()) continue;
        ++n;
        const auto rel = fs::relative(e.path(), a);
        CHECK_MESSAGE(slurp(e.path()) == slurp(b / rel), rel.string());
    }
    std::size_t m = 0;
    for (const auto& e : fs::recursive_directory_iterator(b)) m += e.is_regular_file() ? 1 : 0;
    CHECK(n == m);
}

const std::string kTiny = "tests/cli/data/compare_tiny.json";

}  // namespace

TEST_CASE("cli compare: --jobs 1 and --jobs 2 write identical files; shards 1/2 + 2/2 merged equal them") {
    fs::remove_all(kOut);
    const auto j1 = kafkasim("compare " + kTiny + " --jobs 1 --out " + (kOut / "j1").string());
    REQUIRE_MESSAGE(j1.exit_code == 0, j1.err);
    CHECK(j1.out.find("acks=1") != std::string::npos);
    CHECK(j1.out.find("acks=all") != std::string::npos);
    CHECK(j1.err.find("compare: 6/6 runs") != std::string::npos);  // the progress line
    for (const char* f :
         {"compare.json", "compare.csv", "index.html", "plots/loss.gp", "plots/loss.dat", "plots/latency_loss.gp"}) {
        CHECK_MESSAGE(fs::exists(kOut / "j1" / f), f);
    }
    const std::string json = slurp(kOut / "j1" / "compare.json");
    CHECK(json.find("\"p_loss_95\"") != std::string::npos);
    CHECK(json.find("\"runs_with_loss\"") != std::string::npos);
    CHECK(slurp(kOut / "j1" / "compare.csv").rfind("variant,label,producers.checkout.config.acks,runs,", 0) == 0);

    const auto j2 = kafkasim("compare " + kTiny + " --jobs 2 -q --out " + (kOut / "j2").string());
    REQUIRE_MESSAGE(j2.exit_code == 0, j2.err);
    check_same_tree(kOut / "j1", kOut / "j2");

    const auto s1 = kafkasim("compare " + kTiny + " --jobs 2 -q --shard 1/2 --out " + (kOut / "s1").string());
    const auto s2 = kafkasim("compare " + kTiny + " --jobs 1 -q --shard 2/2 --out " + (kOut / "s2").string());
    REQUIRE_MESSAGE(s1.exit_code == 0, s1.err);
    REQUIRE_MESSAGE(s2.exit_code == 0, s2.err);
    CHECK(fs::exists(kOut / "s1" / "compare-shard.json"));
    CHECK_FALSE(fs::exists(kOut / "s1" / "compare.json"));
    const auto m = kafkasim("merge " + (kOut / "s2").string() + " " + (kOut / "s1").string() + " --out " +
                            (kOut / "merged").string());
    REQUIRE_MESSAGE(m.exit_code == 0, m.err);
    check_same_tree(kOut / "j1", kOut / "merged");

    const auto missing = kafkasim("merge " + (kOut / "s1").string() + " --out " + (kOut / "bad").string());
    CHECK(missing.exit_code == 2);
    CHECK(missing.err.find("shard 2/2 is missing") != std::string::npos);
}

TEST_CASE("cli compare: --vary replaces compare.vary; bad input exits 2 before running") {
    const auto r = kafkasim("compare " + kTiny + " --seeds 1 -q --vary topics.orders.replication_factor=2,3 --out " +
                            (kOut / "vary").string());
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    const std::string csv = slurp(kOut / "vary" / "compare.csv");
    CHECK(csv.find("replication_factor=2") != std::string::npos);
    CHECK(csv.find("acks=") == std::string::npos);

    CHECK(kafkasim("compare " + kTiny + " --shard 3/2").exit_code == 2);
    CHECK(kafkasim("compare " + kTiny + " --jobs 0").exit_code == 2);
    const auto bad = kafkasim("compare " + kTiny + " --vary producers.checkout.config.acks=1,2");
    CHECK(bad.exit_code == 2);
    CHECK(bad.err.find("acks") != std::string::npos);
}

TEST_CASE("cli run: the report folder has plots and index.html; without gnuplot it still succeeds") {
    const auto r = kafkasim("run " + kTiny + " --out " + (kOut / "run").string());
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    CHECK(fs::exists(kOut / "run" / "index.html"));
    CHECK(fs::exists(kOut / "run" / "plots" / "availability.gp"));
    CHECK(fs::exists(kOut / "run" / "plots" / "records.dat"));

    const auto no = kafkasim("run " + kTiny + " --out " + (kOut / "run_nognuplot").string(), "PATH=/nonexistent");
    REQUIRE_MESSAGE(no.exit_code == 0, no.err);
    CHECK(no.err.find("gnuplot was not found") != std::string::npos);
    CHECK(no.err.find("apt-get install gnuplot-nox") != std::string::npos);
    CHECK(fs::exists(kOut / "run_nognuplot" / "plots" / "availability.gp"));
    CHECK_FALSE(fs::exists(kOut / "run_nognuplot" / "plots" / "availability.svg"));
    CHECK(fs::exists(kOut / "run_nognuplot" / "index.html"));
}

// scenarios/compare-acks.json with a consumer group: the page compares lag as
// well as loss, and every variant's first loss is a rendered run whose trace
// hash is the sweep's.
TEST_CASE("cli compare: lag per variant, the first seed's lag over time, first-loss runs rendered and linked") {
    const fs::path out = kOut / "acks";
    const auto r = kafkasim("compare scenarios/compare-acks.json --seeds 3 --jobs 2 -q --out " + out.string());
    REQUIRE(r.exit_code == 0);
    const auto j = nlohmann::json::parse(slurp(out / "compare.json"));
    const std::string page = slurp(out / "index.html");
    CHECK(fs::exists(out / "plots" / "lag_spread.dat"));
    CHECK(slurp(out / "plots" / "lag_first_seed.dat").rfind("# t_s v1 v2 v3 v4 v5 v6\n", 0) == 0);
    CHECK(page.find("<h2>Matrix view</h2>") != std::string::npos);
    int linked = 0;
    for (const auto& v : j["variants"]) {
        // A run's time-averaged lag never exceeds its largest sample, so neither do the quartiles.
        const auto& lag = v["consumer_lag"];
        REQUIRE(lag.is_object());
        CHECK(lag["mean"]["p50"].get<double>() <= lag["max"]["p50"].get<double>());
        CHECK(lag["mean"]["max"].get<double>() > 0);
        if (v["first_loss"].is_null()) continue;
        const auto seed = v["first_loss"]["seed"].get<std::uint64_t>();
        const std::size_t index = v["index"].get<std::size_t>();
        const std::string folder = "runs/variant-" + std::to_string(index + 1) + "-seed-" + std::to_string(seed);
        const auto s = nlohmann::json::parse(slurp(out / folder / "summary.json"));
        CHECK(s["records"]["acked_lost"].get<std::int64_t>() > 0);
        for (const auto& run : j["runs"]) {
            if (run["variant"] == index && run["seed"] == seed) CHECK(run["trace_hash"] == s["trace_hash"]);
        }
        CHECK(page.find("<a href=\"" + folder + "/index.html\">") != std::string::npos);
        ++linked;
    }
    CHECK(linked >= 2);  // acks=0 and acks=1 lose data in the first seeds (the leader's unreplicated tail)
    const auto no = kafkasim("compare scenarios/compare-acks.json --seeds 3 --jobs 2 -q --no-loss-runs --out " +
                             (kOut / "acks-no-runs").string());
    REQUIRE(no.exit_code == 0);
    CHECK_FALSE(fs::exists(kOut / "acks-no-runs" / "runs"));
    CHECK(slurp(kOut / "acks-no-runs" / "index.html").find("--no-loss-runs") != std::string::npos);
}
