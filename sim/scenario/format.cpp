// The format table's type builders and lookups; the rows are in
// format_table.cpp (top level, cluster, workload) and format_table_events.cpp
// (faults, chaos, burrow, compare, expect, distributions).
#include "scenario/format.hpp"

#include <algorithm>

#include "core/assert.hpp"
#include "scenario/format_rows.hpp"

namespace ks::scenario::format {

Type integer(double lo, double hi) {
    return Type{.kind = Kind::integer, .min = lo, .max = hi};
}

Type number(double lo, double hi) {
    return Type{.kind = Kind::number, .min = lo, .max = hi};
}

Type positive() {
    return Type{.kind = Kind::number, .min = 0, .exclusive_min = true};
}

Type boolean() {
    return Type{.kind = Kind::boolean};
}

Type text() {
    return Type{.kind = Kind::string};
}

Type name(double max_chars) {
    return Type{.kind = Kind::name, .max = max_chars};
}

Type one_of_strings(std::vector<std::string> values) {
    return Type{.kind = Kind::enumeration, .values = std::move(values)};
}

Type constant(std::string value) {
    return Type{.kind = Kind::constant, .values = {std::move(value)}};
}

Type kafka_release() {
    return Type{.kind = Kind::kafka_release};
}

Type client_release() {
    return Type{.kind = Kind::client_release};
}

Type dist() {
    return Type{.kind = Kind::dist};
}

Type object(std::string ref) {
    return Type{.kind = Kind::object, .ref = std::move(ref)};
}

Type kafka_config(ConfigScope scope) {
    return Type{.kind = Kind::kafka_config, .scope = scope};
}

Type array(Type item, std::int64_t min_items, std::int64_t max_items, bool unique) {
    return Type{.kind = Kind::array,
                .of = {std::move(item)},
                .min_items = min_items,
                .max_items = max_items,
                .unique_items = unique};
}

Type map(Type value) {
    return Type{.kind = Kind::map, .of = {std::move(value)}};
}

Type one_of(std::vector<Type> alternatives) {
    return Type{.kind = Kind::one_of, .of = std::move(alternatives)};
}

Type any() {
    return Type{.kind = Kind::any};
}

namespace {

// Every object reference resolves, every variant's base exists and names its
// discriminator, keys are unique per object and not shadowed by the base.
void check_table(const std::vector<Object>& all) {
    auto find = [&](std::string_view n) {
        return std::find_if(all.begin(), all.end(), [&](const Object& o) { return o.name == n; });
    };
    for (const Object& o : all) {
        KS_ASSERT_MSG(std::count_if(all.begin(), all.end(), [&](const Object& x) { return x.name == o.name; }) == 1,
                      "duplicate object {}", o.name);
        std::vector<std::string> keys;
        if (!o.variant_of.empty()) {
            const auto base = find(o.variant_of);
            KS_ASSERT_MSG(base != all.end() && !base->discriminator.empty(), "variant {} without a base", o.name);
            for (const Field& f : base->fields) keys.push_back(f.key);
        }
        for (const Field& f : o.fields) {
            KS_ASSERT_MSG(std::find(keys.begin(), keys.end(), f.key) == keys.end(), "{}: key {} twice", o.name, f.key);
            keys.push_back(f.key);
            std::vector<const Type*> todo = {&f.type};
            while (!todo.empty()) {
                const Type* t = todo.back();
                todo.pop_back();
                if (t->kind == Kind::object) KS_ASSERT_MSG(find(t->ref) != all.end(), "no object {}", t->ref);
                for (const Type& sub : t->of) todo.push_back(&sub);
            }
        }
    }
}

std::vector<Object> build() {
    std::vector<Object> all;
    append_scenario_objects(all);
    append_event_objects(all);
    check_table(all);
    return all;
}

}  // namespace

const std::vector<Object>& objects() {
    static const std::vector<Object> all = build();
    return all;
}

const Object* find_object(std::string_view name) {
    const auto& all = objects();
    const auto it = std::find_if(all.begin(), all.end(), [&](const Object& o) { return o.name == name; });
    return it == all.end() ? nullptr : &*it;
}

const Object& object_named(std::string_view name) {
    const Object* o = find_object(name);
    KS_ASSERT_MSG(o != nullptr, "no object {} in the format table", name);
    return *o;
}

const Field& field(std::string_view object, std::string_view key) {
    const Object& o = object_named(object);
    const auto it = std::find_if(o.fields.begin(), o.fields.end(), [&](const Field& f) { return f.key == key; });
    KS_ASSERT_MSG(it != o.fields.end(), "no key {} in object {}", key, object);
    return *it;
}

std::vector<std::string> allowed_keys(std::string_view object) {
    const Object& o = object_named(object);
    std::vector<std::string> out;
    if (!o.variant_of.empty())
        for (const Field& f : object_named(o.variant_of).fields) out.push_back(f.key);
    for (const Field& f : o.fields) out.push_back(f.key);
    return out;
}

std::vector<std::string> enum_values(std::string_view object, std::string_view key) {
    const Type* t = &field(object, key).type;
    if (t->kind == Kind::array) t = &t->of.front();
    KS_ASSERT_MSG(t->kind == Kind::enumeration, "{} {} is not an enumeration", object, key);
    return t->values;
}

std::vector<const Object*> variants(std::string_view base) {
    std::vector<const Object*> out;
    for (const Object& o : objects())
        if (o.variant_of == base) out.push_back(&o);
    return out;
}

}  // namespace ks::scenario::format
