// `kafkasim schema`'s JSON Schema and the field tables of
// docs/scenario-format.md, both rendered from the format table: the schema is
// a draft 2020-12 schema every scenario file satisfies and bad files fail; the
// checked-in docs are the current rendering.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "format_support.hpp"
#include "scenario/kafka_versions.hpp"
#include "scenario/overrides.hpp"
#include "scenario/resolve.hpp"
#include "support/files.hpp"
#include "support/json_schema.hpp"

namespace {

using ks::test::emitted_schema;
using ks::test::json;
namespace format = ks::scenario::format;

std::vector<std::string> json_files(const std::string& dir) {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(std::string(KS_SOURCE_DIR) + "/" + dir))
        if (e.path().extension() == ".json") out.push_back(dir + "/" + e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
}

// A scenario file as the loader parses it (comments stripped).
json parse_file(const std::string& rel) {
    return ks::scenario::parse_scenario_json(ks::test::slurp(std::string(KS_SOURCE_DIR) + "/" + rel), rel);
}

void collect_refs(const json& s, std::vector<std::string>& out) {
    if (s.is_object()) {
        if (s.contains("$ref")) out.push_back(s["$ref"]);
        for (const auto& [key, value] : s.items()) collect_refs(value, out);
    } else if (s.is_array()) {
        for (const auto& v : s) collect_refs(v, out);
    }
}

}  // namespace

TEST_CASE("schema: a draft 2020-12 JSON Schema of the scenario format") {
    const json s = json::parse(ks::scenario::scenario_schema().dump());
    CHECK(s["$schema"] == "https://json-schema.org/draft/2020-12/schema");
    CHECK(s["$id"] == "https://kafkasim.invalid/scenario.schema.json");
    CHECK(s["title"] == "kafkasim scenario");
    CHECK(s["description"].get<std::string>().find("// and /* */ comments") != std::string::npos);
    CHECK(s["type"] == "object");
    CHECK(s["additionalProperties"] == false);
    CHECK(s["required"] == json::array({"name"}));
    for (const char* key : {"name", "cluster", "topics", "producers", "consumer_groups", "faults", "chaos", "burrow",
                            "compare", "expect", "$schema"})
        CHECK(s["properties"].contains(key));
    CHECK(ks::test::JsonSchema(s).unknown_keywords().empty());
    std::vector<std::string> refs;
    collect_refs(s, refs);
    CHECK(refs.size() > 50);
    for (const std::string& ref : refs) {
        CAPTURE(ref);
        REQUIRE(ref.rfind("#/$defs/", 0) == 0);
        CHECK(s["$defs"].contains(ref.substr(8)));
    }
    // What an editor shows: units, defaults, enumerations.
    const json& disk = s["$defs"]["cluster.disk"]["properties"];
    CHECK(disk["dirty_expire_ms"]["default"] == 30000);
    CHECK(disk["dirty_expire_ms"]["description"].get<std::string>().find("Unit: ms.") != std::string::npos);
    CHECK(disk["throughput_mbps"]["deprecated"] == true);
    CHECK(s["$defs"]["cluster"]["properties"]["controller"]["enum"] == json::array({"kraft", "zookeeper"}));
    const json& acks = s["$defs"]["config.producer"]["properties"]["acks"];
    CHECK(acks["default"] == "all");
    CHECK(acks["enum"] == json::array({"0", "1", "all", "-1", 0, 1, -1}));
    CHECK(s["$defs"]["config.broker"]["additionalProperties"] == false);
}

TEST_CASE("schema: every scenario, lab and good test file loads and validates against it") {
    std::vector<std::string> files;
    for (const char* dir : {"scenarios", "scenarios/labs", "scenarios/reference-reports", "tests/scenario/good"})
        for (const std::string& f : json_files(dir)) files.push_back(f);
    CHECK(files.size() > 25);
    for (const std::string& f : files) {
        CAPTURE(f);
        CHECK_NOTHROW(ks::scenario::load_file(std::string(KS_SOURCE_DIR) + "/" + f));
        const auto errors = emitted_schema().errors(parse_file(f));
        CHECK(errors.empty());
        if (!errors.empty()) MESSAGE(errors.front());
    }
}

