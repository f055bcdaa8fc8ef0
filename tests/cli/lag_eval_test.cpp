// `kafkasim lag-eval` end to end: runs the built binary on tests/cli/data/lag_*.json
// and checks Burrow's verdicts (caching_test.go cases), the JSON shape of
// SCENARIOS.md, and the exit code and message of bad input.
#include <doctest/doctest.h>

#include "support/run_command.hpp"

#include <sys/wait.h>
#include <array>
#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

namespace {

struct Result {
    int exit_code = -1;
    std::string out;  // stdout, or stdout + stderr with merge_stderr
};

Result run_kafkasim(const std::string& args, bool merge_stderr = false) {
    const std::string cmd = std::string(KS_KAFKASIM_EXE) + " " + args + (merge_stderr ? " 2>&1" : " 2>/dev/null");
    Result r;
    const ks::test::ShellResult sh = ks::test::run_shell(cmd);
    r.out = sh.out;
    r.exit_code = sh.exit_code;
    return r;
}

std::string data(const std::string& name) {
    return std::string(KS_SOURCE_DIR) + "/tests/cli/data/" + name;
}

nlohmann::json lag_eval(const std::string& name) {
    const Result r = run_kafkasim("lag-eval " + data(name));
    REQUIRE(r.exit_code == 0);
    return nlohmann::json::parse(r.out);
}

Result lag_eval_error(const std::string& name) {
    const Result r = run_kafkasim("lag-eval " + data(name), /*merge_stderr=*/true);
    CHECK(r.exit_code == 2);
    CHECK(r.out.find(data(name) + ": ") != std::string::npos);
    return r;
}

}  // namespace

TEST_CASE("lag-eval: advancing offsets whose lag never shrinks are WARN") {
    const auto j = lag_eval("lag_warn.json");
    CHECK(j["status"] == "WARN");
    CHECK(j["complete"] == 1.0);
    CHECK(j["totallag"] == 250);
    CHECK(j["partition_count"] == 1);
    REQUIRE(j["partitions"].size() == 1);
    const auto& p = j["partitions"][0];
    CHECK(p["topic"] == "orders");
    CHECK(p["partition"] == 0);
    CHECK(p["status"] == "WARN");
    CHECK(p["complete"] == 1.0);
    CHECK(p["current_lag"] == 250);
    CHECK(p["start"]["offset"] == 1000);
    CHECK(p["end"]["offset"] == 5000);
    CHECK(j["maxlag"]["partition"] == 0);
}

TEST_CASE("lag-eval: SCENARIOS.md's example input is STOP in Burrow (one old commit, lag 200)") {
    // 500 s since the only commit exceeds the window's span (0 s) and no broker
    // offset reached the committed one: caching.go's checkIfOffsetsStopped.
    const auto j = lag_eval("lag_example.json");
    CHECK(j["status"] == "ERR");
    CHECK(j["partitions"][0]["status"] == "STOP");
    CHECK(j["partitions"][0]["complete"] == 1.0);
    CHECK(j["totallag"] == 200);
}

TEST_CASE("lag-eval: Burrow's caching_test.go table gives Burrow's statuses") {
    const auto j = lag_eval("lag_caching_table.json");
    REQUIRE(j["partitions"].size() == 6);
    const auto& ps = j["partitions"];
    CHECK(ps[0]["status"] == "OK");     // set 0
    CHECK(ps[1]["status"] == "OK");     // set 4
    CHECK(ps[2]["status"] == "STALL");  // set 5
    CHECK(ps[3]["status"] == "STALL");  // set 6
    // Set 7 rewinds and then recovers: Burrow >= 1.3.7 (caching.go's
    // checkIfRewindRecovered, #714) reads it OK; older Burrow said REWIND.
    CHECK(ps[4]["status"] == "OK");  // set 7
    CHECK(ps[5]["status"] == "OK");  // set 11
    CHECK(ps[5]["end"]["lag"].is_null());
    CHECK(j["status"] == "ERR");  // STALL reports as ERR for the group
    CHECK(j["totallag"] == 200 + 200 + 300 + 100 + 300 + 200);
    CHECK(j["maxlag"]["partition"] == 5);  // the first partition with lag 300
}

TEST_CASE("lag-eval: empty slots make a window incomplete; current lag defaults as fetchConsumer") {
    const auto j = lag_eval("lag_incomplete.json");
    CHECK(j["status"] == "OK");
    const auto& ps = j["partitions"];
    REQUIRE(ps.size() == 3);
    CHECK(ps[0]["complete"] == 0.3);
    CHECK(ps[0]["current_lag"] == 30);
    CHECK(ps[1]["complete"] == 1.0);
    CHECK(ps[1]["current_lag"] == 0);
    CHECK(ps[2]["complete"] == 0.0);
    CHECK(ps[2]["start"].is_null());
    CHECK(j["totallag"] == 30);
    // Burrow's float32 1/3, printed as Go prints it.
    CHECK(j["complete"] == 0.33333334);
    const Result raw = run_kafkasim("lag-eval " + data("lag_incomplete.json"));
    CHECK(raw.out.find("0.33333334") != std::string::npos);
}

