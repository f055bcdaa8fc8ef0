#include "core/trace.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "core/assert.hpp"
#include "core/rng.hpp"

namespace ks {

namespace {

bool is_key(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    });
}

// A value's name is written between quotes as it is: no character that JSON
// would need escaped.
bool is_value_name(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
               c == '-';
    });
}

bool is_envelope(std::string_view key) {
    return std::find(Trace::kEnvelope.begin(), Trace::kEnvelope.end(), key) != Trace::kEnvelope.end();
}

void check_field(const Trace::Field& f, bool may_be_empty) {
    KS_ASSERT_MSG(is_key(f.key) || (may_be_empty && f.key.empty()), "trace: field key '{}' is not [a-z0-9_]+", f.key);
    KS_ASSERT_MSG(!is_envelope(f.key), "trace: field key '{}' is an envelope key", f.key);
    KS_ASSERT_MSG(!(f.is_flag && !f.names.empty()), "trace: field '{}' is both a flag and an enum", f.key);
    for (std::string_view n : f.names)
        KS_ASSERT_MSG(n.empty() || is_value_name(n), "trace: field '{}': value name '{}'", f.key, n);
}

// REQUIRES: no two non-empty keys alike.
void check_distinct(std::vector<std::string_view> keys, std::string_view kind) {
    std::erase(keys, std::string_view{});
    std::sort(keys.begin(), keys.end());
    const auto dup = std::adjacent_find(keys.begin(), keys.end());
    KS_ASSERT_MSG(dup == keys.end(), "trace: kind '{}' has the key '{}' twice", kind, *dup);
}

void check_schema(const Trace::Schema& s) {
    KS_ASSERT_MSG(is_key(s.name), "trace: kind name '{}' is not [a-z0-9_]+", s.name);
    KS_ASSERT_LE(s.fields.size(), Trace::kMaxFields);
    std::vector<std::string_view> keys;
    for (const auto& f : s.fields) {
        check_field(f, false);
        keys.push_back(f.key);
    }
    check_distinct(keys, s.name);
    const Trace::Variants& v = s.variants;
    if (v.cases.empty()) return;
    KS_ASSERT_LT(v.selector, s.fields.size());
    const Trace::Field& selector = s.fields[v.selector];
    KS_ASSERT_MSG(selector.names.empty() && !selector.is_flag,
                  "trace: kind '{}': the selector is named by its variants", s.name);
    std::vector<std::int64_t> values;
    for (const Trace::Variant& c : v.cases) {
        KS_ASSERT_MSG(is_key(c.name), "trace: kind '{}': variant name '{}' is not [a-z0-9_]+", s.name, c.name);
        KS_ASSERT_LE(c.fields.size(), s.fields.size() - v.selector - 1);
        std::vector<std::string_view> variant_keys(keys.begin(), keys.begin() + static_cast<long>(v.selector) + 1);
        for (const auto& f : c.fields) {
            check_field(f, true);
            variant_keys.push_back(f.key);
        }
        check_distinct(variant_keys, s.name);
        values.push_back(c.value);
    }
    std::sort(values.begin(), values.end());
    KS_ASSERT_MSG(std::adjacent_find(values.begin(), values.end()) == values.end(),
                  "trace: kind '{}': two variants for one selector value", s.name);
}

// Nanoseconds as exact decimal seconds: 1500000000 -> 1.5, -250 -> -0.00000025.
void append_seconds(std::string& out, std::int64_t ns) {
    const bool negative = ns < 0;
    const std::uint64_t mag = negative ? 0 - static_cast<std::uint64_t>(ns) : static_cast<std::uint64_t>(ns);
    constexpr std::uint64_t kNsPerS = 1'000'000'000;
    if (negative) out += '-';
    out += fmt::format("{}", mag / kNsPerS);
    std::uint64_t frac = mag % kNsPerS;
    if (frac == 0) return;
    int digits = 9;
    while (frac % 10 == 0) {
        frac /= 10;
        --digits;
    }
    out += fmt::format(".{:0{}}", frac, digits);
}

void append_value(std::string& out, const Trace::Field& f, std::int64_t v) {
    if (f.is_flag) {
        out += v != 0 ? "true" : "false";
    } else if (!f.names.empty()) {
        const bool named =
            v >= 0 && static_cast<std::uint64_t>(v) < f.names.size() && !f.names[static_cast<std::size_t>(v)].empty();
        out += named ? fmt::format("\"{}\"", f.names[static_cast<std::size_t>(v)]) : fmt::format("\"{}\"", v);
    } else {
        out += fmt::format("{}", v);
    }
}

}  // namespace