TEST_CASE("schema: bad files that a schema can judge fail both the loader and the schema") {
    // The type, range, key and enumeration errors of tests/scenario/bad;
    // the others need the whole file (references, combinations) and only
    // the loader refuses them.
    const char* const schema_judges[] = {
        "not_object",
        "missing_name",
        "bad_name",
        "unknown_top_key",
        "negative_duration",
        "bad_sample_interval",
        "negative_settle",
        "negative_seed",
        "brokers_zero",
        "brokers_type",
        "duplicate_rack",
        "bad_rack_name",
        "bad_controller",
        "unknown_cluster_key",
        "unknown_feature",
        "feature_level",
        "lognormal_median",
        "dist_kind",
        "dist_param",
        "dist_missing",
        "negative_constant",
        "bandwidth_zero",
        "negative_dirty_expire",
        "broker_config_type",
        "broker_config_bool",
        "broker_config_typo",
        "broker_config_topic_key",
        "ibp_version",
        "min_isr_zero",
        "topics_type",
        "topic_bad_name",
        "topic_missing_name",
        "partitions_zero",
        "topic_config_enum",
        "topic_config_producer_key",
        "producer_acks",
        "fault_action",
        "fault_key_for_action",
        "fault_missing_action",
        "fault_negative_time",
        "fault_for_zero",
        "chaos_action",
        "chaos_interval",
        "compare_seeds",
        "keys_kind",
        "arrival_kind",
        "group_offset_reset",
        "group_negative_members",
        "kafka_version_unknown",
        "expect_empty",
        "disk_slow_factor",
        "link_loss",
        "negative_rate",
        "compare_empty_values",
    };
    for (const char* name : schema_judges) {
        const std::string rel = std::string("tests/scenario/bad/") + name + ".json";
        CAPTURE(rel);
        REQUIRE(std::filesystem::exists(std::string(KS_SOURCE_DIR) + "/" + rel));
        CHECK_THROWS_AS(ks::scenario::load_file(std::string(KS_SOURCE_DIR) + "/" + rel), ks::InputError);
        CHECK_FALSE(emitted_schema().valid(parse_file(rel)));
    }
    int schema_too = 0, loader_only = 0;
    for (const std::string& f : json_files("tests/scenario/bad")) {
        if (f.find("syntax_error") != std::string::npos) continue;
        CHECK_THROWS_AS(ks::scenario::load_file(std::string(KS_SOURCE_DIR) + "/" + f), ks::InputError);
        (emitted_schema().valid(parse_file(f)) ? loader_only : schema_too) += 1;
    }
    MESSAGE("bad files: " << schema_too << " refused by the schema too, " << loader_only << " by the loader only");
}

TEST_CASE("schema: the release patterns accept the releases the loader accepts") {
    const json s = json::parse(ks::scenario::scenario_schema().dump());
    const std::regex kafka(s["$defs"]["cluster"]["properties"]["kafka_version"]["pattern"].get<std::string>());
    const std::regex client(s["$defs"]["producers"]["properties"]["client_version"]["pattern"].get<std::string>());
    const std::regex ibp(
        s["$defs"]["config.broker"]["properties"]["inter.broker.protocol.version"]["pattern"].get<std::string>());
    int accepted = 0;
    for (int major = 0; major <= 5; ++major)
        for (int minor = 0; minor <= 12; ++minor)
            for (const std::string& suffix :
                 {std::string(), std::string(".0"), std::string(".12"), std::string("-IV1")}) {
                const std::string text = std::to_string(major) + "." + std::to_string(minor) + suffix;
                const auto v = ks::scenario::parse_kafka_version(text);
                CAPTURE(text);
                CHECK(std::regex_search(text, ibp) == v.has_value());
                if (suffix == "-IV1") continue;
                CHECK(std::regex_search(text, kafka) == (v && *v >= ks::scenario::kOldestKafkaVersion));
                CHECK(std::regex_search(text, client) == (v && *v >= ks::scenario::kOldestClientVersion));
                accepted += v.has_value();
            }
    CHECK(accepted > 30);
}

