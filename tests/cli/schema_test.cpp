// `kafkasim schema` run as a user would: the JSON Schema on stdout or in a
// file, the Markdown tables, --update-doc, and exit 2 on bad usage.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "support/files.hpp"
#include "support/run_command.hpp"

namespace {

ks::test::KafkasimRun run_schema(const std::string& args) {
    return ks::test::run_kafkasim("schema " + args, std::string(KS_BINARY_DIR) + "/schema_test.stderr");
}

}  // namespace

TEST_CASE("cli schema: prints the draft 2020-12 JSON Schema, the checked-in docs/scenario.schema.json") {
    const auto r = run_schema("");
    CHECK(r.exit_code == 0);
    CHECK(r.err.empty());
    const auto schema = nlohmann::json::parse(r.out);
    CHECK(schema["$schema"] == "https://json-schema.org/draft/2020-12/schema");
    CHECK(schema["type"] == "object");
    CHECK(r.out == ks::test::slurp(std::string(KS_SOURCE_DIR) + "/docs/scenario.schema.json"));
}

TEST_CASE("cli schema: --out writes the file and prints nothing") {
    const std::string out = std::string(KS_BINARY_DIR) + "/schema_test.out.json";
    std::filesystem::remove(out);
    const auto r = run_schema("--out '" + out + "'");
    CHECK(r.exit_code == 0);
    CHECK(r.out.empty());
    CHECK(ks::test::slurp(out) == run_schema("").out);
    const auto bad = run_schema("--out /nonexistent-dir/x.json");
    CHECK(bad.exit_code == 2);
    CHECK(bad.err == "kafkasim schema: /nonexistent-dir/x.json: cannot write the file (No such file or directory)\n");
}

TEST_CASE("cli schema: --markdown prints the field tables between their markers") {
    const auto r = run_schema("--markdown");
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("<!-- kafkasim schema: top-level -->\n| Key | Type | Default | Unit | Description |\n") == 0);
    CHECK(r.out.find("<!-- kafkasim schema: faults[action=crash] -->") != std::string::npos);
    CHECK(r.out.find("<!-- kafkasim schema: dist variants -->") != std::string::npos);
}

TEST_CASE("cli schema: --update-doc rewrites stale tables in place, then finds them up to date") {
    const std::string doc = std::string(KS_BINARY_DIR) + "/schema_test.md";
    std::ofstream(doc) << "# Doc\n<!-- kafkasim schema: burrow -->\nstale\n<!-- /kafkasim schema -->\nafter\n";
    auto r = run_schema("--update-doc '" + doc + "'");
    CHECK(r.exit_code == 0);
    CHECK(r.out == doc + ": 1 generated tables, updated\n");
    const std::string text = ks::test::slurp(doc);
    CHECK(text.find("stale") == std::string::npos);
    CHECK(text.find("| `offset_refresh_s` |") != std::string::npos);
    CHECK(text.substr(text.size() - 6) == "after\n");
    r = run_schema("--update-doc '" + doc + "'");
    CHECK(r.out == doc + ": 1 generated tables, up to date\n");
    std::ofstream(doc) << "<!-- kafkasim schema: nope -->\n<!-- /kafkasim schema -->\n";
    r = run_schema("--update-doc '" + doc + "'");
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("kafkasim schema: " + doc + ":1: no table \"nope\" in the scenario format") == 0);
}

TEST_CASE("cli schema: the checked-in doc is up to date") {
    const auto r = run_schema("--markdown");
    const std::string doc = ks::test::slurp(std::string(KS_SOURCE_DIR) + "/docs/scenario-format.md");
    // Each block of --markdown that the doc holds is in it verbatim.
    std::size_t at = 0, found = 0;
    while ((at = r.out.find("<!-- kafkasim schema: ", at)) != std::string::npos) {
        const std::size_t end = r.out.find("<!-- /kafkasim schema -->", at);
        const std::string block = r.out.substr(at, end - at);
        const std::string marker = block.substr(0, block.find('\n'));
        if (doc.find(marker) != std::string::npos) {
            CAPTURE(marker);
            CHECK(doc.find(block) != std::string::npos);
            ++found;
        }
        at = end;
    }
    CHECK(found > 20);
}

TEST_CASE("cli schema: bad usage exits 2 with the usage; --help exits 0") {
    auto r = run_schema("--bogus");
    CHECK(r.exit_code == 2);
    CHECK(r.err ==
          "kafkasim schema: unrecognised option '--bogus' (usage: kafkasim schema [--markdown] [--out FILE] | "
          "kafkasim schema --update-doc FILE)\n");
    r = run_schema("extra");
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("kafkasim schema: too many positional options") == 0);
    r = run_schema("--update-doc x.md --markdown");
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("--update-doc goes alone") != std::string::npos);
    r = run_schema("--help");
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("usage: kafkasim schema [--markdown] [--out FILE]") == 0);
    const auto help = ks::test::run_kafkasim("--help", std::string(KS_BINARY_DIR) + "/schema_test.stderr");
    CHECK(help.out.find("  schema [--markdown] [--out FILE]") != std::string::npos);
}

TEST_CASE("cli check: a scenario with a \"$schema\" key is OK") {
    const auto r = ks::test::run_kafkasim("check tests/scenario/good/with_schema_key.json",
                                          std::string(KS_BINARY_DIR) + "/schema_test.stderr");
    CHECK(r.exit_code == 0);
    CHECK(r.err.empty());
    CHECK(r.out.find("OK tests/scenario/good/with_schema_key.json: with-schema-key:") == 0);
}
