// The scenario format table (scenario/format.hpp) against the loader and the
// JSON Schema rendered from it: every key of every object accepts the values
// its row allows and rejects the others, in the loader and in the schema
// alike; the defaults it states are the loader's; the loader reads no key the
// table lacks.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <set>
#include <sstream>

#include <fmt/ranges.h>

#include "format_support.hpp"
#include "scenario/config_parse.hpp"
#include "scenario/kafka_configs.hpp"
#include "scenario/overrides.hpp"
#include "support/json_schema.hpp"

namespace {

using ks::test::emitted_schema;
using ks::test::host_docs;
using ks::test::Instance;
using ks::test::json;
using ks::test::loader_error;
namespace format = ks::scenario::format;

struct Found {
    json doc;
    std::string ptr;  // the object's instance
};

// The first instance of `object` in the host documents holding `key` (any
// instance when key is empty).
std::optional<Found> find_instance(const std::string& object, const std::string& key) {
    for (const json& doc : host_docs())
        for (const Instance& i : ks::test::instances(doc))
            if (i.object == object && (key.empty() || doc.at(json::json_pointer(i.ptr)).contains(key)))
                return Found{doc, i.ptr};
    return std::nullopt;
}

struct Sample {
    json value;
    bool valid;
};

void add_range_samples(const format::Type& t, std::vector<Sample>& out) {
    auto num = [&](double v) { return t.kind == format::Kind::integer ? json(static_cast<std::int64_t>(v)) : json(v); };
    if (std::isfinite(t.min)) {
        out.push_back({t.exclusive_min ? num(t.min + 1) : num(t.min), true});
        out.push_back({t.exclusive_min ? num(t.min) : num(t.min - 1), false});
    }
    if (std::isfinite(t.max)) {
        out.push_back({num(t.max), true});
        out.push_back({num(t.max + 1), false});
    }
    if (t.kind == format::Kind::integer) {
        out.push_back({1.5, false});
        out.push_back({"1", false});
    } else {
        out.push_back({"1", false});
    }
}

// Values of a key: the document's own, the edges of its range, and values of
// the wrong type or outside the range or the allowed values.
std::vector<Sample> samples(const format::Field& f, const json& current) {
    using format::Kind;
    const format::Type& t = f.type;
    std::vector<Sample> out = {{current, true}};
    switch (t.kind) {
        case Kind::integer:
        case Kind::number:
            add_range_samples(t, out);
            break;
        case Kind::boolean:
            out.push_back({!current.get<bool>(), true});
            out.push_back({"true", false});
            break;
        case Kind::string:
            out.push_back({5, false});
            break;
        case Kind::name:
            out.push_back({"a b", false});
            out.push_back({5, false});
            if (std::isfinite(t.max)) out.push_back({std::string(static_cast<std::size_t>(t.max) + 1, 'x'), false});
            break;
        case Kind::enumeration:
        case Kind::constant:
            out.push_back({"nope", false});
            out.push_back({5, false});
            break;
        case Kind::kafka_release:
        case Kind::client_release:
            out.push_back({"9.9", false});
            out.push_back({3.9, false});
            break;
        case Kind::dist:
            out.push_back({1, true});
            out.push_back({"x", false});
            out.push_back({{{"dist", "nope"}}, false});
            out.push_back({{{"dist", "constant"}}, false});
            out.push_back({{{"dist", "constant"}, {"value", 1}, {"mean", 1}}, false});
            break;
        case Kind::object:
            out.push_back({5, false});
            break;
        case Kind::kafka_config:
            out.push_back({5, false});
            out.push_back({{{"not.a.kafka.setting", 1}}, false});
            break;
        case Kind::array:
            out.push_back({5, false});
            if (t.min_items >= 1) out.push_back({json::array(), false});
            if (t.unique_items && !current.empty()) {
                json twice = current;
                twice.push_back(current.front());
                out.push_back({twice, false});
            }
            break;
        case Kind::map:
            out.push_back({json::array(), false});
            out.push_back({5, false});
            break;
        case Kind::one_of:
            out.push_back({"x", false});
            break;
        case Kind::any:
            break;
    }
    return out;
}

// Values the table allows that the loader refuses in the host document for a
// reason outside the key itself.
bool refused_by_context(const std::string& object, const std::string& key, const json& value) {
    // ELR needs Kafka 4.0+; the host document runs the default 3.9.
    return object == "cluster.features" && key == "eligible.leader.replicas.version" && value == 1;
}

// The schema accepts `doc` iff schema_valid, the loader iff loader_valid.
void check_verdicts(const json& doc, bool schema_valid, bool loader_valid, const std::string& what) {
    const std::string loader = loader_error(doc);
    const auto schema = emitted_schema().errors(doc);
    CAPTURE(what);
    CAPTURE(loader);
    CAPTURE(schema.empty() ? std::string() : schema.front());
    CHECK(schema.empty() == schema_valid);
    CHECK(loader.empty() == loader_valid);
}

// The loader and the schema agree on `doc`: both accept it or both refuse it.
void check_both(const json& doc, bool valid, const std::string& what) {
    check_verdicts(doc, valid, valid, what);
}

}  // namespace

