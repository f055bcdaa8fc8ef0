// The scenario file format as data: every object a scenario file may hold and
// each of its keys, with its JSON type, range, default, unit, allowed values
// and description.
//
// One table, three readers:
//   - the loader takes each object's allowed keys from it (Obj(n, "cluster.disk"))
//     and its enumerations (fault actions, dist kinds, controller, ...), so
//     a key is rejected as unknown exactly when the table lacks it;
//   - `kafkasim schema` renders it as a JSON Schema (format_schema.cpp);
//   - docs/scenario-format.md's field tables are rendered from it
//     (`kafkasim schema --markdown`; a test checks the file is up to date).
// The loader's value checks (ranges with their messages, cross-references such
// as "an existing topic") stay in load_*.cpp; tests/scenario/format_test.cpp
// checks that the table's types and ranges agree with them.
//
// Objects are named by where they sit in a file: "" (the top level),
// "cluster.network", "topics[]" (an entry of the topics array),
// "producers[].keys", "expect{}" (a value of the expect map). An object with a
// discriminator ("faults[]" by "action", "dist" by "dist") has one variant per
// value, named "faults[action=crash]": the variant's keys come on top of the
// base object's.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "kafkasim/kafka_config.hpp"

namespace ks::scenario::format {

enum class Kind {
    integer,         // a JSON integer in [min, max]
    number,          // a JSON number in [min, max] (> min with exclusive_min)
    boolean,         //
    string,          // free text
    name,            // a string of [A-Za-z0-9._-]+, at most max characters
    enumeration,     // one of `values`
    constant,        // exactly values[0] (a string)
    kafka_release,   // a Kafka release string from 0.10.0 to 4.1 ("3.9", "0.10.2")
    client_release,  // a Java client release string from 2.1 to 4.1
    dist,            // a distribution: an object of "dist", or a number >= 0
    object,          // the table's object `ref`
    kafka_config,    // a Kafka config map of scope `scope`
    array,           // of of[0], with min_items..max_items, unique_items
    map,             // an object whose free keys hold of[0]
    one_of,          // exactly one of the alternatives `of`
    any,             // any JSON value
};

constexpr double kNoMin = -std::numeric_limits<double>::infinity();
constexpr double kNoMax = std::numeric_limits<double>::infinity();

struct Type {
    Kind kind = Kind::any;
    double min = kNoMin;  // integer, number; name: unused
    double max = kNoMax;  // integer, number; name: the most characters
    bool exclusive_min = false;
    std::vector<std::string> values{};  // enumeration, constant
    std::string ref{};                  // object: the object's name
    ConfigScope scope = ConfigScope::broker;
    std::vector<Type> of{};  // array: {item}; map: {value}; one_of: the alternatives
    std::int64_t min_items = 0;
    std::int64_t max_items = -1;  // -1: no limit
    bool unique_items = false;
};

// Type builders, for the table and its tests.
Type integer(double lo = kNoMin, double hi = kNoMax);
Type number(double lo = kNoMin, double hi = kNoMax);
Type positive();  // a number > 0
Type boolean();
Type text();
Type name(double max_chars = kNoMax);
Type one_of_strings(std::vector<std::string> values);
Type constant(std::string value);
Type kafka_release();
Type client_release();
Type dist();
Type object(std::string ref);
Type kafka_config(ConfigScope scope);
Type array(Type item, std::int64_t min_items = 0, std::int64_t max_items = -1, bool unique = false);
Type map(Type value);
Type one_of(std::vector<Type> alternatives);
Type any();

struct Field {
    std::string key{};
    Type type{};
    bool required = false;
    std::string default_json{};  // the default as JSON ("120", "\"kraft\""); empty: none or see default_text
    std::string default_text{};  // the default in words when it depends on something ("broker num.partitions")
    std::string unit{};          // "s", "ms", "bytes", "records/s", ...
    std::string description{};   // one or two sentences, Markdown backticks allowed
    bool deprecated = false;     // JSON Schema "deprecated" (the description says what replaces it)
};

struct Object {
    std::string name{};  // "", "cluster", "topics[]", "faults[action=crash]" ...
    std::string title{};
    std::string description{};
    std::vector<Field> fields{};
    // Discriminated objects: the key that picks the variant; variants are
    // the objects named NAME[discriminator=VALUE], in the table's order.
    std::string discriminator{};
    // Key sets of which exactly one (need_one_of) or at least one
    // (need_any_of) must be present in full.
    std::vector<std::vector<std::string>> need_one_of{};
    std::vector<std::vector<std::string>> need_any_of{};
    // A variant: its base object and the discriminator's value that selects it.
    std::string variant_of{};
    std::string variant_value{};
};

// Every object, the top level first, each before the objects inside it.
const std::vector<Object>& objects();
// REQUIRES: a name of objects() (an unknown name is a bug).
const Object& object_named(std::string_view name);
// nullptr unless `name` is an object of the table.
const Object* find_object(std::string_view name);
// REQUIRES: `key` is a field of `object`.
const Field& field(std::string_view object, std::string_view key);

// The keys an object of this name may hold: its own fields, and for a
// variant, the base object's before them.
std::vector<std::string> allowed_keys(std::string_view object);
// The allowed values of an enumeration field (or of an array of them).
std::vector<std::string> enum_values(std::string_view object, std::string_view key);
// The variants of a discriminated object, in order.
std::vector<const Object*> variants(std::string_view base);

}  // namespace ks::scenario::format
