// The JSON Schema of scenario files, rendered from the format table and, for
// the `config` maps, from Kafka's config table (kafka_configs.hpp).
#include <algorithm>
#include <cmath>
#include <variant>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/assert.hpp"
#include "scenario/config_parse.hpp"
#include "scenario/format.hpp"
#include "scenario/kafka_configs.hpp"
#include "scenario/schema.hpp"

namespace ks::scenario {

namespace {

using ojson = nlohmann::ordered_json;
using format::Field;
using format::Kind;
using format::Object;
using format::Type;

constexpr const char* kNamePattern = "^[A-Za-z0-9._-]+$";
// parse_kafka_version's release lines from kOldestKafkaVersion (0.10) and
// kOldestClientVersion (2.1), with an optional patch (format_test checks both
// against the parser).
constexpr const char* kKafkaReleasePattern = R"(^(0\.1[01]|1\.[01]|2\.[0-8]|3\.[0-9]|4\.[01])(\.[0-9]{1,3})?$)";
constexpr const char* kClientReleasePattern = R"(^(2\.[1-8]|3\.[0-9]|4\.[01])(\.[0-9]{1,3})?$)";
// inter.broker.protocol.version: every release line from 0.8, with an
// optional patch and "-IVn" suffix.
constexpr const char* kProtocolVersionPattern =
    R"(^(0\.([89]|1[01])|1\.[01]|2\.[0-8]|3\.[0-9]|4\.[01])(\.[0-9]{1,3})?(-IV[0-9]+)?$)";

// An integral value as a JSON integer, else as a double.
ojson number_json(double v) {
    if (std::floor(v) == v && std::fabs(v) < 9e18) return static_cast<std::int64_t>(v);
    return v;
}

// "#/$defs/..." names: "cluster.brokers[]" -> "cluster.brokers", "faults[action=crash]" -> "faults.crash".
std::string def_name(const Object& o) {
    if (!o.variant_of.empty()) return def_name(format::object_named(o.variant_of)) + "." + o.variant_value;
    std::string out;
    for (std::size_t i = 0; i < o.name.size(); ++i) {
        if (o.name.compare(i, 2, "[]") == 0 || o.name.compare(i, 2, "{}") == 0) {
            ++i;
            continue;
        }
        out += o.name[i];
    }
    return out;
}

std::string ref_to(std::string_view def) {
    return "#/$defs/" + std::string(def);
}

// The Kafka settings of a scope that kafkasim accepts by name only.
constexpr std::string_view kUnmodelledDef = "config.unmodelled";

std::string config_def(ConfigScope scope) {
    return std::string("config.") + to_string(scope);
}

ojson type_schema(const Type& t) {
    ojson s = ojson::object();
    switch (t.kind) {
        case Kind::integer:
        case Kind::number:
            s["type"] = t.kind == Kind::integer ? "integer" : "number";
            if (std::isfinite(t.min)) s[t.exclusive_min ? "exclusiveMinimum" : "minimum"] = number_json(t.min);
            if (std::isfinite(t.max)) s["maximum"] = number_json(t.max);
            return s;
        case Kind::boolean:
            s["type"] = "boolean";
            return s;
        case Kind::string:
            s["type"] = "string";
            return s;
        case Kind::name:
            s["type"] = "string";
            s["pattern"] = kNamePattern;
            if (std::isfinite(t.max)) s["maxLength"] = number_json(t.max);
            return s;
        case Kind::enumeration:
            s["enum"] = t.values;
            return s;
        case Kind::constant:
            s["const"] = t.values.front();
            return s;
        case Kind::kafka_release:
        case Kind::client_release:
            s["type"] = "string";
            s["pattern"] = t.kind == Kind::kafka_release ? kKafkaReleasePattern : kClientReleasePattern;
            return s;
        case Kind::dist:
            s["$ref"] = ref_to("dist");
            return s;
        case Kind::object:
            s["$ref"] = ref_to(def_name(format::object_named(t.ref)));
            return s;
        case Kind::kafka_config:
            s["$ref"] = ref_to(config_def(t.scope));
            return s;
        case Kind::array:
            s["type"] = "array";
            s["items"] = type_schema(t.of.front());
            if (t.min_items > 0) s["minItems"] = t.min_items;
            if (t.max_items >= 0) s["maxItems"] = t.max_items;
            if (t.unique_items) s["uniqueItems"] = true;
            return s;
        case Kind::map:
            s["type"] = "object";
            s["additionalProperties"] = type_schema(t.of.front());
            return s;
        case Kind::one_of: {
            ojson alternatives = ojson::array();
            for (const Type& a : t.of) alternatives.push_back(type_schema(a));
            s["oneOf"] = alternatives;
            return s;
        }
        case Kind::any:
            return s;
    }
    KS_UNREACHABLE("bad format::Kind");
}

// The text an editor shows on hover: the description, then unit and default.
std::string field_description(const Field& f) {
    std::string out = f.description;
    if (!f.unit.empty()) out += " Unit: " + f.unit + ".";
    if (!f.default_text.empty()) out += " Default: " + f.default_text + ".";
    return out;
}

ojson field_schema(const Field& f) {
    ojson s = type_schema(f.type);
    s["description"] = field_description(f);
    if (!f.default_json.empty()) s["default"] = ojson::parse(f.default_json);
    if (f.deprecated) s["deprecated"] = true;
    return s;
}

ojson key_sets(const std::vector<std::vector<std::string>>& sets) {
    ojson out = ojson::array();
    for (const auto& keys : sets) {
        ojson one = ojson::object();
        one["required"] = keys;
        out.push_back(one);
    }
    return out;
}

// An object's schema; a variant's holds its base's keys, the discriminator
// fixed to the variant's value.
ojson object_schema(const Object& o) {
    ojson s = {{"type", "object"}, {"title", o.title}, {"description", o.description}};
    ojson properties = ojson::object();
    ojson required = ojson::array();
    auto add = [&](const Field& f) {
        properties[f.key] = field_schema(f);
        if (f.required) required.push_back(f.key);
    };
    if (!o.variant_of.empty()) {
        const Object& base = format::object_named(o.variant_of);
        for (const Field& f : base.fields) {
            add(f);
            if (f.key == base.discriminator)
                properties[f.key] = {{"const", o.variant_value}, {"description", field_description(f)}};
        }
    }
    for (const Field& f : o.fields) add(f);
    s["properties"] = properties;
    if (!required.empty()) s["required"] = required;
    s["additionalProperties"] = false;
    if (!o.need_one_of.empty()) s["oneOf"] = key_sets(o.need_one_of);
    if (!o.need_any_of.empty()) s["anyOf"] = key_sets(o.need_any_of);
    return s;
}

// A discriminated object: exactly one of its variants (a distribution may
// also be a plain number).
ojson variants_schema(const Object& base) {
    ojson alternatives = ojson::array();
    if (base.name == "dist")
        alternatives.push_back({{"type", "number"}, {"minimum", 0}, {"description", "A constant."}});
    for (const Object* v : format::variants(base.name)) alternatives.push_back({{"$ref", ref_to(def_name(*v))}});
    return {{"title", base.title}, {"description", base.description}, {"oneOf", alternatives}};
}

// A regular expression matching `text` literally.
std::string regex_escape(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (std::string_view("\\^$.|?*+()[]{}").find(c) != std::string_view::npos) out += '\\';
        out += c;
    }
    return out;
}

// A list setting: an array of its values, or their comma-separated text as a
// properties file holds it (config_parse.cpp: items trimmed of spaces, empty
// ones dropped; an assignor list may not be empty).
ojson list_schemas(const ConfigSpec& spec) {
    const bool assignor = spec.check == ConfigCheck::assignor;
    const std::vector<std::string> values = assignor ? assignor_spellings() : spec_values(spec);
    ojson as_array = {{"type", "array"}};
    ojson as_text = {{"type", "string"}};
    if (values.empty()) {
        as_array["items"] = {{"type", "string"}};
        return ojson::array({as_array, as_text});
    }
    as_array["items"] = {{"enum", values}};
    if (assignor) as_array["minItems"] = 1;
    std::vector<std::string> escaped;
    for (const std::string& v : values) escaped.push_back(regex_escape(v));
    const std::string one = fmt::format("( *({})? *)", fmt::join(escaped, "|"));
    as_text["pattern"] = fmt::format("^{}{}(,{})*$", assignor ? "(?=.*[^ ,])" : "", one, one);
    return ojson::array({as_array, as_text});
}

// A typed Kafka setting: JSON or the text a properties file holds.
ojson kafka_value_schema(const ConfigSpec& spec) {
    ojson s = ojson::object();
    const bool nullable = spec.default_text == "null";
    auto types = [&](std::initializer_list<const char*> ts) {
        ojson out = ojson::array();
        for (const char* t : ts) out.push_back(t);
        if (nullable) out.push_back("null");
        return out;
    };
    switch (spec.type) {
        case ConfigType::int32:
        case ConfigType::int64:
            s["type"] = types({"integer", "string"});
            s["pattern"] = "^-?[0-9]+$";
            if (std::isfinite(spec.min)) s["minimum"] = number_json(spec.min);
            if (std::isfinite(spec.max)) s["maximum"] = number_json(spec.max);
            break;
        case ConfigType::float64:
            s["type"] = types({"number", "string"});
            s["pattern"] = "^-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?$";
            if (std::isfinite(spec.min)) s["minimum"] = number_json(spec.min);
            if (std::isfinite(spec.max)) s["maximum"] = number_json(spec.max);
            break;
        case ConfigType::boolean:
            s["enum"] = {true, false, "true", "false"};
            break;
        case ConfigType::string:
            s["type"] = types({"string"});
            if (spec.check == ConfigCheck::version) s["pattern"] = kProtocolVersionPattern;
            if (spec.check == ConfigCheck::partitioner_class)
                s = {{"enum", {nullptr, "org.apache.kafka.clients.producer.RoundRobinPartitioner"}}};
            break;
        case ConfigType::enumeration: {
            ojson values = ojson::array();
            for (const std::string& v : spec_values(spec)) values.push_back(v);
            // A number given for an enumeration value reads as its text (acks: 1).
            for (const std::string& v : spec_values(spec))
                if (v.find_first_not_of("-0123456789") == std::string::npos) values.push_back(std::stoll(v));
            if (nullable) values.push_back(nullptr);  // group.remote.assignor: null is the default
            s["enum"] = values;
            break;
        }
        case ConfigType::list:
            s["anyOf"] = list_schemas(spec);
            break;
    }
    return s;
}

ojson config_value_json(const ConfigValue& v) {
    if (std::holds_alternative<std::monostate>(v)) return nullptr;
    if (const auto* i = std::get_if<std::int64_t>(&v)) return *i;
    if (const auto* d = std::get_if<double>(&v)) return *d;
    if (const auto* b = std::get_if<bool>(&v)) return *b;
    if (const auto* s = std::get_if<std::string>(&v)) return *s;
    return std::get<std::vector<std::string>>(v);
}

std::string kafka_type_text(const ConfigSpec& spec) {
    switch (spec.type) {
        case ConfigType::int32:
            return "int";
        case ConfigType::int64:
            return "long";
        case ConfigType::float64:
            return "double";
        case ConfigType::boolean:
            return "boolean";
        case ConfigType::string:
        case ConfigType::enumeration:
            return "string";
        case ConfigType::list:
            return "list";
    }
    KS_UNREACHABLE("bad ConfigType");
}

ojson kafka_setting_schema(ConfigScope scope, const ConfigSpec& spec) {
    ojson s = kafka_value_schema(spec);
    std::string d = fmt::format("Kafka {} {} setting, default {}.", to_string(scope), kafka_type_text(spec),
                                spec.default_text.empty() ? "\"\"" : std::string(spec.default_text));
    if (!spec.synonym.empty()) d += fmt::format(" Absent, it takes the broker's `{}`.", spec.synonym);
    if (!spec.modelled) d += " Not modelled by kafkasim: accepted with a warning, then ignored.";
    s["description"] = d;
    s["default"] = config_value_json(config_value(spec, spec.default_text));
    return s;
}

ojson config_schema(ConfigScope scope) {
    ojson properties = ojson::object();
    for (const ConfigSpec& spec : config_specs(scope))
        properties[std::string(spec.name)] = kafka_setting_schema(scope, spec);
    std::vector<std::string> others = other_kafka_names(scope);
    std::sort(others.begin(), others.end());
    for (const std::string& n : others) properties[n] = {{"$ref", ref_to(kUnmodelledDef)}};
    return {{"type", "object"},
            {"title", fmt::format("Kafka {} config", to_string(scope))},
            {"description",
             fmt::format("Kafka {} settings under Kafka's names, as JSON or as a properties file's text (30000 or "
                         "\"30000\"). A name that is not a Kafka {} setting is an error.",
                         to_string(scope), to_string(scope))},
            {"properties", properties},
            {"additionalProperties", false}};
}

ojson defs() {
    ojson out = ojson::object();
    for (const Object& o : format::objects()) {
        if (o.name.empty()) continue;
        out[def_name(o)] = o.discriminator.empty() ? object_schema(o) : variants_schema(o);
    }
    for (auto scope : {ConfigScope::broker, ConfigScope::topic, ConfigScope::producer, ConfigScope::consumer})
        out[config_def(scope)] = config_schema(scope);
    out[kUnmodelledDef] = {{"description",
                            "A real Kafka setting that kafkasim does not model: accepted (any value) with a warning, "
                            "then ignored, so a pasted properties file works."}};
    return out;
}

}  // namespace

nlohmann::ordered_json scenario_schema() {
    const Object& top = format::object_named("");
    ojson body = object_schema(top);
    ojson s = {{"$schema", kSchemaDialect},
               {"$id", kSchemaId},
               {"title", "kafkasim scenario"},
               {"description",
                top.description +
                    " Editors: associate scenario files with JSON with comments (VS Code: \"files.associations\": "
                    "{\"scenarios/**/*.json\": \"jsonc\"}). kafkasim check validates what this schema cannot: "
                    "references between sections (topics, brokers, groups) and settings that depend on each "
                    "other. Generated by `kafkasim schema`."}};
    for (const auto& [key, value] : body.items())
        if (key != "title" && key != "description") s[key] = value;
    s["$defs"] = defs();
    return s;
}

}  // namespace ks::scenario
