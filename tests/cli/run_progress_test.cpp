// The progress line of a long `kafkasim run`: when it shows, how often, what
// it says, and that it leaves a clean line behind.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "cli/run_progress.hpp"
#include "support/run_command.hpp"

using ks::RunProgress;
using ks::s;
using ks::cli::progress_text;
using ks::cli::RunProgressLine;

namespace {

RunProgress at(std::int64_t simulated_s, bool settling = false) {
    return RunProgress{.simulated = ks::ms(simulated_s * 1000), .duration = s(120), .settling = settling};
}

}  // namespace

TEST_CASE("run progress: simulated time of duration_s, then the settle") {
    CHECK(progress_text(at(45)) == "kafkasim run: simulated 45 s of 120 s (38 %)");
    CHECK(progress_text(at(120)) == "kafkasim run: simulated 120 s of 120 s (100 %)");
    CHECK(progress_text({.simulated = ks::ms(124'500), .duration = s(120), .settling = true}) ==
          "kafkasim run: simulated 120 s of 120 s, settling (+4.5 s)");
}

TEST_CASE("run progress: nothing in the first 2 s, then in place at most 4 times a second, erased at the end") {
    std::ostringstream out;
    {
        RunProgressLine line(out, {.enabled = true});
        line.update(at(10), 0.5);
        line.update(at(30), 1.9);
        CHECK(out.str().empty());  // a short run shows nothing
        line.update(at(40), 2.0);
        CHECK(out.str() == "\rkafkasim run: simulated 40 s of 120 s (33 %)");
        line.update(at(41), 2.1);
        line.update(at(42), 2.24);
        CHECK(out.str() == "\rkafkasim run: simulated 40 s of 120 s (33 %)");  // too soon
        line.update(at(43), 2.25);
        CHECK(out.str() ==
              "\rkafkasim run: simulated 40 s of 120 s (33 %)\rkafkasim run: simulated 43 s of 120 s (36 %)");
        out.str("");
        line.update({.simulated = ks::ms(121'000), .duration = s(120), .settling = true}, 3.0);
        line.update(at(9), 3.5);  // a shorter text blanks the end of the longer one
        const std::string longer = "kafkasim run: simulated 120 s of 120 s, settling (+1.0 s)";
        const std::string shorter = "kafkasim run: simulated 9 s of 120 s (8 %)";
        CHECK(out.str() == "\r" + longer + "\r" + shorter + std::string(longer.size() - shorter.size(), ' '));
        out.str("");
        line.finish();
        CHECK(out.str() == "\r" + std::string(shorter.size(), ' ') + "\r");
        out.str("");
        line.finish();
    }
    CHECK(out.str().empty());  // erased once; the destructor has nothing left to erase
}

TEST_CASE("run progress: disabled (--quiet, or stderr not a terminal) writes nothing, ever") {
    std::ostringstream out;
    {
        RunProgressLine line(out, {.enabled = false});
        for (int i = 0; i < 100; ++i) line.update(at(i), 2.0 + i);
        line.finish();
    }
    CHECK(out.str().empty());
}

TEST_CASE("run progress: an exception unwinding the run erases the line") {
    std::ostringstream out;
    try {
        RunProgressLine line(out, {.enabled = true});
        line.update(at(40), 5.0);
        throw std::runtime_error("an invariant broke");
    } catch (const std::runtime_error&) {
    }
    const std::string shown = "\rkafkasim run: simulated 40 s of 120 s (33 %)";
    CHECK(out.str() == shown + "\r" + std::string(shown.size() - 1, ' ') + "\r");
}

TEST_CASE("cli run: a long run shows progress on a terminal; not with stderr in a file, nor with --quiet") {
    if (std::system("command -v script >/dev/null 2>&1") != 0) {
        MESSAGE("script (util-linux) is not installed: skipping the terminal case");
        return;
    }
    namespace fs = std::filesystem;
    const fs::path dir = fs::path(KS_BINARY_DIR) / "run_progress_test";
    fs::remove_all(dir);
    fs::create_directories(dir);
    // A run of several wall seconds; on a machine fast enough to finish it
    // within 2 s no progress is due, and only the absence is checked.
    const std::string run = std::string("'") + KS_KAFKASIM_EXE +
                            "' run scenarios/default.json --set duration_s=300 --out '" + (dir / "run").string() + "'";
    // script(1) runs the command on a pseudo-terminal and copies what it shows to its stdout.
    const auto on_terminal = [&](const std::string& command) {
        return "cd '" + std::string(KS_SOURCE_DIR) + "' && script -qec \"" + command + "\" /dev/null";
    };

    const auto started = std::chrono::steady_clock::now();
    const auto shown = ks::test::run_shell(on_terminal(run + " >/dev/null"));
    const double took_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    CHECK(shown.exit_code == 0);
    if (took_s > 3.0) {
        CHECK(shown.out.find("\rkafkasim run: simulated ") != std::string::npos);
        CHECK(shown.out.find(" of 300 s (") != std::string::npos);
        CHECK(shown.out.find("                    \r") != std::string::npos);  // erased at the end
    } else {
        MESSAGE("the run took " << took_s << " s: too fast to be due any progress");
    }

    const auto to_file = ks::test::run_shell(on_terminal(run + " >/dev/null 2>'" + (dir / "err.txt").string() + "'"));
    CHECK(to_file.exit_code == 0);
    std::ostringstream err;
    err << std::ifstream(dir / "err.txt").rdbuf();
    CHECK(err.str().find('\r') == std::string::npos);
    CHECK(err.str().find("simulated") == std::string::npos);

    const auto quiet = ks::test::run_shell(on_terminal(run + " --quiet"));
    CHECK(quiet.exit_code == 0);
    CHECK(quiet.out.find("simulated") == std::string::npos);
    CHECK(quiet.out.find("trace_hash") != std::string::npos);
}