TEST_CASE("schema: a \"$schema\" key is accepted and changes nothing") {
    json with = ks::test::rich_doc();
    json without = with;
    without.erase("$schema");
    CHECK(ks::test::load_fingerprint(with) == ks::test::load_fingerprint(without));
    with["$schema"] = 5;  // a string, like any other key of its type
    CHECK(ks::test::loader_error(with) == "t.json: /$schema: expected a string, got 5");
    CHECK_FALSE(emitted_schema().valid(with));
}

TEST_CASE("docs: scenario-format.md's field tables are the format table's") {
    const std::string path = std::string(KS_SOURCE_DIR) + "/docs/scenario-format.md";
    const std::string doc = ks::test::slurp(path);
    // Out of date: run `kafkasim schema --update-doc docs/scenario-format.md`.
    CHECK(ks::scenario::update_markdown(doc, "docs/scenario-format.md") == doc);
    const auto marked = ks::scenario::marked_blocks(doc);
    const std::set<std::string> blocks(marked.begin(), marked.end());
    CHECK(blocks.size() == marked.size());  // each table once
    for (const format::Object& o : format::objects()) {
        const std::string base = o.variant_of.empty() ? o.name : o.variant_of;
        const bool own = blocks.count(o.name.empty() ? "top-level" : o.name) == 1;
        const bool in_variants =
            (!o.variant_of.empty() || !o.discriminator.empty()) && blocks.count(base + " variants");
        CAPTURE(o.name);
        CHECK((own || in_variants));
    }
}

TEST_CASE("docs: docs/scenario.schema.json is kafkasim schema's output") {
    // Out of date: run `kafkasim schema --out docs/scenario.schema.json`.
    CHECK(ks::test::slurp(std::string(KS_SOURCE_DIR) + "/docs/scenario.schema.json") ==
          ks::scenario::scenario_schema().dump(2) + "\n");
}

TEST_CASE("schema markdown: a stale block is rewritten, the text around it kept; a bad block is an error") {
    const std::string doc =
        "# T\n\nprose\n<!-- kafkasim schema: cluster.network -->\nold\n<!-- /kafkasim schema -->\nend\n";
    const std::string updated = ks::scenario::update_markdown(doc, "t.md");
    CHECK(updated == "# T\n\nprose\n<!-- kafkasim schema: cluster.network -->\n" +
                         ks::scenario::markdown_block("cluster.network") + "<!-- /kafkasim schema -->\nend\n");
    CHECK(ks::scenario::update_markdown(updated, "t.md") == updated);
    CHECK(ks::scenario::markdown_block("cluster.network")
              .find("| `bandwidth_mbps` | number `> 0` | `10000` | Mbit/s |") != std::string::npos);
    CHECK_THROWS_WITH_AS(
        ks::scenario::update_markdown("<!-- kafkasim schema: nope -->\n<!-- /kafkasim schema -->\n", "t.md"),
        doctest::Contains("t.md:1: no table \"nope\""), ks::InputError);
    CHECK_THROWS_WITH_AS(ks::scenario::update_markdown("x\n<!-- kafkasim schema: chaos -->\n", "t.md"),
                         "t.md:2: block \"chaos\" has no end marker <!-- /kafkasim schema -->", ks::InputError);
    const std::string all = ks::scenario::markdown_blocks();
    CHECK(ks::scenario::marked_blocks(all) == ks::scenario::markdown_block_names());
    CHECK(ks::scenario::update_markdown(all, "all") == all);
}
