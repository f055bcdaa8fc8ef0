#include "report/expect.hpp"

#include <fmt/format.h>

namespace ks::report {

using nlohmann::json;

namespace {

std::vector<std::string> split_dots(std::string_view path) {
    std::vector<std::string> out;
    std::size_t start = 0;
    for (;;) {
        const auto dot = path.find('.', start);
        out.emplace_back(path.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
        if (dot == std::string_view::npos) return out;
        start = dot + 1;
    }
}

// Does the list entry `e` go by `name`? (See the path rules in expect.hpp.)
bool entry_named(const json& e, const std::string& name) {
    if (!e.is_object()) return false;
    if (e.contains("topic") && e.contains("partition") && e["topic"].is_string() &&
        e["partition"].is_number_integer()) {
        if (e["topic"].get<std::string>() + "-" + std::to_string(e["partition"].get<std::int64_t>()) == name)
            return true;
    }
    for (const char* key : {"group_id", "member_id", "name"}) {
        if (e.contains(key) && e[key].is_string() && e[key].get<std::string>() == name) return true;
    }
    return false;
}

std::optional<std::size_t> as_index(const std::string& seg, std::size_t size) {
    if (seg.empty() || seg.size() > 9 || seg.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
    const auto i = static_cast<std::size_t>(std::stoul(seg));
    if (i >= size) return std::nullopt;
    return i;
}

// Walks segs[i..] from `node`, appending every value reached to `out`;
// false when some branch leads nowhere. `multi` becomes true at a "*".
bool walk(const json& node, const std::vector<std::string>& segs, std::size_t i, std::vector<json>& out, bool& multi) {
    if (i == segs.size()) {
        out.push_back(node);
        return true;
    }
    const std::string& seg = segs[i];
    if (node.is_object()) {
        const auto it = node.find(seg);
        return it != node.end() && walk(*it, segs, i + 1, out, multi);
    }
    if (!node.is_array()) return false;
    if (seg == "*") {
        multi = true;
        if (node.empty()) return false;
        for (const json& e : node) {
            if (!walk(e, segs, i + 1, out, multi)) return false;
        }
        return true;
    }
    // A name, perhaps holding dots: the shortest join of segments that names
    // an entry and whose remainder resolves.
    std::string name;
    for (std::size_t j = i; j < segs.size(); ++j) {
        name += (j == i ? "" : ".") + segs[j];
        for (const json& e : node) {
            if (!entry_named(e, name)) continue;
            const std::size_t before = out.size();
            if (walk(e, segs, j + 1, out, multi)) return true;
            out.resize(before);
        }
    }
    if (const auto idx = as_index(seg, node.size())) return walk(node[*idx], segs, i + 1, out, multi);
    return false;
}

bool json_equal(const json& a, const json& b) {
    if (a.is_number() && b.is_number()) return a.get<double>() == b.get<double>();
    return a == b;
}

std::optional<double> as_number(const json& v) {
    if (v.is_number()) return v.get<double>();
    if (v.is_boolean()) return v.get<bool>() ? 1.0 : 0.0;
    return std::nullopt;
}

// One value against the expectation's tests; empty when it holds, else why not.
std::string judge(const Expectation& e, const json& value) {
    if (e.equals_json) {
        const json want = json::parse(*e.equals_json);
        if (!json_equal(value, want)) return fmt::format("{} is not {}", value.dump(), want.dump());
    }
    if (e.min || e.max) {
        const auto x = as_number(value);
        if (!x) return fmt::format("{} is not a number", value.dump());
        if (e.min && *x < *e.min) return fmt::format("{} < min {}", value.dump(), *e.min);
        if (e.max && *x > *e.max) return fmt::format("{} > max {}", value.dump(), *e.max);
    }
    return {};
}

}  // namespace

const char* to_string(ExpectStatus s) {
    switch (s) {
        case ExpectStatus::held:
            return "held";
        case ExpectStatus::failed:
            return "failed";
        case ExpectStatus::missing:
            return "missing";
    }
    return "?";
}

std::optional<json> lookup(const json& summary, std::string_view path) {
    const auto segs = split_dots(path);
    std::vector<json> values;
    bool multi = false;
    if (!walk(summary, segs, 0, values, multi)) return std::nullopt;
    if (multi) return json(values);
    return values.front();
}

std::vector<ExpectResult> evaluate(const std::vector<Expectation>& expect, const json& summary) {
    std::vector<ExpectResult> out;
    for (const Expectation& e : expect) {
        ExpectResult r;
        r.expectation = e;
        const auto segs = split_dots(e.path);
        std::vector<json> values;
        bool multi = false;
        if (!walk(summary, segs, 0, values, multi)) {
            r.status = ExpectStatus::missing;
            r.why = "no such path in summary.json";
            out.push_back(std::move(r));
            continue;
        }
        r.actual = multi ? json(values) : values.front();
        r.status = ExpectStatus::held;
        for (const json& v : values) {
            r.why = judge(e, v);
            if (!r.why.empty()) {
                r.status = ExpectStatus::failed;
                break;
            }
        }
        out.push_back(std::move(r));
    }
    return out;
}

bool all_held(const std::vector<ExpectResult>& results) {
    for (const auto& r : results) {
        if (r.status != ExpectStatus::held) return false;
    }
    return true;
}

std::string describe(const Expectation& e) {
    std::string out = e.path;
    if (e.equals_json) out += " equals " + *e.equals_json;
    if (e.min) out += fmt::format(" min {}", *e.min);
    if (e.max) out += fmt::format(" max {}", *e.max);
    return out;
}

std::string describe(const ExpectResult& r) {
    const std::string head = "expect " + describe(r.expectation) + ": ";
    switch (r.status) {
        case ExpectStatus::held:
            return head + "held (" + r.actual.dump() + ")";
        case ExpectStatus::failed:
            return head + "FAILED (" + r.why + ")";
        case ExpectStatus::missing:
            return head + "MISSING (" + r.why + ")";
    }
    return head;
}

json expect_json(const std::vector<ExpectResult>& results) {
    json list = json::array();
    for (const auto& r : results) {
        json e = {{"path", r.expectation.path}, {"status", to_string(r.status)}, {"actual", r.actual}};
        if (r.expectation.equals_json) e["equals"] = json::parse(*r.expectation.equals_json);
        if (r.expectation.min) e["min"] = *r.expectation.min;
        if (r.expectation.max) e["max"] = *r.expectation.max;
        if (!r.why.empty() && r.status != ExpectStatus::held) e["why"] = r.why;
        list.push_back(std::move(e));
    }
    return {{"held", all_held(results)}, {"results", list}};
}

}  // namespace ks::report
