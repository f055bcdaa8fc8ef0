#include "scenario/config_parse.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "core/assert.hpp"
#include "scenario/kafka_configs.hpp"
#include "scenario/resolve.hpp"
#include "scenario/suggest.hpp"

namespace ks::scenario {

namespace {

// ---- scalar forms: JSON or properties-file text ----------------------------

std::optional<std::int64_t> integer_of(const json& j) {
    if (j.is_number_integer()) {
        if (j.is_number_unsigned() && j.get<std::uint64_t>() > static_cast<std::uint64_t>(kIntMax)) return {};
        return j.get<std::int64_t>();
    }
    if (!j.is_string()) return {};
    const auto& s = j.get_ref<const std::string&>();
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return {};
    return v;
}

std::optional<double> number_of(const json& j) {
    if (j.is_number()) return j.get<double>();
    if (!j.is_string()) return {};
    const auto& s = j.get_ref<const std::string&>();
    double v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return {};
    return v;
}

std::optional<bool> bool_of(const json& j) {
    if (j.is_boolean()) return j.get<bool>();
    if (j.is_string() && j.get<std::string>() == "true") return true;
    if (j.is_string() && j.get<std::string>() == "false") return false;
    return {};
}

// An enum value given as a JSON number (acks: 1) reads as its text.
std::optional<std::string> text_of(const json& j) {
    if (j.is_string()) return j.get<std::string>();
    if (j.is_number_integer()) return std::to_string(j.get<std::int64_t>());
    return {};
}

std::string range_text(const ConfigSpec& s, const char* kind) {
    const bool lo = std::isfinite(s.min);
    const bool type_max =
        (s.type == ConfigType::int32 && s.max == 2147483647.0) || (s.type == ConfigType::int64) || std::isinf(s.max);
    if (!lo) return std::string("an ") + kind;
    if (type_max) return fmt::format("an {} >= {}", kind, s.min);
    return fmt::format("an {} in [{}, {}]", kind, s.min, s.max);
}

// ---- checks beyond the type --------------------------------------------------

constexpr std::pair<const char*, const char*> kAssignorClasses[] = {
    {"RangeAssignor", "range"},
    {"RoundRobinAssignor", "roundrobin"},
    {"StickyAssignor", "sticky"},
    {"CooperativeStickyAssignor", "cooperative-sticky"}};
constexpr const char* kAssignorPackage = "org.apache.kafka.clients.consumer.";

std::optional<std::string> assignor_name(std::string s) {
    const std::string prefix = kAssignorPackage;
    if (s.rfind(prefix, 0) == 0) s = s.substr(prefix.size());
    for (const auto& [cls, name] : kAssignorClasses)
        if (s == cls || s == name) return std::string(name);
    return std::nullopt;
}

// ---- one value ---------------------------------------------------------------

std::vector<std::string> list_elements(const Node& n) {
    std::vector<std::string> out;
    if (n.j->is_array()) {
        for (const auto& item : n.items()) out.push_back(item.as_string());
        return out;
    }
    if (!n.j->is_string()) n.expected("a list (an array of strings or \"a,b\")");
    std::string_view rest = n.j->get_ref<const std::string&>();
    while (!rest.empty()) {
        auto comma = rest.find(',');
        auto item = rest.substr(0, comma);
        while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
        while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
        if (!item.empty()) out.emplace_back(item);
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
    }
    return out;
}

ConfigValue parse_list(const ConfigSpec& s, const Node& n) {
    auto items = list_elements(n);
    const auto values = spec_values(s);
    const std::string what = "a list of " + quoted_alternatives(values);
    for (auto& item : items) {
        if (s.check == ConfigCheck::assignor) {
            auto name = assignor_name(item);
            if (!name) n.expected(what + " (or their Kafka class names)");
            item = *name;
        } else if (!values.empty() && std::find(values.begin(), values.end(), item) == values.end()) {
            n.expected(what);
        }
    }
    if (items.empty() && s.check == ConfigCheck::assignor) n.expected(what);
    return items;
}

ConfigValue parse_string(const ConfigSpec& s, const Node& n) {
    if (!n.j->is_string()) n.expected("a string");
    const auto v = n.j->get<std::string>();
    if (s.check == ConfigCheck::version && !parse_kafka_version(v))
        n.expected("a Kafka version from 0.8.0 to 4.1 such as \"3.9\", \"2.0\" or \"0.10.2\"");
    if (s.check == ConfigCheck::partitioner_class && v != "org.apache.kafka.clients.producer.RoundRobinPartitioner")
        n.expected(
            "null or \"org.apache.kafka.clients.producer.RoundRobinPartitioner\" (for other "
            "partitioning use the producer's \"partitioner\")");
    return v;
}

ConfigValue parse_value(const ConfigSpec& s, const Node& n) {
    if (n.j->is_null() && s.default_text == "null") return std::monostate{};
    switch (s.type) {
        case ConfigType::int32:
        case ConfigType::int64: {
            auto v = integer_of(*n.j);
            if (!v || static_cast<double>(*v) < s.min || static_cast<double>(*v) > s.max)
                n.expected(range_text(s, "integer"));
            return *v;
        }
        case ConfigType::float64: {
            auto v = number_of(*n.j);
            if (!v || *v < s.min || *v > s.max) n.expected(fmt::format("a number in [{}, {}]", s.min, s.max));
            return *v;
        }
        case ConfigType::boolean: {
            auto v = bool_of(*n.j);
            if (!v) n.expected("true or false");
            return *v;
        }
        case ConfigType::enumeration: {
            const auto values = spec_values(s);
            auto v = text_of(*n.j);
            if (!v || std::find(values.begin(), values.end(), *v) == values.end())
                n.expected(quoted_alternatives(values));
            if (s.name == "acks" && *v == "-1") return std::string("all");
            return *v;
        }
        case ConfigType::list:
            return parse_list(s, n);
        case ConfigType::string:
            return parse_string(s, n);
    }
    KS_UNREACHABLE("bad ConfigType");
}

ConfigValue default_value(const ConfigSpec& s) {
    return config_value(s, s.default_text);
}

// ---- keys that are not typed ---------------------------------------------------

[[noreturn]] void unknown_setting(ConfigScope scope, const std::string& key, const Node& n) {
    for (auto other : {ConfigScope::broker, ConfigScope::topic, ConfigScope::producer, ConfigScope::consumer}) {
        if (other == scope || !is_kafka_name(other, key)) continue;
        std::string msg =
            fmt::format("\"{}\" is a Kafka {} setting, not a {} setting", key, to_string(other), to_string(scope));
        const ConfigSpec* t = scope == ConfigScope::broker ? find_config_spec(ConfigScope::topic, key) : nullptr;
        if (t && !t->synonym.empty()) msg += fmt::format("; the broker-wide default is \"{}\"", t->synonym);
        n.ctx->fail(n.ptr, msg);
    }
    n.ctx->fail(n.ptr,
                fmt::format("not a Kafka {} setting{}", to_string(scope), did_you_mean(key, all_kafka_names(scope))));
}

std::string raw_text(const json& j) {
    return j.is_string() ? j.get<std::string>() : j.dump();
}

}  // namespace

std::vector<std::string> assignor_spellings() {
    std::vector<std::string> out;
    for (const auto& [cls, name] : kAssignorClasses)
        for (const std::string& s : {std::string(name), std::string(cls)}) {
            out.push_back(s);
            out.push_back(kAssignorPackage + s);
        }
    return out;
}

ConfigValue config_value(const ConfigSpec& s, std::string_view text) {
    if (text == "null") return std::monostate{};
    const json j = std::string(text);
    const Ctx ctx{.file = "<kafkasim defaults>"};
    return parse_value(s, Node{&ctx, &j, "/" + std::string(s.name)});
}

KafkaConfig default_config(ConfigScope scope) {
    KafkaConfig cfg(scope);
    for (const auto& s : config_specs(scope)) cfg.set(std::string(s.name), default_value(s), false);
    return cfg;
}

void apply_config_map(KafkaConfig& cfg, const Node& n) {
    const ConfigScope scope = cfg.scope();
    for (const auto& [key, value] : map_entries(n)) {
        if (const ConfigSpec* spec = find_config_spec(scope, key)) {
            cfg.set(key, parse_value(*spec, value), true);
            if (!spec->modelled)
                value.warn(fmt::format("Kafka setting \"{}\" is not modelled by kafkasim; ignored", key));
        } else if (is_kafka_name(scope, key)) {
            cfg.set_unmodelled(key, raw_text(*value.j));
            value.warn(fmt::format("Kafka setting \"{}\" is not modelled by kafkasim; ignored", key));
        } else {
            unknown_setting(scope, key, value);
        }
    }
}

namespace {

// Kafka's chains: log.retention.ms > .minutes > .hours; log.roll.ms > .hours;
// log.flush.interval.ms > log.flush.scheduler.interval.ms.
ConfigValue topic_default_from_broker(const ConfigSpec& s, const KafkaConfig& b) {
    auto first_set = [&](std::string_view k) { return !b.is_null(k); };
    if (s.name == "retention.ms") {
        if (first_set("log.retention.ms")) return b.get_long("log.retention.ms");
        if (first_set("log.retention.minutes")) return std::int64_t{b.get_int("log.retention.minutes")} * 60000;
        return std::int64_t{b.get_int("log.retention.hours")} * 3600000;
    }
    if (s.name == "segment.ms") {
        if (first_set("log.roll.ms")) return b.get_long("log.roll.ms");
        return std::int64_t{b.get_int("log.roll.hours")} * 3600000;
    }
    if (s.name == "flush.ms") {
        if (first_set("log.flush.interval.ms")) return b.get_long("log.flush.interval.ms");
        return b.get_long("log.flush.scheduler.interval.ms");
    }
    return b.value(s.synonym);
}

}  // namespace

KafkaConfig resolve_topic_config(const KafkaConfig& broker, const Node* n) {
    KS_ASSERT(broker.scope() == ConfigScope::broker);
    KafkaConfig cfg = default_config(ConfigScope::topic);
    for (const auto& s : config_specs(ConfigScope::topic)) {
        if (s.synonym.empty()) continue;
        KS_ASSERT_MSG(broker.has(s.synonym), "topic {} defaults from untyped broker {}", s.name, s.synonym);
        cfg.set(std::string(s.name), topic_default_from_broker(s, broker), false);
    }
    if (n) apply_config_map(cfg, *n);
    return cfg;
}

KafkaConfig resolve_topic_config(const KafkaConfig& broker, const KafkaConfig& topic) {
    KS_ASSERT(topic.scope() == ConfigScope::topic);
    KafkaConfig cfg = resolve_topic_config(broker, nullptr);
    for (const std::string& key : topic.user_keys()) cfg.set(key, topic.value(key), true);
    return cfg;
}

}  // namespace ks::scenario