TEST_CASE("format table: the test documents hold every object and key, and load") {
    for (const json& doc : host_docs()) {
        CHECK(loader_error(doc).empty());
        CHECK(emitted_schema().errors(doc).empty());
    }
    for (const format::Object& o : format::objects()) {
        CAPTURE(o.name);
        CHECK(find_instance(o.name, "").has_value());
        for (const format::Field& f : o.fields) {
            CAPTURE(f.key);
            CHECK(find_instance(o.name, f.key).has_value());
        }
    }
}

TEST_CASE("format table: each key takes the values its row allows, in the loader and the schema alike") {
    int cases = 0;
    for (const format::Object& o : format::objects()) {
        for (const format::Field& f : o.fields) {
            const auto found = find_instance(o.name, f.key);
            REQUIRE(found.has_value());
            const json::json_pointer where(found->ptr + "/" + ks::test::pointer_key(f.key));
            for (const Sample& s : samples(f, found->doc.at(where))) {
                json doc = found->doc;
                doc[where] = s.value;
                const bool loader_valid = s.valid && !refused_by_context(o.name, f.key, s.value);
                check_verdicts(doc, s.valid, loader_valid, fmt::format("{} {} = {}", o.name, f.key, s.value.dump()));
                ++cases;
            }
        }
    }
    MESSAGE(cases << " values checked");
}

TEST_CASE("format table: an unknown key in any object is refused by the loader and the schema") {
    for (const format::Object& o : format::objects()) {
        const auto found = find_instance(o.name, "");
        REQUIRE(found.has_value());
        json doc = found->doc;
        doc[json::json_pointer(found->ptr + "/no_such_key")] = 1;
        check_both(doc, false, o.name.empty() ? "top level" : o.name);
        CAPTURE(loader_error(doc));
        CHECK(loader_error(doc).find("/no_such_key: unknown ") != std::string::npos);
    }
}

TEST_CASE("format table: a key's default is what the loader uses when the key is absent") {
    std::vector<json> docs = host_docs();
    docs.push_back(json::parse(R"({"name": "bare"})"));
    docs.push_back(json::parse(R"({
      "name": "plain", "cluster": {"brokers": 1, "network": {}, "disk": {}, "request_cost": {}, "features": {}},
      "topics": [{"name": "t"}], "producers": [{"name": "p", "topic": "t"}],
      "consumer_groups": [{"group_id": "g", "topics": ["t"]}],
      "faults": [{"at_s": 0, "action": "rolling_restart"}, {"at_s": 0, "action": "rolling_upgrade", "kafka_version": "3.9"}],
      "chaos": {}, "burrow": {}, "compare": {}})"));
    std::set<std::string> checked;
    for (const json& host : docs) {
        for (const Instance& i : ks::test::instances(host)) {
            for (const format::Field& f : format::object_named(i.object).fields) {
                if (f.default_json.empty()) continue;
                const json::json_pointer where(i.ptr + "/" + ks::test::pointer_key(f.key));
                json absent = host, given = host;
                absent.at(json::json_pointer(i.ptr)).erase(f.key);
                // A deprecated alias of the key would conflict with it.
                for (const format::Field& alias : format::object_named(i.object).fields)
                    if (alias.deprecated) absent.at(json::json_pointer(i.ptr)).erase(alias.key);
                for (const format::Field& alias : format::object_named(i.object).fields)
                    if (alias.deprecated) given.at(json::json_pointer(i.ptr)).erase(alias.key);
                given[where] = json::parse(f.default_json);
                const std::string absent_error = loader_error(absent);
                CAPTURE(i.object);
                CAPTURE(f.key);
                CHECK(absent_error == loader_error(given));
                if (!absent_error.empty()) continue;
                CHECK(ks::test::load_fingerprint(absent) == ks::test::load_fingerprint(given));
                checked.insert(i.object + " " + f.key);
            }
        }
    }
    for (const format::Object& o : format::objects())
        for (const format::Field& f : o.fields) {
            CAPTURE(o.name);
            CAPTURE(f.key);
            if (!f.default_json.empty()) CHECK(checked.count(o.name + " " + f.key) == 1);
        }
}

