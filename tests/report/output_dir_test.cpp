// OutputDir: a report folder appears whole or not at all, and a folder the OS
// refuses is bad input (ks::InputError naming the path and the OS's reason).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "kafkasim/errors.hpp"
#include "report/output_dir.hpp"
#include "support/files.hpp"

namespace fs = std::filesystem;
using ks::report::OutputDir;

using ks::test::slurp;

namespace {

fs::path fresh(const std::string& name) {
    const fs::path d = fs::path(KS_BINARY_DIR) / "test_output_dir" / name;
    fs::remove_all(d);
    fs::create_directories(d);
    return d;
}

// The message of the InputError `f` throws; fails the test if it throws nothing or something else.
template <typename F>
std::string input_error_of(F&& f) {
    try {
        f();
    } catch (const ks::InputError& e) {
        return e.what();
    }
    FAIL("expected ks::InputError");
    return {};
}

}  // namespace

TEST_CASE("output dir: files appear under the target only at commit, replacing what was there") {
    const fs::path base = fresh("commit");
    const fs::path target = base / "run";
    fs::create_directories(target / "plots");
    ks::report::write_file(target / "summary.json", "old");  // an older report
    ks::report::write_file(target / "plots" / "old.svg", "old");
    {
        OutputDir out(target);
        CHECK(out.staging() == fs::path(target.string() + ".partial"));
        CHECK(fs::is_directory(out.staging()));
        ks::report::write_file(out.staging() / "summary.json", "{}\n");
        CHECK(slurp(target / "summary.json") == "old");  // untouched until commit
        out.commit();
    }
    CHECK(slurp(target / "summary.json") == "{}\n");
    CHECK_FALSE(fs::exists(target / "plots"));
    CHECK_FALSE(fs::exists(target.string() + ".partial"));
}

TEST_CASE("output dir: a failure before commit leaves nothing half-written, and the old folder as it was") {
    const fs::path base = fresh("abandon");
    const fs::path target = base / "run";
    fs::create_directories(target);
    ks::report::write_file(target / "summary.json", "old");
    try {
        OutputDir out(target);
        ks::report::write_file(out.staging() / "summary.json", "half");
        throw ks::InputError("the writing failed");
    } catch (const ks::InputError&) {
    }
    CHECK_FALSE(fs::exists(target.string() + ".partial"));
    CHECK(slurp(target / "summary.json") == "old");

    // A .partial left by an interrupted run is replaced, not mixed in.
    fs::create_directories(base / "fresh.partial");
    ks::report::write_file(base / "fresh.partial" / "stale.txt", "stale");
    OutputDir out(base / "fresh");
    CHECK(fs::is_empty(out.staging()));
}

TEST_CASE("output dir: a parent that is a file is bad input naming the path and the OS's reason") {
    const fs::path base = fresh("not_a_dir");
    ks::report::write_file(base / "file", "x");
    const std::string msg = input_error_of([&] { OutputDir out(base / "file" / "run"); });
    CHECK(msg == "cannot create the folder " + (base / "file" / "run.partial").string() + " (for " +
                     (base / "file" / "run").string() + "): Not a directory");
    CHECK(slurp(base / "file") == "x");
}

TEST_CASE("output dir: /proc refuses a folder; /, . and .. are not report folders; a trailing / is ignored") {
    const std::string proc = input_error_of([] { OutputDir out("/proc/kafkasim-nope"); });
    CHECK(proc.find("/proc/kafkasim-nope.partial") != std::string::npos);
    CHECK(proc.find("No such file or directory") != std::string::npos);
    CHECK_FALSE(fs::exists("/proc/kafkasim-nope.partial"));
    for (const char* bad : {"/", ".", "..", "a/.."}) {
        INFO(bad);
        CHECK(input_error_of([&] { OutputDir out(bad); }).find("expected a folder name") != std::string::npos);
    }
    const fs::path base = fresh("slash");
    OutputDir out((base / "run").string() + "/");
    CHECK(out.target() == base / "run");
    CHECK(out.staging() == fs::path((base / "run").string() + ".partial"));
}

TEST_CASE("output dir: write_file reports the OS's reason, e.g. a full disk") {
    if (!fs::exists("/dev/full")) {
        MESSAGE("no /dev/full: skipping the full-disk case");
        return;
    }
    const std::string msg = input_error_of([] { ks::report::write_file("/dev/full", std::string(1 << 16, 'x')); });
    CHECK(msg == "cannot write /dev/full: No space left on device");
    const std::string nodir = input_error_of([] { ks::report::write_file("/nonexistent-kafkasim/x", "x"); });
    CHECK(nodir == "cannot write /nonexistent-kafkasim/x: No such file or directory");
}

TEST_CASE("output dir: only a kafkasim output folder, an empty folder or a link is replaced; anything else is kept") {
    const fs::path base = fresh("replace");
    fs::create_directories(base / "notes");
    ks::report::write_file(base / "notes" / "todo.txt", "mine");
    const std::string msg = input_error_of([&] { OutputDir out(base / "notes"); });
    CHECK(msg == "cannot write the report folder " + (base / "notes").string() +
                     ": it exists and is not a kafkasim report (no summary.json, compare.json or compare-shard.json "
                     "in it); not replacing it: remove it or choose another folder");
    CHECK(slurp(base / "notes" / "todo.txt") == "mine");
    CHECK_FALSE(fs::exists(base / "notes.partial"));

    ks::report::write_file(base / "file.txt", "mine");
    CHECK(input_error_of([&] {
              OutputDir out(base / "file.txt");
          }).find("it exists and is not a folder; not replacing it") != std::string::npos);
    CHECK(slurp(base / "file.txt") == "mine");

    for (const char* marker : {"summary.json", "compare.json", "compare-shard.json"}) {
        INFO(marker);
        const fs::path old = base / (std::string("old-") + marker);
        fs::create_directories(old);
        ks::report::write_file(old / marker, "{}");
        OutputDir out(old);
        out.commit();
        CHECK(fs::is_empty(old));
    }
    fs::create_directories(base / "empty");
    OutputDir empty(base / "empty");
    empty.commit();

    fs::create_symlink(base / "notes", base / "link");
    OutputDir link(base / "link");
    link.commit();
    CHECK(fs::is_directory(fs::symlink_status(base / "link")));  // the link is replaced by the report folder
    CHECK(slurp(base / "notes" / "todo.txt") == "mine");         // and what it pointed to is kept
}
