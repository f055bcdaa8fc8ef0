// The Markdown field tables of docs/scenario-format.md, rendered from the
// format table, and the rewriting of the marked blocks of a document.
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/assert.hpp"
#include "kafkasim/errors.hpp"
#include "scenario/format.hpp"
#include "scenario/schema.hpp"

namespace ks::scenario {

namespace {

using format::Field;
using format::Kind;
using format::Object;
using format::Type;

constexpr std::string_view kBeginPrefix = "<!-- kafkasim schema: ";
constexpr std::string_view kBeginSuffix = " -->";
constexpr std::string_view kEnd = "<!-- /kafkasim schema -->";
constexpr std::string_view kTopLevel = "top-level";
constexpr std::string_view kVariantsSuffix = " variants";

// 10^6 and up as a power of ten when they are one; integers as integers.
std::string num_text(double v) {
    const double exponent = std::log10(std::fabs(v));
    if (std::fabs(v) >= 1e6 && std::floor(exponent) == exponent)
        return fmt::format("{}10^{}", v < 0 ? "-" : "", static_cast<int>(exponent));
    if (std::floor(v) == v && std::fabs(v) < 1e15) return fmt::format("{}", static_cast<std::int64_t>(v));
    return fmt::format("{}", v);
}

std::string range_text(const std::string& kind, const Type& t) {
    const bool lo = std::isfinite(t.min), hi = std::isfinite(t.max);
    if (t.exclusive_min && hi) return fmt::format("{} in ({}, {}]", kind, num_text(t.min), num_text(t.max));
    if (t.exclusive_min) return fmt::format("{} `> {}`", kind, num_text(t.min));
    if (lo && hi) return fmt::format("{} {}..{}", kind, num_text(t.min), num_text(t.max));
    if (lo) return fmt::format("{} `>= {}`", kind, num_text(t.min));
    return kind;
}

std::string items_text(const Type& t) {
    std::vector<std::string> parts;
    if (t.min_items == t.max_items)
        parts.push_back(fmt::format("exactly {}", t.min_items));
    else if (t.max_items >= 0)
        parts.push_back(fmt::format("{} to {}", t.min_items, t.max_items));
    else if (t.min_items == 1)
        parts.emplace_back("non-empty");
    else if (t.min_items > 1)
        parts.push_back(fmt::format("at least {}", t.min_items));
    if (t.unique_items) parts.emplace_back("unique");
    return parts.empty() ? "" : fmt::format(" ({})", fmt::join(parts, ", "));
}

std::string type_text(const Type& t) {
    switch (t.kind) {
        case Kind::integer:
            return range_text("integer", t);
        case Kind::number:
            return range_text("number", t);
        case Kind::boolean:
            return "boolean";
        case Kind::string:
            return "string";
        case Kind::name:
            return "name";
        case Kind::enumeration: {
            std::vector<std::string> quoted;
            for (const auto& v : t.values) quoted.push_back(fmt::format("`\"{}\"`", v));
            return fmt::format("{}", fmt::join(quoted, " \\| "));
        }
        case Kind::constant:
            return fmt::format("`\"{}\"`", t.values.front());
        case Kind::kafka_release:
            return "Kafka release";
        case Kind::client_release:
            return "client release";
        case Kind::dist:
            return "dist";
        case Kind::object:
            return fmt::format("`{}` object", t.ref);
        case Kind::kafka_config:  // linked to the section of docs/scenario-format.md
            return fmt::format("[{} config map](#{}-config)", to_string(t.scope),
                               t.scope == ConfigScope::consumer ? "consumer-group" : to_string(t.scope));
        case Kind::array:
            return fmt::format("array{} of {}", items_text(t), type_text(t.of.front()));
        case Kind::map:
            return fmt::format("map of {}", type_text(t.of.front()));
        case Kind::one_of: {
            std::vector<std::string> alternatives;
            for (const Type& a : t.of) alternatives.push_back(type_text(a));
            return fmt::format("{}", fmt::join(alternatives, ", or "));
        }
        case Kind::any:
            return "any JSON value";
    }
    KS_UNREACHABLE("bad format::Kind");
}

std::string cell(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (c == '|' && (out.empty() || out.back() != '\\')) out += '\\';
        out += c;
    }
    return out;
}

std::string default_cell(const Field& f) {
    if (f.required) return "required";
    if (!f.default_text.empty()) return f.default_text;
    if (!f.default_json.empty()) return "`" + f.default_json + "`";
    return "—";
}

std::string key_sets_text(const std::vector<std::vector<std::string>>& sets) {
    std::vector<std::string> out;
    for (const auto& keys : sets) {
        std::vector<std::string> quoted;
        for (const auto& k : keys) quoted.push_back("`" + k + "`");
        out.push_back(fmt::format("{}", fmt::join(quoted, " and ")));
    }
    return fmt::format("{}", fmt::join(out, "; "));
}

// A variant's table comes after its description (the base's table, and a
// plain object's, after the document's own prose).
std::string object_table(const Object& o) {
    std::string out = o.variant_of.empty() ? "" : o.description + "\n\n";
    out += "| Key | Type | Default | Unit | Description |\n|---|---|---|---|---|\n";
    for (const Field& f : o.fields) {
        out += fmt::format("| `{}` | {} | {} | {} | {} |\n", f.key, cell(type_text(f.type)), cell(default_cell(f)),
                           f.unit, cell(f.description));
    }
    if (!o.need_one_of.empty()) out += "\nGive exactly one of: " + key_sets_text(o.need_one_of) + ".\n";
    if (!o.need_any_of.empty()) out += "\nGive at least one of: " + key_sets_text(o.need_any_of) + ".\n";
    return out;
}

// One row per variant: its discriminator value, its keys and what it is.
std::string variants_table(const Object& base) {
    std::string out = fmt::format("| `{}` | Keys | Description |\n|---|---|---|\n", base.discriminator);
    for (const Object* v : format::variants(base.name)) {
        std::vector<std::string> keys;
        for (const Field& f : v->fields)
            keys.push_back(fmt::format("`{}` ({}{})", f.key, type_text(f.type), f.required ? "" : ", optional"));
        out += fmt::format("| `{}` | {} | {} |\n", v->variant_value, cell(fmt::format("{}", fmt::join(keys, ", "))),
                           cell(v->description));
    }
    return out;
}

std::string block_name(const Object& o) {
    return o.name.empty() ? std::string(kTopLevel) : o.name;
}

std::string_view trimmed(std::string_view line) {
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    return line;
}

// The block a begin marker names, or nothing when the line is not one.
std::optional<std::string> begin_marker(std::string_view line) {
    line = trimmed(line);
    if (line.size() < kBeginPrefix.size() + kBeginSuffix.size() ||
        line.substr(0, kBeginPrefix.size()) != kBeginPrefix ||
        line.substr(line.size() - kBeginSuffix.size()) != kBeginSuffix)
        return std::nullopt;
    return std::string(line.substr(kBeginPrefix.size(), line.size() - kBeginPrefix.size() - kBeginSuffix.size()));
}

std::vector<std::string_view> lines_of(std::string_view doc) {
    std::vector<std::string_view> out;
    while (!doc.empty()) {
        const auto nl = doc.find('\n');
        out.push_back(doc.substr(0, nl == std::string_view::npos ? doc.size() : nl + 1));
        doc.remove_prefix(out.back().size());
    }
    return out;
}

}  // namespace

