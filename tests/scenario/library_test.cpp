// Every scenario file shipped in scenarios/ (labs included) must load and
// validate: `kafkasim check` accepts them all.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "kafkasim/scenario.hpp"

TEST_CASE("scenario library: every file under scenarios/ loads without error") {
    namespace fs = std::filesystem;
    std::vector<fs::path> files;
    for (const auto& e : fs::recursive_directory_iterator(fs::path(KS_SOURCE_DIR) / "scenarios")) {
        if (e.is_regular_file() && e.path().extension() == ".json") files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    REQUIRE(files.size() >= 2);
    for (const auto& f : files) {
        INFO(f.string());
        CHECK_NOTHROW(ks::scenario::load_file(f.string()));
    }
}
