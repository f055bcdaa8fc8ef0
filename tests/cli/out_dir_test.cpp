// An --out folder that cannot be written, run as a user would: `run`,
// `compare` and `merge` exit 2 (bad input, not "a bug in kafkasim") with the
// path and the OS's reason, before running anything, and leave nothing behind.
#include <doctest/doctest.h>

#include "support/run_command.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace fs = std::filesystem;

namespace {

using Ran = ks::test::KafkasimRun;

const fs::path kBase = fs::path(KS_BINARY_DIR) / "out_dir_test";

Ran kafkasim(const std::string& args) {
    return ks::test::run_kafkasim(args, (kBase / "stderr.txt").string());
}

// A folder under a regular file: the OS says "Not a directory".
fs::path under_a_file() {
    fs::remove_all(kBase);
    fs::create_directories(kBase);
    std::ofstream(kBase / "a-file") << "x";
    return kBase / "a-file" / "report";
}

void check_refused(const Ran& r, const std::string& command, const fs::path& out, const std::string& reason) {
    INFO(r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());  // nothing ran
    CHECK(r.err.rfind("kafkasim " + command + ": cannot create the folder " + out.string() + ".partial (for " +
                          out.string() + "): " + reason + "\n",
                      0) == 0);
    CHECK(r.err.find("internal error") == std::string::npos);
}

const std::string kTiny = "tests/cli/data/compare_tiny.json";

}  // namespace

TEST_CASE("cli --out: run into a folder under a file exits 2 with the path and the OS's reason") {
    const fs::path out = under_a_file();
    check_refused(kafkasim("run " + kTiny + " --out " + out.string()), "run", out, "Not a directory");
    check_refused(kafkasim("run " + kTiny + " --trace --out " + out.string()), "run", out, "Not a directory");
    check_refused(kafkasim("run " + kTiny + " -q --out /proc/kafkasim-nope"), "run", "/proc/kafkasim-nope",
                  "No such file or directory");
    CHECK_FALSE(fs::exists("/proc/kafkasim-nope.partial"));
    CHECK(fs::is_regular_file(kBase / "a-file"));
}

TEST_CASE("cli --out: compare and merge refuse an unwritable folder the same way") {
    const fs::path out = under_a_file();
    check_refused(kafkasim("compare " + kTiny + " --seeds 1 --jobs 1 --out " + out.string()), "compare", out,
                  "Not a directory");
    check_refused(kafkasim("compare " + kTiny + " --seeds 1 --jobs 1 --out /proc/kafkasim-nope"), "compare",
                  "/proc/kafkasim-nope", "No such file or directory");

    const fs::path whole = kBase / "whole";
    const auto made = kafkasim("compare " + kTiny + " --seeds 1 --jobs 1 -q --out " + whole.string());
    REQUIRE_MESSAGE(made.exit_code == 0, made.err);
    check_refused(kafkasim("merge " + (whole / "compare.json").string() + " --out " + out.string()), "merge", out,
                  "Not a directory");
}

TEST_CASE("cli --out: a good folder is written whole, the trace inside it, with no .partial left beside it") {
    fs::remove_all(kBase);
    fs::create_directories(kBase);
    const fs::path out = kBase / "deeper" / "run";
    const auto r = kafkasim("run " + kTiny + " -q --trace --out " + out.string() + "/");
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    for (const char* f : {"summary.json", "timeseries.csv", "timeline.txt", "index.html", "trace.jsonl"}) {
        CHECK_MESSAGE(fs::exists(out / f), f);
    }
    std::size_t entries = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(kBase / "deeper")) ++entries;
    CHECK(entries == 1);  // no run.partial, no run.trace.partial
}

TEST_CASE("cli --out: a folder that is not a kafkasim report is not replaced, and the run does not start") {
    fs::remove_all(kBase);
    fs::create_directories(kBase / "mine");
    std::ofstream(kBase / "mine" / "notes.txt") << "keep me";
    const auto r = kafkasim("run " + kTiny + " --out " + (kBase / "mine").string());
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(r.err.find("it exists and is not a kafkasim report") != std::string::npos);
    CHECK(fs::exists(kBase / "mine" / "notes.txt"));
    // A report folder is replaced by the next run, as before.
    const auto first = kafkasim("run " + kTiny + " -q --out " + (kBase / "run").string());
    REQUIRE_MESSAGE(first.exit_code == 0, first.err);
    const auto again = kafkasim("run " + kTiny + " -q --out " + (kBase / "run").string());
    CHECK_MESSAGE(again.exit_code == 0, again.err);
}