TEST_CASE("format table: the loader reads no key the table lacks") {
    // Every key the loader's sources name in get/req/allows is allowed in
    // some object of the table (Obj takes its keys from the table, and
    // asserts on an undeclared one).
    std::set<std::string> table_keys;
    for (const format::Object& o : format::objects())
        for (const std::string& k : format::allowed_keys(o.name)) table_keys.insert(k);
    const std::regex read(R"re(\.(get|req|allows)\("([^"]+)"\))re");
    const std::regex declared(R"(\bObj\s+\w+\s*[({])");  // an object's keys declared outside the table
    int reads = 0;
    for (const auto& entry : std::filesystem::directory_iterator(std::string(KS_SOURCE_DIR) + "/sim/scenario")) {
        const std::string file = entry.path().filename().string();
        if (file.rfind("load", 0) != 0 && file != "json_reader.cpp") continue;
        std::ifstream in(entry.path());
        std::stringstream text;
        text << in.rdbuf();
        const std::string src = text.str();
        CAPTURE(file);
        if (file != "json_reader.cpp") CHECK_FALSE(std::regex_search(src, declared));
        for (std::sregex_iterator it(src.begin(), src.end(), read), end; it != end; ++it) {
            CHECK(table_keys.count((*it)[2].str()) == 1);
            ++reads;
        }
    }
    CHECK(reads > 80);
}

TEST_CASE("format table: the enumerations and features the loader takes from it") {
    CHECK(format::enum_values("faults[]", "action").size() == 15);
    for (const std::string& a : format::enum_values("faults[]", "action"))
        CHECK(format::find_object("faults[action=" + a + "]") != nullptr);
    for (const std::string& a : format::enum_values("chaos", "actions"))
        CHECK(format::find_object("faults[action=" + a + "]") != nullptr);
    CHECK(format::enum_values("dist", "dist") ==
          std::vector<std::string>{"constant", "lognormal", "exponential", "uniform", "normal"});
    CHECK(format::allowed_keys("faults[action=crash]") ==
          std::vector<std::string>{"at_s", "action", "broker", "for_s"});
}

TEST_CASE("format table: Kafka config maps in the schema take what apply_config_map takes") {
    using ks::ConfigScope;
    const std::pair<ConfigScope, const char*> hosts[] = {{ConfigScope::broker, "/cluster/config"},
                                                         {ConfigScope::topic, "/topics/0/config"},
                                                         {ConfigScope::producer, "/producers/0/config"},
                                                         {ConfigScope::consumer, "/consumer_groups/0/config"}};
    const json base = ks::test::rich_doc();
    const json schema = json::parse(ks::scenario::scenario_schema().dump());
    for (const auto& [scope, ptr] : hosts) {
        for (const ks::scenario::ConfigSpec& spec : ks::scenario::config_specs(scope)) {
            const json::json_pointer where(std::string(ptr) + "/" + std::string(spec.name));
            std::vector<std::pair<json, bool>> values;
            const json& properties = schema["$defs"]["config." + std::string(to_string(scope))]["properties"];
            values.emplace_back(properties.at(std::string(spec.name)).at("default"), true);
            values.emplace_back(json::parse(R"({"x": 1})"), false);
            if (spec.type == ks::ConfigType::int32 || spec.type == ks::ConfigType::int64 ||
                spec.type == ks::ConfigType::float64)
                values.emplace_back("abc", false);
            const bool integral = spec.type == ks::ConfigType::int32 || spec.type == ks::ConfigType::int64;
            if (std::isfinite(spec.min))
                values.emplace_back(integral ? json(static_cast<std::int64_t>(spec.min) - 1) : json(spec.min - 1),
                                    false);
            if (spec.type == ks::ConfigType::int32) values.emplace_back(static_cast<std::int64_t>(spec.max) + 1, false);
            if (spec.type == ks::ConfigType::boolean) values.emplace_back("yes", false);
            if (spec.type == ks::ConfigType::enumeration || spec.type == ks::ConfigType::list)
                values.emplace_back(json::array({"nope"}), false);
            if (spec.type == ks::ConfigType::enumeration || spec.type == ks::ConfigType::list)
                values.emplace_back("nope", false);
            if (spec.type == ks::ConfigType::list) {
                const auto all = ks::scenario::spec_values(spec);
                values.emplace_back(fmt::format(" {} ,", fmt::join(all, " , ")), true);  // properties-file text
                values.emplace_back(fmt::format("{},nope", fmt::join(all, ",")), false);
            }
            if (spec.check == ks::scenario::ConfigCheck::assignor) values.emplace_back(" , ", false);
            if (spec.check == ks::scenario::ConfigCheck::version) values.emplace_back("9.9", false);
            if (spec.check == ks::scenario::ConfigCheck::assignor)
                for (const std::string& a : ks::scenario::assignor_spellings())
                    values.emplace_back(json::array({a}), true);
            for (const auto& [value, valid] : values) {
                json doc = base;
                doc[where] = value;
                check_both(doc, valid, fmt::format("{} {} = {}", to_string(scope), spec.name, value.dump()));
            }
        }
        json doc = base;
        doc[json::json_pointer(std::string(ptr) + "/" + ks::scenario::other_kafka_names(scope).front())] = "x";
        check_both(doc, true, "another real Kafka setting");
        doc[json::json_pointer(std::string(ptr) + "/not.a.kafka.setting")] = "x";
        check_both(doc, false, "not a Kafka setting");
    }
}
