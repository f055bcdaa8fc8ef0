#include "scenario/json_reader.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "core/assert.hpp"
#include "kafkasim/errors.hpp"
#include "scenario/format.hpp"
#include "scenario/suggest.hpp"

namespace ks::scenario {

void Ctx::fail(const std::string& ptr, const std::string& msg) const {
    throw InputError(file + ": " + (ptr.empty() ? "/" : ptr) + ": " + msg);
}

void Ctx::expected(const std::string& ptr, const std::string& what, const json& got) const {
    fail(ptr, "expected " + what + ", got " + show_json(got));
}

void Ctx::warn(const std::string& ptr, const std::string& msg) const {
    KS_ASSERT(warnings != nullptr);
    warnings->push_back(file + ": " + (ptr.empty() ? "/" : ptr) + ": " + msg);
}

std::string show_json(const json& v) {
    std::string text = v.dump();
    if (text.size() <= 40) return text;
    if (v.is_object()) return "an object";
    if (v.is_array()) return "an array";
    return text.substr(0, 37) + "...";
}

std::string ptr_key(const std::string& ptr, std::string_view key) {
    std::string out = ptr + "/";
    for (char c : key) {
        if (c == '~')
            out += "~0";
        else if (c == '/')
            out += "~1";
        else
            out += c;
    }
    return out;
}

std::string ptr_index(const std::string& ptr, std::size_t index) {
    return ptr + "/" + std::to_string(index);
}

bool is_name(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
               c == '-';
    });
}

Node root_node(const Ctx& ctx, const json& doc) {
    return Node{&ctx, &doc, ""};
}

Node Node::at(std::string_view key) const {
    KS_ASSERT(j->is_object() && j->contains(key));
    return Node{ctx, &(*j)[std::string(key)], ptr_key(ptr, key)};
}

std::vector<Node> Node::items(const std::string& what) const {
    if (!j->is_array()) expected(what);
    std::vector<Node> out;
    for (std::size_t i = 0; i < j->size(); ++i) out.push_back(Node{ctx, &(*j)[i], ptr_index(ptr, i)});
    return out;
}

namespace {

std::string int_range_text(std::int64_t lo, std::int64_t hi) {
    if (lo == std::numeric_limits<std::int64_t>::min() && hi == kIntMax) return "an integer";
    if (hi == kIntMax) return fmt::format("an integer >= {}", lo);
    return fmt::format("an integer in [{}, {}]", lo, hi);
}

std::string number_range_text(double lo, double hi) {
    if (std::isinf(lo) && std::isinf(hi)) return "a number";
    if (std::isinf(hi)) return fmt::format("a number >= {}", lo);
    return fmt::format("a number in [{}, {}]", lo, hi);
}

}  // namespace

std::int64_t Node::as_int(std::int64_t lo, std::int64_t hi) const {
    const std::string what = int_range_text(lo, hi);
    if (j->is_number_unsigned() && j->get<std::uint64_t>() > static_cast<std::uint64_t>(kIntMax)) expected(what);
    if (!j->is_number_integer()) expected(what);
    const auto v = j->get<std::int64_t>();
    if (v < lo || v > hi) expected(what);
    return v;
}

double Node::as_number(double lo, double hi) const {
    const std::string what = number_range_text(lo, hi);
    if (!j->is_number()) expected(what);
    const auto v = j->get<double>();
    if (!(v >= lo && v <= hi)) expected(what);
    return v;
}

double Node::as_positive() const {
    if (!j->is_number() || !(j->get<double>() > 0)) expected("a number > 0");
    return j->get<double>();
}

bool Node::as_bool() const {
    if (!j->is_boolean()) expected("true or false");
    return j->get<bool>();
}

std::string Node::as_string() const {
    if (!j->is_string()) expected("a string");
    return j->get<std::string>();
}

std::string Node::as_name() const {
    if (!j->is_string() || !is_name(j->get<std::string>())) expected("a name of [A-Za-z0-9._-]+");
    return j->get<std::string>();
}

std::string Node::as_enum(const std::vector<std::string>& values) const {
    if (j->is_string()) {
        const auto s = j->get<std::string>();
        if (std::find(values.begin(), values.end(), s) != values.end()) return s;
    }
    expected(quoted_alternatives(values));
}