Trace::Kind Trace::define(std::string_view name, std::initializer_list<Field> fields) {
    return define(name, fields, Variants{});
}

Trace::Kind Trace::define(std::string_view name, std::initializer_list<Field> fields, Variants variants) {
    Schema schema{std::string(name), std::vector<Field>(fields), std::move(variants)};
    check_schema(schema);
    for (std::size_t i = 0; i < kinds_.size(); ++i) {
        const Schema& known = kinds_[i].schema;
        if (known.name != name) continue;
        KS_ASSERT_EQ(known.fields.size(), schema.fields.size());
        for (std::size_t f = 0; f < known.fields.size(); ++f) KS_ASSERT_EQ(known.fields[f].key, schema.fields[f].key);
        return static_cast<Kind>(i);
    }
    KS_ASSERT_LT(kinds_.size(), std::size_t{UINT16_MAX});
    kinds_.push_back(KindInfo{std::move(schema), fnv1a64(name)});
    return static_cast<Kind>(kinds_.size() - 1);
}

void Trace::fold(std::uint64_t word) {
    // A multiply-rotate mix (in the style of xxHash's round): cheap, and every
    // input bit reaches every output bit within a few words.
    hash_ ^= word * 0x9e3779b185ebca87ULL;
    hash_ = ((hash_ << 31) | (hash_ >> 33)) * 0xc2b2ae3d27d4eb4fULL;
}

void Trace::emit(Instant at, Kind kind, std::initializer_list<std::int64_t> values) {
    KS_ASSERT_LT(kind, kinds_.size());
    const KindInfo& k = kinds_[kind];
    KS_ASSERT_EQ(values.size(), k.schema.fields.size());
    ++events_;
    fold(k.name_hash);
    fold(static_cast<std::uint64_t>(at.ns()));
    for (std::int64_t v : values) fold(static_cast<std::uint64_t>(v));
    if (!sink_) return;
    if (holding_) {
        KS_ASSERT_MSG(held_.size() < kHeldMax, "trace: {} lines held and still no origin", held_.size());
        Held h{at, kind, {}};
        std::copy(values.begin(), values.end(), h.values.begin());
        held_.push_back(h);
        return;
    }
    write(at, kind, values, false);
}

void Trace::set_origin(Instant origin) {
    origin_ = origin;
    holding_ = false;
    std::vector<Held> held;
    held.swap(held_);
    for (const Held& h : held)
        write(h.at, h.kind, std::span(h.values).first(kinds_[h.kind].schema.fields.size()), true);
}

void Trace::write(Instant at, Kind kind, std::span<const std::int64_t> values, bool warmup) const {
    if (!sink_) return;
    const Schema& s = kinds_[kind].schema;
    std::string line = fmt::format("{{\"t_ns\":{},\"t_s\":", at.ns());
    append_seconds(line, (at - origin_).ns());
    if (warmup) line += ",\"warmup\":true";
    line += fmt::format(",\"kind\":\"{}\"", s.name);
    const Variants& vs = s.variants;
    const Variant* variant = nullptr;
    if (!vs.cases.empty()) {
        const std::int64_t selected = values[vs.selector];
        for (const Variant& c : vs.cases)
            if (c.value == selected) variant = &c;
    }
    for (std::size_t i = 0; i < values.size(); ++i) {
        const Field* f = &s.fields[i];
        const bool after_selector = !vs.cases.empty() && i > vs.selector;
        if (after_selector && variant) {
            const std::size_t j = i - vs.selector - 1;
            if (j >= variant->fields.size() || variant->fields[j].key.empty()) continue;
            f = &variant->fields[j];
        }
        line += fmt::format(",\"{}\":", f->key);
        if (!vs.cases.empty() && i == vs.selector) {
            line += variant ? fmt::format("\"{}\"", variant->name) : fmt::format("\"{}\"", values[i]);
        } else {
            append_value(line, *f, values[i]);
        }
    }
    line += "}\n";
    *sink_ << line;
}

std::string Trace::format_hash(std::uint64_t h) {
    return fmt::format("0x{:016x}", h);
}

}  // namespace ks
