#include "scenario/overrides.hpp"

#include <algorithm>
#include <optional>
#include <regex>

#include <fmt/format.h>

#include "kafkasim/errors.hpp"
#include "scenario/json_reader.hpp"
#include "scenario/kafka_configs.hpp"
#include "scenario/suggest.hpp"

namespace ks::scenario {

using json = nlohmann::json;

json parse_scenario_json(std::string_view text, const std::string& source) {
    try {
        return json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/true,
                           /*ignore_comments=*/true);
    } catch (const json::parse_error& e) {
        // nlohmann: "[json.exception.parse_error.101] parse error at line 3, column 5: <what>"
        const std::string what = e.what();
        static const std::regex where(R"(at line (\d+), column (\d+): (.*))");
        std::smatch m;
        if (std::regex_search(what, m, where))
            throw InputError(fmt::format("{}:{}:{}: invalid JSON: {}", source, m[1].str(), m[2].str(), m[3].str()));
        const auto colon = what.find(": ");
        throw InputError(source + ": invalid JSON: " + (colon == std::string::npos ? what : what.substr(colon + 2)));
    }
}

std::pair<std::string, json> parse_override(std::string_view assignment) {
    const auto eq = assignment.find('=');
    if (eq == std::string_view::npos || eq == 0)
        throw InputError(
            fmt::format("--set {}: expected PATH=VALUE, e.g. producers.checkout.config.acks=all", assignment));
    const std::string path(assignment.substr(0, eq));
    const std::string text(assignment.substr(eq + 1));
    json value = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (value.is_discarded()) value = text;
    return {path, value};
}

namespace {

bool is_dotted_map(std::string_view key) {
    return key == "config" || key == "features" || key == "set" || key == "vary" || key == "expect";
}

std::vector<std::string> split(std::string_view path) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (true) {
        const auto dot = path.find('.', start);
        out.emplace_back(path.substr(start, dot - start));
        if (dot == std::string_view::npos) return out;
        start = dot + 1;
    }
}

std::string entry_name(const json& e) {
    if (!e.is_object()) return {};
    for (const char* k : {"name", "group_id"})
        if (e.contains(k) && e[k].is_string()) return e[k].get<std::string>();
    return {};
}

struct Walk {
    std::string_view origin, path;
    std::string walked;   // the prefix of path resolved so far
    std::string pointer;  // the same as a JSON pointer, list entries by index

    [[noreturn]] void fail(const std::string& msg) const {
        throw InputError(fmt::format("{}{}: {}", origin, path, msg));
    }

    json* list_entry(json& list, const std::string& seg) {
        std::vector<std::string> names;
        for (std::size_t i = 0; i < list.size(); ++i) {
            if (entry_name(list[i]) == seg) return at_index(list, i);
            if (!entry_name(list[i]).empty()) names.push_back(entry_name(list[i]));
        }
        if (!seg.empty() && std::all_of(seg.begin(), seg.end(), [](char c) { return c >= '0' && c <= '9'; })) {
            const auto i = std::stoull(seg);
            if (i < list.size()) return at_index(list, i);
            fail(fmt::format("index {} is past the end of {} ({} entries)", seg, walked, list.size()));
        }
        fail(fmt::format("no entry named \"{}\" in {}{}", seg, walked, did_you_mean(seg, names)));
    }

    json* at_index(json& list, std::size_t i) {
        pointer = ptr_index(pointer, i);
        return &list[i];
    }

    json* child(json& cur, const std::string& seg) {
        if (cur.is_null()) cur = json::object();
        if (cur.is_array()) return list_entry(cur, seg);
        if (!cur.is_object()) fail(fmt::format("{} is {}, which has no field \"{}\"", walked, cur.dump(), seg));
        pointer = ptr_key(pointer, seg);
        return &cur[seg];
    }
};

// The Kafka scope of the config map that the entry at segs[0..i) holds, if it
// holds one: cluster and cluster.brokers.N (broker), topics.N, producers.N,
// consumer_groups.N.
std::optional<ConfigScope> config_holder(const std::vector<std::string>& segs, std::size_t i) {
    if (segs[0] == "cluster") {
        if (i == 1 || (i == 3 && segs[1] == "brokers")) return ConfigScope::broker;
        return std::nullopt;
    }
    if (i != 2) return std::nullopt;
    if (segs[0] == "topics") return ConfigScope::topic;
    if (segs[0] == "producers") return ConfigScope::producer;
    if (segs[0] == "consumer_groups") return ConfigScope::consumer;
    return std::nullopt;
}

std::string join_from(const std::vector<std::string>& segs, std::size_t i) {
    std::string out = segs[i];
    for (++i; i < segs.size(); ++i) out += "." + segs[i];
    return out;
}

// A Kafka setting put beside an entry's config map rather than in it
// (producers.checkout.acks) would be created there and then rejected as an
// unknown key of the entry: say where it goes instead.
void suggest_config(const Walk& w, const json& cur, const std::vector<std::string>& segs, std::size_t i) {
    if (!(cur.is_null() || (cur.is_object() && !cur.contains(segs[i])))) return;
    const auto scope = config_holder(segs, i);
    if (!scope) return;
    const std::string key = join_from(segs, i);
    if (!is_kafka_name(*scope, key)) return;
    w.fail(fmt::format("\"{}\" is a Kafka {} setting, which goes in the config map; did you mean {}.config.{}?", key,
                       to_string(*scope), w.walked, key));
}

}  // namespace

std::string apply_override(json& doc, std::string_view path, const json& value, std::string_view origin) {
    Walk w{origin, path, "", ""};
    const auto segs = split(path);
    if (std::any_of(segs.begin(), segs.end(), [](const std::string& s) { return s.empty(); }))
        w.fail("expected a dotted path like producers.checkout.config.acks");
    json* cur = &doc;
    for (std::size_t i = 0; i < segs.size(); ++i) {
        suggest_config(w, *cur, segs, i);
        cur = w.child(*cur, segs[i]);
        w.walked += (w.walked.empty() ? "" : ".") + segs[i];
        if (!is_dotted_map(segs[i]) || i + 1 >= segs.size() || cur->is_array()) continue;
        // expect.records.acked_lost.max: the key is the summary path, then its field.
        const std::string& last = segs.back();
        const bool expect_field =
            segs[i] == "expect" && i + 2 < segs.size() && (last == "equals" || last == "min" || last == "max");
        if (!expect_field) {
            cur = w.child(*cur, join_from(segs, i + 1));
            break;
        }
        std::vector<std::string> key(segs.begin() + static_cast<std::ptrdiff_t>(i) + 1, segs.end() - 1);
        cur = w.child(*cur, join_from(key, 0));
        cur = w.child(*cur, last);
        break;
    }
    *cur = value;
    return w.pointer;
}

}  // namespace ks::scenario
