// Runs a shell command for the CLI tests: its stdout and exit code; and
// kafkasim itself, with its stderr too.
#pragma once

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include <doctest/doctest.h>

namespace ks::test {

struct ShellResult {
    int exit_code = -1;
    std::string out;
};

inline ShellResult run_shell(const std::string& cmd) {
    ShellResult r;
    FILE* pipe = popen(cmd.c_str(), "r");
    REQUIRE(pipe != nullptr);
    std::array<char, 4096> buf{};
    std::size_t n = 0;
    while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) r.out.append(buf.data(), n);
    const int status = pclose(pipe);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

// kafkasim `args`, run from the source tree: exit code, stdout, and stderr
// (through the file `err_path`).
struct KafkasimRun {
    int exit_code = -1;
    std::string out;  // stdout
    std::string err;  // stderr
};

inline KafkasimRun run_kafkasim(const std::string& args, const std::string& err_path) {
    const std::string cmd =
        std::string("cd '") + KS_SOURCE_DIR + "' && '" + KS_KAFKASIM_EXE + "' " + args + " 2>'" + err_path + "'";
    const ShellResult sh = run_shell(cmd);
    KafkasimRun r;
    r.out = sh.out;
    r.exit_code = sh.exit_code;
    std::ostringstream err;
    err << std::ifstream(err_path).rdbuf();
    r.err = err.str();
    return r;
}

}  // namespace ks::test