Duration Node::as_seconds() const {
    if (!j->is_number() || !(j->get<double>() >= 0)) expected("a number of seconds >= 0");
    return from_seconds(j->get<double>());
}

Duration Node::as_millis() const {
    if (!j->is_number() || !(j->get<double>() >= 0)) expected("a number of milliseconds >= 0");
    return from_millis(j->get<double>());
}

std::vector<std::string> Node::as_names() const {
    std::vector<std::string> out;
    for (const auto& item : items("an array of names")) out.push_back(item.as_name());
    return out;
}

namespace {

DistSpec read_dist_params(const Node& n, const std::string& kind) {
    const Obj o = Obj::of(n, "dist[dist=" + kind + "]");
    if (kind == "constant") {
        return DistSpec::constant(o.req("value").as_number(0));
    }
    if (kind == "lognormal") {
        const double median = o.req("median").as_positive();
        const Node p99 = o.req("p99");
        if (!p99.j->is_number() || !(p99.j->get<double>() >= median))
            p99.expected(fmt::format("a number >= the median ({})", median));
        return DistSpec::lognormal(median, p99.j->get<double>());
    }
    if (kind == "exponential") {
        return DistSpec::exponential(o.req("mean").as_positive());
    }
    if (kind == "uniform") {
        const double lo = o.req("min").as_number(0);
        const Node hi = o.req("max");
        if (!hi.j->is_number() || !(hi.j->get<double>() >= lo))
            hi.expected(fmt::format("a number >= the min ({})", lo));
        return DistSpec::uniform(lo, hi.j->get<double>());
    }
    KS_ASSERT(kind == "normal");
    const double mean = o.req("mean").as_number(0);
    return DistSpec::normal(mean, o.req("stddev").as_number(0));
}

}  // namespace

DistSpec Node::as_dist() const {
    if (j->is_number()) return DistSpec::constant(as_number(0));
    if (!j->is_object())
        expected("a number or a distribution like {\"dist\": \"lognormal\", \"median\": 1, \"p99\": 5}");
    const std::vector<std::string> kinds = format::enum_values("dist", "dist");
    if (!j->contains("dist")) {
        std::string list;  // "constant, lognormal, ... or normal"
        for (std::size_t i = 0; i < kinds.size(); ++i)
            list += (i == 0 ? "" : i + 1 < kinds.size() ? ", " : " or ") + kinds[i];
        ctx->fail(ptr, "missing \"dist\" (" + list + ")");
    }
    const std::string kind = at("dist").as_enum(kinds);
    return read_dist_params(*this, kind);
}

Obj::Obj(const Node& n, std::initializer_list<std::string_view> known)
    : Obj(n, std::vector<std::string>(known.begin(), known.end())) {}

Obj Obj::of(const Node& n, std::string_view format_object) {
    return Obj(n, format::allowed_keys(format_object));
}

Obj::Obj(const Node& n, std::vector<std::string> known) : n_(n), known_(std::move(known)) {
    if (!n.j->is_object()) n.expected("an object");
    for (const auto& [key, value] : n.j->items()) {
        if (std::find(known_.begin(), known_.end(), key) != known_.end()) continue;
        std::string msg = "unknown key";
        const std::string hint = did_you_mean(key, known_);
        msg += hint.empty() ? "; expected one of " + quoted_alternatives(known_) : hint;
        n.ctx->fail(ptr_key(n.ptr, key), msg);
    }
}

std::optional<Node> Obj::get(std::string_view key) const {
    KS_ASSERT_MSG(std::find(known_.begin(), known_.end(), key) != known_.end(), "undeclared key {}", key);
    if (!n_.j->contains(key)) return std::nullopt;
    return n_.at(key);
}

bool Obj::allows(std::string_view key) const {
    return std::find(known_.begin(), known_.end(), key) != known_.end();
}

Node Obj::req(std::string_view key) const {
    auto n = get(key);
    if (!n) n_.ctx->fail(n_.ptr, "missing \"" + std::string(key) + "\"");
    return *n;
}

std::vector<std::pair<std::string, Node>> map_entries(const Node& n) {
    if (!n.j->is_object()) n.expected("an object");
    std::vector<std::pair<std::string, Node>> out;
    for (const auto& [key, value] : n.j->items()) out.emplace_back(key, n.at(key));
    return out;
}

}  // namespace ks::scenario
