// Files for the tests that read what kafkasim wrote: a whole file, a fresh
// folder under the build tree, and whether gnuplot is there to render plots.
#pragma once

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace ks::test {

// The whole file; fails the test when it cannot be opened.
inline std::string slurp(const std::filesystem::path& p) {
    std::ifstream f(p, std::ios::binary);
    REQUIRE_MESSAGE(f.good(), p.string());
    std::ostringstream s;
    s << f.rdbuf();
    return s.str();
}

// KS_BINARY_DIR/<folder>/<name>, removed if it was there (not created).
inline std::filesystem::path fresh_dir(const std::string& folder, const std::string& name) {
    const std::filesystem::path d = std::filesystem::path(KS_BINARY_DIR) / folder / name;
    std::filesystem::remove_all(d);
    return d;
}

inline bool have_gnuplot() {
    return std::system("command -v gnuplot >/dev/null 2>&1") == 0;
}

}  // namespace ks::test