std::vector<std::string> markdown_block_names() {
    std::vector<std::string> out;
    for (const Object& o : format::objects()) out.push_back(block_name(o));
    for (const Object& o : format::objects())
        if (!o.discriminator.empty()) out.push_back(o.name + std::string(kVariantsSuffix));
    return out;
}

std::string markdown_block(std::string_view block) {
    if (block == kTopLevel) return object_table(format::object_named(""));
    if (block.ends_with(kVariantsSuffix)) {
        const format::Object* base = format::find_object(block.substr(0, block.size() - kVariantsSuffix.size()));
        if (base && !base->discriminator.empty()) return variants_table(*base);
    } else if (const format::Object* o = format::find_object(block); o && !o->name.empty()) {
        return object_table(*o);
    }
    throw InputError(fmt::format("no table \"{}\" in the scenario format; the tables are: {}", block,
                                 fmt::join(markdown_block_names(), ", ")));
}

std::string markdown_blocks() {
    std::string out;
    for (const std::string& name : markdown_block_names()) {
        if (!out.empty()) out += "\n";
        out += fmt::format("{}{}{}\n{}{}\n", kBeginPrefix, name, kBeginSuffix, markdown_block(name), kEnd);
    }
    return out;
}

std::vector<std::string> marked_blocks(std::string_view doc) {
    std::vector<std::string> out;
    for (std::string_view line : lines_of(doc))
        if (auto name = begin_marker(line)) out.push_back(*name);
    return out;
}

std::string update_markdown(std::string_view doc, const std::string& source) {
    std::string out;
    const auto lines = lines_of(doc);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        out += lines[i];
        const auto name = begin_marker(lines[i]);
        if (!name) continue;
        const std::size_t begin = i;
        while (++i < lines.size() && trimmed(lines[i]) != kEnd) {
            if (begin_marker(lines[i]))
                throw InputError(fmt::format("{}:{}: a new block begins before \"{}\" (line {}) ends with {}", source,
                                             i + 1, *name, begin + 1, kEnd));
        }
        if (i == lines.size())
            throw InputError(fmt::format("{}:{}: block \"{}\" has no end marker {}", source, begin + 1, *name, kEnd));
        try {
            out += markdown_block(*name);
        } catch (const InputError& e) {
            throw InputError(fmt::format("{}:{}: {}", source, begin + 1, e.what()));
        }
        out += lines[i];
    }
    return out;
}

}  // namespace ks::scenario