TEST_CASE("lag-eval: bad input names the file and the JSON pointer, exit 2") {
    CHECK(lag_eval_error("lag_bad_offset.json")
              .out.find("/partitions/0/window/0/offset: expected an integer >= 0, got \"1000\"") != std::string::npos);
    CHECK(lag_eval_error("lag_bad_hole.json").out.find("/partitions/0/window/1: expected") != std::string::npos);
    CHECK(lag_eval_error("lag_bad_key.json").out.find("/partitions/0/currentlag: unknown key") != std::string::npos);
    CHECK(lag_eval_error("lag_bad_duplicate.json").out.find("/partitions/1/partition: expected") != std::string::npos);
    CHECK(lag_eval_error("lag_bad_lag.json")
              .out.find("/partitions/0/window/0/lag: expected an integer >= 0 or null, got -3") != std::string::npos);
    CHECK(lag_eval_error("lag_bad_syntax.json").out.find("not valid JSON") != std::string::npos);
    CHECK(lag_eval_error("no_such_lag_file.json").out.find("cannot open") != std::string::npos);
}

TEST_CASE("lag-eval: usage errors exit 2, --help exits 0") {
    CHECK(run_kafkasim("lag-eval").exit_code == 2);
    CHECK(run_kafkasim("lag-eval a.json b.json").exit_code == 2);
    CHECK(run_kafkasim("lag-eval --bogus x.json").exit_code == 2);
    const Result help = run_kafkasim("lag-eval --help");
    CHECK(help.exit_code == 0);
    CHECK(help.out.find("kafkasim lag-eval FILE") != std::string::npos);
    CHECK(run_kafkasim("--help").out.find("lag-eval FILE") != std::string::npos);
}

// Burrow's HTTP responses (core/internal/httpserver/kafka.go handleConsumerStatus
// and handleConsumerStatusComplete; structs.go httpResponseConsumerStatus;
// protocol.ConsumerGroupStatus, PartitionStatus and ConsumerOffset JSON tags), so
// that tools reading Burrow (e.g. Telegraf's burrow input) can read kafkasim's.
TEST_CASE("lag-eval --http: Burrow's /status and /lag responses") {
    const Result s =
        run_kafkasim("lag-eval " + data("lag_caching_table.json") + " --http status --cluster prod --group billing");
    REQUIRE(s.exit_code == 0);
    const auto j = nlohmann::json::parse(s.out);
    CHECK(j["error"] == false);
    CHECK(j["message"] == "consumer status returned");
    CHECK(j["request"]["url"] == "/v3/kafka/prod/consumer/billing/status");
    const auto& st = j["status"];
    CHECK(st["cluster"] == "prod");
    CHECK(st["group"] == "billing");
    const auto plain = lag_eval("lag_caching_table.json");
    CHECK(st["status"] == plain["status"]);
    CHECK(st["totallag"] == plain["totallag"]);
    CHECK(st["partition_count"] == plain["partition_count"]);
    // /status lists only the partitions that are not OK ("ShowAll: false").
    std::size_t not_ok = 0;
    for (const auto& p : plain["partitions"]) not_ok += p["status"] != "OK" ? 1 : 0;
    REQUIRE(not_ok > 0);
    CHECK(st["partitions"].size() == not_ok);
    for (const auto& p : st["partitions"]) {
        CHECK(p["status"] != "OK");
        CHECK(p.contains("owner"));
        CHECK(p.contains("client_id"));
        for (const char* edge : {"start", "end"}) {
            if (p[edge].is_null()) continue;
            CHECK(p[edge].contains("offset"));
            CHECK(p[edge].contains("timestamp"));
            CHECK(p[edge].contains("observedAt"));
            CHECK(p[edge].contains("lag"));
            CHECK_FALSE(p[edge].contains("order"));  // json:"-" in Burrow
        }
    }
    // /lag lists every partition.
    const Result l = run_kafkasim("lag-eval " + data("lag_caching_table.json") + " --http lag");
    REQUIRE(l.exit_code == 0);
    const auto jl = nlohmann::json::parse(l.out);
    CHECK(jl["request"]["url"] == "/v3/kafka/local/consumer/group/lag");
    CHECK(jl["status"]["partitions"].size() == plain["partitions"].size());
    const Result bad = run_kafkasim("lag-eval " + data("lag_warn.json") + " --http statuss", /*merge_stderr=*/true);
    CHECK(bad.exit_code == 2);
    CHECK(bad.out.find("--http: expected \"status\" or \"lag\", got \"statuss\"") != std::string::npos);
}
