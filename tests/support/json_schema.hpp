// A small JSON Schema validator for the subset of draft 2020-12 that
// `kafkasim schema` emits: type, properties, required, additionalProperties,
// enum, const, items, minItems, maxItems, uniqueItems, minimum, maximum,
// exclusiveMinimum, pattern, maxLength, oneOf, anyOf and local $ref
// ("#/$defs/NAME"). Annotations (title, description, default, deprecated,
// $schema, $id, $defs) are known and ignored. unknown_keywords() lists any
// other keyword a schema uses, so a test can insist there is none (the
// validator would silently skip it).
#pragma once

#include <cmath>
#include <regex>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace ks::test {

class JsonSchema {
  public:
    using json = nlohmann::json;

    explicit JsonSchema(json root) : root_(std::move(root)) {}

    // Every violation, as "POINTER: what"; empty when `instance` is valid.
    std::vector<std::string> errors(const json& instance) const {
        std::vector<std::string> out;
        check(root_, instance, "", out);
        return out;
    }
    bool valid(const json& instance) const { return errors(instance).empty(); }

    // Keywords the schema uses that this validator does not know.
    std::set<std::string> unknown_keywords() const {
        std::set<std::string> out;
        collect_unknown(root_, out);
        return out;
    }

  private:
    static const std::set<std::string>& known_keywords() {
        static const std::set<std::string> k = {"$schema",    "$id",        "$defs",
                                                "$ref",       "title",      "description",
                                                "default",    "deprecated", "type",
                                                "properties", "required",   "additionalProperties",
                                                "enum",       "const",      "items",
                                                "minItems",   "maxItems",   "uniqueItems",
                                                "minimum",    "maximum",    "exclusiveMinimum",
                                                "pattern",    "maxLength",  "oneOf",
                                                "anyOf"};
        return k;
    }

    static void collect_unknown(const json& schema, std::set<std::string>& out) {
        if (!schema.is_object()) return;
        for (const auto& [key, value] : schema.items()) {
            if (!known_keywords().count(key)) out.insert(key);
            if (key == "properties" || key == "$defs") {
                for (const auto& [name, sub] : value.items()) collect_unknown(sub, out);
            } else if (key == "items" || key == "additionalProperties") {
                collect_unknown(value, out);
            } else if (key == "oneOf" || key == "anyOf") {
                for (const auto& sub : value) collect_unknown(sub, out);
            }
        }
    }

    static bool has_type(const json& v, const std::string& type) {
        if (type == "object") return v.is_object();
        if (type == "array") return v.is_array();
        if (type == "string") return v.is_string();
        if (type == "boolean") return v.is_boolean();
        if (type == "null") return v.is_null();
        if (type == "number") return v.is_number();
        if (type == "integer")  // 2020-12: a number with no fractional part
            return v.is_number_integer() || (v.is_number_float() && std::floor(v.get<double>()) == v.get<double>());
        return false;
    }

    const json& resolve(const std::string& ref) const {
        const std::string prefix = "#/$defs/";
        if (ref.rfind(prefix, 0) != 0) throw std::runtime_error("unsupported $ref " + ref);
        return root_.at("$defs").at(ref.substr(prefix.size()));
    }

    void check(const json& s, const json& v, const std::string& ptr, std::vector<std::string>& out) const {
        auto fail = [&](const std::string& what) { out.push_back((ptr.empty() ? "/" : ptr) + ": " + what); };
        if (s.contains("$ref")) check(resolve(s["$ref"]), v, ptr, out);
        if (s.contains("type")) {
            bool ok = false;
            if (s["type"].is_string()) ok = has_type(v, s["type"]);
            for (const auto& t : s["type"].is_array() ? s["type"] : json::array()) ok = ok || has_type(v, t);
            if (!ok) fail("expected type " + s["type"].dump() + ", got " + v.dump());
        }
        if (s.contains("enum")) {
            bool ok = false;
            for (const auto& e : s["enum"]) ok = ok || e == v;
            if (!ok) fail("not one of " + s["enum"].dump() + ": " + v.dump());
        }
        if (s.contains("const") && s["const"] != v) fail("expected " + s["const"].dump() + ", got " + v.dump());
        if (v.is_number()) check_number(s, v.get<double>(), fail);
        if (v.is_string()) check_string(s, v.get<std::string>(), fail);
        if (v.is_array()) check_array(s, v, ptr, out, fail);
        if (v.is_object()) check_object(s, v, ptr, out, fail);
        check_combinators(s, v, ptr, fail);
    }

    template <class Fail>
    static void check_number(const json& s, double x, const Fail& fail) {
        if (s.contains("minimum") && x < s["minimum"].get<double>()) fail("below minimum " + s["minimum"].dump());
        if (s.contains("maximum") && x > s["maximum"].get<double>()) fail("above maximum " + s["maximum"].dump());
        if (s.contains("exclusiveMinimum") && !(x > s["exclusiveMinimum"].get<double>()))
            fail("not above " + s["exclusiveMinimum"].dump());
    }

    template <class Fail>
    static void check_string(const json& s, const std::string& x, const Fail& fail) {
        if (s.contains("pattern") && !std::regex_search(x, std::regex(s["pattern"].get<std::string>())))
            fail("\"" + x + "\" does not match " + s["pattern"].get<std::string>());
        if (s.contains("maxLength") && x.size() > s["maxLength"].get<std::size_t>()) fail("too long");
    }

    template <class Fail>
    void check_array(const json& s, const json& v, const std::string& ptr, std::vector<std::string>& out,
                     const Fail& fail) const {
        if (s.contains("minItems") && v.size() < s["minItems"].get<std::size_t>()) fail("too few items");
        if (s.contains("maxItems") && v.size() > s["maxItems"].get<std::size_t>()) fail("too many items");
        if (s.value("uniqueItems", false))
            for (std::size_t i = 0; i < v.size(); ++i)
                for (std::size_t j = i + 1; j < v.size(); ++j)
                    if (v[i] == v[j]) fail("items " + std::to_string(i) + " and " + std::to_string(j) + " are equal");
        if (s.contains("items"))
            for (std::size_t i = 0; i < v.size(); ++i) check(s["items"], v[i], ptr + "/" + std::to_string(i), out);
    }

    template <class Fail>
    void check_object(const json& s, const json& v, const std::string& ptr, std::vector<std::string>& out,
                      const Fail& fail) const {
        for (const auto& r : s.value("required", json::array()))
            if (!v.contains(r.get<std::string>())) fail("missing " + r.dump());
        const json props = s.value("properties", json::object());
        for (const auto& [key, value] : v.items()) {
            if (props.contains(key)) {
                check(props[key], value, ptr + "/" + key, out);
            } else if (s.contains("additionalProperties")) {
                const json& extra = s["additionalProperties"];
                if (extra.is_boolean() && !extra.get<bool>())
                    out.push_back(ptr + "/" + key + ": unknown key");
                else if (extra.is_object())
                    check(extra, value, ptr + "/" + key, out);
            }
        }
    }

    template <class Fail>
    void check_combinators(const json& s, const json& v, const std::string& ptr, const Fail& fail) const {
        for (const char* key : {"oneOf", "anyOf"}) {
            if (!s.contains(key)) continue;
            int matched = 0;
            std::string why;
            for (const auto& sub : s[key]) {
                std::vector<std::string> errs;
                check(sub, v, ptr, errs);
                if (errs.empty())
                    ++matched;
                else if (why.empty())
                    why = errs.front();
            }
            if (std::string(key) == "oneOf" && matched != 1)
                fail("matches " + std::to_string(matched) + " of oneOf (first failure: " + why + ")");
            if (std::string(key) == "anyOf" && matched == 0) fail("matches none of anyOf (first failure: " + why + ")");
        }
    }

    json root_;
};

}  // namespace ks::test
